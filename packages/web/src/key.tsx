import { useState } from "preact/hooks";
import { type AuditEntry, api, type Key, keyLabel, ok, type RotateBody, type Version } from "./api.js";
import { UsageChart } from "./chart.js";
import { PolicyPanel } from "./policy.js";
import { Confirm, ErrorNote, field, Loading, relative, SecretForm, StateBadge, Time, usePoll } from "./ui.js";

type Action =
  | { kind: "rotate" }
  | { kind: "rollback" }
  | { kind: "revoke-key" }
  | { kind: "compromise" }
  | { kind: "revoke-version"; version: number }
  | { kind: "cancel-version"; version: number };

const WORKING = new Set(["active", "grace", "scheduled"]);
const DURATION = "^[0-9]+[smhd]?$";

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

  if (!data) return error ? <ErrorNote error={error} /> : <Loading />;
  const { key, usage, rotation } = data;
  const live = key.state === "active";
  const grace = key.versions.find((v) => v.state === "grace");
  const scheduled = key.versions.find((v) => v.state === "scheduled");
  const done = () => void reload();
  const close = () => {
    setAction(null);
    done();
  };

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
            disabled={!live || scheduled !== undefined}
            title={scheduled ? "A rotation is scheduled: cancel it first" : undefined}
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
            onClick={() => setAction({ kind: "compromise" })}
          >
            Mark compromised
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
          <dd class="mono">
            <a href={`#/consumer/${key.consumerId}`}>{key.consumerId}</a>
          </dd>
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
        <div>
          <dt>Successor pickup</dt>
          <dd>{key.allowSuccessorPickup ? "allowed" : "off"}</dd>
        </div>
      </dl>
      {scheduled && (
        <section aria-labelledby="sched-h">
          <h2 id="sched-h">Scheduled rotation</h2>
          <p>
            v{scheduled.version} becomes active{" "}
            <strong>
              <Time at={scheduled.activatesAt} />
            </strong>{" "}
            ({new Date(scheduled.activatesAt).toLocaleString()}); until then the current version stays active
            and v{scheduled.version} is refused (<code>NOT_YET_ACTIVE</code>). Holders of the current secret
            can already fetch it.
          </p>
          {live && (
            <button
              type="button"
              onClick={() => setAction({ kind: "cancel-version", version: scheduled.version })}
            >
              Cancel the scheduled v{scheduled.version}
            </button>
          )}
        </section>
      )}

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

      <PolicyPanel
        level="key"
        own={key.rotationPolicy?.source === "key" ? key.rotationPolicy : null}
        effective={key.rotationPolicy}
        consumerId={key.consumerId}
        nextRotationAt={key.nextRotationAt}
        blocked={key.rotationBlocked}
        canSet={live && !key.scopes.includes("admin")}
        save={async (p) => {
          await (p
            ? ok(api.PUT("/v1/keys/{id}/policy", { params: { path: { id } }, body: p }))
            : ok(api.DELETE("/v1/keys/{id}/policy", { params: { path: { id } } })));
          await reload();
        }}
      />

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
              onCancel={() => setAction({ kind: "cancel-version", version: v.version })}
            />
          ))}
        </ol>
      </section>

      {action?.kind === "rotate" && <RotateDialog keyId={id} onClose={close} />}
      {action?.kind === "compromise" && <CompromiseDialog keyRow={key} onClose={close} />}
      {action?.kind === "cancel-version" && (
        <ReasonConfirm
          title={`Cancel version ${action.version}?`}
          what={`v${action.version} is revoked before it activates; the current version keeps working with no end. A rotation policy counts its interval again from now.`}
          action={`Cancel v${action.version}`}
          onClose={() => setAction(null)}
          onConfirm={async (reason) => {
            await ok(
              api.POST("/v1/keys/{id}/versions/{version}/cancel", {
                params: { path: { id, version: String(action.version) } },
                body: reason ? { reason } : {},
              }),
            );
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
        <ReasonConfirm
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
        <ReasonConfirm
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
    if (e.action === "version.cancelled" && d.version === v.version) out.push(`cancelled${reason}`);
    if (
      e.action === "key.compromised" &&
      Array.isArray(d.revokedVersions) &&
      d.revokedVersions.includes(v.version)
    )
      out.push(`revoked as compromised${reason}`);
    if (e.action === "key.compromised" && d.version === v.version)
      out.push(`replacement for a compromise${reason}`);
    if (e.action === "key.revoked" && v.revokedAt !== null) out.push(`key revoked${reason}`);
  }
  return out;
}

function VersionItem(props: {
  v: Version;
  keyLive: boolean;
  audit: AuditEntry[];
  onRevoke: () => void;
  onCancel: () => void;
}) {
  const { v } = props;
  const now = Date.now();
  const reasons = reasonFor(v, props.audit);
  // the active version is not revoked on its own (VERSION_ACTIVE): rotate, or revoke the key; a
  // scheduled one is cancelled (the current version then keeps working with no end)
  const revocable = props.keyLive && v.state === "grace";
  const cancellable = props.keyLive && v.state === "scheduled";
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
        {cancellable && (
          <button
            type="button"
            class="small"
            onClick={props.onCancel}
            aria-label={`Cancel scheduled version ${v.version}`}
          >
            Cancel
          </button>
        )}
      </div>
      <ul class="events small">
        <li>
          created <Time at={v.createdAt} />
        </li>
        {v.state === "scheduled" ? (
          <li>
            <strong>
              scheduled: activates {new Date(v.activatesAt).toLocaleString()} ({relative(v.activatesAt)})
            </strong>
          </li>
        ) : Date.parse(v.activatesAt) > now ? (
          <li>
            was to activate <Time at={v.activatesAt} />
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

function ReasonConfirm(props: {
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

function RotateDialog(props: { keyId: string; onClose: () => void }) {
  // one idempotency key per dialog: a double submit or a retry after a lost answer gives the same successor
  const [idem] = useState(() => crypto.randomUUID());
  return (
    <SecretForm
      title="Rotate this key"
      id="rotate"
      submit="Rotate"
      onClose={props.onClose}
      onDone={props.onClose}
      make={async (f) => {
        const body: RotateBody = { gracePeriod: field(f, "grace") };
        if (field(f, "activateAt")) body.activateAt = new Date(field(f, "activateAt")).toISOString();
        if (field(f, "reason")) body.reason = field(f, "reason");
        if (field(f, "retireUnused")) body.retireWhenUnusedFor = field(f, "retireUnused");
        if (field(f, "extendMax")) body.extendWhileInUse = { max: field(f, "extendMax") };
        const r = await ok(
          api.POST("/v1/keys/{id}/rotate", {
            params: { path: { id: props.keyId }, header: { "idempotency-key": idem } },
            body,
          }),
        );
        return [{ secret: r.secret, of: `v${r.version} of ${props.keyId}` }];
      }}
    >
      <p>
        A new version is made and shown once. The current one stays valid during the grace period, so clients
        can move without an outage; then it stops working. With an activation time, the new version is
        scheduled: clients can fetch it ahead, and it switches at that instant on every node.
      </p>
      <label for="r-grace">Grace period</label>
      <input
        id="r-grace"
        name="grace"
        required
        defaultValue="1h"
        pattern={DURATION}
        aria-describedby="r-grace-help"
      />
      <p id="r-grace-help" class="muted small">
        e.g. 30m, 2h, 7d
      </p>
      <label for="r-activate">Activate at (optional; now if empty)</label>
      <input id="r-activate" name="activateAt" type="datetime-local" />
      <label for="r-retire">Retire early once unused for (optional)</label>
      <input id="r-retire" name="retireUnused" placeholder="15m" pattern={DURATION} />
      <label for="r-extend">Extend grace while still in use, up to (optional)</label>
      <input id="r-extend" name="extendMax" placeholder="3d" pattern={DURATION} />
      <label for="r-reason">Reason (optional, recorded in the audit log)</label>
      <input id="r-reason" name="reason" maxLength={500} />
    </SecretForm>
  );
}

/** The emergency rotation: the ticked versions revoked now, a replacement active now, shown once. */
function CompromiseDialog(props: { keyRow: Key; onClose: () => void }) {
  const key = props.keyRow;
  const working = key.versions.filter((v) => WORKING.has(v.state));
  return (
    <SecretForm
      title="Mark this key compromised?"
      id="compromise"
      submit="Revoke and replace"
      danger
      onClose={props.onClose}
      onDone={props.onClose}
      make={async (f) => {
        const chosen = f.getAll("version").map(Number);
        if (chosen.length === 0) throw new Error("Tick at least one version whose secret leaked.");
        const grace = field(f, "grace");
        const r = await ok(
          api.POST("/v1/keys/{id}/compromised", {
            params: { path: { id: key.id } },
            body: {
              reason: field(f, "reason"),
              // every working version ticked: the API's default (and what was sealed to them too)
              ...(chosen.length < working.length && { versions: chosen }),
              ...(grace && { gracePeriod: grace }),
            },
          }),
        );
        return [{ secret: r.secret, of: `the replacement v${r.version} of ${keyLabel(key)}` }];
      }}
    >
      <p>
        The versions you tick are <strong>revoked now</strong> on every node, with no grace (and any successor
        sealed to them, since their holders could fetch it). A replacement version becomes active at once and
        its secret is shown here once: hand it to the key's owner yourself. Successor pickup is turned off for
        this key. An alert, a <code>key.compromised</code> notification and an audit entry follow. This cannot
        be undone.
      </p>
      <label for="x-reason">What happened (audited and notified)</label>
      <input id="x-reason" name="reason" required maxLength={500} placeholder="pasted in a public gist" />
      <fieldset>
        <legend>Versions whose secret leaked</legend>
        {working.map((v) => (
          <label key={v.version} class="check">
            <input type="checkbox" name="version" value={String(v.version)} defaultChecked /> v{v.version} (
            {v.state}, <span class="mono">{v.start}…</span>)
          </label>
        ))}
      </fieldset>
      <label for="x-grace">
        An active version you did not tick keeps working for (optional; it ends now if empty, at most 7d)
      </label>
      <input id="x-grace" name="grace" pattern={DURATION} placeholder="1h" />
    </SecretForm>
  );
}

export type { Key };
