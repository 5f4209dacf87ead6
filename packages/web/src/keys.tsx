import { useRef, useState } from "preact/hooks";
import { all, api, type Consumer, type KeyListItem, ok } from "./api.js";
import { ErrorNote, FormDialog, field, Loading, SecretForm, StateBadge, Time, usePoll } from "./ui.js";

const DAY = 86_400_000;

function inRotation(k: KeyListItem): boolean {
  return k.versions.some((v) => v.state === "grace" || v.state === "scheduled");
}

function ageOf(k: KeyListItem, now: number): number {
  const active = k.versions.find((v) => v.state === "active");
  return now - Date.parse(active?.activatesAt ?? k.createdAt);
}

export function KeysPage() {
  const { data, error, reload } = usePoll(
    async () => {
      const [consumers, keys] = await Promise.all([
        all((cursor) => ok(api.GET("/v1/consumers", { params: { query: { limit: "200", cursor } } }))),
        all((cursor) => ok(api.GET("/v1/keys", { params: { query: { limit: "200", cursor } } }))),
      ]);
      return { consumers, keys };
    },
    [],
    10_000,
  );
  const [q, setQ] = useState("");
  const [state, setState] = useState("all");
  const [age, setAge] = useState("0");
  const [dialog, setDialog] = useState<null | "consumer" | "key">(null);

  const consumers = new Map((data?.consumers ?? []).map((c) => [c.id, c]));
  const now = Date.now();
  const needle = q.trim().toLowerCase();
  const keys = (data?.keys ?? []).filter((k) => {
    if (state === "rotating" ? !inRotation(k) : state !== "all" && k.state !== state) return false;
    if (Number(age) > 0 && ageOf(k, now) < Number(age) * DAY) return false;
    if (needle === "") return true;
    const c = consumers.get(k.consumerId);
    return [k.id, k.name ?? "", k.consumerId, c?.name ?? "", c?.externalId ?? "", ...k.scopes].some((s) =>
      s.toLowerCase().includes(needle),
    );
  });

  return (
    <>
      <div class="page-head">
        <h1>Consumers &amp; keys</h1>
        <div class="buttons">
          <button type="button" onClick={() => setDialog("consumer")}>
            New consumer
          </button>
          <button type="button" class="primary" onClick={() => setDialog("key")} disabled={!data}>
            New key
          </button>
        </div>
      </div>
      <ErrorNote error={error} />
      <form class="filters" aria-label="Filter keys" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label for="q">Search</label>
          <input
            id="q"
            type="search"
            placeholder="key, consumer, scope…"
            value={q}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
        </div>
        <div>
          <label for="state">State</label>
          <select id="state" value={state} onChange={(e) => setState(e.currentTarget.value)}>
            <option value="all">All</option>
            <option value="active">Active</option>
            <option value="rotating">In rotation</option>
            <option value="revoked">Revoked</option>
          </select>
        </div>
        <div>
          <label for="age">Current secret older than</label>
          <select id="age" value={age} onChange={(e) => setAge(e.currentTarget.value)}>
            <option value="0">Any age</option>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
            <option value="180">180 days</option>
            <option value="365">1 year</option>
          </select>
        </div>
      </form>
      {!data ? (
        <Loading />
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <caption class="sr-only">Keys ({keys.length} shown)</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Consumer</th>
                <th scope="col">State</th>
                <th scope="col">Versions</th>
                <th scope="col">Scopes</th>
                <th scope="col">Current secret since</th>
                <th scope="col">Last used</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => {
                const active = k.versions.find((v) => v.state === "active");
                const last = k.versions
                  .map((v) => v.lastUsedAt)
                  .filter((x): x is string => x !== null)
                  .sort()
                  .at(-1);
                return (
                  <tr key={k.id}>
                    <td data-label="Key">
                      <a href={`#/key/${k.id}`}>{k.name ?? k.id}</a>
                      {k.name && <div class="muted mono small">{k.id}</div>}
                    </td>
                    <td data-label="Consumer">
                      <a href={`#/consumer/${k.consumerId}`}>
                        {consumers.get(k.consumerId)?.name ?? k.consumerId}
                      </a>
                    </td>
                    <td data-label="State">
                      <StateBadge state={k.state} />
                      {inRotation(k) && <span class="badge state-grace">rotating</span>}
                    </td>
                    <td data-label="Versions">
                      {k.versions.map((v) => (
                        <span key={v.version} class={`pill state-${v.state}`} title={v.state}>
                          v{v.version}
                        </span>
                      ))}
                    </td>
                    <td data-label="Scopes" class="small">
                      {k.scopes.join(" ") || "—"}
                    </td>
                    <td data-label="Current secret since">
                      <Time at={active?.activatesAt ?? null} />
                    </td>
                    <td data-label="Last used">
                      <Time at={last ?? null} />
                    </td>
                  </tr>
                );
              })}
              {keys.length === 0 && (
                <tr>
                  <td colSpan={7} class="muted">
                    No key matches.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      {data && (
        <details class="consumers">
          <summary>Consumers ({data.consumers.length})</summary>
          <ul>
            {data.consumers.map((c) => (
              <li key={c.id}>
                <a href={`#/consumer/${c.id}`}>
                  <strong>{c.name}</strong>
                </a>{" "}
                <span class="mono small muted">{c.id}</span>
                {c.externalId && <span class="small muted"> · {c.externalId}</span>}
              </li>
            ))}
          </ul>
        </details>
      )}
      {dialog === "consumer" && (
        <NewConsumer
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            void reload();
          }}
        />
      )}
      {dialog === "key" && data && (
        <NewKey
          consumers={data.consumers}
          onClose={() => {
            setDialog(null);
            void reload();
          }}
          onDone={(keyId) => {
            setDialog(null);
            location.hash = `#/key/${keyId}`;
          }}
        />
      )}
    </>
  );
}

