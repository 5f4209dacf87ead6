#!/usr/bin/env node
// The `keyroll` command. A committed file, so that `npm ci` can link it before `prepare` has
// compiled dist/ (npm links a bin only when its target exists).
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli/index.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("keyroll: not built yet: run `npm run build` in the repository root\n");
  process.exit(2);
}
await import(entry.href);
