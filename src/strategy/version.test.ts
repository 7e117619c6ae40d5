import { describe, expect, it } from "vitest";
import { compareVersions, compareVersionsDescending, parseVersion } from "./version.js";

describe("parseVersion (Masterminds NewVersion)", () => {
  it.each([
    ["1.27.4", "1.27.4", ""],
    ["v1.2.3", "1.2.3", ""],
    ["1.27", "1.27.0", ""],
    ["1", "1.0.0", ""],
    ["1.27.4-alpine", "1.27.4", "alpine"],
    ["1.27.4-alpine-slim", "1.27.4", "alpine-slim"],
    ["1.2.3-rc.1+build.7", "1.2.3", "rc.1"],
  ])("%s → %s pre %j", (tag, core, pre) => {
    const v = parseVersion(tag);
    expect(v && `${v.major}.${v.minor}.${v.patch}`).toBe(core);
    expect(v?.pre).toBe(pre);
  });

  it.each(["latest", "stable", "mainline", "3f2a1bc", "1.2.3.4", "V1.2.3", "1.0.0-01", "99999999999999999999", "1.2-"])(
    "%s is not a version",
    (tag) => {
      expect(parseVersion(tag)).toBeNull();
    },
  );
});

describe("ordering", () => {
  it.each([
    ["1.2.3", "1.2.3-rc.1", 1],
    ["1.2.3-rc.2", "1.2.3-rc.10", -1], // numeric identifiers compare as numbers
    ["1.2.3-alpha", "1.2.3-1", 1], // alphanumeric after numeric
    ["1.2.3-alpha", "1.2.3-alpha.1", -1], // fewer identifiers first
    ["1.10.0", "1.9.0", 1],
    ["1.2", "1.2.0", 0],
    ["1.2.3+a", "1.2.3+b", 0],
  ])("%s vs %s → %i", (a, b, expected) => {
    const va = parseVersion(a);
    const vb = parseVersion(b);
    if (va === null || vb === null) throw new Error("unparsable");
    expect(compareVersions(va, vb)).toBe(expected);
  });

  // image-updater's semverCollection breaks ties by the original string and takes the last.
  it.each([
    [["1.2", "1.2.0"], "1.2.0"],
    [["1.2.0", "v1.2.0"], "v1.2.0"],
    [["1.2.3+b", "1.2.3+a"], "1.2.3+b"],
  ])("tie %j → %s first", (tags, first) => {
    const sorted = tags
      .map((t) => parseVersion(t))
      .filter((v) => v !== null)
      .sort(compareVersionsDescending);
    expect(sorted[0]?.original).toBe(first);
  });
});
