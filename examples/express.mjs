// An Express API guarded by the in-process verifier (npm install express):
//   KEYROLL_URL=http://127.0.0.1:8080 KEYROLL_ADMIN_KEY=… node examples/express.mjs
import { createVerifier, expressMiddleware } from "@keyroll/client/node";
import express from "express";

const verifier = createVerifier({ url: process.env.KEYROLL_URL, adminKey: process.env.KEYROLL_ADMIN_KEY });
await verifier.ready;

const app = express();
app.use("/orders", expressMiddleware(verifier, { scopes: ["orders:read"] }));
app.get("/orders", (req, res) => res.json({ orders: [], consumer: req.keyroll.consumerId }));
app.listen(3000, () => console.log("orders API on http://127.0.0.1:3000/orders"));
