import nodeSemver from "semver";
import { describe, expect, it } from "vitest";
import { parseConstraint, satisfies } from "./constraint.js";
import { parseVersion } from "./version.js";

function check(constraint: string, version: string): boolean {
  const parsed = parseConstraint(constraint);
  if (!parsed.ok) throw new Error(parsed.reason);
  const v = parseVersion(version);
  if (v === null) throw new Error(`not a version: ${version}`);
  return satisfies(v, parsed.constraint);
}

describe("Masterminds constraints", () => {
  // Rows from Masterminds/semver v3's README and the argocd-image-updater docs.
  it.each([
    [">=1.27.0 <1.28.0", "1.27.4", true],
    [">=1.27.0 <1.28.0", "1.28.0", false],
    [">=1.27.0 <1.28.0", "1.27", true], // partial version = 1.27.0
    [">=1.27.0 <1.28.0", "1.27.4-alpine", false], // pre-release excluded
    [">=1.27.0, <1.28.0", "1.27.9", true], // comma is AND
    ["~1.26", "1.26.9", true],
    ["~1.26", "1.27.0", false],
    ["~1", "1.9.0", true],
    ["~1.2.3", "1.2.9", true],
    ["~1.2.3", "1.3.0", false],
    ["~>1.2", "1.2.5", true],
    ["^1.0", "1.1.2", true],
    ["^1.0", "2.0.3", false],
    ["^0.2.3", "0.2.9", true],
    ["^0.2.3", "0.3.0", false],
    ["^0.0.3", "0.0.4", false],
    ["^0.0", "0.0.9", true],
    ["^0", "0.9.0", true],
    ["1.2.x", "1.2.7", true],
    ["1.2.x", "1.3.0", false],
    ["1.x", "1.99.0", true],
    ["*", "7.0.0", true],
    ["*", "7.0.0-beta", false],
    ["1.2 - 1.4.5", "1.4.5", true],
    ["1.2 - 1.4.5", "1.4.6", false],
    ["1.2 - 1.4.5", "1.1.9", false],
    // a hyphen range followed by another comparator (Masterminds rewrites it with a trailing space)
    ["1.0 - 2.0 !=1.6.0", "1.5.0", true],
    ["1.0 - 2.0 !=1.6.0", "1.6.0", false],
    ["1.0 - 2.0 <1.5", "1.4.9", true],
    ["1.0 - 2.0 <1.5", "1.5.0", false],
    ["!=1.2.3", "1.2.4", true],
    ["!=1.2.3", "1.2.3", false],
    ["!=1.2.x", "1.2.9", false],
    ["1.x || >=2.5.0", "2.6.0", true],
    ["1.x || >=2.5.0", "2.1.0", false],
    [">1.2", "1.2.9", false], // dirty `>`: needs a greater minor
    [">1.2", "1.3.0", true],
    ["<=1.2", "1.2.9", true], // dirty `<=`: the whole 1.2 line
    ["=1.2.3", "1.2.3+build.5", true], // build metadata ignored
    ["v1.2.3", "1.2.3", true],
    [">=1.0.0-0", "1.5.0-rc.1", true], // constraint opts in to pre-releases
    [">=1.2.0-beta, <2.0.0", "1.9.0-alpha", true], // the whole AND group opts in
    [">=1.2.0-beta || <1.0.0", "0.9.0-alpha", false], // …but not the other alternative
  ])("%s with %s → %s", (constraint, version, expected) => {
    expect(check(constraint, version)).toBe(expected);
  });

  it.each(["latest", "1.2.3.4", ">=abc", "1.2 -", "", "~>", ">= 1.2 ||"])("rejects %j", (constraint) => {
    expect(parseConstraint(constraint).ok).toBe(false);
  });
});

/**
 * Where node's semver (the package we do not use for this) answers differently from Masterminds.
 * Each row asserts both answers, so a change in either library shows up here.
 */
describe("differences from node's semver, resolved the Masterminds (argocd-image-updater) way", () => {
  it.each([
    // [difference, constraint, version, masterminds, node-semver]
    ["comma means AND in Masterminds; node-semver rejects the range", ">=1.0.0, <2.0.0", "1.5.0", true, false],
    ["`!=` exists only in Masterminds", "!=1.2.3", "1.2.4", true, false],
    ["pre-release opt-in is per AND group in Masterminds, per [major,minor,patch] tuple in node", ">=1.0.0-0", "2.0.0-beta", true, false],
    [
      "Masterminds allows every pre-release once a group names one; node only on the same tuple",
      ">=1.2.0-beta <2.0.0",
      "1.9.0-alpha",
      true,
      false,
    ],
    ["`=>` and `=<` are Masterminds aliases", "=>1.2.0", "1.3.0", true, false],
  ])("%s", (_difference, constraint, version, masterminds, node) => {
    expect(check(constraint, version)).toBe(masterminds);
    const range = nodeSemver.validRange(constraint);
    expect(range !== null && nodeSemver.satisfies(version, range)).toBe(node);
  });

  it.each([
    ["partial versions are versions in Masterminds (`1.27` = 1.27.0); node-semver rejects them", "1.27"],
    ["a single number is a version in Masterminds (`20240101` = 20240101.0.0)", "20240101"],
    ["`v` prefix with a partial version", "v2"],
  ])("%s", (_difference, tag) => {
    expect(parseVersion(tag)).not.toBeNull();
    expect(nodeSemver.valid(tag)).toBeNull();
  });
});

/** Masterminds matches with Go's linear-time regexp; so must we, or a constraint annotation hangs a pass. */
describe("constraints built to make a backtracking engine crawl", () => {
  it.each([
    ["20,000 spaces and a wildcard", `${" ".repeat(20_000)}x`, true],
    ["20,000 spaces around a range dash", `1.0.0${" ".repeat(20_000)}-${" ".repeat(20_000)}!`, false],
    ["20,000 digits", "1".repeat(20_000), false],
    ["20,000 commas and spaces", `>=1.0.0${", ".repeat(10_000)}!`, false],
  ])("%s: parsed or refused, in linear time", { timeout: 10_000 }, (_name, source, ok) => {
    expect(parseConstraint(source).ok).toBe(ok);
  });

  it("refuses a constraint over 1,024 characters (white space runs counting as one), saying so", () => {
    const long = Array.from({ length: 120 }, (_, i) => `1.${i}.0`).join(" || ");
    expect(long.length).toBeGreaterThan(1024);

    expect(parseConstraint(long)).toEqual({ ok: false, reason: `the constraint is ${long.length} characters long; at most 1024 are read` });
    expect(parseConstraint(`${" ".repeat(5000)}>=1.0.0${" ".repeat(5000)}`).ok).toBe(true);
  });

  it("still reads a range written with spaces the Masterminds way", () => {
    expect(check(`1.2.0${" ".repeat(50)}-   1.4.0`, "1.3.9")).toBe(true);
    expect(check("1.2.0 - 1.4.0 || >=2.0.0 <2.1.0", "2.0.5")).toBe(true);
    expect(check("1.2.0 - 1.4.0 || >=2.0.0 <2.1.0", "1.5.0")).toBe(false);
  });
});
