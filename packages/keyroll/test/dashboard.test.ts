// The functions passed to page.evaluate run in the browser: they are typed against the DOM.
/// <reference lib="dom" />
// The dashboard, driven as a person would: Debian's Chromium (playwright-core, no downloaded
// browser) against the real `keyroll serve` (the built bin, serving packages/keyroll/ui at /ui).
// Sign in, create a consumer and a key, copy its secret once, send traffic, rotate, see both
// versions and a chart with two series, roll back, revoke; screenshots of the key page and the
// rotations page on a laptop and a phone; axe-core on every page; the secret gone after its dialog.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import Fastify from "fastify";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { checkContract, isUndocumentedPath } from "../src/http/openapi.js";
import { ADMIN_KEY } from "./helpers.js";
import { type KeyrollProcess, spawnKeyroll } from "./support/keyroll-process.js";

const CHROMIUM = "/usr/bin/chromium";
const UI_INDEX = fileURLToPath(new URL("../ui/index.html", import.meta.url));
const skip =
  !existsSync(CHROMIUM) && !process.env.CI
    ? `${CHROMIUM} is missing (apt-get install chromium); in CI this test fails instead`
    : false;

const LAPTOP = { width: 1366, height: 820 };
const PHONE = { width: 390, height: 844 };

let dir: string;
let artifacts: string;
let server: KeyrollProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

before(async () => {
  if (skip) return;
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: .ci/run installs the Debian package chromium`);
  assert.ok(existsSync(UI_INDEX), `${UI_INDEX} is missing: run \`npm run build\` (it builds packages/web)`);
  dir = mkdtempSync(join(tmpdir(), "keyroll-dashboard-"));
  artifacts = join(dir, "artifacts");
  mkdirSync(artifacts);
  server = await spawnKeyroll({
    database: join(dir, "keyroll.db"),
    env: {
      KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      KEYROLL_LOG_LEVEL: "warn",
      // the chart reads flushed usage rows: flush often so the test waits seconds, not minutes
      KEYROLL_USAGE_FLUSH_INTERVAL: "200ms",
    },
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  context = await browser.newContext({ viewport: LAPTOP, colorScheme: "light" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
});

after(async () => {
  if (skip) return;
  await browser?.close();
  await server?.stop();
  // the screenshots stay for a person (or CI's artifact upload) to look at
  console.log(`dashboard screenshots: ${artifacts}`);
  for (const f of ["keyroll.db", "keyroll.db-wal", "keyroll.db-shm"]) rmSync(join(dir, f), { force: true });
});

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core, evaluated in the page (CDP, so the page's CSP still holds for the page's own code). */
async function axe(name: string): Promise<void> {
  const has = await page.evaluate(() => "axe" in window);
  if (!has) await page.evaluate(AXE);
  const result = (await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected above, untyped in the page
    const r = await (window as any).axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 3),
    }));
  })) as { id: string; impact: string; targets: string[] }[];
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `${name}: axe found serious or critical violations`);
}

async function shoot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
  return { status: res.status, body: (await res.json()) as any };
}

/** `n` verifications, as the provider's API makes them for a client at `clientIp` (a documentation address). */
async function verifyN(secret: string, n: number, clientIp: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await api("POST", "/v1/verify", { key: secret, clientIp });
    assert.equal(r.body.valid, true, JSON.stringify(r.body));
  }
}

/** The secret must be gone: not in the DOM (markup or input values) and not in either storage. */
async function assertForgotten(secret: string): Promise<void> {
  const where = await page.evaluate((s) => {
    const found: string[] = [];
    if (document.documentElement.outerHTML.includes(s)) found.push("markup");
    for (const el of Array.from(document.querySelectorAll("input, textarea")))
      if ((el as HTMLInputElement).value.includes(s)) found.push("an input's value");
    for (const [name, st] of [
      ["sessionStorage", sessionStorage],
      ["localStorage", localStorage],
    ] as const)
      for (let i = 0; i < st.length; i++) if ((st.getItem(st.key(i)!) ?? "").includes(s)) found.push(name);
    if (document.cookie.includes(s)) found.push("cookie");
    return found;
  }, secret);
  assert.deepEqual(where, [], "the secret is gone once its dialog is closed");
}

