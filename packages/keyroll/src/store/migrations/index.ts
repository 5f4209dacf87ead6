import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001-init.js";
import * as m0002 from "./0002-change-notify.js";
import * as m0003 from "./0003-usage.js";
import * as m0004 from "./0004-linked-feed.js";
import * as m0005 from "./0005-webhooks.js";
import * as m0006 from "./0006-successor-pickup.js";
import * as m0007 from "./0007-key-rate-limits.js";
import * as m0008 from "./0008-audit.js";
import * as m0009 from "./0009-rotation-policies.js";
import * as m0010 from "./0010-rotation-jobs.js";
import * as m0011 from "./0011-nodes.js";
import * as m0012 from "./0012-key-external-id.js";
import * as m0013 from "./0013-change-notify-per-statement.js";
import * as m0014 from "./0014-background-scan-indexes.js";
import * as m0015 from "./0015-live-admin-keys-index.js";

/** Every migration, in order. Add new ones; never edit a released one. */
export const migrations: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      "0001-init": m0001,
      "0002-change-notify": m0002,
      "0003-usage": m0003,
      "0004-linked-feed": m0004,
      "0005-webhooks": m0005,
      "0006-successor-pickup": m0006,
      "0007-key-rate-limits": m0007,
      "0008-audit": m0008,
      "0009-rotation-policies": m0009,
      "0010-rotation-jobs": m0010,
      "0011-nodes": m0011,
      "0012-key-external-id": m0012,
      "0013-change-notify-per-statement": m0013,
      "0014-background-scan-indexes": m0014,
      "0015-live-admin-keys-index": m0015,
    };
  },
};
