// Issue 4, traffic-driven retirement on an injected clock: `retireWhenUnusedFor` retires the
// previous version early once the new one is used and the old one is idle; `extendWhileInUse`
// extends a grace that would end while the old version is still in use, never past its cap;
// without options the end of grace is a hard limit. Each automatic decision is audited with its
// reason. GET /v1/rotations shows how far the clients have moved.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Rotation } from "../src/cli/api-types.js";
import { HOUR, isoAt, MINUTE, rotate, SECOND, T0 } from "./contract-fixtures.js";
import type { TestNode } from "./helpers.js";
import { auditOf, newKey, quietNode, verifyN, versionsOf } from "./usage-fixtures.js";

/** Flushes usage, then runs one leader tick. */
async function tick(node: TestNode): Promise<void> {
  await node.kr.verifier.flush();
  await node.kr.scheduler.runOnce();
}

test("retireWhenUnusedFor 30m: kept while in use or while the new version is unused; retired 30 min after the last use, with its reason", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await newKey(node);
  clock.set(T0 + MINUTE);
  await verifyN(node, s1, 1, "VALID");

  const S = T0 + 2 * MINUTE;
  clock.set(S);
  const r = await rotate(node, keyId, { gracePeriod: "24h", retireWhenUnusedFor: "30m" });
  const s2 = r.body.secret as string;
  assert.equal(r.body.previous.expiresAt, isoAt(S + 24 * HOUR));

  clock.set(S + MINUTE);
  await verifyN(node, s1, 2, "VALID", { deprecated: true });
  await tick(node);

  // v1 idle for 44 min, but nobody has used v2 yet: v1 stays
  clock.set(S + 45 * MINUTE);
  await tick(node);
  let vs = await versionsOf(node, keyId);
  assert.equal(vs[1]!.state, "grace", "not retired while the new version has never been used");
  assert.equal(vs[1]!.expiresAt, isoAt(S + 24 * HOUR));
  assert.equal((await auditOf(node, "version.retired", keyId)).length, 0);

  // both used now: v1 is in use, so it stays
  const lastOldUse = S + 46 * MINUTE;
  clock.set(lastOldUse);
  await verifyN(node, s2, 1, "VALID", { deprecated: false });
  await verifyN(node, s1, 1, "VALID", { deprecated: true });
  await tick(node);
  assert.equal((await versionsOf(node, keyId))[1]!.state, "grace");

  // the new version keeps being used; the old one is idle, but not yet for 30 min
  for (const m of [10, 20, 29]) {
    clock.set(lastOldUse + m * MINUTE);
    await verifyN(node, s2, 3, "VALID");
    await tick(node);
    assert.equal((await versionsOf(node, keyId))[1]!.state, "grace", `${m} min after the last use`);
  }
  clock.set(lastOldUse + 30 * MINUTE - 1);
  await tick(node);
  assert.equal((await versionsOf(node, keyId))[1]!.state, "grace", "1 ms before 30 min");
  assert.equal((await auditOf(node, "version.retired", keyId)).length, 0);

  // 30 min without traffic on v1: the next tick retires it
  const retiredAt = lastOldUse + 30 * MINUTE;
  clock.set(retiredAt);
  await tick(node);
  const gone = await verifyN(node, s1, 1, "EXPIRED");
  assert.equal(gone.valid, false);
  assert.equal(gone.keyId, keyId);
  assert.equal(gone.version, 1);
  vs = await versionsOf(node, keyId);
  assert.equal(vs[1]!.state, "expired");
  assert.equal(vs[1]!.expiresAt, isoAt(retiredAt), "expired when retired, long before the hard end of grace");
  assert.ok(retiredAt < S + 24 * HOUR);
  assert.equal(vs[2]!.state, "active");
  await verifyN(node, s2, 1, "VALID");

  const retired = await auditOf(node, "version.retired", keyId);
  assert.equal(retired.length, 1);
  assert.equal(Date.parse(retired[0]!.at), retiredAt);
  assert.deepEqual(
    retired[0]!.actor,
    { type: "system", rule: "traffic-policy" },
    "an automatic decision is the system's, by its rule",
  );
  assert.equal(retired[0]!.data.version, 1);
  assert.match(String(retired[0]!.data.reason), /unused for 30m/);
  assert.match(String(retired[0]!.data.reason), /version 2/);
  assert.deepEqual(retired[0]!.data.expiresAt, { from: S + 24 * HOUR, to: retiredAt });

  // later ticks change nothing more
  clock.set(retiredAt + HOUR);
  await tick(node);
  assert.equal((await auditOf(node, "version.retired", keyId)).length, 1);
  assert.equal((await versionsOf(node, keyId))[1]!.expiresAt, isoAt(retiredAt));
  // and the key is no longer in rotation
  const rot = await node.call("GET", "/v1/rotations?state=active");
  assert.equal(rot.status, 200);
  assert.equal(
    rot.body.data.find((x: { keyId: string }) => x.keyId === keyId),
    undefined,
  );
});

