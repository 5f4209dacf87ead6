// The verifier's index at scale (issue 16): a node serves /readyz 503 "loading" while its index
// streams in, the streamed index answers exactly as the store says across batch boundaries, and in
// bounded mode evicted and cached keys are both revoked at once and usage of evicted versions is kept.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createKeyroll, type Keyroll, resolveConfig } from "../src/main.js";
import { type IndexRow, IX } from "../src/store/kysely/index-scan.js";
import { openSqliteStore } from "../src/store/sqlite/index.js";
import type { Store } from "../src/store/types.js";
import { ADMIN_KEY } from "./helpers.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-index-"));
  dirs.push(dir);
  return join(dir, "keyroll.db");
}

async function node(
  file: string,
  env: Record<string, string> = {},
  opts: { store?: Store; loadInBackground?: boolean } = {},
) {
  const config = resolveConfig({
    env: {
      KEYROLL_DATABASE: file,
      KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      KEYROLL_LOG_LEVEL: "silent",
      ...env,
    },
  });
  return createKeyroll(config, opts);
}

async function call(kr: Keyroll, method: string, url: string, body?: unknown) {
  const r = await kr.app.inject({
    method: method as "GET",
    url,
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    ...(body !== undefined && { payload: body as object }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: read field by field
  return { status: r.statusCode, body: r.json() as any };
}

/** `n` keys of one consumer through the bulk path; returns their ids and secrets. */
async function importKeys(kr: Keyroll, n: number, tag: string) {
  const con = (await call(kr, "POST", "/v1/consumers", { name: tag })).body.id as string;
  const out: Array<{ keyId: string; secret: string }> = [];
  for (let i = 0; i < n; i += 10_000) {
    const rows = Array.from({ length: Math.min(10_000, n - i) }, (_, j) => ({
      externalId: `${tag}-${i + j}`,
      consumerId: con,
    }));
    const r = await call(kr, "POST", "/v1/keys/import", { keys: rows });
    assert.equal(r.body.committed, true, JSON.stringify(r.body).slice(0, 500));
    for (const x of r.body.results) out.push({ keyId: x.keyId, secret: x.secret });
  }
  return { con, keys: out };
}

test("/readyz answers 503 loading while the index streams in; the node serves at once after", async () => {
  const file = newFile();
  const first = await node(file);
  const { keys } = await importKeys(first, 50, "ready");
  await first.close();

  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const store = openSqliteStore(file);
  const gated: Store = {
    ...store,
    scanIndex: async (sink) => {
      await gate;
      return store.scanIndex(sink);
    },
  };
  const kr = await node(file, {}, { store: gated, loadInBackground: true });
  try {
    const loading = await kr.app.inject({ method: "GET", url: "/readyz" });
    assert.equal(loading.statusCode, 503);
    assert.equal(loading.json().status, "loading");
    assert.equal(loading.json().feedLagMs, null);
    // while loading, a verification is still answered right (read through to the store)
    const v = await call(kr, "POST", "/v1/verify", { key: keys[0]!.secret });
    assert.equal(v.body.code, "VALID");
    release();
    for (let i = 0; i < 200 && !kr.verifier.status().started; i++)
      await new Promise((r) => setTimeout(r, 10));
    const ready = await kr.app.inject({ method: "GET", url: "/readyz" });
    assert.equal(ready.statusCode, 200, ready.body);
    assert.equal(kr.verifier.status().size, 50 + 1);
    const lookups = kr.verifier.status().storeLookups;
    for (const k of keys)
      assert.equal((await call(kr, "POST", "/v1/verify", { key: k.secret })).body.code, "VALID");
    assert.equal(kr.verifier.status().storeLookups, lookups, "every key answered from memory");
  } finally {
    release();
    await kr.close();
  }
});

test("the streamed index answers as the store says, across batches (10 500 keys)", async () => {
  const file = newFile();
  const first = await node(file);
  const { keys } = await importKeys(first, 10_500, "stream");
  // a revoked key, a rotated one (grace) and an expired rotation's old version among them
  await call(first, "POST", `/v1/keys/${keys[10]!.keyId}/revoke`, {});
  const rotated = await call(first, "POST", `/v1/keys/${keys[9_999]!.keyId}/rotate`, { gracePeriod: "1h" });
  assert.equal(rotated.status, 201);
  const expect = new Map<string, string>();
  for (const k of [...keys.slice(0, 50), keys[9_999]!, ...keys.slice(10_000)])
    expect.set(k.secret, (await call(first, "POST", "/v1/verify", { key: k.secret })).body.code);
  expect.set(rotated.body.secret, "VALID");
  await first.close();

  const kr = await node(file);
  try {
    assert.equal(kr.verifier.status().size, 10_500 + 1 + 1);
    const lookups = kr.verifier.status().storeLookups;
    for (const [secret, code] of expect) {
      const r = await call(kr, "POST", "/v1/verify", { key: secret });
      assert.equal(r.body.code, code);
    }
    assert.equal(expect.get(keys[10]!.secret), "REVOKED");
    const grace = await call(kr, "POST", "/v1/verify", { key: keys[9_999]!.secret });
    assert.equal(grace.body.deprecated, true);
    assert.equal(kr.verifier.status().storeLookups, lookups, "all from memory");
  } finally {
    await kr.close();
  }
});

test("a key's first use moves it in memory: its versions stay indexed and revocable, also when used in the middle of the start-up scan", async () => {
  const file = newFile();
  const first = await node(file);
  const { keys } = await importKeys(first, 3, "warm");
  const [plain, rotated] = [keys[0]!, keys[1]!];
  const next = await call(first, "POST", `/v1/keys/${rotated.keyId}/rotate`, { gracePeriod: "1h" });
  assert.equal(next.status, 201);
  await first.close();

  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const store = openSqliteStore(file);
  let kr: Keyroll | undefined;
  let midScan: string | undefined;
  const stepped: Store = {
    ...store,
    // row by row (a file this small is read on this thread, in arrays); the rotated key's first
    // version is used after its own row and before its second version's
    scanIndex: async (sink) => {
      await gate;
      return store.scanIndex((batch) => {
        for (const row of batch as readonly IndexRow[]) {
          sink([row]);
          if (row[IX.keyId] === rotated.keyId && midScan === undefined)
            midScan = kr!.verifier.verifyCached(rotated.secret)?.code;
        }
      });
    },
  };
  kr = await node(file, {}, { store: stepped, loadInBackground: true });
  try {
    release();
    for (let i = 0; i < 200 && !kr.verifier.status().started; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(midScan, "VALID", "answered from the part of the index already read");
    assert.equal(kr.verifier.status().size, 3 + 1 + 1, "three keys, a second version, the admin key");
    const held = (id: string, versions: number[]) =>
      kr!.verifier.rejection(id, versions).map((r) => `${r.version}:${r.indexed}:${r.rejected}`);
    assert.deepEqual(held(rotated.keyId, [1, 2]), ["1:true:false", "2:true:false"]);

    const lookups = kr.verifier.status().storeLookups;
    for (let i = 0; i < 3; i++) {
      assert.equal((await call(kr, "POST", "/v1/verify", { key: plain.secret })).body.code, "VALID");
      const old = await call(kr, "POST", "/v1/verify", { key: rotated.secret });
      assert.equal(old.body.code, "VALID");
      assert.equal(old.body.deprecated, true);
      assert.equal((await call(kr, "POST", "/v1/verify", { key: next.body.secret })).body.code, "VALID");
    }
    assert.equal(kr.verifier.status().storeLookups, lookups, "all from memory");
    assert.equal(kr.verifier.status().size, 5, "a moved key replaces its entries, adds none");
    assert.deepEqual(held(plain.keyId, [1]), ["1:true:false"]);
    assert.deepEqual(held(rotated.keyId, [1, 2]), ["1:true:false", "2:true:false"]);

    // the uses of the moved versions are counted
    await kr.verifier.flush();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const u = await call(kr, "GET", `/v1/keys/${plain.keyId}/usage?from=${from}`);
    assert.equal(u.body.versions[0].totals.VALID, 3);

    for (const k of [plain, rotated]) {
      assert.equal((await call(kr, "POST", `/v1/keys/${k.keyId}/revoke`, {})).status, 200);
      assert.equal((await call(kr, "POST", "/v1/verify", { key: k.secret })).body.code, "REVOKED");
    }
    assert.equal((await call(kr, "POST", "/v1/verify", { key: next.body.secret })).body.code, "REVOKED");
    assert.deepEqual(held(rotated.keyId, [1, 2]), ["1:true:true", "2:true:true"]);
    assert.equal((await call(kr, "POST", "/v1/verify", { key: keys[2]!.secret })).body.code, "VALID");
  } finally {
    release();
    await kr.close();
  }
});

test("bounded index: at most N versions; evicted and cached keys are both revoked at once; usage of evicted versions is kept", async () => {
  const file = newFile();
  const first = await node(file);
  const { keys } = await importKeys(first, 300, "bounded");
  await first.close();

  const kr = await node(file, { KEYROLL_INDEX: "bounded", KEYROLL_INDEX_MAX_ENTRIES: "100" });
  try {
    assert.equal(kr.verifier.status().index, "bounded");
    assert.ok(kr.verifier.status().size <= 100);
    const evicted = keys[0]!;
    // three uses of the first key, then 200 others push it out
    for (let i = 0; i < 3; i++)
      assert.equal((await call(kr, "POST", "/v1/verify", { key: evicted.secret })).body.code, "VALID");
    for (const k of keys.slice(100, 300))
      assert.equal((await call(kr, "POST", "/v1/verify", { key: k.secret })).body.code, "VALID");
    const s = kr.verifier.status();
    assert.ok(s.size <= 100, `size ${s.size}`);
    assert.ok(s.evictions > 0);
    const cached = keys[299]!;
    // cached: answered from memory
    const before = kr.verifier.status().storeLookups;
    await call(kr, "POST", "/v1/verify", { key: cached.secret });
    assert.equal(kr.verifier.status().storeLookups, before);

    // usage of the evicted version reaches the store
    await kr.verifier.flush();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const u = await call(kr, "GET", `/v1/keys/${evicted.keyId}/usage?from=${from}`);
    assert.equal(u.status, 200, JSON.stringify(u.body));
    assert.equal(u.body.versions[0].totals.VALID, 3);

    for (const k of [evicted, cached]) {
      const r = await call(kr, "POST", `/v1/keys/${k.keyId}/revoke`, {});
      assert.equal(r.status, 200);
      assert.equal((await call(kr, "POST", "/v1/verify", { key: k.secret })).body.code, "REVOKED");
    }
    // the other keys still work, from memory or from the store
    assert.equal((await call(kr, "POST", "/v1/verify", { key: keys[1]!.secret })).body.code, "VALID");
    // a key made now is found at once, not NOT_FOUND from the negative cache
    const absent = `kr_live_${"Z".repeat(38)}`;
    await call(kr, "POST", "/v1/verify", { key: absent });
    const created = await call(kr, "POST", "/v1/keys/import", {
      keys: [
        {
          externalId: "bounded-new",
          consumerId: (await call(kr, "GET", `/v1/keys/${keys[1]!.keyId}`)).body.consumerId,
        },
      ],
    });
    assert.equal(
      (await call(kr, "POST", "/v1/verify", { key: created.body.results[0].secret })).body.code,
      "VALID",
    );
  } finally {
    await kr.close();
  }
});

test("bounded index: a version used at least once every half bound of insertions stays cached, one not used is evicted", async () => {
  const file = newFile();
  const first = await node(file);
  const { keys } = await importKeys(first, 400, "recency");
  await first.close();

  const kr = await node(file, { KEYROLL_INDEX: "bounded", KEYROLL_INDEX_MAX_ENTRIES: "100" });
  try {
    const verify = async (secret: string) =>
      assert.equal((await call(kr, "POST", "/v1/verify", { key: secret })).body.code, "VALID");
    const [hot, cold] = [keys[0]!, keys[1]!];
    await verify(hot.secret);
    await verify(cold.secret);
    // 300 keys read through (each an insertion), the hot one used after every 40th
    const before = kr.verifier.status().storeLookups;
    for (let i = 100; i < 400; i++) {
      await verify(keys[i]!.secret);
      if (i % 40 === 0) await verify(hot.secret);
    }
    await verify(hot.secret);
    assert.equal(kr.verifier.status().storeLookups, before + 300, "the hot version never left memory");
    await verify(cold.secret);
    assert.equal(kr.verifier.status().storeLookups, before + 301, "the cold version was evicted");
    assert.ok(kr.verifier.status().size <= 100);
  } finally {
    await kr.close();
  }
});

test("a stopped verifier's sync resolves at once: a write committed during shutdown (the leader's last tick) does not hang it", async () => {
  const kr = await node(newFile());
  await kr.verifier.stop();
  const done = await Promise.race([
    kr.verifier.sync().then(() => "resolved"),
    new Promise<string>((r) => setTimeout(() => r("still waiting after 2 s"), 2_000).unref()),
  ]);
  assert.equal(done, "resolved");
  await kr.close();
});

test("an import's keys are indexed from the node's own write, not read back, and a change another node makes before this one reads the feed still applies", async () => {
  const file = newFile();
  const store = openSqliteStore(file);
  // the rows of each key the node reads back from the feed; while `gate` is set, its feed reads wait
  const readBack = new Map<string, number>();
  let gate: Promise<void> | null = null;
  const counting: Store = {
    ...store,
    changesWithIndexRows: async (seq, limit, opts) => {
      while (gate) await gate;
      const out = await store.changesWithIndexRows(seq, limit, opts);
      for (const r of out.rows) {
        const id = r[IX.keyId] as string;
        readBack.set(id, (readBack.get(id) ?? 0) + 1);
      }
      return out;
    },
  };
  // no polling: only the import's own catch-up reads the feed (a poll started before the commit
  // would read the new keys' rows, which is right, but not what this test looks at)
  const a = await node(
    file,
    { KEYROLL_POLL_INTERVAL: "60s", KEYROLL_MAX_STALENESS: "120s" },
    { store: counting },
  );
  const b = await node(file);
  try {
    const con = (await call(a, "POST", "/v1/consumers", { name: "own" })).body.id as string;
    let release!: () => void;
    gate = new Promise<void>((r) => {
      release = () => {
        gate = null;
        r();
      };
    });
    // 600 rows: more than a chunk of the key pair threads, so the secrets are generated there
    const rows = Array.from({ length: 600 }, (_, j) => ({ externalId: `own-${j}`, consumerId: con }));
    const importing = call(a, "POST", "/v1/keys/import", { keys: rows });
    // committed (the other node sees it) while this node's catch-up waits at the gate
    let first: string | undefined;
    for (let t = 0; first === undefined && t < 500; t++) {
      const r = await call(b, "GET", `/v1/keys?consumerId=${con}&limit=3`);
      first = r.body.data?.[0]?.id;
      if (first === undefined) await new Promise((r2) => setTimeout(r2, 20));
    }
    assert.ok(first, "the import committed");
    // the other node revokes an imported key before this one has read the import from the feed
    assert.equal((await call(b, "POST", `/v1/keys/${first}/revoke`, {})).status, 200);
    release();
    const r = await importing;
    assert.equal(r.body.committed, true, JSON.stringify(r.body).slice(0, 300));
    const keys = r.body.results as Array<{ keyId: string; secret: string }>;
    assert.equal(keys[0]!.keyId, first, "key ids in row order");
    const [revoked, rotated, kept] = [keys[0]!, keys[1]!, keys[2]!];
    assert.equal(a.verifier.verifyCached(revoked.secret)?.code, "REVOKED");
    assert.ok((readBack.get(revoked.keyId) ?? 0) > 0, "a key with a later change is read from its rows");
    for (const k of keys.slice(1)) {
      assert.match(k.secret, /^kr_live_[0-9A-Za-z]{38}$/);
      assert.equal(a.verifier.verifyCached(k.secret)?.valid, true);
      assert.equal(readBack.get(k.keyId), undefined, "an imported key was read back from the feed");
    }
    // a change after the import's feed rows reaches this node as any change does
    const next = await call(b, "POST", `/v1/keys/${rotated.keyId}/rotate`, { gracePeriod: "1h" });
    assert.equal(next.status, 201);
    await a.verifier.sync();
    assert.equal(a.verifier.verifyCached(next.body.secret)?.valid, true);
    assert.equal(a.verifier.verifyCached(rotated.secret)?.valid, true);
    assert.equal(a.verifier.verifyCached(kept.secret)?.valid, true);
    // and a node that starts on the file holds them as the importing node does
    const c = await node(file);
    try {
      for (const k of [revoked, rotated, kept])
        assert.deepEqual(c.verifier.verifyCached(k.secret), a.verifier.verifyCached(k.secret));
    } finally {
      await c.close();
    }
  } finally {
    await b.close();
    await a.close();
  }
});
