import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { API_TYPES_FILE, apiTypes, servedDocument } from "./api-types.js";

writeFileSync(API_TYPES_FILE, await apiTypes(await servedDocument()));
console.log(`wrote ${fileURLToPath(API_TYPES_FILE)}`);
