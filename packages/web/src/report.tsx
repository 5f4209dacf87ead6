// `#/report`: the key-age report (GET /v1/reports/key-age): secrets past their policy's age,
// versions in grace, keys without a policy, keys never rotated, the oldest secret per consumer.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { all, api, type Consumer, type KeyAgeReport, ok } from "./api.js";
import { age, ErrorNote, Loading, Time, usePoll } from "./ui.js";

type AgeRow = KeyAgeReport["pastPolicyAge"][number];

/** Entries a section shows at most (the report's `limit`); `counts` still tells the full length. */
const SHOWN = 500;

const SOURCE = { key: "key's own", consumer: "consumer's", default: "global default" } as const;

export function ReportPage() {
  const [consumerId, setConsumerId] = useState("");
  const { data, error } = usePoll(
    async () => {
      const [report, consumers] = await Promise.all([
        ok(
          api.GET("/v1/reports/key-age", {
            params: { query: consumerId ? { consumerId, limit: String(SHOWN) } : { limit: String(SHOWN) } },
          }),
        ),
        all((cursor) => ok(api.GET("/v1/consumers", { params: { query: { limit: "200", cursor } } }))),
      ]);
      return { report, consumers };
    },
    [consumerId],
    30_000,
  );
  const consumers = new Map((data?.consumers ?? []).map((c) => [c.id, c]));
  const r = data?.report;
  return (
    <>
      <h1>Key-age report</h1>
      <p class="muted">
        Every live key (not revoked, not expired) against its rotation policy: evidence for SOC 2 and PCI DSS.{" "}
        <code>keyroll report key-age --format csv</code> gives the same as one table.
      </p>
      <form class="filters" aria-label="Filter the report" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label for="rep-consumer">Consumer</label>
          <select id="rep-consumer" value={consumerId} onChange={(e) => setConsumerId(e.currentTarget.value)}>
            <option value="">All consumers</option>
            {(data?.consumers ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      </form>
      <ErrorNote error={error} />
      {!r ? (
        <Loading />
      ) : (
        <>
          <p>
            {r.keys} live key{r.keys === 1 ? "" : "s"}, generated <Time at={r.generatedAt} />:{" "}
            <strong class={r.counts.pastPolicyAge > 0 ? "warn" : "ok"}>
              {r.counts.pastPolicyAge} past their policy's age
            </strong>
            , {r.counts.inGrace} version{r.counts.inGrace === 1 ? "" : "s"} in grace, {r.counts.withoutPolicy}{" "}
            without a policy, {r.counts.neverRotated} never rotated.
          </p>
          <Section
            id="past"
            title="Past their policy's age"
            rows={r.pastPolicyAge}
            count={r.counts.pastPolicyAge}
          >
            <AgeTable rows={r.pastPolicyAge} consumers={consumers} caption="Past their policy's age" />
          </Section>
          <Section id="grace" title="Versions in grace" rows={r.inGrace} count={r.counts.inGrace}>
            <div class="table-wrap">
              <table class="stack">
                <caption class="sr-only">Versions in grace, soonest end first</caption>
                <thead>
                  <tr>
                    <th scope="col">Key</th>
                    <th scope="col">Consumer</th>
                    <th scope="col">Version</th>
                    <th scope="col">In grace since</th>
                    <th scope="col">Stops working</th>
                    <th scope="col">Last used</th>
                  </tr>
                </thead>
                <tbody>
                  {r.inGrace.map((g) => (
                    <tr key={`${g.keyId}-${g.version}`}>
                      <td data-label="Key">
                        <KeyLink id={g.keyId} name={g.name} />
                      </td>
                      <td data-label="Consumer">
                        <ConsumerLink id={g.consumerId} consumers={consumers} />
                      </td>
                      <td data-label="Version">v{g.version}</td>
                      <td data-label="In grace since">
                        <Time at={g.graceStartedAt} />
                      </td>
                      <td data-label="Stops working">
                        <Time at={g.expiresAt} />
                      </td>
                      <td data-label="Last used">
                        <Time at={g.lastUsedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Section>
          <Section
            id="nopolicy"
            title="Without a policy"
            rows={r.withoutPolicy}
            count={r.counts.withoutPolicy}
          >
            <AgeTable
              rows={r.withoutPolicy}
              consumers={consumers}
              caption="Keys no rotation policy applies to"
            />
          </Section>
          <Section id="never" title="Never rotated" rows={r.neverRotated} count={r.counts.neverRotated}>
            <AgeTable
              rows={r.neverRotated}
              consumers={consumers}
              caption="Keys still on their first secret"
            />
          </Section>
          <Section
            id="oldest"
            title="Oldest secret per consumer"
            rows={r.oldestPerConsumer}
            count={r.counts.oldestPerConsumer}
          >
            <AgeTable
              rows={r.oldestPerConsumer}
              consumers={consumers}
              caption="Per consumer, its oldest active secret"
            />
          </Section>
        </>
      )}
    </>
  );
}

function Section(props: {
  id: string;
  title: string;
  rows: unknown[];
  count: number;
  children: ComponentChildren;
}) {
  const hid = `rep-${props.id}-h`;
  return (
    <section aria-labelledby={hid} data-section={props.id}>
      <h2 id={hid}>
        {props.title} ({props.count})
      </h2>
      {props.rows.length === 0 ? <p class="muted">None.</p> : props.children}
      {props.count > props.rows.length && (
        <p class="muted" data-cut>
          The first {props.rows.length} of {props.count}, in this list's order;{" "}
          <code>keyroll report key-age --limit 10000</code> lists up to 10 000.
        </p>
      )}
    </section>
  );
}

function KeyLink(props: { id: string; name: string | null }) {
  return (
    <>
      <a href={`#/key/${props.id}`}>{props.name ?? props.id}</a>
      {props.name && <div class="muted mono small">{props.id}</div>}
    </>
  );
}

function ConsumerLink(props: { id: string; consumers: Map<string, Consumer> }) {
  return <a href={`#/consumer/${props.id}`}>{props.consumers.get(props.id)?.name ?? props.id}</a>;
}

function AgeTable(props: { rows: AgeRow[]; consumers: Map<string, Consumer>; caption: string }) {
  return (
    <div class="table-wrap">
      <table class="stack">
        <caption class="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Consumer</th>
            <th scope="col">Active version</th>
            <th scope="col">Age of its secret</th>
            <th scope="col">Policy</th>
            <th scope="col">Next rotation</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((a) => (
            <tr key={a.keyId}>
              <td data-label="Key">
                <KeyLink id={a.keyId} name={a.name} />
                {a.admin && <span class="badge">admin</span>}
              </td>
              <td data-label="Consumer">
                <ConsumerLink id={a.consumerId} consumers={props.consumers} />
              </td>
              <td data-label="Active version">v{a.version}</td>
              <td data-label="Age of its secret">
                {age(a.ageSeconds)}
                <div class="small muted">
                  since <Time at={a.activeSince} />
                </div>
              </td>
              <td data-label="Policy">
                {a.policy ? `every ${a.policy.interval} (${SOURCE[a.policy.source]})` : "none"}
              </td>
              <td data-label="Next rotation">
                <Time at={a.nextRotationAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
