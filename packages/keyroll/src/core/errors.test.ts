import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ERRORS, type ErrorCode, KeyrollError } from "./errors.js";

const CODES = Object.keys(ERRORS) as ErrorCode[];

describe("ERRORS", () => {
  test("is not empty and holds the codes the API promises", () => {
    for (const code of [
      "VALIDATION_FAILED",
      "INVALID_DURATION",
      "UNAUTHORIZED",
      "FORBIDDEN",
      "KEY_NOT_FOUND",
      "VERSION_NOT_FOUND",
      "KEY_REVOKED",
      "ROTATION_PENDING",
      "ROLLBACK_NOT_POSSIBLE",
      "VERSION_ACTIVE",
      "IDEMPOTENCY_KEY_REUSED",
      "INTERNAL",
    ]) {
      assert.ok(code in ERRORS, code);
    }
  });

  test("every entry has an UPPER_SNAKE code, a 4xx/5xx status and a title", () => {
    for (const code of CODES) {
      const e = ERRORS[code];
      assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, code);
      assert.ok(Number.isInteger(e.status) && e.status >= 400 && e.status <= 599, `${code}: ${e.status}`);
      assert.equal(typeof e.title, "string");
      assert.ok(e.title.trim().length > 0, `${code} has no title`);
    }
  });

  test("the documented statuses of the rotation errors", () => {
    assert.equal(ERRORS.ROLLBACK_NOT_POSSIBLE.status, 409);
    assert.equal(ERRORS.ROTATION_PENDING.status, 409);
    assert.equal(ERRORS.KEY_NOT_FOUND.status, 404);
    assert.equal(ERRORS.UNAUTHORIZED.status, 401);
    assert.equal(ERRORS.FORBIDDEN.status, 403);
    assert.equal(ERRORS.INTERNAL.status, 500);
  });
});

describe("KeyrollError", () => {
  test("carries the registry code and status, and the title when no detail is given", () => {
    for (const code of CODES) {
      const e = new KeyrollError(code);
      assert.ok(e instanceof Error);
      assert.equal(e.name, "KeyrollError");
      assert.equal(e.code, code);
      assert.equal(e.status, ERRORS[code].status);
      assert.equal(e.message, ERRORS[code].title);
      assert.equal(e.errors, undefined);
    }
  });

  test("keeps a client-safe detail and field errors", () => {
    const errors = [{ path: "/gracePeriod", message: "must be a duration" }];
    const e = new KeyrollError("VALIDATION_FAILED", "bad body", errors);
    assert.equal(e.message, "bad body");
    assert.equal(e.status, 400);
    assert.deepEqual(e.errors, errors);
  });
});
