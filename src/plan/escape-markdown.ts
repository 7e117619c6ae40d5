/**
 * Text from a registry or a file, made inert for a GitHub markdown body: it renders as the same
 * characters and can never become markup, HTML, a link, a mention (`@team`), an issue reference
 * (`#1`) or a line break. Control, zero-width and bidirectional characters are shown as `\uXXXX`.
 */

// C0, DEL, C1, zero-width, line/paragraph separators, bidi embeddings/overrides/isolates, BOM.

const INVISIBLE = /^[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]$/;
// CommonMark lets a backslash escape any ASCII punctuation: these have a meaning somewhere in
// GitHub markdown (emphasis, code, links, tables, strikethrough, headings, lists, autolinks).
const PUNCTUATION = new Set("\\`*_{}[]()+-.!|~:='/$%^,;?");
const REPLACED: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  // A zero-width space after @ and # stops mentions and issue references (as Renovate does).
  "@": "@&#8203;",
  "#": "\\#&#8203;",
};

function escapeChar(char: string): string {
  if (INVISIBLE.test(char)) return `\\\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`;
  const replaced = REPLACED[char];
  if (replaced !== undefined) return replaced;
  return PUNCTUATION.has(char) ? `\\${char}` : char;
}

/** Escape `text` for use anywhere in markdown prose or a table cell. */
export function escapeMarkdown(text: string): string {
  let out = "";
  for (const char of text) out += escapeChar(char);
  return out;
}
