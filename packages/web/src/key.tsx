import { useState } from "preact/hooks";
import { type AuditEntry, api, type Key, ok, type RotateBody, type Version } from "./api.js";
import { UsageChart } from "./chart.js";
import {
  Confirm,
  Dialog,
  ErrorNote,
  Loading,
  relative,
  SecretOnce,
  StateBadge,
  Time,
  usePoll,
} from "./ui.js";

type Action =
  | { kind: "rotate" }
  | { kind: "rollback" }
  | { kind: "revoke-key" }
  | { kind: "revoke-version"; version: number };

export function KeyPage(props: { id: string }) {
  const id = props.id;
  const { data, error, reload } = usePoll(
    async () => {
      const [key, usage, rotations, audit] = await Promise.all([
        ok(api.GET("/v1/keys/{id}", { params: { path: { id } } })),
        ok(api.GET("/v1/keys/{id}/usage", { params: { path: { id }, query: { granularity: "minute" } } })),
        ok(api.GET("/v1/rotations")),
        ok(api.GET("/v1/audit", { params: { query: { targetId: id, limit: "200" } } })).catch(() => null),
      ]);
      return { key, usage, rotation: rotations.data.find((r) => r.keyId === id) ?? null, audit };
    },
    [id],
    3000,
  );
  const [action, setAction] = useState<Action | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  if (!data) return error ? <ErrorNote error={error} /> : <Loading />;
  const { key, usage, rotation } = data;
  const live = key.state === "active";
  const grace = key.versions.find((v) => v.state === "grace");
  const done = () => void reload();

  return (
    <>
      <p>
        <a href="#/keys">← All keys</a>
      </p>
      <div class="page-head">
        <h1>
          {key.name ?? "Key"} <span class="mono small muted">{key.id}</span>
        </h1>
        <div class="buttons">
          <button
            type="button"
            class="primary"
            disabled={!live}
            onClick={() => setAction({ kind: "rotate" })}
          >
            Rotate
          </button>
          <button type="button" disabled={!live || !grace} onClick={() => setAction({ kind: "rollback" })}>
            Roll back
          </button>
          <button
            type="button"
            class="danger"
            disabled={!live}
            onClick={() => setAction({ kind: "revoke-key" })}
          >
            Revoke key
          </button>
        </div>
      </div>
      <ErrorNote error={error} />
      <dl class="facts">
        <div>
          <dt>State</dt>
          <dd>
            <StateBadge state={key.state} />
          </dd>
        </div>
        <div>
          <dt>Consumer</dt>
          <dd class="mono">{key.consumerId}</dd>
        </div>
        <div>
          <dt>Scopes</dt>
          <dd>{key.scopes.join(" ") || "—"}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <Time at={key.createdAt} />
          </dd>
        </div>
        <div>
          <dt>Expires</dt>
          <dd>{key.expiresAt ? <Time at={key.expiresAt} /> : "never"}</dd>
        </div>
      </dl>
      <p class="muted small" id="compromised-note">
        Mark compromised (emergency rotation of a leaked key) is not offered: this server has no{" "}
        <code>POST /v1/keys/:id/compromised</code> yet. Until then, rotate with a short grace or revoke.
      </p>

      <section aria-labelledby="usage-h">
        <h2 id="usage-h">Traffic per version</h2>
        <UsageChart usage={usage} label={`Requests per minute of ${key.id}`} />
      </section>

      {rotation && (
        <section aria-labelledby="rot-h">
          <h2 id="rot-h">Rotation in progress</h2>
          <p>
            v{rotation.current.version} carries{" "}
            <strong>
              {rotation.currentShare === null
                ? "no traffic yet"
                : `${Math.round(rotation.currentShare * 100)}%`}
            </strong>{" "}
            of the traffic; v{rotation.previous.version} stops working <Time at={rotation.graceEndsAt} />.{" "}
            {rotation.safeToRetire ? (
              <strong class="ok">Safe to retire: the previous version is no longer used.</strong>
            ) : (
              <strong class="warn">Not safe to retire yet: the previous version is still in use.</strong>
            )}
          </p>
          <h3>Clients still on v{rotation.previous.version}</h3>
          {rotation.previous.addresses.length === 0 ? (
            <p class="muted">None seen.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Address</th>
                    <th scope="col">Requests</th>
                    <th scope="col">Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {rotation.previous.addresses.map((a) => (
                    <tr key={a.address}>
                      <td class="mono">{a.address}</td>
                      <td>{a.count}</td>
                      <td>
                        <Time at={a.lastSeenAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {rotation.previous.pickups.count > 0 && (
            <p class="muted">
              {rotation.previous.pickups.count} successor pickup(s) by holders of v{rotation.previous.version}
              .
            </p>
          )}
        </section>
      )}

      <section aria-labelledby="tl-h">
        <h2 id="tl-h">Versions</h2>
        <ol class="timeline">
          {[...key.versions].reverse().map((v) => (
            <VersionItem
              key={v.version}
              v={v}
              keyLive={live}
              audit={data.audit?.data ?? []}
              onRevoke={() => setAction({ kind: "revoke-version", version: v.version })}
            />
          ))}
        </ol>
      </section>

      {action?.kind === "rotate" && (
        <RotateDialog
          keyId={id}
          onClose={() => setAction(null)}
          onDone={(s) => {
            setAction(null);
            setSecret(s);
            done();
          }}
        />
      )}
      {action?.kind === "rollback" && grace && (
        <Confirm
          title="Roll back this rotation?"
          action={`Roll back to v${grace.version}`}
          onClose={() => setAction(null)}
          onConfirm={async () => {
            await ok(api.POST("/v1/keys/{id}/rollback", { params: { path: { id } } }));
            done();
          }}
        >
          <p>
            v{grace.version} becomes the active version again, and the newer version is revoked: clients that
            already moved to it are refused from now on.
          </p>
        </Confirm>
      )}
      {action?.kind === "revoke-key" && (
        <RevokeConfirm
          title="Revoke the whole key?"
          what={`Every version of ${key.id} is refused from now on, everywhere. This cannot be undone.`}
          action="Revoke key"
          onClose={() => setAction(null)}
          onConfirm={async (reason) => {
            await ok(
              api.POST("/v1/keys/{id}/revoke", { params: { path: { id } }, body: reason ? { reason } : {} }),
            );
            done();
          }}
        />
      )}
      {action?.kind === "revoke-version" && (
        <RevokeConfirm
          title={`Revoke version ${action.version}?`}
          what={`Requests with the secret of v${action.version} are refused from now on. This cannot be undone.`}
          action={`Revoke v${action.version}`}
          onClose={() => setAction(null)}
          onConfirm={async (reason) => {
            await ok(
              api.POST("/v1/keys/{id}/versions/{version}/revoke", {
                params: { path: { id, version: String(action.version) } },
                body: reason ? { reason } : {},
              }),
            );
            done();
          }}
        />
      )}
      {secret && (
        <SecretOnce secret={secret} what={`the new version of ${key.id}`} onClose={() => setSecret(null)} />
      )}
    </>
  );
}

function reasonFor(v: Version, audit: AuditEntry[]): string[] {
  const out: string[] = [];
  for (const e of audit) {
    const d = e.data as Record<string, unknown>;
    const reason = typeof d.reason === "string" && d.reason !== "" ? `: ${d.reason}` : "";
    if (e.action === "key.rotated" && d.version === v.version) out.push(`rotated in${reason}`);
    if (
      (e.action === "version.revoked" || e.action === "version.retired" || e.action === "version.extended") &&
      d.version === v.version
    )
      out.push(`${e.action.split(".")[1]}${reason}`);
    if (e.action === "key.rolled_back" && Array.isArray(d.revoked) && d.revoked.includes(v.version))
      out.push("revoked by a rollback");
    if (e.action === "key.revoked" && v.revokedAt !== null) out.push(`key revoked${reason}`);
  }
  return out;
}

function VersionItem(props: { v: Version; keyLive: boolean; audit: AuditEntry[]; onRevoke: () => void }) {
  const { v } = props;
  const now = Date.now();
  const reasons = reasonFor(v, props.audit);
  // the active version is not revoked on its own (VERSION_ACTIVE): rotate, or revoke the key
  const revocable = props.keyLive && (v.state === "grace" || v.state === "scheduled");
  return (
    <li class={`version state-${v.state}`} aria-label={`Version ${v.version}, ${v.state}`}>
      <div class="version-head">
        <strong>v{v.version}</strong> <StateBadge state={v.state} />{" "}
        <span class="mono small muted">{v.start}…</span>
        {v.imported && <span class="badge">imported</span>}
        {revocable && (
          <button
            type="button"
            class="small danger"
            onClick={props.onRevoke}
            aria-label={`Revoke version ${v.version}`}
          >
            Revoke
          </button>
        )}
      </div>
      <ul class="events small">
        <li>
          created <Time at={v.createdAt} />
        </li>
        {Date.parse(v.activatesAt) > now ? (
          <li>
            scheduled to activate <Time at={v.activatesAt} />
          </li>
        ) : (
          <li>
            active since <Time at={v.activatesAt} />
          </li>
        )}
        {v.state === "grace" && v.expiresAt && (
          <li>
            <strong>in grace until {new Date(v.expiresAt).toLocaleString()}</strong> ({relative(v.expiresAt)})
          </li>
        )}
        {v.state === "expired" && v.expiresAt && (
          <li>
            retired <Time at={v.expiresAt} />
          </li>
        )}
        {v.revokedAt && (
          <li>
            revoked <Time at={v.revokedAt} />
          </li>
        )}
        <li>
          last used <Time at={v.lastUsedAt} />
        </li>
        {reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </li>
  );
}

function RevokeConfirm(props: {
  title: string;
  what: string;
  action: string;
  onClose: () => void;
  onConfirm: (reason: string) => Promise<void>;
}) {
  const [reason, setReason] = useState("");
  return (
    <Confirm
      title={props.title}
      action={props.action}
      danger
      onClose={props.onClose}
      onConfirm={() => props.onConfirm(reason.trim())}
    >
      <p>{props.what}</p>
      <label for="revoke-reason">Reason (recorded in the audit log)</label>
      <input
        id="revoke-reason"
        maxLength={500}
        value={reason}
        onInput={(e) => setReason(e.currentTarget.value)}
      />
    </Confirm>
  );
}

function RotateDialog(props: { keyId: string; onClose: () => void; onDone: (secret: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // one idempotency key per dialog: a double submit or a retry after a lost answer gives the same successor
  const [idem] = useState(() => crypto.randomUUID());
  return (
    <Dialog title="Rotate this key" onClose={props.onClose} id="rotate">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const s = (n: string) => String(f.get(n) ?? "").trim();
          const body: RotateBody = { gracePeriod: s("grace") };
          if (s("activateAt")) body.activateAt = new Date(s("activateAt")).toISOString();
          if (s("reason")) body.reason = s("reason");
          if (s("retireUnused")) body.retireWhenUnusedFor = s("retireUnused");
          if (s("extendMax")) body.extendWhileInUse = { max: s("extendMax") };
          setBusy(true);
          setError(null);
          try {
            const r = await ok(
              api.POST("/v1/keys/{id}/rotate", {
                params: { path: { id: props.keyId }, header: { "idempotency-key": idem } },
                body,
              }),
            );
            props.onDone(r.secret);
          } catch (err) {
            setError((err as Error).message);
            setBusy(false);
          }
        }}
      >
        <p>
          A new version is made and shown once. The current one stays valid during the grace period, so
          clients can move without an outage; then it stops working.
        </p>
        <label for="r-grace">Grace period</label>
        <input
          id="r-grace"
          name="grace"
          required
          value="1h"
          pattern="^([0-9]+[smhd]?)$"
          aria-describedby="r-grace-help"
        />
        <p id="r-grace-help" class="muted small">
          e.g. 30m, 2h, 7d
        </p>
        <label for="r-activate">Activate at (optional; now if empty)</label>
        <input id="r-activate" name="activateAt" type="datetime-local" />
        <label for="r-retire">Retire early once unused for (optional)</label>
        <input id="r-retire" name="retireUnused" placeholder="15m" pattern="^([0-9]+[smhd]?)$" />
        <label for="r-extend">Extend grace while still in use, up to (optional)</label>
        <input id="r-extend" name="extendMax" placeholder="3d" pattern="^([0-9]+[smhd]?)$" />
        <label for="r-reason">Reason (optional, recorded in the audit log)</label>
        <input id="r-reason" name="reason" maxLength={500} />
        <ErrorNote error={error} />
        <div class="buttons">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Rotate
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export type { Key };
