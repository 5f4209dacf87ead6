// Mail to a consumer's contacts reaches a real SMTP server (the `smtp-server` package) started by
// the test; each message is parsed with `mailparser`: right recipient, subject, expiry, no secret.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { manualClock } from "../src/core/clock.js";
import { startTestNode } from "./helpers.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");

async function startSmtp() {
  const mails: Array<{ parsed: ParsedMail; raw: string; rcpt: string[] }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw).then(
          (parsed) => {
            mails.push({ parsed, raw, rcpt: session.envelope.rcptTo.map((r) => r.address) });
            done();
          },
          (err: Error) => done(err),
        );
      });
    },
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

test("rotation and reminder mails reach the consumer's contacts, with the expiry and without a secret", async (t) => {
  const smtp = await startSmtp();
  t.after(() => smtp.close());
  const clock = manualClock(T0);
  const node = await startTestNode({
    clock,
    env: { KEYROLL_SMTP_URL: smtp.url, KEYROLL_MAIL_FROM: "Keyroll <keys@provider.example>" },
  });
  t.after(() => node.close());
  const c = await node.call("POST", "/v1/consumers", {
    name: "client",
    contacts: [{ email: "ops@client.example", name: "Client Ops" }, { email: "dev@client.example" }],
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  assert.deepEqual(c.body.contacts, [
    { email: "ops@client.example", name: "Client Ops" },
    { email: "dev@client.example" },
  ]);
  const bad = await node.call("PATCH", `/v1/consumers/${c.body.id}`, {
    contacts: [{ email: "not an address" }],
  });
  assert.equal(bad.status, 400);
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id, name: "billing" });
  const r = await node.call("POST", `/v1/keys/${k.body.key.id}/rotate`, { gracePeriod: "48h" });
  assert.equal(r.status, 201);
  const end = new Date(T0 + 48 * 3_600_000)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
  const drain = async (n: number) => {
    const until = Date.now() + 10_000;
    while (smtp.mails.length < n && Date.now() < until) {
      await node.kr.scheduler.runOnce();
      await node.kr.notifier.idle();
      if (smtp.mails.length < n) await new Promise((ok) => setTimeout(ok, 50));
    }
  };
  await drain(2);
  assert.equal(smtp.mails.length, 2, "key.created is not mailed; key.rotated is, to each contact");
  const ops = smtp.mails.find((m) => m.rcpt.includes("ops@client.example"))!;
  assert.ok(ops, "ops got one");
  assert.ok(smtp.mails.some((m) => m.rcpt.includes("dev@client.example")));
  assert.equal(ops.parsed.from?.value[0]?.address, "keys@provider.example");
  assert.deepEqual((Array.isArray(ops.parsed.to) ? ops.parsed.to[0] : ops.parsed.to)?.value[0], {
    address: "ops@client.example",
    name: "Client Ops",
  });
  assert.match(ops.parsed.subject ?? "", /was rotated/);
  assert.ok(ops.parsed.subject?.includes(end), ops.parsed.subject);
  assert.ok(ops.parsed.text?.includes(`keeps working until ${end}`), ops.parsed.text);
  assert.match(ops.parsed.text ?? "", /What to do/);
  assert.match(String(ops.parsed.html), /<p>Hello Client Ops,<\/p>/);
  for (const m of smtp.mails) {
    for (const s of [k.body.secret, r.body.secret])
      assert.equal(m.raw.includes(s), false, "no secret in a mail");
  }

  clock.set(T0 + 24 * 3_600_000);
  await drain(4);
  assert.equal(smtp.mails.length, 4);
  const reminder = smtp.mails[2]!;
  assert.match(reminder.parsed.subject ?? "", /stops working at/);
  assert.ok(reminder.parsed.subject?.includes(end));
});
