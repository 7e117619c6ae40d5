import { describe, expect, it } from "vitest";
import { compileAllowTags, compileGlob, compileGoRegexp, compileIgnoreTags, offersPlatforms, platformSatisfies } from "./filters.js";

describe("ignore-tags globs (Go filepath.Match)", () => {
  it.each([
    ["latest", "latest", true],
    ["latest", "latest-1", false], // whole-tag match
    ["tag?", "tag1", true], // image-updater's own test
    ["tag?", "tag10", false],
    ["*-alpine", "1.27.4-alpine", true],
    ["*-alpine", "1.27.4-alpine-slim", false],
    ["1.2[0-9].*", "1.27.4", true],
    ["1.2[^7].*", "1.27.4", false],
    ["[a-c]*", "beta", true],
    ["\\*", "*", true],
    ["*", "anything.at-all_1", true],
  ])("%s matches %s → %s", (glob, tag, expected) => {
    expect(compileGlob(glob)?.test(tag)).toBe(expected);
  });

  it.each(["[", "[]", "[a-", "abc\\", "[-a]", "[]a]"])("%j is malformed", (glob) => {
    expect(compileGlob(glob)).toBeNull();
  });

  it("reports a malformed glob and keeps the others", () => {
    const compiled = compileIgnoreTags(["[", "latest"]);
    expect(compiled.problems).toHaveLength(1);
    expect(compiled.problems[0]?.message).toContain('"["');
    expect(compiled.value("latest")).toBe(true);
    expect(compiled.value("[")).toBe(false);
  });
});