test("extendWhileInUse {max 6h, step 1h}, grace 2h: extended by 1h within 30 s of the end while in use, repeatedly, never past switch + 6h", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await newKey(node);
  const S = T0 + MINUTE;
  clock.set(S);
  const r = await rotate(node, keyId, {
    gracePeriod: "2h",
    extendWhileInUse: { max: "6h", step: "1h" },
  });
  const s2 = r.body.secret as string;
  assert.equal(r.body.previous.expiresAt, isoAt(S + 2 * HOUR));

  clock.set(S + HOUR + 50 * MINUTE);
  await verifyN(node, s1, 3, "VALID", { deprecated: true });
  await verifyN(node, s2, 3, "VALID");

  // 31 s before the end: too early to decide
  clock.set(S + 2 * HOUR - 31 * SECOND);
  await tick(node);
  assert.equal((await versionsOf(node, keyId))[1]!.expiresAt, isoAt(S + 2 * HOUR));
  assert.equal((await auditOf(node, "version.extended", keyId)).length, 0);

  // 30 s before the end, used 9.5 min ago: extended by one step
  clock.set(S + 2 * HOUR - 30 * SECOND);
  await tick(node);
  let vs = await versionsOf(node, keyId);
  assert.equal(vs[1]!.state, "grace");
  assert.equal(vs[1]!.expiresAt, isoAt(S + 3 * HOUR));
  const first = await auditOf(node, "version.extended", keyId);
  assert.equal(first.length, 1);
  assert.equal(first[0]!.data.version, 1);
  assert.deepEqual(first[0]!.data.expiresAt, { from: S + 2 * HOUR, to: S + 3 * HOUR });
  assert.match(String(first[0]!.data.reason), /in use/);
  // the same tick again does not extend twice
  await tick(node);
  assert.equal((await versionsOf(node, keyId))[1]!.expiresAt, isoAt(S + 3 * HOUR));

  // past the original end the old secret still works, and says until when
  clock.set(S + 2 * HOUR + 5 * MINUTE);
  const still = await verifyN(node, s1, 1, "VALID", { deprecated: true });
  assert.equal(still.expiresAt, isoAt(S + 3 * HOUR));

  // still in use before each new end: extended again, up to the cap
  for (const h of [3, 4, 5]) {
    clock.set(S + h * HOUR - 10 * MINUTE);
    await verifyN(node, s1, 1, "VALID", { deprecated: true });
    clock.set(S + h * HOUR - 20 * SECOND);
    await tick(node);
    assert.equal((await versionsOf(node, keyId))[1]!.expiresAt, isoAt(S + (h + 1) * HOUR), `at ${h}h`);
  }
  // at the cap: in use, but no further extension
  clock.set(S + 6 * HOUR - 5 * MINUTE);
  await verifyN(node, s1, 1, "VALID", { deprecated: true });
  clock.set(S + 6 * HOUR - 20 * SECOND);
  await tick(node);
  await tick(node);
  vs = await versionsOf(node, keyId);
  assert.equal(vs[1]!.expiresAt, isoAt(S + 6 * HOUR), "never past the switch + 6h");

  const extended = await auditOf(node, "version.extended", keyId);
  assert.deepEqual(
    extended.map((e) => e.data.expiresAt),
    [2, 3, 4, 5].map((h) => ({ from: S + h * HOUR, to: S + (h + 1) * HOUR })),
  );
  for (const e of extended) assert.deepEqual(e.actor, { type: "system", rule: "traffic-policy" });

  // the cap is a hard limit
  clock.set(S + 6 * HOUR - 1);
  await verifyN(node, s1, 1, "VALID", { deprecated: true });
  clock.set(S + 6 * HOUR);
  await tick(node);
  await verifyN(node, s1, 1, "EXPIRED");
  vs = await versionsOf(node, keyId);
  assert.equal(vs[1]!.state, "expired");
  assert.equal(vs[1]!.expiresAt, isoAt(S + 6 * HOUR));
  assert.equal((await auditOf(node, "version.extended", keyId)).length, 4);
});

