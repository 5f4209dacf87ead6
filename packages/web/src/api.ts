// The typed API client: openapi-fetch over the types generated from /openapi.json (openapi.d.ts).
// The admin key lives in this tab only: memory plus sessionStorage (gone when the tab closes),
// never in a URL, a cookie or localStorage.
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./openapi.js";

const STORAGE = "keyroll.adminKey";
let adminKey: string | null = sessionStorage.getItem(STORAGE);
const listeners = new Set<() => void>();

export function currentAdminKey(): string | null {
  return adminKey;
}
export function signIn(key: string): void {
  adminKey = key;
  sessionStorage.setItem(STORAGE, key);
  for (const l of listeners) l();
}
export function signOut(): void {
  adminKey = null;
  sessionStorage.removeItem(STORAGE);
  for (const l of listeners) l();
}
export function onSessionChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

const auth: Middleware = {
  onRequest({ request }) {
    if (adminKey !== null) request.headers.set("Authorization", `Bearer ${adminKey}`);
    return request;
  },
  onResponse({ response }) {
    // the key stopped working (revoked, expired): back to the sign-in form
    if (response.status === 401 && adminKey !== null) signOut();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin, credentials: "omit" });
api.use(auth);

/** An RFC 9457 problem from the API, as an Error whose message is its detail. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The data of an openapi-fetch answer, or an ApiError with the problem's code and detail. */
export async function ok<T>(
  p: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<NonNullable<T>> {
  const { data, error, response } = await p;
  if (response.ok && data !== undefined) return data as NonNullable<T>;
  const e = (error ?? {}) as { code?: string; detail?: string; title?: string };
  throw new ApiError(
    response.status,
    e.code ?? `HTTP_${response.status}`,
    e.detail ?? e.title ?? response.statusText,
  );
}

/** Every page of a cursor-paged list (a dashboard shows the fleet; the API caps a page at 200). */
export async function all<T>(page: (cursor?: string) => Promise<{ data: T[]; nextCursor: string | null }>) {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const p = await page(cursor);
    out.push(...p.data);
    if (p.nextCursor === null) break;
    cursor = p.nextCursor;
  }
  return out;
}

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { "application/json": infer B } } };
}
  ? B
  : never;

export type Consumer = Json<"/v1/consumers/{id}", "get", 200>;
export type Key = Json<"/v1/keys/{id}", "get", 200>;
/** A key as `GET /v1/keys` lists it (without the effective rotation policy of the key page). */
export type KeyListItem = Json<"/v1/keys", "get", 200>["data"][number];
export type Version = Key["versions"][number];
export type Usage = Json<"/v1/keys/{id}/usage", "get", 200>;
export type Rotation = Json<"/v1/rotations", "get", 200>["data"][number];
export type Alert = Json<"/v1/alerts", "get", 200>["data"][number];
export type AuditEntry = Json<"/v1/audit", "get", 200>["data"][number];
export type Webhook = Json<"/v1/webhooks/{id}", "get", 200>;
export type Delivery = Json<"/v1/webhooks/{id}/deliveries", "get", 200>["data"][number];
export type RotateBody = NonNullable<
  paths["/v1/keys/{id}/rotate"]["post"]["requestBody"]
>["content"]["application/json"];
export type CompromisedKey = Json<"/v1/keys/{id}/compromised", "post", 201>;
export type Policy = NonNullable<Json<"/v1/keys/{id}/policy", "get", 200>["policy"]>;
export type EffectivePolicy = NonNullable<Key["rotationPolicy"]>;
export type PolicyInput = NonNullable<
  paths["/v1/policies/default"]["put"]["requestBody"]
>["content"]["application/json"];
export type RotationJob = Json<"/v1/rotation-jobs/{id}", "get", 200>;
export type JobItem = Json<"/v1/rotation-jobs/{id}/keys", "get", 200>["data"][number];
export type JobBody = NonNullable<
  paths["/v1/rotation-jobs"]["post"]["requestBody"]
>["content"]["application/json"];
export type JobPreview = Json<"/v1/rotation-jobs", "post", 200>;
export type KeyAgeReport = Json<"/v1/reports/key-age", "get", 200>;

/** "key_…" or "v3 of key_…" as a secret's owner in the shown-once dialog. */
export function keyLabel(k: { id: string; name: string | null }): string {
  return k.name ? `${k.name} (${k.id})` : k.id;
}
