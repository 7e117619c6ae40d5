import type { TagsResult } from "../pipeline/index.js";
import { escapeControlCharacters } from "../text/index.js";

/** `tags` output: one tag a line, a table with metadata, or JSON. */
export function formatTags(result: TagsResult, format: "table" | "json", metadata: boolean): string {
  if (format === "json") return `${JSON.stringify(result, null, 2)}\n`;
  // What a registry sends is escaped: a tag or platform must not drive the terminal.
  const e = escapeControlCharacters;
  if (!metadata) return result.tags.map((t) => `${e(t.tag)}\n`).join("");
  const rows = [
    ["TAG", "DIGEST", "CREATED", "PLATFORMS"],
    ...result.tags.map((t) => [t.tag, t.digest ?? "-", t.created ?? "-", (t.platforms ?? []).join(",") || "-"].map(e)),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map(
      (r) =>
        `${r
          .map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}
