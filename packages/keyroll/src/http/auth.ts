import type { FastifyReply, FastifyRequest } from "fastify";
import { KeyrollError } from "../core/errors.js";
import type { VerifyResult } from "../core/verify.js";
import type { Actor } from "../services/deps.js";
import type { Verifier } from "../verifier/index.js";
import { sunset } from "./views.js";

/** Admin scopes a route may require; `admin` grants all. */
export type AdminScope = "admin" | "keys:read" | "keys:write" | "verify";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The admin scope this route needs; routes without one are public. */
    scope?: AdminScope;
    /**
     * A request without `Authorization` but with this header goes on to the route, which must
     * authenticate it by its signature instead (leak reports: `github-public-key-signature`).
     */
    signedBy?: string;
  }
  interface FastifyRequest {
    actor: Actor | null;
  }
}

const BEARER_RE = /^Bearer +(\S+) *$/i;

/** The token of an `Authorization: Bearer <token>` header, or `undefined` for any other header. */
export function bearerToken(header: string): string | undefined {
  return BEARER_RE.exec(header)?.[1];
}

/**
 * True when a verified admin key may make a call that needs `scope`: valid, an admin key, with
 * that scope or `admin`. The one rule, used by the hook below and by the fast verify path.
 */
export function mayCall(r: VerifyResult, scope: AdminScope): boolean {
  return r.valid && r.admin && (r.scopes.includes("admin") || r.scopes.includes(scope));
}

function check(r: VerifyResult, scope: AdminScope, req: FastifyRequest, reply: FastifyReply): void {
  if (!mayCall(r, scope)) {
    if (!r.valid) throw new KeyrollError("UNAUTHORIZED", `the admin key is not valid (${r.code})`);
    if (!r.admin) throw new KeyrollError("FORBIDDEN", "this key is not an admin key");
    throw new KeyrollError("FORBIDDEN", `this call needs the "${scope}" scope`);
  }
  // an admin key in grace still works, and says until when; not on /v1/verify, whose Sunset
  // header speaks of the key being verified and may be passed on to that key's client
  if (r.deprecated && r.expiresAt !== null && req.routeOptions.url !== "/v1/verify") {
    reply.header("Sunset", sunset(r.expiresAt));
  }
  // who, with which version, from which request and address: what the audit log records
  req.actor = {
    keyId: r.keyId,
    scopes: r.scopes,
    version: r.version,
    requestId: String(req.id),
    address: req.ip,
  };
}

/**
 * The onRequest hook that authenticates admin calls: `Authorization: Bearer <admin key>`, checked
 * by the same verifier as any key (so admin keys rotate with an overlap too).
 */
export function adminAuth(verifier: Verifier) {
  return (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    const scope = req.routeOptions.config.scope;
    if (scope === undefined) {
      done();
      return;
    }
    const header = req.headers.authorization;
    const signedBy = req.routeOptions.config.signedBy;
    if (
      (header === undefined || header === "") &&
      signedBy !== undefined &&
      req.headers[signedBy] !== undefined
    ) {
      done();
      return;
    }
    if (header === undefined || header === "") {
      reply.header("WWW-Authenticate", 'Bearer realm="keyroll"');
      done(new KeyrollError("UNAUTHORIZED", "send Authorization: Bearer <admin key>"));
      return;
    }
    const token = bearerToken(header);
    if (token === undefined) {
      reply.header("WWW-Authenticate", 'Bearer realm="keyroll"');
      done(new KeyrollError("UNAUTHORIZED", "use the Bearer scheme: Authorization: Bearer <admin key>"));
      return;
    }
    const cached = verifier.verifyCached(token);
    try {
      if (cached) {
        check(cached, scope, req, reply);
        done();
        return;
      }
    } catch (err) {
      done(err as Error);
      return;
    }
    Promise.resolve(verifier.verify(token)).then(
      (r) => {
        try {
          check(r, scope, req, reply);
          done();
        } catch (err) {
          done(err as Error);
        }
      },
      (err: Error) => done(err),
    );
  };
}