test("extendWhileInUse: a step that overshoots the cap is cut at the cap", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await newKey(node);
  const S = T0 + MINUTE;
  clock.set(S);
  await rotate(node, keyId, { gracePeriod: "2h", extendWhileInUse: { max: "5h", step: "2h" } });
  for (const [end, next] of [
    [2, 4],
    [4, 5],
  ] as const) {
    clock.set(S + end * HOUR - MINUTE);
    await verifyN(node, s1, 1, "VALID", { deprecated: true });
    clock.set(S + end * HOUR - 10 * SECOND);
    await tick(node);
    assert.equal((await versionsOf(node, keyId))[1]!.expiresAt, isoAt(S + next * HOUR));
  }
  clock.set(S + 5 * HOUR - 10 * SECOND);
  await verifyN(node, s1, 1, "VALID", { deprecated: true });
  await tick(node);
  assert.equal((await versionsOf(node, keyId))[1]!.expiresAt, isoAt(S + 5 * HOUR));
  clock.set(S + 5 * HOUR);
  await verifyN(node, s1, 1, "EXPIRED");
});

test("extendWhileInUse: unused for more than 15 min → no extension, it expires at the end of grace; used exactly 15 min ago → extended", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const idle = await newKey(node, {}, "idle");
  const busy = await newKey(node, {}, "busy");
  const S = T0 + MINUTE;
  clock.set(S);
  const opts = { gracePeriod: "2h", extendWhileInUse: { max: "6h", step: "1h" } };
  const idle2 = (await rotate(node, idle.keyId, opts)).body.secret as string;
  const busy2 = (await rotate(node, busy.keyId, opts)).body.secret as string;

  const at = S + 2 * HOUR - 20 * SECOND; // the tick, inside the 30 s look-ahead
  clock.set(at - 15 * MINUTE - 1);
  await verifyN(node, idle.secret, 5, "VALID", { deprecated: true });
  await verifyN(node, idle2, 5, "VALID");
  clock.set(at - 15 * MINUTE);
  await verifyN(node, busy.secret, 1, "VALID", { deprecated: true });
  await verifyN(node, busy2, 1, "VALID");
  clock.set(at);
  await tick(node);

  assert.equal((await versionsOf(node, idle.keyId))[1]!.expiresAt, isoAt(S + 2 * HOUR), "idle: not extended");
  assert.equal((await versionsOf(node, busy.keyId))[1]!.expiresAt, isoAt(S + 3 * HOUR), "busy: extended");
  assert.equal((await auditOf(node, "version.extended", idle.keyId)).length, 0);
  assert.equal((await auditOf(node, "version.extended", busy.keyId)).length, 1);

  // idle: the end of grace is a hard limit
  clock.set(S + 2 * HOUR - 1);
  await verifyN(node, idle.secret, 1, "VALID", { deprecated: true });
  clock.set(S + 2 * HOUR);
  await tick(node);
  await verifyN(node, idle.secret, 1, "EXPIRED");
  const vs = await versionsOf(node, idle.keyId);
  assert.equal(vs[1]!.state, "expired");
  assert.equal(vs[1]!.expiresAt, isoAt(S + 2 * HOUR));
  assert.equal((await auditOf(node, "version.extended", idle.keyId)).length, 0);
});

