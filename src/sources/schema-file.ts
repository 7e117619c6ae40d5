import { generateRepoConfigJsonSchema } from "./repo-config.js";

/** Where the generated JSON Schema is committed, relative to the project root. */
export const REPO_CONFIG_SCHEMA_PATH = "schema/argocd-image-pr.schema.json";

/** The exact text of schema/argocd-image-pr.schema.json. */
export function renderRepoConfigSchema(): string {
  return `${JSON.stringify(generateRepoConfigJsonSchema(), null, 2)}\n`;
}
