// Issue 4, usage per version: known numbers of verifications per version, minute and outcome are
// read back exactly from GET /v1/keys/:id/usage (minute and hour), ranges are validated, answers
// that belong to no version are not attributed, and flush writes do not grow with the request rate.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import SQLite from "better-sqlite3";
import type { AddressRow, UsageRow } from "../src/store/kysely/usage.js";
import { assertProblem, HOUR, MINUTE, rotate, SECOND, T0 } from "./contract-fixtures.js";
import type { TestNode } from "./helpers.js";
import { expectSeries, newKey, quietNode, usageOf, verifyN } from "./usage-fixtures.js";

/** Rows of usage_minutes in the node's SQLite file (read on a separate, read-only connection). */
function minuteRows(node: TestNode, keyId?: string) {
  const db = new SQLite(join(node.dir, "keyroll.db"), { readonly: true });
  try {
    const rows = db
      .prepare(
        "select key_id, version, minute, outcome, count from usage_minutes order by version, minute, outcome",
      )
      .all() as Array<{ key_id: string; version: number; minute: number; outcome: string; count: number }>;
    return keyId === undefined ? rows : rows.filter((r) => r.key_id === keyId);
  } finally {
    db.close();
  }
}

const M0 = T0;
const M1 = T0 + MINUTE;

test("exact counts per version, minute and outcome; hour granularity sums them; MALFORMED/NOT_FOUND are not attributed", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await newKey(node, { scopes: ["orders:read"] });

  // ---- minute M0 ----
  clock.set(M0 + 5 * SECOND);
  await verifyN(node, s1, 2, "VALID", { deprecated: false });
  await verifyN(node, s1, 1, "INSUFFICIENT_SCOPE", { scopes: ["admin:all"] });

  clock.set(M0 + 10 * SECOND);
  const r2 = await rotate(node, keyId, { gracePeriod: "90s" });
  const s2 = r2.body.secret as string;
  assert.equal(r2.body.previous.expiresAt, new Date(M0 + 100 * SECOND).toISOString());

  clock.set(M0 + 20 * SECOND);
  await verifyN(node, s2, 3, "VALID", { deprecated: false });
  await verifyN(node, s1, 4, "VALID", { deprecated: true });
  await verifyN(node, s2, 2, "INSUFFICIENT_SCOPE", { scopes: ["orders:write"] });

  // ---- minute M1: no flush in between, so M0 is still pending in memory ----
  clock.set(M1 + 10 * SECOND);
  await verifyN(node, s2, 5, "VALID");
  await verifyN(node, s1, 1, "VALID", { deprecated: true });

  clock.set(M0 + 100 * SECOND); // v1's grace ends exactly now
  await verifyN(node, s1, 6, "EXPIRED");
  // a flush in the middle of M1: the rest of M1 adds to the same stored buckets
  await node.kr.verifier.flush();

  clock.set(M0 + 105 * SECOND);
  const r3 = await rotate(node, keyId, { gracePeriod: "1h" });
  const s3 = r3.body.secret as string;
  const rv = await node.call("POST", `/v1/keys/${keyId}/versions/2/revoke`, { reason: "leaked" });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  await verifyN(node, s2, 7, "REVOKED");
  await verifyN(node, s3, 1, "VALID");

  // answers that belong to no version
  const before = { ...node.kr.verifier.usage().totals };
  await verifyN(node, "nope", 2, "MALFORMED");
  await verifyN(node, `${s3.slice(0, -6)}000000`, 1, "MALFORMED"); // bad checksum
  await verifyN(node, "opaque-secret-nobody-has-0123456789", 2, "NOT_FOUND");
  await node.kr.verifier.flush();
  const after = node.kr.verifier.usage().totals;
  assert.equal(after.MALFORMED - before.MALFORMED, 3, "MALFORMED is counted in the node's totals");
  assert.equal(after.NOT_FOUND - before.NOT_FOUND, 2, "NOT_FOUND is counted in the node's totals");

  const expectedMinutes = [
    expectSeries(1, [
      [M0, { VALID: 6, INSUFFICIENT_SCOPE: 1 }],
      [M1, { VALID: 1, EXPIRED: 6 }],
    ]),
    expectSeries(2, [
      [M0, { VALID: 3, INSUFFICIENT_SCOPE: 2 }],
      [M1, { VALID: 5, REVOKED: 7 }],
    ]),
    expectSeries(3, [[M1, { VALID: 1 }]]),
  ];
  clock.set(M0 + 10 * MINUTE);
  assert.deepEqual(
    await usageOf(node, keyId, { from: M0, to: M0 + 2 * MINUTE, granularity: "minute" }),
    expectedMinutes,
  );
  // minute is the default granularity
  assert.deepEqual(await usageOf(node, keyId, { from: M0, to: M0 + 2 * MINUTE }), expectedMinutes);
  // a range covering only M1
  assert.deepEqual(await usageOf(node, keyId, { from: M1, to: M1 + MINUTE }), [
    expectSeries(1, [[M1, { VALID: 1, EXPIRED: 6 }]]),
    expectSeries(2, [[M1, { VALID: 5, REVOKED: 7 }]]),
    expectSeries(3, [[M1, { VALID: 1 }]]),
  ]);
  // the range is [from, to): to = M1 leaves M1 out
  assert.deepEqual(await usageOf(node, keyId, { from: M0, to: M1 }), [
    expectSeries(1, [[M0, { VALID: 6, INSUFFICIENT_SCOPE: 1 }]]),
    expectSeries(2, [[M0, { VALID: 3, INSUFFICIENT_SCOPE: 2 }]]),
    expectSeries(3, []),
  ]);

  // hour granularity: one bucket per version with the sums of its minutes
  assert.deepEqual(await usageOf(node, keyId, { from: T0, to: T0 + HOUR, granularity: "hour" }), [
    expectSeries(1, [[T0, { VALID: 7, INSUFFICIENT_SCOPE: 1, EXPIRED: 6 }]]),
    expectSeries(2, [[T0, { VALID: 8, INSUFFICIENT_SCOPE: 2, REVOKED: 7 }]]),
    expectSeries(3, [[T0, { VALID: 1 }]]),
  ]);

  // MALFORMED and NOT_FOUND are attributed to no key and no version
  // (the admin key that authenticates these calls is verified too, and has rows of its own)
  for (const r of minuteRows(node)) {
    assert.ok(!["MALFORMED", "NOT_FOUND"].includes(r.outcome), `row ${JSON.stringify(r)}`);
  }
  const rows = minuteRows(node, keyId);
  assert.equal(
    rows.reduce((s, r) => s + Number(r.count), 0),
    6 + 1 + 1 + 6 + 3 + 2 + 5 + 7 + 1,
    "the stored counts add up to exactly the attributable verifications",
  );
});