test("without options the end of grace is a hard limit, even while the old version is in use (and no early retirement)", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await newKey(node);
  const S = T0 + MINUTE;
  clock.set(S);
  const s2 = (await rotate(node, keyId, { gracePeriod: "2h" })).body.secret as string;

  // v2 used, v1 idle for an hour: nothing retires it early
  clock.set(S + MINUTE);
  await verifyN(node, s2, 2, "VALID");
  clock.set(S + HOUR + 5 * MINUTE);
  await verifyN(node, s2, 2, "VALID");
  await tick(node);
  assert.equal((await versionsOf(node, keyId))[1]!.state, "grace");

  // v1 in heavy use right up to the end: not extended
  for (const before of [10 * MINUTE, MINUTE, 20 * SECOND, 5 * SECOND]) {
    clock.set(S + 2 * HOUR - before);
    await verifyN(node, s1, 20, "VALID", { deprecated: true });
    await tick(node);
    assert.equal((await versionsOf(node, keyId))[1]!.expiresAt, isoAt(S + 2 * HOUR));
  }
  clock.set(S + 2 * HOUR);
  await tick(node);
  await verifyN(node, s1, 1, "EXPIRED");
  const vs = await versionsOf(node, keyId);
  assert.equal(vs[1]!.state, "expired");
  assert.equal(vs[1]!.expiresAt, isoAt(S + 2 * HOUR));
  assert.equal((await auditOf(node, "version.extended", keyId)).length, 0);
  assert.equal((await auditOf(node, "version.retired", keyId)).length, 0);
});

async function rotationOf(node: TestNode, keyId: string): Promise<Rotation | undefined> {
  const r = await node.call("GET", "/v1/rotations?state=active");
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body.data as Rotation[]).find((x) => x.keyId === keyId);
}

