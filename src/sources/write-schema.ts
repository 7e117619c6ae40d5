/** Regenerate schema/argocd-image-pr.schema.json: `npx tsx src/sources/write-schema.ts`. */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { REPO_CONFIG_SCHEMA_PATH, renderRepoConfigSchema } from "./schema-file.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
await writeFile(path.join(root, REPO_CONFIG_SCHEMA_PATH), renderRepoConfigSchema());
process.stdout.write(`wrote ${REPO_CONFIG_SCHEMA_PATH}\n`);
