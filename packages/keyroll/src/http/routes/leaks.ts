import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { KeyrollError } from "../../core/errors.js";
import { verifyLeakSignature } from "../../core/leaks.js";
import type { RouteDeps } from "../deps.js";

// Leak reports (decision 0018) in the shape of GitHub's secret scanning partner program: an
// admin key may send them, and so may a scanner that holds none, with an ECDSA P-256 signature of
// the raw body by one of the configured public keys. Every accepted report gets the same answer,
// whichever tokens it names: the answer never says which tokens exist.

const SIGNATURE = "github-public-key-signature";
const IDENTIFIER = "github-public-key-identifier";

declare module "fastify" {
  interface FastifyRequest {
    /** The body as it came, for a signature over it (leak reports only). */
    rawBody?: string;
  }
}

const LeakItem = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 1024, description: "The token found" }),
    type: Type.String({ maxLength: 200, description: "Its type, as the scanner names it" }),
    url: Type.Optional(Type.String({ maxLength: 2048, description: "Where it was found" })),
    source: Type.Optional(
      Type.String({ maxLength: 100, description: "What it was found in (content, commit, …)" }),
    ),
  },
  {
    // a scanner may add fields over time; they are ignored, never refused
    additionalProperties: true,
  },
);

/** `POST /v1/leaks`. */
export function registerLeakRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const incidents = deps.incidents;
  if (!incidents) return;
  const leaks = deps.leaks ?? { action: "revoke" as const, keys: new Map() };

  const checkSignature = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (req.actor) {
      done();
      return;
    }
    const sig = req.headers[SIGNATURE];
    const id = req.headers[IDENTIFIER];
    const ok =
      typeof sig === "string" &&
      typeof id === "string" &&
      req.rawBody !== undefined &&
      verifyLeakSignature(leaks.keys, id, sig, req.rawBody);
    if (!ok) {
      reply.header("WWW-Authenticate", 'Bearer realm="keyroll"');
      done(
        new KeyrollError(
          "LEAK_SIGNATURE_INVALID",
          "the Github-Public-Key-Signature does not verify with the key Github-Public-Key-Identifier names",
        ),
      );
      return;
    }
    done();
  };

  // the signature covers the body as sent: this route keeps it (and parses it the same way)
  app.register(async (sub) => {
    const json = sub.getDefaultJsonParser("error", "error");
    sub.removeContentTypeParser("application/json");
    sub.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
      req.rawBody = body as string;
      if (body === "") {
        done(null, undefined);
        return;
      }
      json(req, body as string, done);
    });
    sub.post<{ Body: Array<{ token: string; type: string; url?: string; source?: string }> }>(
      "/v1/leaks",
      {
        config: { scope: "keys:write", signedBy: SIGNATURE },
        preValidation: checkSignature,
        schema: {
          operationId: "reportLeaks",
          tags: ["incidents"],
          summary:
            "Report leaked tokens (GitHub secret scanning partner format); each matching key is treated as compromised",
          description:
            "Accepted with an admin key, or without one when `Github-Public-Key-Identifier` and `Github-Public-Key-Signature` (base64 DER ECDSA P-256 over SHA-256 of the raw body) verify against a configured scanner key (KEYROLL_LEAK_PUBLIC_KEYS). The answer is the same for every accepted report, whichever tokens exist: an empty feedback list.",
          headers: Type.Object({
            [IDENTIFIER]: Type.Optional(Type.String({ description: "The scanner key that signed the body" })),
            [SIGNATURE]: Type.Optional(
              Type.String({ description: "base64 DER ECDSA P-256 SHA-256 signature" }),
            ),
          }),
          body: Type.Array(LeakItem, { minItems: 1, maxItems: 1000 }),
          response: {
            200: Type.Array(Type.Object({}), {
              maxItems: 0,
              description: "Always empty: no feedback, so that no answer tells which tokens exist",
            }),
          },
        },
      },
      async (req) => {
        await incidents.reportLeaks(
          req.body.map((r) => ({
            token: r.token,
            type: r.type,
            url: typeof r.url === "string" ? r.url : null,
            source: typeof r.source === "string" ? r.source : null,
          })),
          leaks.action,
          req.actor ?? {
            keyId: null,
            scopes: ["admin"],
            rule: "leak-report",
            address: req.ip,
            requestId: String(req.id),
          },
        );
        return [];
      },
    );
  });
}
