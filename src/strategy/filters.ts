/**
 * The tag filters argocd-image-updater applies before sorting: `allow-tags`, `ignore-tags` and
 * `platforms`. Each compiles once per call; a malformed value becomes a ConfigError problem.
 */
import { RE2JS } from "re2js";
import { ConfigError } from "../errors/index.js";
import type { AllowTags, TagDetails } from "../model/index.js";

export type TagMatcher = (tag: string) => boolean;

export interface Compiled<T> {
  readonly value: T;
  readonly problems: readonly ConfigError[];
}

const NOTHING: TagMatcher = () => false;

export type RegexpResult = { readonly ok: true; readonly matcher: TagMatcher } | { readonly ok: false; readonly reason: string };

/** What RE2 refuses that people write for other engines, and what to write instead. */
function explainRefusal(message: string): string {
  const construct = /`([^`]*)`/.exec(message)?.[1] ?? "";
  if (/^\(\?(?:=|!|<=|<!)/.test(construct) || /^\(\?<[=!]/.test(construct))
    return `${message}: look-around, which RE2 does not support (argocd-image-updater allows no tag)`;
  if (/^\\[1-9]$/.test(construct)) return `${message}: a back-reference, which RE2 does not support (argocd-image-updater allows no tag)`;
  if (construct === "\\Z") return `${message}: RE2 has no \\Z; use \\z for the end of the tag`;
  if (message.startsWith("invalid repeat count")) return `${message}: RE2 allows at most 1000 repetitions, nested ones included`;
  return message;
}

/**
 * Compile a Go regular expression with RE2 (re2js), the engine argocd-image-updater uses: the
 * same syntax (inline flags anywhere, `\pN`, `[[:^alpha:]]`, `\Q…\E`, `(?P<name>…)`), the same
 * refusals (look-around, back-references, counts over 1000), and matching in time linear in the
 * tag, whatever the pattern. A refusal says which construct, in RE2's words.
 */
export function compileGoRegexp(pattern: string): RegexpResult {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: explainRefusal(raw.replace(/^error parsing regexp: /, "")) };
  }
  return { ok: true, matcher: (tag) => re.test(tag) };
}

/** `allow-tags`: `any`, or `regexp:` searched anywhere in the tag (Go `MatchString`, unanchored). */
export function compileAllowTags(allow: AllowTags): Compiled<TagMatcher> {
  switch (allow.kind) {
    case "any":
      return { value: () => true, problems: [] };
    case "regexp": {
      const compiled = compileGoRegexp(allow.pattern);
      if (compiled.ok) return { value: compiled.matcher, problems: [] };
      return {
        value: NOTHING,
        problems: [
          new ConfigError(`allow-tags regular expression "${allow.pattern}" is not valid RE2 (${compiled.reason}), so no tag is allowed`, {
            context: { key: "allow-tags", value: `regexp:${allow.pattern}` },
            hint: "fix the expression, e.g. regexp:^v?[0-9]+\\.[0-9]+\\.[0-9]+$",
          }),
        ],
      };
    }
    case "invalid":
      return {
        value: NOTHING,
        problems: [
          new ConfigError(
            `allow-tags value "${allow.value}" is not understood${allow.reason === undefined ? "" : ` (${allow.reason})`}, so no tag is allowed`,
            {
              context: { key: "allow-tags", value: allow.value },
              hint: "use `any` or `regexp:<expression>`, e.g. regexp:^[0-9a-f]{7,40}$",
            },
          ),
        ],
      };
  }
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

/** A compiled glob; `test` runs in time linear in the value, however many stars the glob has. */
export interface GlobMatcher {
  test(value: string): boolean;
}

/**
 * Compile a glob with Go `filepath.Match` semantics into an anchored RE2 expression: `*` any run
 * of characters but `/`, `?` one character but `/`, `[...]` / `[^...]` classes with ranges, `\`
 * escapes. Returns null for patterns Go reports as ErrBadPattern. RE2, not a RegExp: a glob of
 * many stars against a long tag backtracks for minutes in JavaScript's engine.
 */
export function compileGlob(glob: string): GlobMatcher | null {
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
      if (body === "") out += negated ? "[^/]" : MATCHES_NOTHING;
      else out += negated ? `[^/${body}]` : `[${body}]`;
    } else {
      out += escapeRegExp(c);
      i += 1;
    }
  }
  const re = RE2JS.compile(`^${out}$`, RE2JS.DOTALL);
  return { test: (value) => re.test(value) };
}

/** A class no character belongs to (RE2 has no `(?!)`). */
const MATCHES_NOTHING = "[^\\x00-\\x{10FFFF}]";

/** `ignore-tags`: a tag is ignored when one glob matches it whole. Malformed globs are skipped and reported. */
export function compileIgnoreTags(globs: readonly string[]): Compiled<TagMatcher> {
  const res: GlobMatcher[] = [];
  const problems: ConfigError[] = [];
  for (const glob of globs) {
    const re = compileGlob(glob);
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
