import { useState } from "preact/hooks";
import { type AuditEntry, api, ok } from "./api.js";
import { ErrorNote, Loading, relative, StateBadge, Time, usePoll } from "./ui.js";

export function RotationsPage() {
  const { data, error } = usePoll(() => ok(api.GET("/v1/rotations")), [], 3000);
  return (
    <>
      <h1>Rotations in progress</h1>
      <p class="muted">
        Every key with a version in grace: how much traffic has moved, and who is still on the old secret.
      </p>
      <ErrorNote error={error} />
      {!data ? (
        <Loading />
      ) : data.data.length === 0 ? (
        <p>No rotation in progress.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <caption class="sr-only">Rotations in progress ({data.data.length})</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">On the new version</th>
                <th scope="col">Requests old / new</th>
                <th scope="col">Clients on the old one</th>
                <th scope="col">Safe to retire</th>
                <th scope="col">Time left</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((r) => {
                const share = r.currentShare === null ? null : Math.round(r.currentShare * 100);
                return (
                  <tr key={r.keyId}>
                    <td data-label="Key">
                      <a href={`#/key/${r.keyId}`} class="mono">
                        {r.keyId}
                      </a>
                      <div class="small muted">
                        v{r.previous.version} → v{r.current.version}, started <Time at={r.startedAt} />
                      </div>
                    </td>
                    <td data-label="On the new version">
                      {share === null ? (
                        <span class="muted">no traffic yet</span>
                      ) : (
                        <>
                          <meter
                            min={0}
                            max={100}
                            value={share}
                            aria-label={`${share}% on v${r.current.version}`}
                          />{" "}
                          {share}%
                        </>
                      )}
                    </td>
                    <td data-label="Requests old / new">
                      {r.previous.requests} / {r.current.requests}
                    </td>
                    <td data-label="Clients on the old one">
                      {r.previous.addresses.length === 0
                        ? "none"
                        : r.previous.addresses.map((a) => (
                            <div key={a.address} class="mono small">
                              {a.address} ({a.count})
                            </div>
                          ))}
                    </td>
                    <td data-label="Safe to retire">
                      {r.safeToRetire ? <strong class="ok">yes</strong> : <span class="warn">not yet</span>}
                    </td>
                    <td data-label="Time left">
                      <time dateTime={r.graceEndsAt}>{relative(r.graceEndsAt)}</time>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p class="muted small">
        Many keys at once: <a href="#/jobs">rotation jobs</a>. Which keys are due:{" "}
        <a href="#/report">the key-age report</a>.
      </p>
    </>
  );
}

export function AlertsPage() {
  const [state, setState] = useState<"open" | "all">("open");
  const { data, error, reload } = usePoll(
    () => ok(api.GET("/v1/alerts", { params: { query: state === "open" ? { state: "open" } : {} } })),
    [state],
    5000,
  );
  const [ackError, setAckError] = useState<string | null>(null);
  return (
    <>
      <h1>Alerts</h1>
      <div class="filters">
        <div>
          <label for="alert-state">Show</label>
          <select id="alert-state" value={state} onChange={(e) => setState(e.currentTarget.value as "open")}>
            <option value="open">Open</option>
            <option value="all">All</option>
          </select>
        </div>
      </div>
      <ErrorNote error={error ?? ackError} />
      {!data ? (
        <Loading />
      ) : data.data.length === 0 ? (
        <p>No alert.</p>
      ) : (
        <ul class="cards">
          {data.data.map((a) => (
            <li key={a.id} class="card">
              <div>
                <strong>{a.kind}</strong> <span class="muted small">×{a.count}</span>
              </div>
              <p>{a.message}</p>
              <div class="small muted">
                {a.keyId && (
                  <>
                    <a href={`#/key/${a.keyId}`}>{a.keyId}</a>
                    {a.version !== null && ` v${a.version}`} ·{" "}
                  </>
                )}
                {a.address && <span class="mono">{a.address} · </span>}
                first <Time at={a.createdAt} />, last <Time at={a.lastSeenAt} />
              </div>
              {a.acknowledgedAt ? (
                <p class="small muted">
                  Acknowledged <Time at={a.acknowledgedAt} />
                  {a.acknowledgedBy && ` by ${a.acknowledgedBy}`}
                </p>
              ) : (
                <button
                  type="button"
                  onClick={async () => {
                    try {
                      await ok(api.POST("/v1/alerts/{id}/ack", { params: { path: { id: a.id } } }));
                      setAckError(null);
                      void reload();
                    } catch (e) {
                      setAckError((e as Error).message);
                    }
                  }}
                >
                  Acknowledge
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function actorOf(e: AuditEntry): string {
  const a = e.actor;
  if (a.type === "system") return `system${a.rule ? ` (${a.rule})` : ""}`;
  return `${a.type === "admin" ? "admin " : ""}${a.keyId}${a.version !== null ? ` v${a.version}` : ""}`;
}

const SINCE = [
  ["1", "Last hour"],
  ["24", "Last 24 hours"],
  ["168", "Last 7 days"],
  ["720", "Last 30 days"],
] as const;

export function AuditPage() {
  const [filter, setFilter] = useState({ action: "", targetId: "", hours: "24" });
  const { data, error } = usePoll(
    async () => {
      // the API reads oldest first: read the window (at most 5 pages of 1000), show its newest 200
      const since = new Date(Date.now() - Number(filter.hours) * 3_600_000).toISOString();
      const query = {
        limit: "1000",
        since,
        ...(filter.action && { action: filter.action }),
        ...(filter.targetId && { targetId: filter.targetId }),
      };
      let out: AuditEntry[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 5; i++) {
        const p = await ok(
          api.GET("/v1/audit", { params: { query: { ...query, ...(cursor && { cursor }) } } }),
        );
        out = [...out, ...p.data].slice(-200);
        if (p.nextCursor === null) break;
        cursor = p.nextCursor;
      }
      return out.reverse();
    },
    [filter],
    10_000,
  );
  return (
    <>
      <h1>Audit log</h1>
      <form
        class="filters"
        aria-label="Filter the audit log"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          setFilter({
            action: String(f.get("action") ?? "").trim(),
            targetId: String(f.get("targetId") ?? "").trim(),
            hours: String(f.get("hours") ?? "24"),
          });
        }}
      >
        <div>
          <label for="a-action">Action</label>
          <input id="a-action" name="action" placeholder="key.rotated" />
        </div>
        <div>
          <label for="a-target">Target id</label>
          <input id="a-target" name="targetId" placeholder="key_…" />
        </div>
        <div>
          <label for="a-since">Period</label>
          <select id="a-since" name="hours">
            {SINCE.map(([v, l]) => (
              <option key={v} value={v} selected={v === "24"}>
                {l}
              </option>
            ))}
          </select>
        </div>
        <div class="end">
          <button type="submit">Filter</button>
        </div>
      </form>
      <p class="muted small">
        The latest 200 entries of the period, newest first. <code>keyroll audit tail</code> and{" "}
        <code>keyroll audit verify</code> read and prove the whole log.
      </p>
      <ErrorNote error={error} />
      {!data ? (
        <Loading />
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Latest audit entries of the period, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">By</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {data.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Time at={e.at} />
                  </td>
                  <td class="mono small">{e.action}</td>
                  <td class="mono small">
                    {e.targetId?.startsWith("key_") ? (
                      <a href={`#/key/${e.targetId}`}>{e.targetId}</a>
                    ) : (
                      (e.targetId ?? "—")
                    )}
                  </td>
                  <td class="small">
                    {actorOf(e)}
                    {e.address && <div class="muted mono">{e.address}</div>}
                  </td>
                  <td class="mono small details">{JSON.stringify(e.diff ?? e.data)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function WebhooksPage() {
  const { data, error } = usePoll(() => ok(api.GET("/v1/webhooks")), [], 10_000);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <>
      <h1>Webhooks</h1>
      <p class="muted">
        Endpoints and their deliveries (Standard Webhooks). Create endpoints with the API or the CLI.
      </p>
      <ErrorNote error={error} />
      {!data ? (
        <Loading />
      ) : data.data.length === 0 ? (
        <p>No webhook endpoint.</p>
      ) : (
        <ul class="cards">
          {data.data.map((w) => (
            <li key={w.id} class="card">
              <div>
                <strong class="mono">{w.url}</strong> <StateBadge state={w.enabled ? "active" : "disabled"} />
              </div>
              <div class="small muted">
                {w.id} · events: {w.events.join(", ") || "all"}
              </div>
              <button
                type="button"
                aria-expanded={selected === w.id}
                onClick={() => setSelected(selected === w.id ? null : w.id)}
              >
                {selected === w.id ? "Hide deliveries" : "Show deliveries"}
              </button>
              {selected === w.id && <Deliveries id={w.id} />}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Deliveries(props: { id: string }) {
  const id = props.id;
  const { data, error, reload } = usePoll(
    () => ok(api.GET("/v1/webhooks/{id}/deliveries", { params: { path: { id }, query: { limit: "50" } } })),
    [id],
    5000,
  );
  if (!data) return error ? <ErrorNote error={error} /> : <Loading />;
  if (data.data.length === 0) return <p class="muted">No delivery yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">Deliveries of {id}</caption>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Last answer</th>
            <th scope="col">When</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data.data.map((d) => (
            <tr key={d.id}>
              <td class="mono small">{d.eventType}</td>
              <td>
                <StateBadge state={d.status} />
              </td>
              <td>{d.attempts}</td>
              <td class="small">{d.lastResponseStatus ?? d.lastError ?? "—"}</td>
              <td>
                <Time at={d.deliveredAt ?? d.lastAttemptAt ?? d.createdAt} />
              </td>
              <td>
                {d.status === "failed" && (
                  <button
                    type="button"
                    class="small"
                    onClick={async () => {
                      await ok(
                        api.POST("/v1/webhooks/{id}/deliveries/{deliveryId}/retry", {
                          params: { path: { id, deliveryId: d.id } },
                        }),
                      ).catch(() => undefined);
                      void reload();
                    }}
                  >
                    Retry
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