/** Reads the "shown once" dialog: its secret, copied with the Copy button, then closes it. */
async function takeSecret(): Promise<string> {
  const dialog = page.getByRole("dialog", { name: "Store this secret now" });
  await dialog.waitFor();
  const secret = await dialog.getByLabel("Secret").inputValue();
  assert.match(secret, /^kr_live_[0-9A-Za-z]{30,}$/);
  await dialog.getByRole("button", { name: "Copy" }).click();
  await dialog.getByText("Copied to the clipboard.").waitFor();
  assert.equal(
    await page.evaluate(() => navigator.clipboard.readText()),
    secret,
    "Copy put the secret on the clipboard",
  );
  await axe("the shown-once dialog");
  await dialog.getByRole("button", { name: /I have stored it/ }).click();
  await dialog.waitFor({ state: "detached" });
  // and off the clipboard too, so the assertion below sees only the page
  await page.evaluate(() => navigator.clipboard.writeText(""));
  await assertForgotten(secret);
  return secret;
}

test("the dashboard: sign in, create, copy once, rotate, watch traffic move, roll back, revoke", {
  skip,
  timeout: 120_000,
}, async () => {
  const started = Date.now();
  // first load: a strict CSP, nothing from elsewhere
  const t0 = Date.now();
  const first = await page.goto(`${server.url}/ui`);
  assert.equal(first?.status(), 200);
  const csp = first?.headers()["content-security-policy"] ?? "";
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.getByLabel("Admin key").waitFor();
  const load = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return { domContentLoaded: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd) };
  });
  console.log(
    `dashboard first load: sign-in form shown after ${Date.now() - t0} ms (DOMContentLoaded ${load.domContentLoaded} ms, load ${load.load} ms)`,
  );
  await axe("sign-in");

  // sign in by keyboard: the key ends in this tab's session storage, never a URL or a cookie
  await page.getByLabel("Admin key").focus();
  await page.keyboard.type(ADMIN_KEY);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Consumers & keys" }).waitFor();
  assert.ok(!page.url().includes(ADMIN_KEY));
  assert.equal((await context.cookies()).length, 0, "no cookie");
  assert.equal(await page.evaluate(() => localStorage.length), 0, "nothing in localStorage");
  await axe("keys");

  // a consumer, then a key: its secret is shown once and copied
  await page.getByRole("button", { name: "New consumer" }).click();
  const cdlg = page.getByRole("dialog", { name: "New consumer" });
  await cdlg.getByLabel("Name").fill("Acme Corp");
  await cdlg.getByRole("button", { name: "Create consumer" }).click();
  await cdlg.waitFor({ state: "detached" });
  await page.getByRole("button", { name: "New key" }).click();
  const kdlg = page.getByRole("dialog", { name: "New key" });
  const option = kdlg.locator("option", { hasText: "Acme Corp" });
  await option.waitFor({ state: "attached" });
  await kdlg.getByLabel("Consumer").selectOption({ value: (await option.getAttribute("value"))! });
  await kdlg.getByLabel("Name (optional)").fill("orders-api");
  await kdlg.getByLabel(/Scopes/).fill("orders:read");
  await axe("new-key dialog");
  await kdlg.getByRole("button", { name: "Create key" }).click();
  const v1 = await takeSecret();
  // closing it leads to the key's page
  await page.getByRole("heading", { name: /orders-api/ }).waitFor();
  const keyId = /#\/key\/(key_[0-9a-z]+)/.exec(page.url())?.[1];
  assert.ok(keyId, page.url());

  // traffic on v1, then a rotation from the dashboard with a grace period
  await verifyN(v1, 5, "203.0.113.7");
  await page.getByRole("button", { name: "Rotate" }).click();
  const rdlg = page.getByRole("dialog", { name: "Rotate this key" });
  await rdlg.getByLabel("Grace period").fill("2h");
  await rdlg.getByLabel(/Reason/).fill("quarterly rotation");
  await axe("rotate dialog");
  await rdlg.getByRole("button", { name: "Rotate" }).click();
  const v2 = await takeSecret();
  assert.notEqual(v2, v1);
  // clients move: the old secret less and less, the new one more
  await verifyN(v1, 3, "203.0.113.7");
  await verifyN(v2, 8, "198.51.100.4");

  // both versions on the timeline, and the chart draws two series with traffic on each
  const versions = page.locator("ol.timeline > li");
  await page.getByRole("listitem", { name: "Version 1, grace" }).waitFor();
  await page.getByRole("listitem", { name: "Version 2, active" }).waitFor();
  assert.equal(await versions.count(), 2);
  await page.getByText("rotated in: quarterly rotation").waitFor();
  const chart = page.locator('.chart [data-series="2"]');
  await chart.waitFor();
  await page.waitForFunction(
    () => {
      const label = document.querySelector(".chart [role=img]")?.getAttribute("aria-label") ?? "";
      return /version 1, [1-9]\d* requests/.test(label) && /version 2, [1-9]\d* requests/.test(label);
    },
    undefined,
    { timeout: 20_000 },
  );
  assert.equal(await page.locator(".chart .u-legend .u-series").count(), 3, "time plus two version series");
  assert.equal(await page.locator(".chart canvas").count(), 1);
  // who is still on the old secret
  await page.getByRole("heading", { name: "Clients still on v1" }).waitFor();
  await page.locator("#rot-h ~ div td.mono", { hasText: "203.0.113.7" }).waitFor();
  await axe("key page");
  await shoot("key-laptop");
  await page.setViewportSize(PHONE);
  await shoot("key-phone");
  await page.emulateMedia({ colorScheme: "dark" });
  await axe("key page, dark");
  await shoot("key-phone-dark");
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize(LAPTOP);

  // the fleet's rotations: this one, with its share on v2
  await page.getByRole("link", { name: "Rotations" }).click();
  const row = page.locator("tr", { hasText: keyId });
  await row.waitFor();
  await row.getByText(/\d+%/).waitFor();
  await axe("rotations");
  await shoot("rotations-laptop");
  await page.setViewportSize(PHONE);
  await shoot("rotations-phone");
  await page.setViewportSize(LAPTOP);

  for (const [link, heading] of [
    ["Alerts", "Alerts"],
    ["Audit log", "Audit log"],
    ["Webhooks", "Webhooks"],
  ] as const) {
    await page.getByRole("link", { name: link }).click();
    await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
    await page.locator("[aria-busy=true]").waitFor({ state: "detached" });
    if (heading === "Audit log") await page.getByRole("cell", { name: "key.rotated" }).waitFor();
    await axe(heading);
  }

  // roll back from the key page: v1 active again, v2 revoked
  await page.goto(`${server.url}/ui#/key/${keyId}`);
  await page.getByRole("button", { name: "Roll back" }).click();
  const bdlg = page.getByRole("dialog", { name: "Roll back this rotation?" });
  await bdlg.getByText(/newer version is revoked/).waitFor();
  await bdlg.getByRole("button", { name: "Roll back to v1" }).click();
  await page.getByRole("listitem", { name: "Version 1, active" }).waitFor();
  await page.getByRole("listitem", { name: "Version 2, revoked" }).waitFor();
  assert.equal((await api("POST", "/v1/verify", { key: v2 })).body.code, "REVOKED");

  // a new rotation, then the old version revoked on its own, before its grace ends (Escape first:
  // a dialog closes by keyboard); the active one has no such button (VERSION_ACTIVE)
  await page.getByRole("button", { name: "Rotate" }).click();
  await page.getByRole("dialog", { name: "Rotate this key" }).waitFor();
  await page.keyboard.press("Escape");
  await page.getByRole("dialog", { name: "Rotate this key" }).waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Rotate" }).click();
  await page.getByRole("dialog", { name: "Rotate this key" }).getByRole("button", { name: "Rotate" }).click();
  const v3 = await takeSecret();
  await page.getByRole("listitem", { name: "Version 3, active" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Revoke version 3" }).count(), 0);
  await page.getByRole("button", { name: "Revoke version 1" }).click();
  const vdlg = page.getByRole("dialog", { name: "Revoke version 1?" });
  await vdlg.getByText(/secret of v1 are refused/).waitFor();
  await vdlg.getByLabel(/Reason/).fill("sent to the wrong partner");
  await vdlg.getByRole("button", { name: "Revoke v1" }).click();
  await page.getByRole("listitem", { name: "Version 1, revoked" }).waitFor();
  await page.getByText("revoked: sent to the wrong partner").waitFor();
  assert.equal((await api("POST", "/v1/verify", { key: v1 })).body.code, "REVOKED");
  assert.equal((await api("POST", "/v1/verify", { key: v3 })).body.valid, true);

  // revoke the key, with a reason: every version refused
  await page.getByRole("button", { name: "Revoke key" }).click();
  const xdlg = page.getByRole("dialog", { name: "Revoke the whole key?" });
  await xdlg.getByLabel(/Reason/).fill("leaked in a log");
  await xdlg.getByRole("button", { name: "Revoke key" }).click();
  await xdlg.waitFor({ state: "detached" });
  await page.getByRole("listitem", { name: "Version 3, revoked" }).waitFor();
  assert.equal((await api("POST", "/v1/verify", { key: v3 })).body.code, "REVOKED");
  const key = await api("GET", `/v1/keys/${keyId}`);
  assert.equal(key.body.state, "revoked");
  await assertForgotten(v1);
  await assertForgotten(v2);
  await assertForgotten(v3);

  // everything came from this origin, and nothing broke the CSP or threw
  const foreign = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("data:"));
  assert.deepEqual(foreign, [], "no request leaves the origin (no CDN, no fonts)");
  assert.deepEqual(problems, [], "no console error (a CSP violation is one)");
  console.log(`dashboard walkthrough took ${Date.now() - started} ms`);
});

