import { describe, expect, it } from "vitest";
import { compileAllowTags, compileIgnoreTags, globToRegExp, offersPlatforms, platformSatisfies } from "./filters.js";

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
    expect(globToRegExp(glob)?.test(tag)).toBe(expected);
  });

  it.each(["[", "[]", "[a-", "abc\\", "[-a]", "[]a]"])("%j is malformed", (glob) => {
    expect(globToRegExp(glob)).toBeNull();
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
    ["^(?!latest$).*", /look-around, which RE2 does not support/],
    ["^(a)\\1$", /back-reference/],
    ["^v1\\Z", /\\Z, which RE2 does not support/],
    ["^\\pN+$", /Unicode class/],
    ["^v\\d+(?i)-rc$", /flag group \(\?i…\) inside the pattern/],
    ["(?U)a+", /flag group \(\?U\)/],
    ["^[[:^digit:]]+$", /negated class/],
    ["^a{1001}$", /repeat count over 1000/],
  ])("regexp:%s is refused, saying why, not reinterpreted", (pattern, reason) => {
    const compiled = compileAllowTags({ kind: "regexp", pattern });
    expect(compiled.value("latest")).toBe(false);
    expect(compiled.value("1")).toBe(false);
    expect(compiled.problems[0]?.message).toMatch(reason);
  });

  it("a regexp that does not compile allows nothing and is reported", () => {
    const compiled = compileAllowTags({ kind: "regexp", pattern: "([a-z" });
    expect(compiled.value("abc")).toBe(false);
    expect(compiled.problems).toHaveLength(1);
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
