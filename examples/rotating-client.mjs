// A client of the orders API that follows rotations by itself, from a key file:
//   KEYROLL_URL=http://127.0.0.1:8080 node examples/rotating-client.mjs ./client.key
import { keyrollFetch } from "@keyroll/client";
import { rotatingFileKey } from "@keyroll/client/node";

const key = rotatingFileKey({
  url: process.env.KEYROLL_URL,
  path: process.argv[2] ?? "client.key",
  intervalMs: 60_000,
});
key.on("rotated", (e) => console.log(`picked up version ${e.version}`));
key.on("failed", (e) => console.warn(`${e.during} failed: ${e.error.message}`));
const api = keyrollFetch(key);

setInterval(async () => {
  const res = await api("http://127.0.0.1:3000/orders");
  console.log(res.status, res.headers.get("sunset") ? "(old key, successor soon)" : "");
}, 2000);
