// Preload for `keyroll serve` under `npm run bench:propagation -- --trace DIR` (node --import this
// file …). Writes one JSON line to stderr (a file there) per event, stamped in epoch milliseconds
// with sub-millisecond precision so lines of different processes compare:
//   {"ev":"notify","t":…}                       a LISTEN notification reached the node
//   {"ev":"q","t":…,"end":…,"sql":…,"keys":[…]} a query the node sent (start, end, key ids in it)
//   {"ev":"stall","t":…,"ms":…}                 the event loop ran a 5 ms timer ≥ 20 ms late
// It changes nothing in Keyroll: it wraps pg.Client (the module instance the node itself loads).
import { writeSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

const cli = process.argv[1];
if (!cli) throw new Error("propagation-trace: no entry script");
const pg = createRequire(cli)("pg");
const now = () => performance.timeOrigin + performance.now();
const out = (o) => {
  try {
    writeSync(2, `${JSON.stringify(o)}\n`);
  } catch {
    // a full disk must not take the node down
  }
};

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function traced(config, values, callback) {
  const t = now();
  const r = query.call(this, config, values, callback);
  if (r && typeof r.then === "function") {
    const text = typeof config === "string" ? config : (config?.text ?? "");
    const params = Array.isArray(values) ? values : [];
    const keys = params.filter((p) => typeof p === "string" && p.startsWith("key_"));
    const done = () => out({ ev: "q", t, end: now(), sql: text.replace(/\s+/g, " ").slice(0, 80), keys });
    r.then(done, done);
  }
  return r;
};

const emit = pg.Client.prototype.emit;
pg.Client.prototype.emit = function tracedEmit(event, ...args) {
  if (event === "notification") out({ ev: "notify", t: now() });
  return emit.call(this, event, ...args);
};

let last = now();
setInterval(() => {
  const t = now();
  if (t - last >= 25) out({ ev: "stall", t, ms: t - last - 5 });
  last = t;
}, 5).unref();
