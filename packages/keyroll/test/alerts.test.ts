// Issue 4, alerts: a client still sending an expired (or revoked) version is named in
// GET /v1/alerts with its key, version and address; repeats add to one open alert until it is
// acknowledged; a version in grace used from an address never seen with it before the rotation is
// a leak signal; request and rejection spikes against a baseline; retention rolls minutes up into
// hours without changing the totals.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import SQLite from "better-sqlite3";
import type { Alert } from "../src/cli/api-types.js";
import { SPIKES } from "../src/services/usage.js";
import type { UsageRow } from "../src/store/kysely/usage.js";
import { assertProblem, HOUR, isoAt, MINUTE, rotate, SECOND, T0 } from "./contract-fixtures.js";
import type { TestNode } from "./helpers.js";
import { expectSeries, newKey, quietNode, usageOf, verifyN } from "./usage-fixtures.js";

async function alerts(
  node: TestNode,
  q: { state?: string; keyId?: string; kind?: string } = {},
): Promise<Alert[]> {
  const qs = new URLSearchParams({
    limit: "200",
    ...(q.state && { state: q.state }),
    ...(q.keyId && { keyId: q.keyId }),
  });
  const r = await node.call("GET", `/v1/alerts?${qs}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.nextCursor, null, "all alerts fit in one page");
  const data = r.body.data as Alert[];
  return q.kind ? data.filter((a) => a.kind === q.kind) : data;
}

test("a client sending an expired previous version is named in /v1/alerts; repeats add to one open alert; ack closes it; a later repeat opens a new one", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret: s1, consumerId } = await newKey(node);
  const other = await newKey(node, {}, "bystander");

  // the client used v1 before the rotation too (so no leak alert muddles the picture)
  clock.set(T0 + 10 * SECOND);
  await verifyN(node, s1, 1, "VALID", { clientIp: "203.0.113.7" });
  await node.kr.verifier.flush();
  const S = T0 + MINUTE;
  clock.set(S);
  await rotate(node, keyId, { gracePeriod: "10m" });
  await verifyN(node, other.secret, 5, "VALID", { clientIp: "203.0.113.7" });

  clock.set(S + 11 * MINUTE);
  const r = await verifyN(node, s1, 1, "EXPIRED", { clientIp: "203.0.113.7" });
  assert.equal(r.keyId, keyId, "the EXPIRED answer itself names the key and version");
  assert.equal(r.version, 1);
  assert.deepEqual(await alerts(node, { kind: "failed_rollover" }), [], "raised at flush");
  await node.kr.verifier.flush();

  let open = await alerts(node, { kind: "failed_rollover" });
  assert.equal(open.length, 1, JSON.stringify(open));
  const first = open[0]!;
  assert.deepEqual(
    {
      kind: first.kind,
      keyId: first.keyId,
      consumerId: first.consumerId,
      version: first.version,
      address: first.address,
      count: first.count,
      data: first.data,
      createdAt: first.createdAt,
      lastSeenAt: first.lastSeenAt,
      acknowledgedAt: first.acknowledgedAt,
      acknowledgedBy: first.acknowledgedBy,
    },
    {
      kind: "failed_rollover",
      keyId,
      consumerId,
      version: 1,
      address: "203.0.113.7",
      count: 1,
      data: { outcome: "EXPIRED" },
      createdAt: isoAt(S + 11 * MINUTE),
      lastSeenAt: isoAt(S + 11 * MINUTE),
      acknowledgedAt: null,
      acknowledgedBy: null,
    },
  );
  assert.match(first.message, new RegExp(keyId));
  assert.match(first.message, /EXPIRED/);
  assert.match(first.id, /^alr_/);
  // the keyId filter
  assert.deepEqual(
    (await alerts(node, { keyId })).map((a) => a.id),
    [first.id],
  );
  assert.deepEqual(await alerts(node, { keyId: other.keyId }), []);

  // repeats, over several flushes: the same open alert counts them
  clock.set(S + 12 * MINUTE);
  await verifyN(node, s1, 2, "EXPIRED", { clientIp: "203.0.113.7" });
  await node.kr.verifier.flush();
  clock.set(S + 13 * MINUTE);
  await verifyN(node, s1, 3, "EXPIRED", { clientIp: "203.0.113.7" });
  await node.kr.verifier.flush();
  open = await alerts(node, { kind: "failed_rollover" });
  assert.equal(open.length, 1, "no new alert for a repeat");
  assert.equal(open[0]!.id, first.id);
  assert.equal(open[0]!.count, 6);
  assert.equal(open[0]!.createdAt, isoAt(S + 11 * MINUTE));
  assert.equal(open[0]!.lastSeenAt, isoAt(S + 13 * MINUTE));

  // acknowledge
  clock.set(S + 14 * MINUTE);
  const ack = await node.call("POST", `/v1/alerts/${first.id}/ack`);
  assert.equal(ack.status, 200, JSON.stringify(ack.body));
  assert.equal(ack.body.id, first.id);
  assert.equal(ack.body.acknowledgedAt, isoAt(S + 14 * MINUTE));
  assert.match(String(ack.body.acknowledgedBy), /^key_/, "acknowledged by the admin key that called");
  clock.set(S + 15 * MINUTE);
  const again = await node.call("POST", `/v1/alerts/${first.id}/ack`);
  assert.equal(again.status, 200);
  assert.equal(again.body.acknowledgedAt, isoAt(S + 14 * MINUTE), "a second ack changes nothing");
  // audited once: who acknowledged which alert, and when
  const entries = (await node.call("GET", "/v1/audit?action=alert.acknowledged")).body.data;
  assert.equal(entries.length, 1, JSON.stringify(entries));
  assert.equal(entries[0].targetId, first.keyId);
  assert.equal(entries[0].at, isoAt(S + 14 * MINUTE));
  assert.equal(entries[0].actor.keyId, ack.body.acknowledgedBy);
  assert.deepEqual(entries[0].data, {
    alertId: first.id,
    kind: "failed_rollover",
    keyId: first.keyId,
    consumerId: first.consumerId,
  });
  assert.deepEqual(await alerts(node, { kind: "failed_rollover" }), [], "no longer open");
  const acked = await alerts(node, { state: "acknowledged", kind: "failed_rollover" });
  assert.deepEqual(
    acked.map((a) => [a.id, a.count]),
    [[first.id, 6]],
  );

  // a later repeat (another address this time) opens a new alert; the acknowledged one stays as it was
  clock.set(S + 20 * MINUTE);
  await verifyN(node, s1, 1, "EXPIRED", { clientIp: "2001:db8::7" });
  await node.kr.verifier.flush();
  open = await alerts(node, { kind: "failed_rollover" });
  assert.equal(open.length, 1);
  assert.notEqual(open[0]!.id, first.id);
  assert.deepEqual(
    [open[0]!.keyId, open[0]!.version, open[0]!.address, open[0]!.count, open[0]!.acknowledgedAt],
    [keyId, 1, "2001:db8::7", 1, null],
  );
  const all = await alerts(node, { state: "all", kind: "failed_rollover" });
  assert.deepEqual(all.map((a) => a.id).sort(), [first.id, open[0]!.id].sort());
  assert.equal(all.find((a) => a.id === first.id)!.count, 6);

  assertProblem(
    await node.call("POST", "/v1/alerts/alr_00000000000000000000000000/ack"),
    404,
    "ALERT_NOT_FOUND",
  );
  assertProblem(await node.call("GET", "/v1/alerts?state=closed"), 400, "VALIDATION_FAILED");
});

test("a client sending a revoked version raises failed_rollover with its key, version and address", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret: s1, consumerId } = await newKey(node);
  clock.set(T0 + MINUTE);
  await rotate(node, keyId, { gracePeriod: "1h" });
  // the previous version leaked: revoked during its grace
  const rv = await node.call("POST", `/v1/keys/${keyId}/versions/1/revoke`, { reason: "leaked" });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  await verifyN(node, s1, 4, "REVOKED", { clientIp: "198.51.100.23" });
  await node.kr.verifier.flush();
  const open = await alerts(node, { kind: "failed_rollover" });
  assert.equal(open.length, 1);
  assert.deepEqual(
    [open[0]!.keyId, open[0]!.consumerId, open[0]!.version, open[0]!.address, open[0]!.count, open[0]!.data],
    [keyId, consumerId, 1, "198.51.100.23", 4, { outcome: "REVOKED" }],
  );
});

test("a previous version in grace used from an address never seen with it raises previous_version_new_address; a known address does not", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret: s1, consumerId } = await newKey(node);
  clock.set(T0 + MINUTE);
  await verifyN(node, s1, 3, "VALID", { clientIp: "198.51.100.1" });
  await verifyN(node, s1, 1, "VALID", { clientIp: "2001:db8::1" });
  await node.kr.verifier.flush();

  const S = T0 + 10 * MINUTE;
  clock.set(S);
  const s2 = (await rotate(node, keyId, { gracePeriod: "1h" })).body.secret as string;
  clock.set(S + MINUTE);
  await verifyN(node, s1, 2, "VALID", { clientIp: "198.51.100.1", deprecated: true });
  await verifyN(node, s1, 1, "VALID", { clientIp: "2001:db8::1", deprecated: true });
  await verifyN(node, s1, 1, "VALID", { clientIp: "198.51.100.99", deprecated: true });
  // a new address on the current version is no leak signal
  await verifyN(node, s2, 5, "VALID", { clientIp: "192.0.2.50" });
  await node.kr.verifier.flush();

  let leak = await alerts(node, { kind: "previous_version_new_address" });
  assert.equal(leak.length, 1, JSON.stringify(leak));
  assert.deepEqual(
    [leak[0]!.keyId, leak[0]!.consumerId, leak[0]!.version, leak[0]!.address, leak[0]!.count],
    [keyId, consumerId, 1, "198.51.100.99", 1],
  );
  assert.equal(leak[0]!.createdAt, isoAt(S + MINUTE));

  // the new address again: it is known now, no second alert
  clock.set(S + 5 * MINUTE);
  await verifyN(node, s1, 2, "VALID", { clientIp: "198.51.100.99", deprecated: true });
  await node.kr.verifier.flush();
  leak = await alerts(node, { kind: "previous_version_new_address" });
  assert.equal(leak.length, 1);
  assert.equal(leak[0]!.count, 1);
  assert.deepEqual(await alerts(node, { kind: "failed_rollover" }), []);
});

test("an address that used the previous version just before the rotation (not yet flushed) is no new address", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await newKey(node);
  // the client has been using v1 for a while, and its last use before the rotation is still in memory
  clock.set(T0 + MINUTE);
  await verifyN(node, s1, 1, "VALID", { clientIp: "198.51.100.7" });
  const S = T0 + MINUTE + 2 * SECOND;
  clock.set(S);
  await rotate(node, keyId, { gracePeriod: "1h" });
  // the flush after the rotation carries that pre-rotation use: 198.51.100.7 was seen before the
  // rotation, so it is no leak signal, whether or not it uses v1 again in grace
  clock.set(S + SECOND);
  await node.kr.verifier.flush();
  clock.set(S + MINUTE);
  await verifyN(node, s1, 1, "VALID", { clientIp: "198.51.100.7", deprecated: true });
  await node.kr.verifier.flush();
  assert.deepEqual(
    (await alerts(node, { kind: "previous_version_new_address" })).map((a) => [a.version, a.address]),
    [],
    "198.51.100.7 used version 1 before the rotation",
  );
});

/** Adds usage rows for the baseline directly through the store (one row per minute and outcome). */
async function baseline(
  node: TestNode,
  keyId: string,
  from: number,
  minutes: number,
  perMinute: Record<string, number>,
): Promise<void> {
  const rows: UsageRow[] = [];
  for (let m = 0; m < minutes; m++) {
    for (const [outcome, count] of Object.entries(perMinute))
      rows.push({ keyId, version: 1, minute: from + m * MINUTE, outcome, count });
  }
  await node.kr.store.usage.flushUsage(rows, []);
}

test("request_spike per key and rejection_spike per consumer against their own baseline (detectSpikes)", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  // the window detectSpikes looks at, seen from `now`
  const now = T0 + 2 * HOUR + 30 * SECOND;
  const recentFrom = T0 + 2 * HOUR - SPIKES.recentMs;
  const baseFrom = recentFrom - SPIKES.baselineMs;
  const baseMinutes = SPIKES.baselineMs / MINUTE;
  const windows = SPIKES.baselineMs / SPIKES.recentMs;
  assert.ok(SPIKES.minRequests <= 400, "the recent windows below are sized for these thresholds");
  assert.ok(SPIKES.minRejections <= 60 && SPIKES.rejectionShare <= 0.75 && SPIKES.rejectionFactor <= 3);

  const scopes = { scopes: ["orders:read"] };
  const spiky = await newKey(node, scopes, "spiky");
  const steady = await newKey(node, scopes, "steady");
  const quiet = await newKey(node, scopes, "quiet");
  const rejecting = await newKey(node, scopes, "rejecting");
  const alwaysBad = await newKey(node, scopes, "always-bad");
  const fewBad = await newKey(node, scopes, "few-bad");

  // baselines: 5/min (spiky), 100/min (steady), none (quiet), 10/min valid (rejecting),
  // half rejected (always-bad)
  await baseline(node, spiky.keyId, baseFrom, baseMinutes, { VALID: 5 });
  await baseline(node, steady.keyId, baseFrom, baseMinutes, { VALID: 100 });
  await baseline(node, rejecting.keyId, baseFrom, baseMinutes, { VALID: 10 });
  await baseline(node, alwaysBad.keyId, baseFrom, baseMinutes, { VALID: 5, INSUFFICIENT_SCOPE: 5 });
  // and rows before the baseline window, which must not count
  await baseline(node, spiky.keyId, baseFrom - 30 * MINUTE, 30, { VALID: 1_000 });

  // the recent window, by real verifications
  clock.set(recentFrom + 2 * MINUTE);
  await verifyN(node, spiky.secret, 400, "VALID"); // 400 ≥ 300 and > 5 × 25
  await verifyN(node, steady.secret, 400, "VALID"); // 400 < 5 × 500
  await verifyN(node, quiet.secret, SPIKES.minRequests - 1, "VALID"); // from nothing, but too few
  await verifyN(node, rejecting.secret, 20, "VALID");
  await verifyN(node, rejecting.secret, 60, "INSUFFICIENT_SCOPE", { scopes: ["admin:all"] }); // 75 %, base 0 %
  await verifyN(node, alwaysBad.secret, 20, "VALID");
  await verifyN(node, alwaysBad.secret, 60, "INSUFFICIENT_SCOPE", { scopes: ["admin:all"] }); // 75 % < 3 × 50 %
  await verifyN(node, fewBad.secret, SPIKES.minRejections - 1, "INSUFFICIENT_SCOPE", { scopes: ["a:b"] });
  await node.kr.verifier.flush();

  clock.set(now);
  await node.kr.services.usage.detectSpikes();
  // (the admin key that authenticated every call above has a spike of its own; it is left out here)
  const mine = new Set([spiky, steady, quiet, rejecting, alwaysBad, fewBad].map((k) => k.consumerId));
  const raised = (await alerts(node)).filter((a) => a.consumerId !== null && mine.has(a.consumerId));
  const requestSpikes = raised.filter((a) => a.kind === "request_spike");
  assert.deepEqual(
    requestSpikes.map((a) => [a.keyId, a.consumerId, a.count, a.data]),
    [[spiky.keyId, spiky.consumerId, 1, { recent: 400, baseline: (5 * baseMinutes) / windows }]],
  );
  const rejectionSpikes = raised.filter((a) => a.kind === "rejection_spike");
  assert.equal(rejectionSpikes.length, 1, JSON.stringify(rejectionSpikes));
  assert.deepEqual(
    [rejectionSpikes[0]!.consumerId, rejectionSpikes[0]!.keyId, rejectionSpikes[0]!.count],
    [rejecting.consumerId, null, 1],
  );
  assert.deepEqual(rejectionSpikes[0]!.data, { recent: 80, rejected: 60, share: 0.75, baselineShare: 0 });
  assert.equal(raised.length, 2, JSON.stringify(raised));

  // detecting again while the spike lasts adds to the same open alerts
  clock.set(now + MINUTE);
  await node.kr.services.usage.detectSpikes();
  const again = (await alerts(node)).filter((a) => a.consumerId !== null && mine.has(a.consumerId));
  assert.deepEqual(again.map((a) => [a.id, a.count]).sort(), raised.map((a) => [a.id, 2]).sort());
});

test("retention 1h: roll-up moves old minute rows into usage_hours and the hour series keeps the same totals", async (t) => {
  const { node, clock } = await quietNode({ KEYROLL_USAGE_RETENTION: "1h" });
  t.after(() => node.close());
  assert.equal(node.kr.config.usageRetentionMs, HOUR);
  const { keyId, secret } = await newKey(node, { scopes: ["orders:read"] });

  const uses: Array<[number, number, string]> = [
    [T0 + 5 * MINUTE, 3, "VALID"],
    [T0 + 50 * MINUTE, 2, "VALID"],
    [T0 + 50 * MINUTE, 1, "INSUFFICIENT_SCOPE"],
    [T0 + HOUR + 10 * MINUTE, 4, "VALID"],
    [T0 + 2 * HOUR + 5 * MINUTE, 5, "VALID"],
  ];
  for (const [at, n, code] of uses) {
    clock.set(at);
    await verifyN(node, secret, n, code, code === "VALID" ? {} : { scopes: ["admin:all"] });
    await node.kr.verifier.flush();
  }
  const range = { from: T0, to: T0 + 3 * HOUR, granularity: "hour" as const };
  const expectedHours = [
    expectSeries(1, [
      [T0, { VALID: 5, INSUFFICIENT_SCOPE: 1 }],
      [T0 + HOUR, { VALID: 4 }],
      [T0 + 2 * HOUR, { VALID: 5 }],
    ]),
  ];
  clock.set(T0 + 2 * HOUR + 30 * MINUTE);
  assert.deepEqual(await usageOf(node, keyId, range), expectedHours);

  // the leader's slow task rolls up everything older than the retention, by whole hours
  await node.kr.scheduler.runOnce();
  const db = new SQLite(join(node.dir, "keyroll.db"), { readonly: true });
  t.after(() => db.close());
  const minutes = (
    db
      .prepare("select minute, outcome, count from usage_minutes where key_id = ? order by minute, outcome")
      .all(keyId) as Array<{ minute: number; outcome: string; count: number }>
  ).map((r) => [Number(r.minute), r.outcome, Number(r.count)]);
  const hours = db
    .prepare("select hour, outcome, count from usage_hours where key_id = ? order by hour, outcome")
    .all(keyId) as Array<{ hour: number; outcome: string; count: number }>;
  assert.deepEqual(minutes, [
    [T0 + HOUR + 10 * MINUTE, "VALID", 4],
    [T0 + 2 * HOUR + 5 * MINUTE, "VALID", 5],
  ]);
  assert.deepEqual(
    hours.map((r) => [Number(r.hour), r.outcome, Number(r.count)]),
    [
      [T0, "INSUFFICIENT_SCOPE", 1],
      [T0, "VALID", 5],
    ],
  );
  assert.deepEqual(await usageOf(node, keyId, range), expectedHours, "same totals after the roll-up");
  // the minute detail past the retention is gone; within it, it stays
  assert.deepEqual(await usageOf(node, keyId, { from: T0, to: T0 + HOUR }), [expectSeries(1, [])]);
  assert.deepEqual(await usageOf(node, keyId, { from: T0 + HOUR, to: T0 + 2 * HOUR }), [
    expectSeries(1, [[T0 + HOUR + 10 * MINUTE, { VALID: 4 }]]),
  ]);

  // rolling up again changes nothing; later, the next hour follows and the totals still hold
  assert.equal(await node.kr.services.usage.rollUp(HOUR), 0);
  clock.set(T0 + 3 * HOUR + 30 * MINUTE);
  assert.ok((await node.kr.services.usage.rollUp(HOUR)) >= 1);
  assert.deepEqual(await usageOf(node, keyId, range), expectedHours);
  assert.deepEqual(
    (
      db
        .prepare("select count(*) as n from usage_minutes where key_id = ? and minute < ?")
        .get(keyId, T0 + 2 * HOUR) as { n: number }
    ).n,
    0,
  );
});
