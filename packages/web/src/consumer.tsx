// `#/consumer/con_…`: one consumer, its keys, its rotation policy (the default of its keys) and
// the emergency rotation of all its keys at once (POST /v1/consumers/:id/compromised).
import { useState } from "preact/hooks";
import { all, api, keyLabel, ok } from "./api.js";
import { PolicyPanel } from "./policy.js";
import { ErrorNote, field, Loading, SecretForm, StateBadge, Time, usePoll } from "./ui.js";

export function ConsumerPage(props: { id: string }) {
  const id = props.id;
  const { data, error, reload } = usePoll(
    async () => {
      const [consumer, keys, policy] = await Promise.all([
        ok(api.GET("/v1/consumers/{id}", { params: { path: { id } } })),
        all((cursor) =>
          ok(api.GET("/v1/keys", { params: { query: { consumerId: id, limit: "200", cursor } } })),
        ),
        ok(api.GET("/v1/consumers/{id}/policy", { params: { path: { id } } })),
      ]);
      return { consumer, keys, policy };
    },
    [id],
    5000,
  );
  const [compromise, setCompromise] = useState(false);
  if (!data) return error ? <ErrorNote error={error} /> : <Loading />;
  const { consumer, keys, policy } = data;
  const live = keys.filter((k) => k.state === "active");
  const admin = keys.some((k) => k.scopes.includes("admin"));
  return (
    <>
      <p>
        <a href="#/keys">← All keys</a>
      </p>
      <div class="page-head">
        <h1>
          {consumer.name} <span class="mono small muted">{consumer.id}</span>
        </h1>
        <div class="buttons">
          <button
            type="button"
            class="danger"
            disabled={live.length === 0}
            onClick={() => setCompromise(true)}
          >
            Mark consumer compromised
          </button>
        </div>
      </div>
      <ErrorNote error={error} />
      <dl class="facts">
        <div>
          <dt>External id</dt>
          <dd>{consumer.externalId ?? "—"}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>
            <Time at={consumer.createdAt} />
          </dd>
        </div>
        <div>
          <dt>Contacts</dt>
          <dd>{consumer.contacts.map((c) => c.email).join(", ") || "—"}</dd>
        </div>
        <div>
          <dt>Live keys</dt>
          <dd>{live.length}</dd>
        </div>
      </dl>

      <section aria-labelledby="ckeys-h">
        <h2 id="ckeys-h">Keys</h2>
        {keys.length === 0 ? (
          <p class="muted">No key yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="stack">
              <caption class="sr-only">Keys of {consumer.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">State</th>
                  <th scope="col">Versions</th>
                  <th scope="col">Current secret since</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id}>
                    <td data-label="Key">
                      <a href={`#/key/${k.id}`}>{k.name ?? k.id}</a>
                      {k.name && <div class="muted mono small">{k.id}</div>}
                    </td>
                    <td data-label="State">
                      <StateBadge state={k.state} />
                    </td>
                    <td data-label="Versions">
                      {k.versions.map((v) => (
                        <span key={v.version} class={`pill state-${v.state}`} title={v.state}>
                          v{v.version}
                        </span>
                      ))}
                    </td>
                    <td data-label="Current secret since">
                      <Time at={k.versions.find((v) => v.state === "active")?.activatesAt ?? null} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <PolicyPanel
        level="consumer"
        own={policy.policy}
        effective={policy.effective}
        canSet={!admin}
        save={async (p) => {
          await (p
            ? ok(api.PUT("/v1/consumers/{id}/policy", { params: { path: { id } }, body: p }))
            : ok(api.DELETE("/v1/consumers/{id}/policy", { params: { path: { id } } })));
          await reload();
        }}
      />

      {compromise && (
        <SecretForm
          title="Mark this consumer compromised?"
          id="compromise-consumer"
          submit={`Revoke and replace ${live.length} key${live.length === 1 ? "" : "s"}`}
          danger
          onClose={() => {
            setCompromise(false);
            void reload();
          }}
          onDone={() => {
            setCompromise(false);
            void reload();
          }}
          make={async (f) => {
            // no gracePeriod: every working version is exposed here, and it only spares unexposed ones
            const r = await ok(
              api.POST("/v1/consumers/{id}/compromised", {
                params: { path: { id } },
                body: { reason: field(f, "reason") },
              }),
            );
            return r.keys.map((k) => ({ secret: k.secret, of: `v${k.version} of ${keyLabel(k.key)}` }));
          }}
        >
          <p>
            Every working version of each of its {live.length} live key{live.length === 1 ? "" : "s"} is{" "}
            <strong>revoked now</strong> on every node, in one transaction, and each key gets a replacement
            version, active at once. The replacements' secrets are shown here once: hand them to{" "}
            {consumer.name} yourself. Successor pickup is turned off for these keys. This cannot be undone.
          </p>
          <label for="cx-reason">What happened (audited and notified)</label>
          <input id="cx-reason" name="reason" required maxLength={500} placeholder="laptop stolen" />
        </SecretForm>
      )}
    </>
  );
}
