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

/** A confirmation that says what will happen; `onConfirm` may throw, its message is shown. */
export function Confirm(props: {
  title: string;
  action: string;
  danger?: boolean;
  children: ComponentChildren;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title={props.title} onClose={props.onClose} id="confirm">
      <form
        method="dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await props.onConfirm();
            props.onClose();
          } catch (err) {
            setError((err as Error).message);
            setBusy(false);
          }
        }}
      >
        {props.children}
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <div class="buttons">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class={props.danger ? "danger" : "primary"} disabled={busy}>
            {props.action}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** The secret of a new key or version, shown once: copy it, then it is gone from the page. */
export function SecretOnce(props: { secret: string; what: string; onClose: () => void }) {
  const [copied, setCopied] = useState<string>("");
  return (
    <Dialog title="Store this secret now" onClose={props.onClose} id="secret">
      <p>
        This is the only time Keyroll shows the secret of {props.what}. Only its hash is stored: if it is
        lost, rotate the key.
      </p>
      <label for="secret-value">Secret</label>
      <div class="secret-row">
        <input
          id="secret-value"
          class="mono"
          readOnly
          value={props.secret}
          autocomplete="off"
          spellcheck={false}
        />
        <button
          type="button"
          class="primary"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(props.secret);
              setCopied("Copied to the clipboard.");
            } catch {
              setCopied("Copying was refused: select the secret and copy it by hand.");
            }
          }}
        >
          Copy
        </button>
      </div>
      <p aria-live="polite" class="muted">
        {copied}
      </p>
      <div class="buttons">
        <button type="button" onClick={props.onClose}>
          I have stored it, close
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

export function Loading() {
  return (
    <p class="muted" aria-busy="true">
      Loading…
    </p>
  );
}
