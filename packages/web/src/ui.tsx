// Small building blocks: polling, dialogs, times, states. Native <dialog> gives focus trapping,
// Escape to close and the modal semantics screen readers know.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

/** Loads `fn` now, again whenever `deps` change, and every `everyMs` while the tab is visible. */
export function usePoll<T>(fn: () => Promise<T>, deps: unknown[], everyMs = 5000) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const seq = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const d = await fnRef.current();
      if (mine === seq.current) {
        setData(d);
        setError(null);
      }
    } catch (e) {
      if (mine === seq.current) setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    setData(null);
    void reload();
    const t = setInterval(() => {
      if (document.visibilityState === "visible") void reload();
    }, everyMs);
    return () => clearInterval(t);
  }, deps);
  return { data, error, reload };
}

export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  id?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = `${props.id ?? "dlg"}-title`;
  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    const close = () => props.onClose();
    d.addEventListener("close", close);
    return () => d.removeEventListener("close", close);
  }, [props.onClose]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} id={props.id}>
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/**
 * A dialog around one form: the fields, an error line, Cancel and the submit button. `onSubmit`
 * gets the form's data and may throw: its message is shown and the dialog stays open. Every
 * dialog that asks for input (new consumer, new key, rotate, policies, mark compromised, jobs) is
 * one of these, and so is `Confirm`.
 */
export function FormDialog(props: {
  title: string;
  id: string;
  submit: string;
  danger?: boolean;
  children: ComponentChildren;
  onSubmit: (f: FormData) => Promise<void>;
  onClose: () => void;
  /** Buttons beside Cancel (e.g. "Back" in a two-step dialog). */
  extra?: ComponentChildren;
  disabled?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const live = useRef(true);
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );
  return (
    <Dialog title={props.title} onClose={props.onClose} id={props.id}>
      <form
        method="dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await props.onSubmit(new FormData(e.currentTarget));
          } catch (err) {
            if (live.current) setError((err as Error).message);
          } finally {
            if (live.current) setBusy(false);
          }
        }}
      >
        {props.children}
        <ErrorNote error={error} />
        <div class="buttons">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          {props.extra}
          <button
            type="submit"
            class={props.danger ? "danger" : "primary"}
            disabled={busy || props.disabled === true}
          >
            {props.submit}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A confirmation that says what will happen; `onConfirm` may throw, its message is shown. */
export function Confirm(props: {
  title: string;
  action: string;
  danger?: boolean;
  children: ComponentChildren;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  return (
    <FormDialog
      title={props.title}
      id="confirm"
      submit={props.action}
      danger={props.danger}
      onClose={props.onClose}
      onSubmit={async () => {
        await props.onConfirm();
        props.onClose();
      }}
    >
      {props.children}
    </FormDialog>
  );
}

/** A secret shown once, and what it is the secret of ("key_…", "v3 of key_…"). */
export interface NewSecret {
  secret: string;
  of: string;
}

/**
 * The form that makes secrets (create a key, rotate, mark compromised), then the secrets shown
 * once: the form's `make` answers them, they live in this component's state only, and when their
 * dialog closes they are dropped and `onDone` runs (the caller unmounts this component).
 */
export function SecretForm(props: {
  title: string;
  id: string;
  submit: string;
  danger?: boolean;
  children: ComponentChildren;
  make: (f: FormData) => Promise<NewSecret[]>;
  onClose: () => void;
  onDone: () => void;
}) {
  const [secrets, setSecrets] = useState<NewSecret[] | null>(null);
  if (secrets)
    return (
      <SecretOnce
        secrets={secrets}
        onClose={() => {
          setSecrets(null);
          props.onDone();
        }}
      />
    );
  return (
    <FormDialog
      title={props.title}
      id={props.id}
      submit={props.submit}
      danger={props.danger}
      onClose={props.onClose}
      onSubmit={async (f) => setSecrets(await props.make(f))}
    >
      {props.children}
    </FormDialog>
  );
}

/** Secrets of new keys or versions, shown once: copy them, then they are gone from the page. */
export function SecretOnce(props: { secrets: NewSecret[]; onClose: () => void }) {
  const [copied, setCopied] = useState<string>("");
  const one = props.secrets.length === 1;
  return (
    <Dialog title="Store this secret now" onClose={props.onClose} id="secret">
      <p>
        This is the only time Keyroll shows the secret of{" "}
        {one ? props.secrets[0]!.of : `each of these ${props.secrets.length} keys`}. Only its hash is stored:
        if it is lost, rotate the key.
      </p>
      {props.secrets.map((s, i) => {
        const label = one ? "Secret" : `Secret of ${s.of}`;
        return (
          <div key={s.of}>
            <label for={`secret-value-${i}`}>{label}</label>
            <div class="secret-row">
              <input
                id={`secret-value-${i}`}
                class="mono"
                readOnly
                value={s.secret}
                autocomplete="off"
                spellcheck={false}
              />
              <button
                type="button"
                class="primary"
                aria-label={one ? "Copy" : `Copy the secret of ${s.of}`}
                onClick={async () => {
                  try {
                    await navigator.clipboard.writeText(s.secret);
                    setCopied(one ? "Copied to the clipboard." : `Copied the secret of ${s.of}.`);
                  } catch {
                    setCopied("Copying was refused: select the secret and copy it by hand.");
                  }
                }}
              >
                Copy
              </button>
            </div>
          </div>
        );
      })}
      <p aria-live="polite" class="muted">
        {copied}
      </p>
      <div class="buttons">
        <button type="button" onClick={props.onClose}>
          I have stored {one ? "it" : "them"}, close
        </button>
      </div>
    </Dialog>
  );
}

const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
/** "in 58 minutes", "3 days ago" */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const s = (Date.parse(iso) - now) / 1000;
  const a = Math.abs(s);
  if (a < 60) return rtf.format(Math.round(s), "second");
  if (a < 3600) return rtf.format(Math.round(s / 60), "minute");
  if (a < 86400 * 2) return rtf.format(Math.round(s / 3600), "hour");
  return rtf.format(Math.round(s / 86400), "day");
}

export function Time(props: { at: string | null | undefined }) {
  if (!props.at) return <span class="muted">—</span>;
  return (
    <time dateTime={props.at} title={new Date(props.at).toLocaleString()}>
      {relative(props.at)}
    </time>
  );
}

export function StateBadge(props: { state: string }) {
  return <span class={`badge state-${props.state}`}>{props.state}</span>;
}

export function ErrorNote(props: { error: string | null }) {
  return props.error ? (
    <p role="alert" class="error">
      {props.error}
    </p>
  ) : null;
}

/** "3 d", "5 h", "12 min": a length of time for tables. */
export function age(seconds: number): string {
  if (seconds >= 86400 * 2) return `${Math.floor(seconds / 86400)} d`;
  if (seconds >= 7200) return `${Math.floor(seconds / 3600)} h`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)} min`;
  return `${Math.max(0, Math.floor(seconds))} s`;
}

/** "" for an empty field, else the field trimmed: `FormData` reads as strings. */
export function field(f: FormData, name: string): string {
  return String(f.get(name) ?? "").trim();
}

export function Loading() {
  return (
    <p class="muted" aria-busy="true">
      Loading…
    </p>
  );
}
