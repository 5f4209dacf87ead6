// Nothing in the outbox is lost when the leader of three nodes on PostgreSQL is SIGKILLed while
// its deliveries hang: the next leader delivers every event. Real `keyroll serve` processes and a
// throwaway PostgreSQL (test/pg.ts); needs `npm run build`.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, type ClusterNode, startCluster, waitFor } from "./cluster.js";
import { startTestPostgres, type TestPostgres } from "./pg.js";
import { startReceiver } from "./webhook-receiver.js";

const KEYS = 6;
let pgs: TestPostgres;
let cluster: Cluster | undefined;

before(
  async () => {
    pgs = await startTestPostgres();
  },
  { timeout: 60_000 },
);
after(
  async () => {
    await cluster?.stop();
    await pgs?.close();
  },
  { timeout: 60_000 },
);

test("the leader of three PostgreSQL nodes is killed with undelivered events: the next leader delivers them all", {
  timeout: 90_000,
}, async (t) => {
  let hanging = true;
  const rcv = await startReceiver((_r, res) => {
    if (!hanging) res.writeHead(204).end();
  });
  t.after(() => rcv.close());
  const database = await pgs.createDatabase();
  cluster = await startCluster(database, 3, {
    env: { KEYROLL_LOG_LEVEL: "warn", KEYROLL_WEBHOOK_ALLOWED_HOSTS: "127.0.0.1" },
  });
  const nodes = cluster.nodes;
  const { value: leader } = await waitFor(
    "a leader",
    async () => {
      for (const n of nodes) if ((await n.health())?.leader) return n;
      return undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  const others = nodes.filter((n) => n !== leader) as [ClusterNode, ClusterNode];
  const w = await others[0].call("POST", "/v1/webhooks", {
    url: rcv.url,
    events: ["key.created", "key.rotated"],
  });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  const c = await others[0].call("POST", "/v1/consumers", { name: "cluster" });
  // written on every node: the leader's own commits wake it, the others' are found by its poll
  for (let i = 0; i < KEYS; i++) {
    const on = nodes[i % nodes.length]!;
    const k = await on.call("POST", "/v1/keys", { consumerId: c.body.id });
    assert.equal(k.status, 201, JSON.stringify(k.body));
    assert.equal(
      (await on.call("POST", `/v1/keys/${k.body.key.id}/rotate`, { gracePeriod: "1h" })).status,
      201,
    );
  }
  await rcv.waitFor(1, 15_000);
  leader.child.kill("SIGKILL");
  await leader.exited;
  hanging = false;
  const before = rcv.received.length;
  const { value: deliveries } = await waitFor(
    "every delivery delivered",
    async () => {
      const d = await others[1].call("GET", `/v1/webhooks/${w.body.webhook.id}/deliveries?limit=200`);
      const rows = d.body.data as Array<{ eventId: string; status: string }>;
      return rows.length === 2 * KEYS && rows.every((x) => x.status === "delivered") ? rows : undefined;
    },
    { timeoutMs: 45_000, intervalMs: 250 },
  );
  assert.ok(before < 2 * KEYS, "some events were still undelivered at the kill");
  const got = new Set(rcv.received.map((r) => r.headers["webhook-id"]));
  for (const d of deliveries) assert.ok(got.has(d.eventId), `event ${d.eventId} reached the receiver`);
  const now = await Promise.all(others.map((n) => n.health()));
  assert.equal(now.filter((h) => h?.leader).length, 1, "one new leader");
});