test("GET /v1/rotations: versions, share of the last 15 min on the new version, last use and addresses of the old one, safeToRetire", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret: s1, consumerId } = await newKey(node);

  clock.set(T0 + MINUTE);
  await verifyN(node, s1, 1, "VALID", { clientIp: "10.0.0.1" });
  await node.kr.verifier.flush();
  assert.equal(await rotationOf(node, keyId), undefined, "a key that has not rotated is not listed");

  const S = T0 + 30 * MINUTE;
  clock.set(S);
  const s2 = (await rotate(node, keyId, { gracePeriod: "24h" })).body.secret as string;

  clock.set(S + MINUTE);
  await verifyN(node, s2, 6, "VALID", { clientIp: "10.0.0.2" });
  await verifyN(node, s1, 2, "VALID", { clientIp: "10.0.0.1", deprecated: true });
  await verifyN(node, s1, 1, "VALID", { clientIp: "2001:db8::1", deprecated: true });
  // rejections are not traffic that moved
  await verifyN(node, s2, 4, "INSUFFICIENT_SCOPE", { scopes: ["x:y"], clientIp: "10.0.0.2" });
  await node.kr.verifier.flush();

  clock.set(S + 2 * MINUTE);
  let rot = await rotationOf(node, keyId);
  assert.ok(rot, "the rotating key is listed");
  const sortAddr = (a: Rotation["previous"]["addresses"]) =>
    [...a].sort((x, y) => x.address.localeCompare(y.address));
  assert.deepEqual(
    { ...rot, previous: { ...rot.previous, addresses: sortAddr(rot.previous.addresses) } },
    {
      keyId,
      consumerId,
      startedAt: isoAt(S),
      graceEndsAt: isoAt(S + 24 * HOUR),
      current: { version: 2, lastUsedAt: isoAt(S + MINUTE), requests: 6 },
      previous: {
        version: 1,
        lastUsedAt: isoAt(S + MINUTE),
        requests: 3,
        addresses: [
          // counts are per address over the version's life (10.0.0.1 also used it before the rotation)
          { address: "10.0.0.1", lastSeenAt: isoAt(S + MINUTE), count: 3 },
          { address: "2001:db8::1", lastSeenAt: isoAt(S + MINUTE), count: 1 },
        ],
        retireWhenUnusedFor: null,
        extendUntil: null,
        pickups: { count: 0, addresses: [] },
      },
      currentShare: 6 / (6 + 3),
      safeToRetire: false,
    },
  );

  // the new version keeps being used, the old one not any more
  clock.set(S + 10 * MINUTE);
  await verifyN(node, s2, 2, "VALID", { clientIp: "10.0.0.2" });
  await node.kr.verifier.flush();
  clock.set(S + MINUTE + 14 * MINUTE);
  rot = (await rotationOf(node, keyId))!;
  assert.equal(rot.safeToRetire, false, "the old version was used 14 min ago");
  assert.equal(rot.current.requests, 8);
  assert.equal(rot.previous.requests, 3);
  assert.equal(rot.currentShare, 8 / 11);

  clock.set(S + 16 * MINUTE);
  await verifyN(node, s2, 1, "VALID", { clientIp: "10.0.0.2" });
  clock.set(S + 18 * MINUTE);
  await verifyN(node, s2, 1, "VALID", { clientIp: "10.0.0.2" });
  await node.kr.verifier.flush();
  rot = (await rotationOf(node, keyId))!;
  assert.equal(rot.safeToRetire, true, "old version unused for 17 min, new one in use");
  assert.equal(rot.previous.lastUsedAt, isoAt(S + MINUTE));
  assert.equal(rot.current.lastUsedAt, isoAt(S + 18 * MINUTE));
  assert.equal(rot.previous.requests, 0);
  assert.equal(rot.current.requests, 2 + 1 + 1);
  assert.equal(rot.currentShare, 1);

  // the old version back in use: not safe any more
  clock.set(S + 19 * MINUTE);
  await verifyN(node, s1, 1, "VALID", { clientIp: "10.0.0.1" });
  await node.kr.verifier.flush();
  rot = (await rotationOf(node, keyId))!;
  assert.equal(rot.safeToRetire, false);
  assert.equal(rot.previous.lastUsedAt, isoAt(S + 19 * MINUTE));
  assert.equal(rot.currentShare, 4 / 5);

  // after the grace the key is no longer in rotation
  clock.set(S + 24 * HOUR);
  assert.equal(await rotationOf(node, keyId), undefined);
});

test("GET /v1/rotations: never safe while the new version is unused; shows the traffic policies", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await newKey(node);
  clock.set(T0 + MINUTE);
  await verifyN(node, s1, 1, "VALID");
  const S = T0 + 2 * MINUTE;
  clock.set(S);
  await rotate(node, keyId, {
    gracePeriod: "2h",
    retireWhenUnusedFor: "90m",
    extendWhileInUse: { max: "6h" },
  });
  clock.set(S + HOUR);
  await node.kr.verifier.flush();
  const rot = (await rotationOf(node, keyId))!;
  assert.equal(rot.safeToRetire, false, "nobody has used the new secret yet");
  assert.equal(rot.currentShare, null, "no traffic in the last 15 min");
  assert.equal(rot.current.lastUsedAt, null);
  assert.equal(rot.previous.lastUsedAt, isoAt(T0 + MINUTE));
  assert.deepEqual(rot.previous.addresses, []);
  assert.equal(rot.previous.retireWhenUnusedFor, "90m");
  assert.equal(rot.previous.extendUntil, isoAt(S + 6 * HOUR));
});
