/**
 * Regenerate schema/argocd-image-pr.schema.json and the README's table of repo-config keys, both
 * from the zod schema: `npm run schema` (`npx tsx scripts/write-schema.ts`).
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { REPO_CONFIG_SCHEMA_PATH, renderRepoConfigSchema } from "../src/sources/index.js";
import { withRepoConfigKeys } from "./repo-config-docs.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
await writeFile(path.join(root, REPO_CONFIG_SCHEMA_PATH), renderRepoConfigSchema());
process.stdout.write(`wrote ${REPO_CONFIG_SCHEMA_PATH}\n`);
const readme = path.join(root, "README.md");
await writeFile(readme, withRepoConfigKeys(await readFile(readme, "utf8")));
process.stdout.write("wrote the repo-config keys in README.md\n");
