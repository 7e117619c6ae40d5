/** Regenerate schema/argocd-image-pr.schema.json: `npm run schema` (`npx tsx scripts/write-schema.ts`). */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { REPO_CONFIG_SCHEMA_PATH, renderRepoConfigSchema } from "../src/sources/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
await writeFile(path.join(root, REPO_CONFIG_SCHEMA_PATH), renderRepoConfigSchema());
process.stdout.write(`wrote ${REPO_CONFIG_SCHEMA_PATH}\n`);
