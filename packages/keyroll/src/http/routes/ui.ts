import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import type { FastifyInstance, FastifyReply } from "fastify";
import { KeyrollError } from "../../core/errors.js";
import type { RouteDeps } from "../deps.js";
import { UI_PREFIX } from "../openapi.js";

/**
 * The dashboard's Content-Security-Policy: everything from this origin, nothing inline, nothing
 * evaluated, no frames, no plugins. The bundle is built to need no more (packages/web, docs/dashboard.md).
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

interface UiFile {
  body: Buffer;
  type: string;
}

/** Every file of the built dashboard, read once: no path from a request ever reaches the file system. */
function readUi(dir: string): Map<string, UiFile> {
  const files = new Map<string, UiFile>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && TYPES[extname(e.name)] !== undefined)
        files.set(relative(dir, p).split(sep).join("/"), {
          body: readFileSync(p),
          type: TYPES[extname(e.name)]!,
        });
    }
  };
  try {
    if (statSync(dir).isDirectory()) walk(dir);
  } catch {
    // not built: /ui answers 404 and says so
  }
  return files;
}

/**
 * The dashboard at `/ui`: the static files Vite built from packages/web (into packages/keyroll/ui),
 * under a strict CSP. Not API operations, so not in /openapi.json (docs/decisions/0021).
 */
export function registerUiRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const files = deps.uiDir ? readUi(deps.uiDir) : new Map<string, UiFile>();
  const send = (reply: FastifyReply, path: string) => {
    const f = files.get(path);
    if (f === undefined) {
      throw new KeyrollError(
        "NOT_FOUND",
        files.size === 0
          ? "the dashboard is not built into this installation (run `npm run build`)"
          : `no dashboard file ${path}`,
      );
    }
    reply
      .header("Content-Security-Policy", UI_CSP)
      .header("X-Content-Type-Options", "nosniff")
      .header("Referrer-Policy", "no-referrer")
      .header("X-Frame-Options", "DENY")
      .header("Cross-Origin-Opener-Policy", "same-origin")
      .type(f.type);
    // file names under assets/ carry a content hash: cacheable for good; the page itself is not
    if (path.startsWith("assets/")) reply.header("Cache-Control", "public, max-age=31536000, immutable");
    return reply.send(f.body);
  };
  app.get(UI_PREFIX, { schema: { hide: true } }, (_req, reply) => send(reply, "index.html"));
  app.get<{ Params: { "*": string } }>(`${UI_PREFIX}/*`, { schema: { hide: true } }, (req, reply) =>
    send(reply, req.params["*"] === "" ? "index.html" : req.params["*"]),
  );
}
