// The emergency (issue 14 items 5 and 6): POST /v1/keys/:id/compromised and
// /v1/consumers/:id/compromised on SQLite and on a real PostgreSQL (revoked at once, a replacement
// minted with no successor pickup, an alert, the key.compromised webhook delivered, audited), the
// digest lookup and exposure of the playbook, and POST /v1/leaks: from an admin key, with a valid
// P-256 signature, refused with a bad one (changing nothing), and answered the same whichever
// tokens exist.
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createKeyroll, type Keyroll, resolveConfig } from "../src/main.js";
import { ADMIN_KEY, startTestNode, type TestNode } from "./helpers.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";
import { startReceiver } from "./webhook-receiver.js";

const ALLOW = { KEYROLL_WEBHOOK_ALLOWED_HOSTS: "127.0.0.1" };

// biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
type Json = any;

async function call(
  kr: Keyroll,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${ADMIN_KEY}` },
): Promise<{ status: number; body: Json; text: string; headers: Record<string, unknown> }> {
  const res = await kr.app.inject({
    method: method as "GET",
    url,
    headers,
    ...(body !== undefined && { payload: typeof body === "string" ? body : JSON.stringify(body) }),
    ...(body !== undefined && { headers: { "content-type": "application/json", ...headers } }),
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    parsed = undefined;
  }
  return { status: res.statusCode, body: parsed, text: res.body, headers: res.headers };
}

async function verifyCode(kr: Keyroll, secret: string): Promise<string> {
  const r = await call(kr, "POST", "/v1/verify", { key: secret });
  assert.equal(r.status, 200, r.text);
  return r.body.code as string;
}

async function consumerWithKey(kr: Keyroll, name: string) {
  const c = await call(kr, "POST", "/v1/consumers", { name });
  assert.equal(c.status, 201, c.text);
  const k = await call(kr, "POST", "/v1/keys", { consumerId: c.body.id });
  assert.equal(k.status, 201, k.text);
  return { consumerId: c.body.id as string, keyId: k.body.key.id as string, secret: k.body.secret as string };
}

/** The emergency-rotation suite, run against a node on `database`. */
function compromiseSuite(dialect: string, database: () => Promise<string>) {
  describe(`compromised endpoints (${dialect})`, () => {
    let kr: Keyroll;
    let dir: string;
    let rcv: Awaited<ReturnType<typeof startReceiver>>;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "keyroll-incidents-"));
      rcv = await startReceiver();
      kr = await createKeyroll(
        resolveConfig({
          env: {
            KEYROLL_DATABASE: await database(),
            KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
            KEYROLL_LOG_LEVEL: "silent",
            ...ALLOW,
          },
        }),
      );
    });
    after(async () => {
      await kr?.close();
      await rcv?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test("a key: exposed versions (and what was sealed to them) revoked at once, a replacement, alert, webhook, audit", async () => {
      const hook = await call(kr, "POST", "/v1/webhooks", {
        url: rcv.url,
        events: ["key.compromised", "alert.raised"],
      });
      assert.equal(hook.status, 201, hook.text);
      const k = await consumerWithKey(kr, "acme");
      // v1 in grace, v2 active and sealed for v1's holders (successor pickup is on by default)
      const rot = await call(kr, "POST", `/v1/keys/${k.keyId}/rotate`, { gracePeriod: "1h" });
      assert.equal(rot.status, 201, rot.text);
      const v2 = rot.body.secret as string;
      assert.equal(await verifyCode(kr, k.secret), "VALID");

      const r = await call(kr, "POST", `/v1/keys/${k.keyId}/compromised`, {
        reason: "v1 pasted in a public gist",
        versions: [1],
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.version, 3);
      // whoever holds v1 could have picked v2 up: both are exposed
      assert.deepEqual(r.body.revokedVersions, [1, 2]);
      assert.equal(r.body.key.allowSuccessorPickup, false);
      assert.deepEqual(
        r.body.key.versions.map((v: Json) => [v.version, v.state]),
        [
          [1, "revoked"],
          [2, "revoked"],
          [3, "active"],
        ],
      );
      // this node's verifier already answers from the new state: no wait
      assert.equal(await verifyCode(kr, k.secret), "REVOKED");
      assert.equal(await verifyCode(kr, v2), "REVOKED");
      assert.equal(await verifyCode(kr, r.body.secret), "VALID");
      // nothing waits to be picked up with the old secret
      const pick = await call(kr, "POST", "/v1/self/successor", undefined, {
        authorization: `Bearer ${k.secret}`,
      });
      assert.notEqual(pick.status, 200, pick.text);

      // audited, with the actor and the revoked versions
      const audit = await call(kr, "GET", `/v1/audit?targetId=${k.keyId}&action=key.compromised`);
      assert.equal(audit.status, 200, audit.text);
      assert.equal(audit.body.data.length, 1);
      assert.deepEqual(audit.body.data[0].data.revokedVersions, [1, 2]);
      assert.equal(audit.body.data[0].data.reason, "v1 pasted in a public gist");
      assert.equal(audit.body.data[0].actor.type, "admin");

      // an alert, and the notifications delivered
      const alerts = await call(kr, "GET", `/v1/alerts?keyId=${k.keyId}`);
      assert.equal(alerts.status, 200, alerts.text);
      const alert = alerts.body.data.find((a: Json) => a.kind === "key_compromised");
      assert.ok(alert, alerts.text);
      await kr.scheduler.runOnce();
      await kr.notifier.idle();
      await rcv.waitFor(2);
      await kr.notifier.idle();
      const types = rcv.received.map((x) => x.json.type);
      const ev = rcv.received.find((x) => x.json.type === "key.compromised");
      assert.ok(ev, `key.compromised delivered (got ${types.join(", ")})`);
      assert.equal(ev.json.data.keyId, k.keyId);
      assert.deepEqual(ev.json.data.revokedVersions, [1, 2]);
      assert.equal(ev.json.data.version, 3);
      assert.ok(!ev.body.includes(r.body.secret), "the new secret is in no notification");
      assert.ok(ev.headers["webhook-signature"]?.startsWith("v1,"));
      assert.ok(types.includes("alert.raised"), types.join(", "));

      // the playbook's lookup names the key of a secret by its digest, and who used what
      const digest = createHash("sha256").update(k.secret).digest("hex");
      const look = await call(kr, "POST", "/v1/keys/lookup", { digest });
      assert.equal(look.status, 200, look.text);
      assert.deepEqual(look.body, {
        keyId: k.keyId,
        consumerId: k.consumerId,
        version: 1,
        state: "revoked",
        keyState: "active",
      });
      const none = await call(kr, "POST", "/v1/keys/lookup", { digest: "0".repeat(64) });
      assert.equal(none.status, 404);
      assert.equal(none.body.code, "KEY_NOT_FOUND");
      const exp = await call(kr, "GET", `/v1/keys/${k.keyId}/exposure?versions=1,2`);
      assert.equal(exp.status, 200, exp.text);
      assert.deepEqual(
        exp.body.versions.map((v: Json) => v.version),
        [1, 2],
      );

      // refusals: an unknown key, an unknown version, a revoked key
      const noKey = await call(kr, "POST", "/v1/keys/key_00000000000000000000000000/compromised", {
        reason: "x",
      });
      assert.equal(noKey.status, 404);
      const noVersion = await call(kr, "POST", `/v1/keys/${k.keyId}/compromised`, {
        reason: "x",
        versions: [9],
      });
      assert.equal(noVersion.status, 404);
      assert.equal(noVersion.body.code, "VERSION_NOT_FOUND");
      await call(kr, "POST", `/v1/keys/${k.keyId}/revoke`, {});
      const revoked = await call(kr, "POST", `/v1/keys/${k.keyId}/compromised`, { reason: "x" });
      assert.equal(revoked.status, 409);
      assert.equal(revoked.body.code, "KEY_REVOKED");
      const noReason = await call(kr, "POST", `/v1/keys/${k.keyId}/compromised`, {});
      assert.equal(noReason.status, 400);
    });

    test("an active version not named keeps working for the grace asked, the named one is revoked", async () => {
      const k = await consumerWithKey(kr, "beta");
      const rot = await call(kr, "POST", `/v1/keys/${k.keyId}/rotate`, { gracePeriod: "1h" });
      assert.equal(rot.status, 201);
      // pickup off first, so v2 was never sealed to v1: only v1 is exposed
      const k2 = await consumerWithKey(kr, "gamma");
      await call(kr, "PATCH", `/v1/keys/${k2.keyId}`, { allowSuccessorPickup: false });
      const rot2 = await call(kr, "POST", `/v1/keys/${k2.keyId}/rotate`, { gracePeriod: "1h" });
      const r = await call(kr, "POST", `/v1/keys/${k2.keyId}/compromised`, {
        reason: "old config leaked",
        versions: [1],
        gracePeriod: "10m",
      });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(r.body.revokedVersions, [1]);
      assert.equal(r.body.previous.version, 2);
      assert.equal(await verifyCode(kr, k2.secret), "REVOKED");
      const v2 = await call(kr, "POST", "/v1/verify", { key: rot2.body.secret });
      assert.equal(v2.body.code, "VALID");
      assert.equal(v2.body.deprecated, true);
      assert.equal(await verifyCode(kr, r.body.secret), "VALID");
    });

    test("a consumer: every live key replaced, one replacement each, in one write", async () => {
      const c = await call(kr, "POST", "/v1/consumers", { name: "delta" });
      const secrets: string[] = [];
      for (let i = 0; i < 2; i++) {
        const k = await call(kr, "POST", "/v1/keys", { consumerId: c.body.id });
        secrets.push(k.body.secret);
      }
      const r = await call(kr, "POST", `/v1/consumers/${c.body.id}/compromised`, { reason: "laptop stolen" });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.consumerId, c.body.id);
      assert.equal(r.body.keys.length, 2);
      for (const s of secrets) assert.equal(await verifyCode(kr, s), "REVOKED");
      for (const k of r.body.keys) {
        assert.equal(k.version, 2);
        assert.deepEqual(k.revokedVersions, [1]);
        assert.equal(await verifyCode(kr, k.secret), "VALID");
      }
      const audit = await call(kr, "GET", `/v1/audit?targetId=${c.body.id}&action=consumer.compromised`);
      assert.equal(audit.body.data.length, 1);
      const none = await call(kr, "POST", "/v1/consumers/con_00000000000000000000000000/compromised", {
        reason: "x",
      });
      assert.equal(none.status, 404);
      assert.equal(none.body.code, "CONSUMER_NOT_FOUND");
    });
  });
}

compromiseSuite("SQLite", async () => join(mkdtempSync(join(tmpdir(), "keyroll-inc-db-")), "keyroll.db"));

let pgs: TestPostgres | undefined;
after(async () => {
  await pgs?.close();
});
compromiseSuite("PostgreSQL", async () => {
  pgs ??= await startTestPostgres();
  return pgs.createDatabase();
});

describe("leak reports", () => {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const other = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const KEY_ID = "90a421169f0a406205f1563a953312f0be898d3c7b6c06b681aa86a874555f4a";
  let node: TestNode;
  let keysDir: string;
  const signed = (body: string, key = privateKey, id = KEY_ID) => ({
    "content-type": "application/json",
    "github-public-key-identifier": id,
    "github-public-key-signature": sign("sha256", Buffer.from(body), { key, dsaEncoding: "der" }).toString(
      "base64",
    ),
  });
  const report = (token: string) =>
    JSON.stringify([
      {
        token,
        type: "keyroll_api_key",
        url: "https://github.com/octocat/Hello-World/blob/main/config.txt",
        source: "content",
      },
    ]);

  before(async () => {
    keysDir = mkdtempSync(join(tmpdir(), "keyroll-leak-keys-"));
    const file = join(keysDir, "github-keys.json");
    // GitHub's published format (https://api.github.com/meta/public_keys/secret_scanning)
    writeFileSync(
      file,
      JSON.stringify({
        public_keys: [
          {
            key_identifier: KEY_ID,
            key: publicKey.export({ type: "spki", format: "pem" }),
            is_current: true,
          },
        ],
      }),
    );
    node = await startTestNode({ env: { KEYROLL_LEAK_PUBLIC_KEYS: file } });
  });
  after(async () => {
    await node?.close();
    rmSync(keysDir, { recursive: true, force: true });
  });

  const auditCount = async () =>
    (await call(node.kr, "GET", "/v1/audit?limit=200")).body.data.length as number;

  test("from an admin key: the key's leaked version is revoked and replaced", async () => {
    const k = await consumerWithKey(node.kr, "leaky");
    const r = await call(node.kr, "POST", "/v1/leaks", report(k.secret), {
      authorization: `Bearer ${ADMIN_KEY}`,
      "content-type": "application/json",
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, []);
    assert.equal(await verifyCode(node.kr, k.secret), "REVOKED");
    const key = await call(node.kr, "GET", `/v1/keys/${k.keyId}`);
    assert.deepEqual(
      key.body.versions.map((v: Json) => v.state),
      ["revoked", "active"],
    );
    const audit = await call(node.kr, "GET", `/v1/audit?targetId=${k.keyId}&action=key.compromised`);
    assert.equal(audit.body.data[0].data.source, "leak_report");
    // the same report again: nothing left to revoke, no second replacement
    const again = await call(node.kr, "POST", "/v1/leaks", report(k.secret), {
      authorization: `Bearer ${ADMIN_KEY}`,
      "content-type": "application/json",
    });
    assert.equal(again.status, 200);
    assert.equal((await call(node.kr, "GET", `/v1/keys/${k.keyId}`)).body.versions.length, 2);
  });

  test("with a valid signature and no admin key: revoked; a bad signature is refused and changes nothing", async () => {
    const k = await consumerWithKey(node.kr, "signed");
    const body = report(k.secret);

    const before = await auditCount();
    for (const [what, headers] of [
      ["signed by another key", signed(body, other.privateKey)],
      ["an unknown key identifier", signed(body, privateKey, "f".repeat(64))],
      ["a signature of another body", { ...signed(`${body} `), "content-type": "application/json" }],
      ["garbage", { ...signed(body), "github-public-key-signature": "bm90IGEgc2lnbmF0dXJl" }],
      [
        "no identifier",
        {
          "content-type": "application/json",
          "github-public-key-signature": signed(body)["github-public-key-signature"],
        },
      ],
    ] as const) {
      const r = await call(node.kr, "POST", "/v1/leaks", body, headers as Record<string, string>);
      assert.equal(r.status, 401, `${what}: ${r.text}`);
      assert.match(String(r.headers["content-type"]), /^application\/problem\+json/);
      assert.equal(r.body.code, "LEAK_SIGNATURE_INVALID", what);
    }
    const unsigned = await call(node.kr, "POST", "/v1/leaks", body, { "content-type": "application/json" });
    assert.equal(unsigned.status, 401);
    assert.equal(unsigned.body.code, "UNAUTHORIZED");
    // nothing changed: the key works, no audit entry, no alert
    assert.equal(await verifyCode(node.kr, k.secret), "VALID");
    assert.equal(await auditCount(), before);
    assert.equal((await call(node.kr, "GET", `/v1/alerts?keyId=${k.keyId}`)).body.data.length, 0);

    const ok = await call(node.kr, "POST", "/v1/leaks", body, signed(body));
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body, []);
    assert.equal(await verifyCode(node.kr, k.secret), "REVOKED");
    const audit = await call(node.kr, "GET", `/v1/audit?targetId=${k.keyId}&action=key.compromised`);
    assert.equal(audit.body.data.length, 1);
    assert.equal(audit.body.data[0].actor.type, "system");
    assert.equal(audit.body.data[0].actor.rule, "leak-report");
  });

  test("the answer is the same for a token that exists, one that does not, and one already revoked", async () => {
    const k = await consumerWithKey(node.kr, "uniform");
    const answers: string[] = [];
    for (const token of [
      k.secret,
      "kr_live_doesnotexist0000000000000000000000000",
      k.secret,
      "x".repeat(30),
    ]) {
      const body = report(token);
      const r = await call(node.kr, "POST", "/v1/leaks", body, signed(body));
      answers.push(JSON.stringify([r.status, r.headers["content-type"], r.text]));
    }
    assert.equal(new Set(answers).size, 1, answers.join("\n"));
    assert.equal(await verifyCode(node.kr, k.secret), "REVOKED");
  });

  test("an admin key named in a report is not revoked (nobody would see its replacement): an alert", async () => {
    const adminCon = (await call(node.kr, "GET", "/v1/consumers?limit=200")).body.data.find(
      (x: Json) => x.name === "keyroll-admin",
    ).id;
    const a = await call(node.kr, "POST", "/v1/keys", { consumerId: adminCon, scopes: ["keys:read"] });
    assert.equal(a.status, 201, a.text);
    const body = report(a.body.secret);
    const r = await call(node.kr, "POST", "/v1/leaks", body, signed(body));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, []);
    const key = await call(node.kr, "GET", `/v1/keys/${a.body.key.id}`);
    assert.deepEqual(
      key.body.versions.map((v: Json) => v.state),
      ["active"],
    );
    const alerts = await call(node.kr, "GET", `/v1/alerts?keyId=${a.body.key.id}`);
    assert.equal(alerts.body.data[0].kind, "key_leaked");
  });

  test("alert only (KEYROLL_LEAK_ACTION=alert): the key keeps working, an alert is raised", async (t) => {
    const n = await startTestNode({ env: { KEYROLL_LEAK_ACTION: "alert" } });
    t.after(() => n.close());
    const k = await consumerWithKey(n.kr, "alerted");
    const r = await call(n.kr, "POST", "/v1/leaks", report(k.secret), {
      authorization: `Bearer ${ADMIN_KEY}`,
      "content-type": "application/json",
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(await verifyCode(n.kr, k.secret), "VALID");
    const alerts = await call(n.kr, "GET", `/v1/alerts?keyId=${k.keyId}`);
    assert.equal(alerts.body.data[0].kind, "key_leaked");
  });
});
