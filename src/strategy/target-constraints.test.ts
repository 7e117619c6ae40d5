import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ImagePolicy, UpdateStrategy } from "../model/index.js";
import {
  activeRestore,
  constrainCandidates,
  decide,
  decidePinned,
  isNewerTag,
  selectCandidates,
  type CurrentImage,
  type TargetConstraints,
} from "./index.js";

function policy(strategy: UpdateStrategy = "semver"): ImagePolicy {
  return { strategy, constraint: null, allowTags: { kind: "any" }, ignoreTags: [], platforms: [], keepSuffix: false, maxUpdate: null };
}

const TAGS = ["1.0.0", "1.1.0", "1.2.0", "2.0.0", "latest"];

function choose(constraints: TargetConstraints, current = "1.1.0", strategy: UpdateStrategy = "semver"): string {
  const p = policy(strategy);
  const cur: CurrentImage = { tag: current, digest: null };
  const decision =
    constraints.pin === undefined
      ? decide({
          policy: p,
          current: cur,
          candidates: constrainCandidates(selectCandidates(TAGS, p, cur), constraints),
          details: new Map(),
        })
      : decidePinned(TAGS, cur, constraints.pin, p.strategy);
  switch (decision.kind) {
    case "update":
      return `update ${decision.to.tag}`;
    case "up-to-date":
    case "no-candidate":
      return `stay (${decision.reason})`;
    case "error":
      return `error ${decision.error.message}`;
  }
}

const PIN = (tag: string): TargetConstraints => ({ pin: { tag, source: "/pin by alice" } });

describe("target constraints", () => {
  it.each<[string, TargetConstraints, string]>([
    ["none", {}, "update 2.0.0"],
    ["a pin on an older tag rolls back", PIN("1.0.0"), "update 1.0.0"],
    ["a pin on a newer tag that is not the newest", PIN("1.2.0"), "update 1.2.0"],
    ["a pin on the current tag stays", PIN("1.1.0"), "stay (1.1.0: pinned (/pin by alice))"],
    ["a pin beats refusals and holds", { ...PIN("1.0.0"), above: "2.0.0", refused: ["1.0.0"] }, "update 1.0.0"],
    [
      "a pin the registry does not list",
      PIN("9.9.9"),
      'error pinned tag "9.9.9" (/pin by alice) is not in the registry (pin a tag the registry lists, or lift the pin (/unpin, or remove it from the repo config))',
    ],
    ["refused newest → the next one", { refused: ["2.0.0"] }, "update 1.2.0"],
    ["hold above the newest → nothing", { above: "2.0.0" }, "stay (no newest semver tag of 5 tags; 4 held back after a rollback)"],
    ["hold above 1.2.0 → 2.0.0", { above: "1.2.0" }, "update 2.0.0"],
    [
      "hold and refusal together",
      { above: "1.2.0", refused: ["2.0.0"] },
      "stay (no newest semver tag of 5 tags; 3 held back after a rollback; 1 refused (an update PR closed unmerged))",
    ],
  ])("%s", (_name, constraints, expected) => {
    expect(choose(constraints)).toBe(expected);
  });

  it("alphabetical holds compare by name", () => {
    expect(choose({ above: "2.0.0" }, "1.0.0", "alphabetical")).toBe("update latest");
    expect(choose({ above: "latest" }, "1.0.0", "alphabetical")).toMatch(/^stay/);
  });

  it.each<[UpdateStrategy, string, string, boolean]>([
    ["semver", "1.10.0", "1.9.0", true],
    ["semver", "1.9.0", "1.10.0", false],
    ["semver", "v1.2.3", "1.2.3", false],
    ["semver", "latest", "1.0.0", false],
    ["alphabetical", "b", "a", true],
    ["newest-build", "abc", "abc", false],
    ["newest-build", "abc", "def", true],
    ["digest", "latest", "latest", false],
  ])("isNewerTag(%s, %s, %s) = %s", (strategy, tag, than, expected) => {
    expect(isNewerTag(strategy, tag, than)).toBe(expected);
  });

  it("property: a refused tag is never chosen, and under a hold the choice is newer than it", () => {
    const version = fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)).map(([a, b, c]) => `${a}.${b}.${c}`);
    fc.assert(
      fc.property(
        fc.uniqueArray(version, { minLength: 1, maxLength: 12 }),
        fc.array(version, { maxLength: 4 }),
        fc.option(version, { nil: undefined }),
        (tags, refused, above) => {
          const p = policy();
          const current: CurrentImage = { tag: null, digest: null };
          const constraints: TargetConstraints = above === undefined ? { refused } : { refused, above };
          const decision = decide({
            policy: p,
            current,
            candidates: constrainCandidates(selectCandidates(tags, p, current), constraints),
            details: new Map(),
          });
          if (decision.kind !== "update") return;
          expect(refused).not.toContain(decision.to.tag);
          if (above !== undefined) expect(isNewerTag("semver", decision.to.tag, above)).toBe(true);
        },
      ),
    );
  });
});

describe("activeRestore: /rollback's revert while the file holds the rolled-back tag", () => {
  const restore = { tag: "1.0.0", above: "1.1.0", pr: 7, source: "/rollback by alice" };
  it.each<[string, string | null, TargetConstraints, boolean]>([
    ["the file holds the rolled-back tag: restore", "1.1.0", { above: "1.1.0", restore }, true],
    ["the file moved off it (the revert merged): a plain hold", "1.0.0", { above: "1.1.0", restore }, false],
    ["a manual change elsewhere: a plain hold", "1.2.0", { above: "1.1.0", restore }, false],
    ["the restore tag was refused (its PR closed unmerged): not again", "1.1.0", { above: "1.1.0", restore, refused: ["1.0.0"] }, false],
    ["no restore recorded", "1.1.0", { above: "1.1.0" }, false],
  ])("%s", (_name, current, constraints, expected) => {
    expect(activeRestore({ tag: current, digest: null }, constraints)).toEqual(expected ? restore : null);
  });

  it("decides the restore tag as a pin would, saying it rolls back", () => {
    expect(decidePinned(TAGS, { tag: "1.1.0", digest: null }, restore, "semver", "rollback")).toMatchObject({
      kind: "update",
      to: { tag: "1.0.0" },
      reason: "1.0.0: rolled back to (/rollback by alice)",
    });
    const missing = decidePinned(["1.1.0"], { tag: "1.1.0", digest: null }, restore, "semver", "rollback");
    expect(missing.kind === "error" ? missing.error.message : "").toBe(
      'the tag to roll back to, "1.0.0" (/rollback by alice), is not in the registry (push that tag again, or /pin a tag the registry lists)',
    );
  });
});