function NewConsumer(props: { onClose: () => void; onDone: () => void }) {
  return (
    <FormDialog
      title="New consumer"
      id="new-consumer"
      submit="Create consumer"
      onClose={props.onClose}
      onSubmit={async (f) => {
        const externalId = field(f, "externalId");
        await ok(
          api.POST("/v1/consumers", { body: { name: field(f, "name"), ...(externalId && { externalId }) } }),
        );
        props.onDone();
      }}
    >
      <p class="muted">A client of your API (an app, a partner, a bot). Its keys are made next.</p>
      <label for="c-name">Name</label>
      <input id="c-name" name="name" required maxLength={200} />
      <label for="c-ext">External id (optional)</label>
      <input id="c-ext" name="externalId" maxLength={200} />
    </FormDialog>
  );
}

/** Creates a key, shows its secret once, then opens its page. */
function NewKey(props: { consumers: Consumer[]; onClose: () => void; onDone: (keyId: string) => void }) {
  const made = useRef("");
  return (
    <SecretForm
      title="New key"
      id="new-key"
      submit="Create key"
      onClose={props.onClose}
      onDone={() => props.onDone(made.current)}
      make={async (f) => {
        const name = field(f, "name");
        const scopes = field(f, "scopes")
          .split(/[\s,]+/)
          .filter(Boolean);
        const r = await ok(
          api.POST("/v1/keys", {
            body: { consumerId: field(f, "consumerId"), ...(name && { name }), scopes },
          }),
        );
        made.current = r.key.id;
        return [{ secret: r.secret, of: `key ${r.key.id}` }];
      }}
    >
      <p class="muted">
        Creates version 1 and shows its secret once. The key's id stays the same across rotations.
      </p>
      <label for="k-consumer">Consumer</label>
      <select id="k-consumer" name="consumerId" required>
        {props.consumers.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} ({c.id})
          </option>
        ))}
      </select>
      <label for="k-name">Name (optional)</label>
      <input id="k-name" name="name" maxLength={200} />
      <label for="k-scopes">Scopes (space separated, optional)</label>
      <input id="k-scopes" name="scopes" placeholder="orders:read orders:write" />
    </SecretForm>
  );
}
