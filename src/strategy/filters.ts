/**
 * The tag filters argocd-image-updater applies before sorting: `allow-tags`, `ignore-tags` and
 * `platforms`. Each compiles once per call; a malformed value becomes a ConfigError problem.
 */
import { ConfigError } from "../errors/index.js";
import type { AllowTags, TagDetails } from "../model/index.js";

export type TagMatcher = (tag: string) => boolean;

export interface Compiled<T> {
  readonly value: T;
  readonly problems: readonly ConfigError[];
}

const NOTHING: TagMatcher = () => false;

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

/** A Go RE2 pattern JavaScript would read differently, or RE2 itself rejects: never silently reinterpreted. */
export class UnsupportedRegexpError extends Error {}

function unsupported(what: string): never {
  throw new UnsupportedRegexpError(what);
}

/**
 * Go RE2 syntax in JavaScript's spelling, so patterns written for argocd-image-updater keep their
 * meaning: leading inline flags `(?i)`, `(?s)`, `(?m)` become RegExp flags; `\A`, `\z` anchors;
 * `\Q…\E` literals; `[[:alpha:]]` classes; `(?P<name>…)` groups. What RE2 rejects (look-around,
 * back-references, `\Z`, counts over 1000) — image-updater then allows no tag — and RE2 syntax
 * with no JavaScript spelling here (`\pN`, flags inside the pattern, `(?U)`, `[[:^alpha:]]`)
 * throw UnsupportedRegexpError, saying which, instead of quietly meaning something else.
 */
export function translateGoRegexp(pattern: string): { source: string; flags: string } {
  let flags = "";
  let rest = pattern;
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(rest);
  if (inline !== null) {
    const letters = inline[1] ?? "";
    if (/[^ims]/.test(letters)) unsupported(`the flag group (?${letters}) (only i, m and s are translated)`);
    flags = [...new Set(letters)].join("");
    rest = rest.slice(inline[0].length);
  }
  let out = "";
  let inClass = false;
  /** Where the current class's members start in `out` (after `[` or `[^`). */
  let classStart = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (c === "\\") {
      const next = rest[i + 1];
      if (next === undefined) return { source: out + c, flags }; // a trailing backslash: let RegExp reject it
      if (next === "Q" && !inClass) {
        const close = rest.indexOf("\\E", i + 2);
        const literal = rest.slice(i + 2, close === -1 ? rest.length : close);
        out += literal.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
        i = close === -1 ? rest.length : close + 1;
        continue;
      }
      if (next === "p" || next === "P") unsupported(`the Unicode class \\${next}… (write the characters out, e.g. [0-9])`);
      if (/[1-9]/.test(next) || next === "k") unsupported("a back-reference, which RE2 does not support (argocd-image-updater allows no tag)");
      if (next === "Z") unsupported("\\Z, which RE2 does not support (use \\z)");
      if (next === "x" && rest[i + 2] === "{") unsupported("\\x{…} (write \\xHH)");
      if (!inClass && next === "A") out += "(?<![\\s\\S])";
      else if (!inClass && next === "z") out += "(?![\\s\\S])";
      else out += c + next;
      i += 1;
      continue;
    }
    if (inClass) {
      if (c === "[" && rest[i + 1] === ":") {
        const close = rest.indexOf(":]", i + 2);
        const name = close === -1 ? "" : rest.slice(i + 2, close);
        if (name.startsWith("^")) unsupported(`the negated class [:${name}:] (write the complement out)`);
        const ranges = POSIX_CLASSES[name];
        if (ranges === undefined) unsupported(`the class [:${name}:]`);
        out += ranges;
        i = close + 1;
        continue;
      }
      if (c === "]" && out.length === classStart) {
        out += "\\]"; // RE2: a `]` first in a class is a member; JavaScript would end an empty class
        continue;
      }
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      const negated = rest[i + 1] === "^";
      out += negated ? "[^" : "[";
      if (negated) i += 1;
      classStart = out.length;
      continue;
    }
    if (c === "(" && rest[i + 1] === "?") {
      const head = rest.slice(i + 2);
      if (head.startsWith("P<")) {
        out += "(?<";
        i += 3;
        continue;
      }
      if (/^(=|!|<=|<!)/.test(head)) unsupported("look-around, which RE2 does not support (argocd-image-updater allows no tag)");
      if (/^[a-zA-Z-]+[:)]/.test(head)) unsupported(`the flag group (?${/^[a-zA-Z-]+/.exec(head)?.[0] ?? ""}…) inside the pattern (put (?i) at its start)`);
    }
    if (c === "{") {
      const count = /^\{(\d+)(?:,(\d*))?\}/.exec(rest.slice(i));
      if (count !== null && [count[1], count[2]].some((n) => n !== undefined && n !== "" && Number(n) > 1000)) {
        unsupported("a repeat count over 1000, which RE2 does not support");
      }
    }
    out += c;
  }
  return { source: out, flags };
}

