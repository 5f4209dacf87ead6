import { createTransport } from "nodemailer";
import type { SendMail } from "./notifier.js";

// Mail to a consumer's contacts: the same events as webhooks, rendered for people. Never a secret:
// a mail says what changed, until when the old secret works, and what to do.

/** The events that also go to a consumer's contacts by mail. */
export const MAIL_EVENTS = [
  "key.rotated",
  "key.version.expiring",
  "key.version.still_in_use",
  "key.revoked",
  "key.compromised",
] as const;

/** A mail ready to send. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const when = (t: unknown) =>
  typeof t === "string" ? t.replace("T", " ").replace(/\.\d+Z$/, " UTC") : "unknown";

/** Renders one outbox event (its JSON body) as a mail to `name`, or undefined for an event not mailed. */
export function renderMail(body: string, name: string | null): RenderedMail | undefined {
  const ev = JSON.parse(body) as { type: string; data: Record<string, unknown> };
  const d = ev.data;
  const key = `${d.keyName ? `"${String(d.keyName)}" ` : ""}(${String(d.keyId)})`;
  let subject: string;
  let lines: string[];
  switch (ev.type) {
    case "key.rotated":
      subject = `Your API key ${key} was rotated: switch to the new secret before ${when(d.previousExpiresAt)}`;
      lines = [
        `Your API key ${key} has a new secret (version ${String(d.version)}), active from ${when(d.activatesAt)}.`,
        d.previousExpiresAt
          ? `The previous secret (version ${String(d.previousVersion)}) keeps working until ${when(d.previousExpiresAt)}.`
          : "The previous secret stopped working at once.",
        "What to do: get the new secret from your provider and deploy it everywhere the old one is used, before then.",
      ];
      break;
    case "key.version.expiring":
      subject = `Your old API key secret stops working at ${when(d.expiresAt)}`;
      lines = [
        `Version ${String(d.version)} of your API key ${key} stops working at ${when(d.expiresAt)}.`,
        `The current secret is version ${String(d.activeVersion ?? "?")}.`,
        "What to do: make sure every system uses the current secret before then; requests with the old one will be rejected.",
      ];
      break;
    case "key.version.still_in_use":
      subject = `Your old API key secret is still in use; it stops working at ${when(d.expiresAt)}`;
      lines = [
        `Version ${String(d.version)} of your API key ${key} was last used at ${when(d.lastUsedAt)}, after it was replaced.`,
        `It keeps working until ${when(d.expiresAt)}.`,
        "What to do: find the systems still sending the old secret and give them the current one before then.",
      ];
      break;
    case "key.revoked":
      subject = `Your API key ${key} was revoked`;
      lines = [
        `Your API key ${key} was revoked at ${when(d.revokedAt)}; none of its secrets work any more.`,
        d.reason ? `Reason given: ${String(d.reason)}.` : "",
        "What to do: ask your provider for a new key if you still need access.",
      ].filter((l) => l !== "");
      break;
    case "key.compromised":
      subject = `Your API key ${key} was exposed: its secret was revoked`;
      lines = [
        `A secret of your API key ${key} was reported exposed; version${(d.revokedVersions as unknown[] | undefined)?.length === 1 ? "" : "s"} ${((d.revokedVersions as unknown[] | undefined) ?? []).join(", ")} stopped working at ${when(d.at)}.`,
        d.reason ? `Reason given: ${String(d.reason)}.` : "",
        "What to do: use the new secret your provider gives you (it is not sent by mail), and find where the old one was exposed.",
      ].filter((l) => l !== "");
      break;
    default:
      return undefined;
  }
  const greeting = name ? `Hello ${name},` : "Hello,";
  const text = [greeting, "", ...lines, "", "This notice was sent by Keyroll."].join("\n");
  const html = `<p>${esc(greeting)}</p>${lines.map((l) => `<p>${esc(l)}</p>`).join("")}<p><small>This notice was sent by Keyroll.</small></p>`;
  return { subject, text, html };
}

/**
 * Sends mail through the SMTP server of `smtpUrl` (`smtp://user:pass@host:587`, `smtps://…`) as
 * `from`. The URL may hold a password: it is never logged.
 * @example const send = createMailer("smtp://mail.example.com:587", "Keyroll <keys@example.com>", 15_000)
 */
export function createMailer(smtpUrl: string, from: string, timeoutMs: number): SendMail {
  const transport = createTransport(smtpUrl, {
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  } as never);
  return async (to, mail) => {
    await transport.sendMail({
      from,
      to: to.name ? { name: to.name, address: to.address } : to.address,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
    });
  };
}
