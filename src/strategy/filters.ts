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

/**
 * Go RE2 syntax that JavaScript spells differently, translated so that patterns written for
 * argocd-image-updater keep their meaning: leading inline flags `(?i)`, `(?s)`, `(?m)` become
 * RegExp flags, `\A` and `\z` become anchors. Other differences are not translated: JavaScript
 * also accepts look-around and back-references (RE2 rejects them, so no working image-updater
 * pattern uses them), and RE2's `[[:alpha:]]` classes and `\Q…\E` quoting are not supported by JS
 * (such a pattern is reported as invalid rather than silently meaning something else).
 */
export function translateGoRegexp(pattern: string): { source: string; flags: string } {
  let source = pattern;
  let flags = "";
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline !== null) {
    flags = [...new Set(inline[1])].join("");
    source = source.slice(inline[0].length);
  }
  source = source.replace(/(\\*)\\([Az])/g, (all: string, slashes: string, letter: string) =>
    slashes.length % 2 === 1 ? all : `${slashes}${letter === "A" ? "^" : "(?![\\s\\S])"}`,
  );
  return { source, flags };
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
            new ConfigError(`allow-tags regular expression "${allow.pattern}" does not compile, so no tag is allowed`, {
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
          new ConfigError(`allow-tags value "${allow.value}" is not understood, so no tag is allowed`, {
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
