import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidTag } from "../image-ref/index.js";
import type { ImagePolicy, TagDetails } from "../model/index.js";
import { decide, selectCandidates, type CurrentImage } from "./index.js";
import { parseConstraint, satisfies } from "./constraint.js";
import { compareVersions, parseVersion } from "./version.js";

const part = fc.integer({ min: 0, max: 30 }).map(String);
const versionTag = fc
  .tuple(
    fc.constantFrom("", "v"),
    part,
    fc.option(part, { nil: undefined }),
    fc.option(part, { nil: undefined }),
    fc.constantFrom("", "-alpine", "-rc.1", "-rc.10", "-bookworm", "+build"),
  )
  .map(([v, a, b, c, suffix]) => `${v}${a}${b === undefined ? "" : `.${b}`}${b === undefined || c === undefined ? "" : `.${c}`}${suffix}`);
const wordTag = fc.constantFrom("latest", "stable", "mainline", "3f2a1bc", "9c0ffee", "test", "-bad", "a b");
const anyTag = fc.oneof(versionTag, wordTag, fc.string({ minLength: 1, maxLength: 12 }));
const tagList = fc.array(anyTag, { maxLength: 40 });

const policyArb: fc.Arbitrary<ImagePolicy> = fc.record({
  strategy: fc.constantFrom("semver", "newest-build", "alphabetical", "digest"),
  constraint: fc.constantFrom(null, "", ">=1.0.0 <20.0.0", "~1.2", "^2", "1.x || >=10", "latest", ">=1.0.0-0"),
  allowTags: fc.constantFrom(
    { kind: "any" } as const,
    { kind: "regexp", pattern: "^v?[0-9]" } as const,
    { kind: "regexp", pattern: "^[0-9a-f]{5,40}$" } as const,
    { kind: "invalid", value: "nope" } as const,
  ),
  ignoreTags: fc.constantFrom([], ["latest"], ["*-alpine", "[0-9]*-rc.*"], ["["]),
  platforms: fc.constantFrom([], ["linux/amd64"], ["linux/amd64", "linux/arm64"]),
  keepSuffix: fc.boolean(),
  maxUpdate: fc.constantFrom(null, "patch", "minor", "major"),
});
const currentArb: fc.Arbitrary<CurrentImage> = fc.record({
  tag: fc.option(fc.oneof(versionTag, wordTag), { nil: null }),
  digest: fc.constantFrom(null, `sha256:${"a".repeat(64)}`),
});

/** Details derived from the tag alone, so they do not depend on the order of the list. */
function detailsFor(tags: readonly string[]): Map<string, TagDetails> {
  const map = new Map<string, TagDetails>();
  for (const tag of tags) {
    let h = 0;
    for (const ch of tag) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    map.set(tag, {
      tag,
      digest: h % 5 === 0 ? null : `sha256:${h.toString(16).padStart(64, "0")}`,
      created: h % 7 === 0 ? null : new Date(Date.UTC(2026, 0, 1) + (h % 1000) * 60_000).toISOString(),
      platforms: h % 3 === 0 ? ["linux/amd64"] : ["linux/amd64", "linux/arm64/v8"],
      labels: {},
    });
  }
  return map;
}

function decideAll(tags: readonly string[], policy: ImagePolicy, current: CurrentImage) {
  const candidates = selectCandidates(tags, policy, current);
  return { candidates, decision: decide({ policy, current, candidates, details: detailsFor(tags) }) };
}

describe("laws", () => {
  it("an update names a valid tag that the registry listed and that passed every filter", () => {
    fc.assert(
      fc.property(tagList, policyArb, currentArb, (tags, policy, current) => {
        const { candidates, decision } = decideAll(tags, policy, current);
        if (decision.kind !== "update") return;
        expect(tags).toContain(decision.to.tag);
        expect(isValidTag(decision.to.tag)).toBe(true);
        expect(candidates.ordered).toContain(decision.to.tag);
      }),
      { numRuns: 500 },
    );
  });

  it("the decision does not depend on the order of the tags", () => {
    fc.assert(
      fc.property(
        tagList.chain((tags) => fc.tuple(fc.constant(tags), fc.shuffledSubarray(tags, { minLength: tags.length, maxLength: tags.length }))),
        policyArb,
        currentArb,
        ([tags, shuffled], policy, current) => {
          const a = decideAll(tags, policy, current);
          const b = decideAll(shuffled, policy, current);
          expect(b.candidates.ordered).toEqual(a.candidates.ordered);
          expect(JSON.stringify(b.decision)).toEqual(JSON.stringify(a.decision));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the same input gives the same output", () => {
    fc.assert(
      fc.property(tagList, policyArb, currentArb, (tags, policy, current) => {
        expect(JSON.stringify(decideAll(tags, policy, current).decision)).toEqual(
          JSON.stringify(decideAll(tags, policy, current).decision),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("every tag is either a candidate or counted by exactly one filter", () => {
    fc.assert(
      fc.property(tagList, policyArb, currentArb, (tags, policy, current) => {
        const c = selectCandidates(tags, policy, current);
        if (c.error !== null) return;
        const dropped = Object.values(c.dropped).reduce((sum, n) => sum + n, 0);
        expect(c.ordered.length + dropped).toBe(new Set(tags).size);
      }),
      { numRuns: 300 },
    );
  });

  it("semver: never an update to a version below the current one", () => {
    fc.assert(
      fc.property(tagList, policyArb, versionTag, (tags, policy, tag) => {
        const current = { tag, digest: null };
        const { decision } = decideAll(tags, { ...policy, strategy: "semver" }, current);
        if (decision.kind !== "update") return;
        const to = parseVersion(decision.to.tag);
        const from = parseVersion(tag);
        if (to !== null && from !== null) expect(compareVersions(to, from)).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("semver ordering is descending and every candidate satisfies the constraint", () => {
    fc.assert(
      fc.property(tagList, fc.constantFrom(">=1.0.0 <20.0.0", "~1.2", "^2", "1.x || >=10"), (tags, constraint) => {
        const c = selectCandidates(tags, { ...basePolicy, constraint }, { tag: null, digest: null });
        const parsed = parseConstraint(constraint);
        if (!parsed.ok) throw new Error(parsed.reason);
        const versions = c.ordered.map((t) => parseVersion(t));
        versions.forEach((v, i) => {
          if (v === null) throw new Error("candidate is not a version");
          expect(satisfies(v, parsed.constraint)).toBe(true);
          const next = versions[i + 1];
          if (next != null) expect(compareVersions(v, next)).toBeGreaterThanOrEqual(0);
        });
      }),
      { numRuns: 300 },
    );
  });
});

const basePolicy: ImagePolicy = {
  strategy: "semver",
  constraint: null,
  allowTags: { kind: "any" },
  ignoreTags: [],
  platforms: [],
  keepSuffix: false,
  maxUpdate: null,
};
