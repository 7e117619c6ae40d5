/**
 * What the `yaml` package says when a file exhausts it, in words about the file: a stack overflow
 * means the file nests too deeply, an "excessive alias count" that aliases multiply it (an alias
 * bomb). Other messages are kept, on one line.
 */

/**
 * One line saying what is wrong with the YAML, from an error the `yaml` package threw or put in
 * `doc.errors`. Returns e.g. `it nests too deeply (at line 879, column 879)`.
 */
export function describeYamlError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split("\n")[0] ?? message;
  if (/Maximum call stack size exceeded/i.test(first)) {
    const at = /at line (\d+), column (\d+)/.exec(first);
    return `it nests too deeply to be read${at === null ? "" : ` (past line ${at[1] ?? "?"}, column ${at[2] ?? "?"})`}; no manifest or values file needs hundreds of levels, so flatten it`;
  }
  if (/Excessive alias count/i.test(first)) {
    return "its aliases (*name) expand it more than 100-fold, as an alias bomb does; write the repeated values out instead of aliasing them so often";
  }
  return first.replace(/:$/, "");
}