test("a version answering only VALID keeps each minute's count apart until the flush, and after it", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret } = await newKey(node);
  clock.set(M0 + 5 * SECOND);
  await verifyN(node, secret, 2, "VALID");
  // the next minute starts before any flush: M0's count waits in memory
  clock.set(M1 + 5 * SECOND);
  await verifyN(node, secret, 3, "VALID");
  await node.kr.verifier.flush();
  // counting goes on in the same minute after a flush, then in the next one
  await verifyN(node, secret, 1, "VALID");
  clock.set(M1 + MINUTE + 5 * SECOND);
  await verifyN(node, secret, 4, "VALID");
  await node.kr.verifier.flush();
  clock.set(M0 + 10 * MINUTE);
  assert.deepEqual(await usageOf(node, keyId, { from: M0, to: M0 + 3 * MINUTE }), [
    expectSeries(1, [
      [M0, { VALID: 2 }],
      [M1, { VALID: 4 }],
      [M1 + MINUTE, { VALID: 4 }],
    ]),
  ]);
  const shown = await node.call("GET", `/v1/keys/${keyId}`);
  assert.equal(shown.body.versions[0].lastUsedAt, new Date(M1 + MINUTE + 5 * SECOND).toISOString());
});

test("usage range validation: from ≥ to, more than 24h of minutes, 90d of hours, bad input → 400 problem+json", async (t) => {
  const { node } = await quietNode();
  t.after(() => node.close());
  const { keyId } = await newKey(node);
  const get = (qs: string) => node.call("GET", `/v1/keys/${keyId}/usage?${qs}`);
  const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());

  assertProblem(await get(`from=${iso(T0)}&to=${iso(T0)}`), 400, "VALIDATION_FAILED");
  assertProblem(await get(`from=${iso(T0 + MINUTE)}&to=${iso(T0)}`), 400, "VALIDATION_FAILED");
  assertProblem(
    await get(`from=${iso(T0)}&to=${iso(T0 + 24 * HOUR + 1)}&granularity=minute`),
    400,
    "VALIDATION_FAILED",
  );
  // the default granularity is minute, with the same limit
  assertProblem(await get(`from=${iso(T0)}&to=${iso(T0 + 25 * HOUR)}`), 400, "VALIDATION_FAILED");
  assertProblem(
    await get(`from=${iso(T0)}&to=${iso(T0 + 90 * 24 * HOUR + 1)}&granularity=hour`),
    400,
    "VALIDATION_FAILED",
  );
  assertProblem(
    await get(`from=${iso(T0)}&to=${iso(T0 + MINUTE)}&granularity=day`),
    400,
    "VALIDATION_FAILED",
  );
  assertProblem(await get("from=yesterday"), 400, "VALIDATION_FAILED");
  // the limits themselves are accepted
  assert.equal((await get(`from=${iso(T0)}&to=${iso(T0 + 24 * HOUR)}&granularity=minute`)).status, 200);
  assert.equal((await get(`from=${iso(T0)}&to=${iso(T0 + 25 * HOUR)}&granularity=hour`)).status, 200);
  assertProblem(
    await node.call("GET", "/v1/keys/key_00000000000000000000000000/usage"),
    404,
    "KEY_NOT_FOUND",
  );
});

