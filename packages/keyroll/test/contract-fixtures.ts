// Small shared steps for the rotation-contract integration tests (on top of helpers.ts).
import assert from "node:assert/strict";
import { manualClock } from "../src/core/clock.js";
import { startTestNode, type TestNode } from "./helpers.js";

/** The instant every test clock starts at. */
export const T0 = Date.parse("2030-01-01T00:00:00.000Z");
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export const isoAt = (t: number): string => new Date(t).toISOString();

/** A well-formed id that no node ever handed out (ids are time-sortable; this one is from 1970). */
export const unknownId = (prefix: "con" | "key"): string => `${prefix}_00000000000000000000000000`;

export type Response = Awaited<ReturnType<TestNode["call"]>>;

/** A node on a manual clock starting at `T0`; the caller closes it. */
export async function clockedNode(): Promise<{ node: TestNode; clock: ReturnType<typeof manualClock> }> {
  const clock = manualClock(T0);
  const node = await startTestNode({ clock });
  return { node, clock };
}

/** Creates a consumer and a key for it; returns the key id, version-1 secret and consumer id. */
export async function createKey(
  node: TestNode,
  body: Record<string, unknown> = {},
): Promise<{ keyId: string; secret: string; consumerId: string }> {
  const c = await node.call("POST", "/v1/consumers", { name: "acme" });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id, ...body });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  return { keyId: k.body.key.id, secret: k.body.secret, consumerId: c.body.id };
}

/** POST /v1/verify, asserting the call itself succeeded. */
export async function verify(node: TestNode, key: string, scopes?: string[]): Promise<Response> {
  const r = await node.call("POST", "/v1/verify", scopes ? { key, scopes } : { key });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r;
}

/** Rotates, asserting 201. */
export async function rotate(
  node: TestNode,
  keyId: string,
  body: Record<string, unknown> = { gracePeriod: "1h" },
  headers?: Record<string, string>,
): Promise<Response> {
  const r = await node.call("POST", `/v1/keys/${keyId}/rotate`, body, headers);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r;
}

/** The states of a key's versions as GET /v1/keys/:id shows them, by version number. */
export async function versionStates(node: TestNode, keyId: string): Promise<Record<number, string>> {
  const r = await node.call("GET", `/v1/keys/${keyId}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return Object.fromEntries(
    r.body.versions.map((v: { version: number; state: string }) => [v.version, v.state]),
  );
}

/** Asserts an RFC 9457 problem+json answer with the given status and stable code. */
export function assertProblem(r: Response, status: number, code: string): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.match(String(r.headers["content-type"]), /^application\/problem\+json/);
  assert.equal(r.body.code, code, JSON.stringify(r.body));
  assert.equal(r.body.status, status);
  assert.equal(typeof r.body.title, "string");
  assert.equal(typeof r.body.detail, "string");
}
