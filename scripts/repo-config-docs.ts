/**
 * The README's table of every `.github/argocd-image-pr.yml` key, generated from the same zod schema
 * that validates the file (through its JSON Schema), so the documentation cannot drift from what is
 * accepted. `npm run schema` (scripts/write-schema.ts) rewrites the section between the markers;
 * a test fails when the committed README differs. Pure; a script's, not the build's.
 */
import { generateRepoConfigJsonSchema } from "../src/sources/index.js";

export const REPO_CONFIG_KEYS_START = "<!-- repo-config-keys: generated from the zod schema by `npm run schema`; do not edit by hand -->";
export const REPO_CONFIG_KEYS_END = "<!-- /repo-config-keys -->";

type JsonSchema = {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  pattern?: string;
};

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum !== undefined) return schema.enum.map((value) => `\`${String(value)}\``).join(" | ");
  if (schema.anyOf !== undefined) return schema.anyOf.map(typeOf).join(" or ");
  if (schema.type === "array")
    return `list of ${schema.items === undefined ? "values" : schema.items.type === "object" ? "maps" : `${typeOf(schema.items)}s`}`;
  if (schema.type === "object") return "map";
  return schema.type ?? "any";
}

function escape(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function rows(schema: JsonSchema, prefix: string, out: string[]): void {
  const required = new Set(schema.required ?? []);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const name = `${prefix}${key}`;
    const details = [property.description ?? "", property.pattern === undefined ? "" : `Must match \`${property.pattern}\`.`]
      .filter((part) => part !== "")
      .join(" ");
    out.push(`| \`${name}\` | ${escape(typeOf(property))} | ${required.has(key) ? "yes" : ""} | ${escape(details)} |`);
    if (property.type === "object") rows(property, `${name}.`, out);
    if (property.type === "array" && property.items?.type === "object") rows(property.items, `${name}[].`, out);
  }
}

/** The markdown table of every key, in schema order. */
export function renderRepoConfigKeys(): string {
  const out = ["| key | type | required | meaning |", "|---|---|---|---|"];
  rows(generateRepoConfigJsonSchema() as JsonSchema, "", out);
  return `${out.join("\n")}\n`;
}

/** `readme` with the section between the markers replaced by the generated table. Throws when the markers are missing. */
export function withRepoConfigKeys(readme: string): string {
  const start = readme.indexOf(REPO_CONFIG_KEYS_START);
  const end = readme.indexOf(REPO_CONFIG_KEYS_END);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`README.md lacks the markers ${REPO_CONFIG_KEYS_START} … ${REPO_CONFIG_KEYS_END}`);
  return `${readme.slice(0, start + REPO_CONFIG_KEYS_START.length)}\n${renderRepoConfigKeys()}${readme.slice(end)}`;
}
