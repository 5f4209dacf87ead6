import assert from "node:assert/strict";
import { test } from "node:test";
import { coalesceAddresses, coalesceUsage } from "./usage.js";

test("rows kept from a failed flush merge with the next flush's: one row per version, minute and outcome", () => {
  const rows = [
    { keyId: "key_a", version: 1, minute: 60_000, outcome: "VALID", count: 3 },
    { keyId: "key_b", version: 1, minute: 60_000, outcome: "VALID", count: 1 },
    { keyId: "key_a", version: 1, minute: 60_000, outcome: "VALID", count: 4 },
    { keyId: "key_a", version: 1, minute: 60_000, outcome: "REVOKED", count: 2 },
    { keyId: "key_a", version: 2, minute: 60_000, outcome: "VALID", count: 5 },
  ];
  const kept = rows[0]!;
  coalesceUsage(rows);
  assert.deepEqual(rows, [
    { keyId: "key_a", version: 1, minute: 60_000, outcome: "VALID", count: 7 },
    { keyId: "key_b", version: 1, minute: 60_000, outcome: "VALID", count: 1 },
    { keyId: "key_a", version: 1, minute: 60_000, outcome: "REVOKED", count: 2 },
    { keyId: "key_a", version: 2, minute: 60_000, outcome: "VALID", count: 5 },
  ]);
  assert.equal(kept.count, 3, "the rows passed in are not changed");
});

test("address rows of the same version and address merge: counts summed, first and last use kept", () => {
  const rows = [
    { keyId: "key_a", version: 1, address: "10.0.0.1", firstAt: 5, at: 9, count: 2 },
    { keyId: "key_a", version: 1, address: "10.0.0.2", firstAt: 6, at: 6, count: 1 },
    { keyId: "key_a", version: 1, address: "10.0.0.1", firstAt: 3, at: 7, count: 4 },
  ];
  coalesceAddresses(rows);
  assert.deepEqual(rows, [
    { keyId: "key_a", version: 1, address: "10.0.0.1", firstAt: 3, at: 9, count: 6 },
    { keyId: "key_a", version: 1, address: "10.0.0.2", firstAt: 6, at: 6, count: 1 },
  ]);
});
