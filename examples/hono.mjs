// A Hono API on Node guarded by the in-process verifier (npm install hono @hono/node-server):
//   KEYROLL_URL=http://127.0.0.1:8080 KEYROLL_ADMIN_KEY=… node examples/hono.mjs
import { serve } from "@hono/node-server";
import { createVerifier, honoMiddleware } from "@keyroll/client/node";
import { Hono } from "hono";

const verifier = createVerifier({ url: process.env.KEYROLL_URL, adminKey: process.env.KEYROLL_ADMIN_KEY });
await verifier.ready;

const app = new Hono();
app.use("/orders/*", honoMiddleware(verifier, { scopes: ["orders:read"] }));
app.use("/orders", honoMiddleware(verifier, { scopes: ["orders:read"] }));
app.get("/orders", (c) => c.json({ orders: [], consumer: c.get("keyroll").consumerId }));
serve({ fetch: app.fetch, port: 3000 });
console.log("orders API on http://127.0.0.1:3000/orders");