describe("allow-tags", () => {
  it.each([
    ["^[0-9a-f]{5,40}$", "3f2a1bc", true],
    ["^[0-9a-f]{5,40}$", "latest", false],
    ["^1\\.27", "1.27.4-alpine", true],
    ["alpine", "1.27.4-alpine-slim", true], // unanchored search, as Go MatchString
    ["(?i)^RC", "rc1", true], // RE2 inline flag translated
    ["^v1\\z", "v1", true], // RE2 \z translated
    ["^v1\\z", "v1x", false],
    ["\\Av1", "v1.0", true],
    ["\\Av1", "xv1", false],
    // RE2 syntax JavaScript spells differently, translated rather than reinterpreted
    ["^[[:digit:]]+\\.[[:digit:]]+$", "1.2", true],
    ["^[[:digit:]]+\\.[[:digit:]]+$", "1.2a", false],
    ["^[[:alpha:]_]+$", "stable_x", true],
    ["^[[:xdigit:]]{7}$", "3f2A1bc", true],
    ["^\\Q1.2\\E", "1.2.3", true],
    ["^\\Q1.2\\E", "1x2", false],
    ["^\\Qa+b", "a+b", true], // \Q to the end
    ["^(?P<major>\\d+)\\.\\d+$", "10.4", true],
    ["^[]a]+$", "a]a", true], // ] first in a class is literal
    ["(?:alpine|slim)$", "1.27-slim", true],
  ])("regexp:%s on %s → %s", (pattern, tag, expected) => {
    const compiled = compileAllowTags({ kind: "regexp", pattern });
    expect(compiled.problems).toEqual([]);
    expect(compiled.value(tag)).toBe(expected);
  });

  it("an invalid value allows nothing and is reported with the value and the fix", () => {
    const compiled = compileAllowTags({ kind: "invalid", value: "glob:*" });
    expect(compiled.value("1.0.0")).toBe(false);
    expect(compiled.problems[0]?.message).toMatch(/glob:\*.*regexp:/s);
  });

  it.each([
    // RE2 syntax the old translation refused: RE2 (and so argocd-image-updater) accepts it
    ["^\\pN+$", "123", true],
    ["^v\\d+(?i)-RC$", "v1-rc", true],
    ["^v\\d+(?i)-RC$", "V1-rc", false],
    ["(?U)^a+", "aaa", true],
    ["^[[:^digit:]]+$", "abc", true],
    ["^[[:^digit:]]+$", "a1", false],
    ["^\\x{61}$", "a", true],
    ["^(?<major>\\d+)$", "10", true],
  ])("regexp:%s on %s → %s (RE2 syntax, as Go reads it)", (pattern, tag, expected) => {
    const compiled = compileAllowTags({ kind: "regexp", pattern });
    expect(compiled.problems).toEqual([]);
    expect(compiled.value(tag)).toBe(expected);
  });

  it.each([
    ["^(?!latest$).*", /`\(\?!`: look-around, which RE2 does not support/],
    ["^(?<=v)1", /look-around, which RE2 does not support/],
    ["^(a)\\1$", /`\\1`: a back-reference, which RE2 does not support/],
    ["^v1\\Z", /`\\Z`.*use \\z/],
    ["^a{1001}$", /invalid repeat count: `\{1001\}`: RE2 allows at most 1000/],
    ["a**", /invalid nested repetition operator: `\*\*`/],
  ])("regexp:%s is refused, naming the construct, as RE2 refuses it", (pattern, reason) => {
    const compiled = compileAllowTags({ kind: "regexp", pattern });
    expect(compiled.value("latest")).toBe(false);
    expect(compiled.value("1")).toBe(false);
    expect(compiled.problems).toHaveLength(1);
    expect(compiled.problems[0]?.message).toMatch(reason);
    expect(compileGoRegexp(pattern)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it("a regexp that does not compile allows nothing and is reported", () => {
    const compiled = compileAllowTags({ kind: "regexp", pattern: "([a-z" });
    expect(compiled.value("abc")).toBe(false);
    expect(compiled.problems).toHaveLength(1);
  });
});

describe("linear time, whatever the pattern (a hostile annotation must not hang a pass)", () => {
  // Each case backtracks for minutes (or longer) in a backtracking engine; RE2 is linear.
  it.each([
    ["(a+)+$", `${"a".repeat(100)}!`],
    ["^(a|aa)+$", `${"a".repeat(100)}!`],
    [
      "^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
      `${"a".repeat(120)}!`,
    ],
    ["^(\\d+)*$", `${"1".repeat(120)}x`],
  ])("allow-tags regexp:%s against a long tag", { timeout: 5000 }, (pattern, tag) => {
    const compiled = compileAllowTags({ kind: "regexp", pattern });
    expect(compiled.problems).toEqual([]);
    for (let i = 0; i < 50; i++) expect(compiled.value(tag)).toBe(false);
  });

  it.each([
    ["*a*a*a*a*a*a*a*b", "a".repeat(128)],
    ["*?*?*?*?*?*?*?*?*?*?x", "y".repeat(128)],
    ["*-*-*-*-*-*-*-*.*", "-".repeat(128)],
  ])("ignore-tags glob %s against a long tag", { timeout: 5000 }, (glob, tag) => {
    const compiled = compileIgnoreTags([glob]);
    for (let i = 0; i < 50; i++) expect(compiled.value(tag)).toBe(false);
  });
});

describe("platforms (image-updater's WantsPlatform variant rule)", () => {
  it.each([
    ["linux/amd64", "linux/amd64", true],
    ["linux/arm64/v8", "linux/arm64", true], // a more specific variant satisfies os/arch
    ["linux/arm64", "linux/arm64/v8", false], // but not the other way round
    ["linux/arm/v6", "linux/arm/v7", false],
    ["windows/amd64", "linux/amd64", false],
  ])("offered %s wanted %s → %s", (offered, wanted, expected) => {
    expect(platformSatisfies(offered, wanted)).toBe(expected);
  });

  it.each([
    [["linux/amd64", "linux/arm64/v8"], ["linux/amd64", "linux/arm64"], true],
    [["linux/amd64"], ["linux/amd64", "linux/arm64"], false], // every listed platform (image-updater: any one)
    [[], ["linux/amd64"], false],
    [[], [], true],
  ])("offers %j for %j → %s", (offered, wanted, expected) => {
    expect(offersPlatforms({ platforms: offered }, wanted)).toBe(expected);
  });
});
