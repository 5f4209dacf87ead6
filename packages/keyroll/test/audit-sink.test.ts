// Shipping the audit log as JSON Lines: a file rotated by size whose lines, put back together, are
// the chain (and verify with the public key); a stuck destination does not hold writes back, and
// the sink catches up from the seq it stored.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import {
  AuditChainVerifier,
  type AuditEntry,
  loadAuditPublicKey,
  loadAuditSigner,
} from "../src/core/audit.js";
import { createAuditSink } from "../src/services/audit-sink.js";
import { startTestNode, type TestNode } from "./helpers.js";

const SIGNING_KEY = generateKeyPairSync("ed25519")
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString();
const quiet = { info() {}, warn() {}, error() {}, debug() {} } as never;
const nodes: TestNode[] = [];
after(async () => {
  for (const n of nodes) await n.close();
});

async function mutate(node: TestNode, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await node.call("POST", "/v1/consumers", {
      name: `consumer ${i}`,
      metadata: { pad: "x".repeat(100) },
    });
    assert.equal(r.status, 201);
  }
}

test("a file sink rotated by size: its files, oldest first, are the chain and verify", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-sink-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "audit.jsonl");
  const node = await startTestNode({
    env: {
      KEYROLL_AUDIT_SIGNING_KEY: SIGNING_KEY,
      KEYROLL_AUDIT_SINK: `file:${path}`,
      KEYROLL_AUDIT_SINK_MAX_BYTES: "4096",
      KEYROLL_AUDIT_SINK_KEEP: "100",
    },
  });
  nodes.push(node);
  await mutate(node, 20);
  await node.kr.services.audit.checkpoint();
  await mutate(node, 5);
  assert.ok(node.kr.auditSink);
  // (the leader's own tick may have shipped some already: all that matters is what the files hold)
  await node.kr.auditSink.drain();
  assert.ok(existsSync(`${path}.1`) && existsSync(`${path}.2`), "rotated at 4 KiB");
  const sinkFiles = () => {
    const files = [];
    for (let i = 100; i >= 1; i--) if (existsSync(`${path}.${i}`)) files.push(`${path}.${i}`);
    return [...files, path];
  };
  for (const f of sinkFiles().slice(0, -1))
    assert.ok(readFileSync(f).length <= 4096 + 1024, `${f} stays near the limit`);
  const readLines = () => sinkFiles().flatMap((f) => readFileSync(f, "utf8").trimEnd().split("\n"));
  const lines = readLines();
  const v = new AuditChainVerifier(loadAuditPublicKey(loadAuditSigner(SIGNING_KEY).publicKeyPem).key);
  const cps = [];
  const seqs: number[] = [];
  for (const l of lines) {
    const o = JSON.parse(l);
    if (o.checkpoint) cps.push(o.checkpoint);
    else {
      v.add(o as AuditEntry);
      seqs.push(o.seq);
    }
  }
  const r = v.finish(cps);
  assert.equal(r.firstBad, null);
  assert.ok(r.checkpoints.verified >= 1);
  const all = await node.kr.store.listAudit({ afterSeq: 0, limit: 10_000 });
  assert.deepEqual(
    seqs,
    all.map((e) => e.seq),
    "every entry once, in order",
  );
  await mutate(node, 1);
  await node.kr.auditSink.drain();
  const now = readLines();
  assert.equal(now.length, lines.length + 1, "the new entry, and nothing twice");
  assert.equal(JSON.parse(now.at(-1)!).action, "consumer.created");
});

test("a stuck destination holds no write back; the sink catches up from its stored seq", async () => {
  const node = await startTestNode();
  nodes.push(node);
  let release!: () => void;
  const stuck = new Promise<void>((r) => {
    release = r;
  });
  const shipped: string[] = [];
  const sink = createAuditSink({
    store: node.kr.store,
    clock: { now: () => Date.now() },
    logger: quiet,
    name: "siem",
    output: {
      async write(lines) {
        await stuck;
        shipped.push(...lines.trimEnd().split("\n"));
      },
      async close() {},
    },
  });
  const draining = sink.drain();
  // the destination does not answer: writes go on at their usual pace regardless
  const t0 = performance.now();
  await mutate(node, 10);
  const ms = performance.now() - t0;
  assert.equal(shipped.length, 0, "nothing shipped while the destination is stuck");
  assert.ok(ms < 10_000, `10 writes took ${ms} ms`);
  release();
  await draining;
  await sink.drain();
  const all = await node.kr.store.listAudit({ afterSeq: 0, limit: 1000 });
  assert.deepEqual(
    shipped.map((l) => JSON.parse(l).seq),
    all.map((e) => e.seq),
  );
  // a new sink under the same name (after a restart) starts where the last one stopped
  await mutate(node, 3);
  const later: string[] = [];
  const again = createAuditSink({
    store: node.kr.store,
    clock: { now: () => Date.now() },
    logger: quiet,
    name: "siem",
    output: {
      async write(lines) {
        later.push(...lines.trimEnd().split("\n"));
      },
      async close() {},
    },
  });
  assert.equal(await again.drain(), 3);
  assert.deepEqual(
    later.map((l) => JSON.parse(l).seq),
    (await node.kr.store.listAudit({ afterSeq: all.at(-1)!.seq, limit: 10 })).map((e) => e.seq),
  );
});

test("configuration: an unknown sink is refused at boot", async () => {
  await assert.rejects(
    startTestNode({ env: { KEYROLL_AUDIT_SINK: "syslog" } }),
    /KEYROLL_AUDIT_SINK: must be "stdout" or "file:<path>"/,
  );
});
