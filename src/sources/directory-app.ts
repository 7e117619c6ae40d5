/**
 * Directory-type Applications (plain manifests): which files Argo CD renders for one, as its repo
 * server decides (reposerver/repository: getPotentiallyValidManifests). It walks the source path in
 * lexical order, into subdirectories only with `directory.recurse`, keeps the names ending in
 * `.yaml`, `.yml`, `.json` or `.jsonnet`, drops a file whose path relative to the source path
 * matches `exclude`, then keeps only those matching `include`. Both are gobwas/glob patterns
 * compiled without separators: `*` and `?` cross `/`, `[a-z]` / `[!a-z]` / `[abc]` classes,
 * `{a,b}` alternatives (nested), `\` escapes; a pattern that does not compile matches nothing.
 * Read over a RepoReader (a checkout or a commit's tree), never the disk.
 */
import posix from "node:path/posix";

import type { DirectorySelection } from "../model/index.js";
import type { RepoReader } from "../plan/index.js";

const MANIFEST_FILE = /\.(?:yaml|yml|json|jsonnet)$/;
const SYNTAX = new Set([..."^$\\.*+?()[]{}|/"]);
const CLASS_SYNTAX = new Set([..."\\]^-["]);

function literal(char: string): string {
  return SYNTAX.has(char) ? `\\${char}` : char;
}

function classChar(char: string): string {
  return CLASS_SYNTAX.has(char) ? `\\${char}` : char;
}

/**
 * An Argo CD include/exclude glob as an anchored RegExp over a path relative to the source path;
 * null when gobwas/glob would not compile it (an unclosed `{`, `[` or a trailing `\`).
 */
export function compileArgoGlob(pattern: string): RegExp | null {
  const chars = [...pattern];
  let at = 0;

  /** A class: `[lo-hi]` or a list `[abc]`, either negated by a leading `!`. */
  const parseClass = (): string | null => {
    at += 1; // [
    let negated = "";
    if (chars[at] === "!") {
      negated = "^";
      at += 1;
    }
    const lo = chars[at];
    if (lo === undefined) return null;
    if (chars[at + 1] === "-") {
      const hi = chars[at + 2];
      if (hi === undefined || chars[at + 3] !== "]") return null;
      at += 4;
      return `[${negated}${classChar(lo)}-${classChar(hi)}]`;
    }
    let list = "";
    while (chars[at] !== "]") {
      let char = chars[at];
      if (char === undefined) return null;
      if (char === "\\") {
        at += 1;
        char = chars[at];
        if (char === undefined) return null;
      }
      list += classChar(char);
      at += 1;
    }
    at += 1; // ]
    return `[${negated}${list}]`;
  };

  /** A sequence, up to the end, or (inside braces) up to the `,` or `}` that ends the alternative. */
  const parseSequence = (depth: number): string | null => {
    let out = "";
    for (;;) {
      const char = chars[at];
      if (char === undefined) return out;
      if (depth > 0 && (char === "," || char === "}")) return out;
      switch (char) {
        case "\\": {
          const next = chars[at + 1];
          if (next === undefined) return null;
          out += literal(next);
          at += 2;
          break;
        }
        case "*":
          while (chars[at] === "*") at += 1;
          out += "[\\s\\S]*";
          break;
        case "?":
          out += "[\\s\\S]";
          at += 1;
          break;
        case "[": {
          const cls = parseClass();
          if (cls === null) return null;
          out += cls;
          break;
        }
        case "{": {
          at += 1;
          const alternatives: string[] = [];
          for (;;) {
            const alternative = parseSequence(depth + 1);
            if (alternative === null) return null;
            alternatives.push(alternative);
            const end = chars[at];
            at += 1;
            if (end === ",") continue;
            if (end === "}") break;
            return null; // unclosed {
          }
          out += `(?:${alternatives.join("|")})`;
          break;
        }
        default:
          out += literal(char);
          at += 1;
      }
    }
  };

  const source = parseSequence(0);
  if (source === null) return null;
  try {
    return new RegExp(`^${source}$`, "su");
  } catch {
    return null; // a reversed range ([z-a])
  }
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The repo-relative paths of the files Argo CD reads for a directory app whose source path is
 * `dir` ("" for the repository root), in its walk order. `.jsonnet` files are listed (Argo CD
 * renders them; an editor cannot). `.git` is never entered.
 */
export async function directoryManifestFiles(
  reader: Pick<RepoReader, "list">,
  dir: string,
  selection: DirectorySelection,
): Promise<string[]> {
  const include = selection.include === null ? null : compileArgoGlob(selection.include);
  const exclude = selection.exclude === null ? null : compileArgoGlob(selection.exclude);
  const out: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await reader.list(relative === "" ? dir : dir === "" ? relative : `${dir}/${relative}`);
    if (entries === null) return;
    for (const entry of [...entries].sort((a, b) => byteOrder(a.name, b.name))) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.type === "dir") {
        if (selection.recurse && entry.name !== ".git") await walk(path);
        continue;
      }
      if (entry.type === "other" || !MANIFEST_FILE.test(entry.name)) continue;
      if (selection.exclude !== null && exclude !== null && exclude.test(path)) continue;
      // An include that does not compile matches nothing (Argo CD's glob.Match returns false).
      if (selection.include !== null && (include === null || !include.test(path))) continue;
      out.push(dir === "" ? path : posix.join(dir, path));
    }
  };
  await walk("");
  return out;
}