test("flush writes do not grow with the request rate: 10 000 verifications of one version in one minute → one row per outcome", async (t) => {
  const { node, clock } = await quietNode();
  t.after(() => node.close());
  const { keyId, secret } = await newKey(node, { scopes: ["orders:read"] });

  // count what each flush hands to the store for this key (the admin key that authenticates
  // the calls is verified too, and has rows of its own)
  const flushes: Array<{ rows: number; addresses: number }> = [];
  const usageStore = node.kr.store.usage;
  const original = usageStore.flushUsage.bind(usageStore);
  usageStore.flushUsage = (rows: readonly UsageRow[], addresses: readonly AddressRow[]) => {
    flushes.push({
      rows: rows.filter((r) => r.keyId === keyId).length,
      addresses: addresses.filter((a) => a.keyId === keyId).length,
    });
    return original(rows, addresses);
  };

  clock.set(M0 + 2 * SECOND);
  await verifyN(node, secret, 5_000, "VALID", { clientIp: "192.0.2.10" });
  clock.set(M0 + 30 * SECOND);
  await verifyN(node, secret, 5_000, "VALID", { clientIp: "192.0.2.11" });
  await verifyN(node, secret, 40, "INSUFFICIENT_SCOPE", { scopes: ["admin:all"], clientIp: "192.0.2.10" });
  await node.kr.verifier.flush();

  assert.deepEqual(flushes, [{ rows: 2, addresses: 2 }], "one flush, one row per outcome, one per address");
  assert.deepEqual(
    minuteRows(node, keyId).map((r) => [r.version, r.minute, r.outcome, Number(r.count)]),
    [
      [1, M0, "INSUFFICIENT_SCOPE", 40],
      [1, M0, "VALID", 10_000],
    ],
  );

  // 10 000 more in the same minute: the same two rows grow, no new ones
  clock.set(M0 + 50 * SECOND);
  await verifyN(node, secret, 10_000, "VALID", { clientIp: "192.0.2.10" });
  await verifyN(node, secret, 2, "INSUFFICIENT_SCOPE", { scopes: ["admin:all"] });
  await node.kr.verifier.flush();
  assert.deepEqual(flushes[1], { rows: 2, addresses: 1 });
  assert.deepEqual(
    minuteRows(node, keyId).map((r) => [r.version, r.minute, r.outcome, Number(r.count)]),
    [
      [1, M0, "INSUFFICIENT_SCOPE", 42],
      [1, M0, "VALID", 20_000],
    ],
  );

  // a flush with nothing counted writes nothing (no HTTP call in between: the admin key is idle too)
  await node.kr.verifier.flush();
  assert.equal(flushes.length, 2, "an idle flush does not call the store");

  assert.deepEqual(await usageOf(node, keyId, { from: M0, to: M1 }), [
    expectSeries(1, [[M0, { VALID: 20_000, INSUFFICIENT_SCOPE: 42 }]]),
  ]);
});