/** `allow-tags`: `any`, or `regexp:` searched anywhere in the tag (Go `MatchString`, unanchored). */
export function compileAllowTags(allow: AllowTags): Compiled<TagMatcher> {
  switch (allow.kind) {
    case "any":
      return { value: () => true, problems: [] };
    case "regexp": {
      try {
        const { source, flags } = translateGoRegexp(allow.pattern);
        const re = new RegExp(source, flags);
        return { value: (tag) => re.test(tag), problems: [] };
      } catch (error) {
        return {
          value: NOTHING,
          problems: [
            new ConfigError(`allow-tags regular expression "${allow.pattern}" ${error instanceof UnsupportedRegexpError ? `uses ${error.message}` : "does not compile"}, so no tag is allowed`, {
              cause: error,
              context: { key: "allow-tags", value: `regexp:${allow.pattern}` },
              hint: "fix the expression, e.g. regexp:^v?[0-9]+\\.[0-9]+\\.[0-9]+$",
            }),
          ],
        };
      }
    }
    case "invalid":
      return {
        value: NOTHING,
        problems: [
          new ConfigError(`allow-tags value "${allow.value}" is not understood${allow.reason === undefined ? "" : ` (${allow.reason})`}, so no tag is allowed`, {
            context: { key: "allow-tags", value: allow.value },
            hint: "use `any` or `regexp:<expression>`, e.g. regexp:^[0-9a-f]{7,40}$",
          }),
        ],
      };
  }
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * Compile a glob with Go `filepath.Match` semantics into an anchored RegExp: `*` any run of
 * characters but `/`, `?` one character but `/`, `[...]` / `[^...]` classes with ranges, `\`
 * escapes. Returns null for patterns Go reports as ErrBadPattern.
 */
export function globToRegExp(glob: string): RegExp | null {
  let out = "";
  let i = 0;
  const n = glob.length;
  // One class element, as Go's getEsc reads it: `-` and `]` must be escaped, `\` escapes one char.
  const classChar = (): string | null => {
    const c = glob[i];
    if (c === undefined || c === "-" || c === "]") return null;
    if (c === "\\") {
      const next = glob[i + 1];
      if (next === undefined) return null;
      i += 2;
      return next;
    }
    i += 1;
    return c;
  };
  while (i < n) {
    const c = glob[i] as string;
    if (c === "*") {
      out += "[^/]*";
      i += 1;
    } else if (c === "?") {
      out += "[^/]";
      i += 1;
    } else if (c === "\\") {
      const next = glob[i + 1];
      if (next === undefined) return null;
      out += escapeRegExp(next);
      i += 2;
    } else if (c === "[") {
      i += 1;
      let negated = false;
      if (glob[i] === "^") {
        negated = true;
        i += 1;
      }
      const ranges: string[] = [];
      for (;;) {
        if (glob[i] === "]" && ranges.length > 0) {
          i += 1;
          break;
        }
        const lo = classChar();
        if (lo === null) return null;
        let hi = lo;
        if (glob[i] === "-") {
          i += 1;
          const h = classChar();
          if (h === null) return null;
          hi = h;
        }
        // A range whose ends are reversed is valid in Go and matches nothing.
        ranges.push(lo <= hi ? `${escapeRegExp(lo)}-${escapeRegExp(hi)}` : "");
      }
      const body = ranges.join("");
      if (body === "") out += negated ? "[^/]" : "(?!)";
      else out += negated ? `[^/${body}]` : `[${body}]`;
    } else {
      out += escapeRegExp(c);
      i += 1;
    }
  }
  return new RegExp(`^${out}$`, "s");
}

/** `ignore-tags`: a tag is ignored when one glob matches it whole. Malformed globs are skipped and reported. */
export function compileIgnoreTags(globs: readonly string[]): Compiled<TagMatcher> {
  const res: RegExp[] = [];
  const problems: ConfigError[] = [];
  for (const glob of globs) {
    const re = globToRegExp(glob);
    if (re === null) {
      problems.push(
        new ConfigError(`ignore-tags pattern "${glob}" is malformed and ignores nothing`, {
          context: { key: "ignore-tags", value: glob },
          hint: "use *, ? and [...] classes; escape a literal - or ] inside a class with \\",
        }),
      );
    } else {
      res.push(re);
    }
  }
  return { value: res.length === 0 ? NOTHING : (tag) => res.some((re) => re.test(tag)), problems };
}

function splitPlatform(p: string): { os: string; arch: string; variant: string } {
  const [os = "", arch = "", ...rest] = p.split("/");
  return { os, arch, variant: rest.join("/") };
}

/**
 * argocd-image-updater's `WantsPlatform`: an offered platform satisfies a wanted one when they are
 * equal, or when the offered one has a variant and its `os/arch` is what is wanted
 * (`linux/arm64` is satisfied by `linux/arm64/v8`; `linux/arm64/v8` is not satisfied by `linux/arm64`).
 */
export function platformSatisfies(offered: string, wanted: string): boolean {
  if (offered === wanted) return true;
  const o = splitPlatform(offered);
  return o.variant !== "" && `${o.os}/${o.arch}` === wanted;
}

/**
 * Every wanted platform must be offered. argocd-image-updater is laxer (one matching platform in
 * the manifest list suffices); the issue asks for all of them, so an update never drops an
 * architecture a cluster runs.
 */
export function offersPlatforms(details: Pick<TagDetails, "platforms">, wanted: readonly string[]): boolean {
  return wanted.every((w) => details.platforms.some((o) => platformSatisfies(o, w)));
}