test("the /ui answers: CSP on every file, hashed assets cacheable, unknown files 404", { skip }, async () => {
  const index = await fetch(`${server.url}/ui/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get("content-type") ?? "", /^text\/html/);
  assert.equal(index.headers.get("cache-control"), "no-store");
  const html = await index.text();
  assert.doesNotMatch(
    html,
    /<script>(?!<\/script>)|<style|style=|https?:\/\//,
    "nothing inline, nothing remote",
  );
  const js = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  assert.ok(js, html);
  const asset = await fetch(`${server.url}${js}`);
  assert.equal(asset.status, 200);
  // the whole first load (page, script, styles) stays small: a budget, printed for the notes
  const css = /href="(\/ui\/assets\/[^"]+\.css)"/.exec(html)?.[1];
  let gz = gzipSync(html).length;
  const script = Buffer.from(await asset.clone().arrayBuffer());
  gz += gzipSync(script).length;
  if (css) gz += gzipSync(Buffer.from(await (await fetch(`${server.url}${css}`)).arrayBuffer())).length;
  console.log(
    `dashboard bundle: ${(gz / 1024).toFixed(1)} KiB gzip (script ${(script.length / 1024).toFixed(1)} KiB raw)`,
  );
  assert.ok(gz < 100 * 1024, `the first load is ${gz} bytes gzip, over the 100 KiB budget`);
  assert.match(asset.headers.get("cache-control") ?? "", /immutable/);
  assert.match(asset.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  for (const path of ["/ui/nope.js", "/ui/../package.json", "/ui/%2e%2e/package.json", "/ui/assets/"]) {
    const r = await fetch(`${server.url}${path}`);
    assert.equal(r.status, 404, path);
    assert.equal(((await r.json()) as { code: string }).code, "NOT_FOUND");
  }
});

test("only /ui routes may be left out of the document; a /ui route must be", async () => {
  const app = Fastify();
  app.addHook("onRoute", checkContract);
  assert.throws(
    () => app.get("/v1/secret-thing", { schema: { hide: true } }, async () => ""),
    /only the dashboard \(\/ui\) is left out of the document/,
  );
  assert.throws(
    () => app.get("/ui/extra", { schema: { operationId: "getExtra", summary: "x" } }, async () => ""),
    /\/ui routes are the dashboard's; hide them/,
  );
  app.get("/ui/fine", { schema: { hide: true } }, async () => "");
  assert.equal(isUndocumentedPath("/ui"), true);
  assert.equal(isUndocumentedPath("/ui/assets/x.js"), true);
  assert.equal(isUndocumentedPath("/uix"), false);
  assert.equal(isUndocumentedPath("/v1/ui"), false);
  await app.close();
});
