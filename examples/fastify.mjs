// A Fastify API guarded by the in-process verifier (Fastify is installed with the keyroll package):
//   KEYROLL_URL=http://127.0.0.1:8080 KEYROLL_ADMIN_KEY=… node examples/fastify.mjs
import { createVerifier, fastifyHook } from "@keyroll/client/node";
import Fastify from "fastify";

const verifier = createVerifier({ url: process.env.KEYROLL_URL, adminKey: process.env.KEYROLL_ADMIN_KEY });
await verifier.ready;

const app = Fastify();
app.addHook("onRequest", fastifyHook(verifier, { scopes: ["orders:read"] }));
app.get("/orders", async (req) => ({ orders: [], consumer: req.keyroll.consumerId }));
await app.listen({ port: 3000 });
console.log("orders API on http://127.0.0.1:3000/orders");
