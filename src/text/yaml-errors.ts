/**
 * What the `yaml` package says when a file exhausts it, in words about the file: a stack overflow
 * means the file nests too deeply, an "excessive alias count" that aliases multiply it (an alias
 * bomb). Other messages are kept, on one line.
 */

/**
 * One line saying what is wrong with the YAML, from an error the `yaml` package threw or put in
 * `doc.errors`. Returns e.g. `it nests too deeply (at line 879, column 879)`.
 */
export function describeYamlError(error: unknown, text?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split("\n")[0] ?? message;
  if (/Maximum call stack size exceeded/i.test(first)) {
    const at = /at line (\d+), column (\d+)/.exec(first)?.slice(1) ?? positionOf(error, text);
    return `it nests too deeply to be read${at === null ? "" : ` (past line ${at[0] ?? "?"}, column ${at[1] ?? "?"})`}; no manifest or values file needs hundreds of levels, so flatten it`;
  }
  if (/Excessive alias count/i.test(first)) {
    return "its aliases (*name) expand it more than 100-fold, as an alias bomb does; write the repeated values out instead of aliasing them so often";
  }
  return first.replace(/:$/, "");
}

/** Line and column (1-based) of a YAMLError's `pos` in `text`, when both are known. */
function positionOf(error: unknown, text: string | undefined): [string, string] | null {
  if (text === undefined || typeof error !== "object" || error === null || !("pos" in error) || !Array.isArray(error.pos)) return null;
  const offset: unknown = error.pos[0];
  if (typeof offset !== "number") return null;
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return [String(line), String(offset - before.lastIndexOf("\n"))];
}
