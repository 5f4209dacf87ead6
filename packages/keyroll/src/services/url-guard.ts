import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { KeyrollError } from "../core/errors.js";

// The SSRF guard of webhook delivery: an endpoint may not reach loopback, link-local (the cloud
// metadata address among them), private or otherwise non-public addresses, checked after DNS
// resolution, at creation and again at every connection (so a name re-pointed later is caught too).
// Keyroll follows no redirects, so no redirect can lead there either.

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  // 6to4 and Teredo addresses embed an IPv4 address: none is a webhook's (IPv4-mapped ones BlockList checks as IPv4)
  ["2002::", 16],
  ["2001::", 32],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(net, prefix, "ipv6");

/** True when `address` (IPv4 or IPv6) is one a webhook may not reach. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 6 ? "ipv6" : "ipv4");
}

type LookupFn = (
  hostname: string,
  options: { all: true },
  cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** The guard, opened for the names and addresses of `allowedHosts` (KEYROLL_WEBHOOK_ALLOWED_HOSTS). */
export function createUrlGuard(allowedHosts: readonly string[], resolve: LookupFn = dnsLookup as LookupFn) {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase().replace(/^\[|\]$/g, "")));
  const hostOf = (u: URL) => u.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const addressAllowed = (address: string) =>
    allowed.has(address.toLowerCase()) || !isForbiddenAddress(address);

  function resolveAll(host: string): Promise<LookupAddress[]> {
    if (isIP(host)) return Promise.resolve([{ address: host, family: isIP(host) }]);
    return new Promise((ok, fail) => resolve(host, { all: true }, (err, a) => (err ? fail(err) : ok(a))));
  }

  return {
    /** Parses an endpoint URL; throws INVALID_WEBHOOK_URL for anything but a plain http(s) URL. */
    parse(raw: string): URL {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        throw new KeyrollError("INVALID_WEBHOOK_URL", "url is not a valid URL");
      }
      if (u.protocol !== "https:" && u.protocol !== "http:")
        throw new KeyrollError("INVALID_WEBHOOK_URL", "url must be http:// or https://");
      if (u.username !== "" || u.password !== "")
        throw new KeyrollError("INVALID_WEBHOOK_URL", "url must not carry credentials");
      if (u.hash !== "") throw new KeyrollError("INVALID_WEBHOOK_URL", "url must not carry a fragment");
      return u;
    },
    /** Refuses (WEBHOOK_URL_NOT_ALLOWED) a URL whose host resolves to a forbidden address, unless allowed. */
    async check(u: URL): Promise<void> {
      const host = hostOf(u);
      if (allowed.has(host)) return;
      let addresses: LookupAddress[];
      try {
        addresses = await resolveAll(host);
      } catch {
        throw new KeyrollError("WEBHOOK_URL_NOT_ALLOWED", `the host ${host} does not resolve`);
      }
      const bad = addresses.find((a) => !addressAllowed(a.address));
      if (bad || addresses.length === 0) {
        throw new KeyrollError(
          "WEBHOOK_URL_NOT_ALLOWED",
          `the host ${host} resolves to a loopback, link-local or private address; allow it with KEYROLL_WEBHOOK_ALLOWED_HOSTS`,
        );
      }
    },
    /**
     * A `lookup` for http.request: resolves, then refuses the connection when any address is
     * forbidden, so the address connected to is the address checked (no DNS rebinding in between).
     */
    lookupFor(u: URL) {
      const hostAllowed = allowed.has(hostOf(u));
      return (
        hostname: string,
        options: { all?: boolean },
        cb: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
      ) => {
        resolveAll(hostname).then(
          (addresses) => {
            const bad = hostAllowed ? undefined : addresses.find((a) => !addressAllowed(a.address));
            if (bad || addresses.length === 0) {
              cb(new Error(`refused: ${hostname} resolves to a forbidden address`), "", 4);
              return;
            }
            if (options.all) cb(null, addresses);
            else cb(null, addresses[0]!.address, addresses[0]!.family);
          },
          (err: Error) => cb(err, "", 4),
        );
      };
    },
  };
}

/** The guard's interface. */
export type UrlGuard = ReturnType<typeof createUrlGuard>;
