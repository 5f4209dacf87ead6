// Children of bench/gateway.ts, on plain node (as `keyroll gateway` runs): `node
// bench/gateway-servers.mjs upstream` or `… gateway <database> <upstream URL> <config file> <auth: on|off>`.
// Each prints one line `ready <port>` on stdout and serves until killed.
import { createServer } from "node:http";

const role = process.argv[2];

if (role === "upstream") {
  // a tiny API: constant JSON, the request body read and dropped
  const body = Buffer.from(JSON.stringify({ ok: true, items: [1, 2, 3] }));
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.stdout.write(`ready ${server.address().port}\n`));
} else if (role === "gateway") {
  const [database, upstream, configFile, auth] = process.argv.slice(3);
  const { createKeyrollGateway, resolveConfig } = await import(
    new URL("../packages/keyroll/dist/main.js", import.meta.url).href
  );
  const gw = await createKeyrollGateway(
    resolveConfig({ env: { KEYROLL_DATABASE: database, KEYROLL_LOG_LEVEL: "warn" } }),
    { upstream, configFile, auth: auth === "on" },
  );
  const url = await gw.listen("127.0.0.1", 0);
  process.stdout.write(`ready ${new URL(url).port}\n`);
} else {
  process.stderr.write(`unknown role ${role}\n`);
  process.exit(2);
}
