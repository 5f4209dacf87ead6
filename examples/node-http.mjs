// A provider API on plain node:http, guarded by the in-process verifier. Needs only Node:
//   KEYROLL_URL=http://127.0.0.1:8080 KEYROLL_ADMIN_KEY=… node examples/node-http.mjs
//   curl -H "Authorization: Bearer <a client key>" http://127.0.0.1:3000/orders
import { createServer } from "node:http";
import { createVerifier, expressMiddleware } from "@keyroll/client/node";

const verifier = createVerifier({ url: process.env.KEYROLL_URL, adminKey: process.env.KEYROLL_ADMIN_KEY });
await verifier.ready;
const guard = expressMiddleware(verifier, { scopes: ["orders:read"] });

createServer((req, res) =>
  guard(req, res, () => {
    res.setHeader("content-type", "application/json");
    res.end(
      JSON.stringify({ orders: [], consumer: req.keyroll.consumerId, keyVersion: req.keyroll.version }),
    );
  }),
).listen(3000, "127.0.0.1", () => console.log("orders API on http://127.0.0.1:3000/orders"));
