import { describe, expect, it } from "vitest";
import type { ImagePolicy, TagDetails } from "../model/index.js";
import { decide, selectCandidates, type CurrentImage, type Decision } from "./index.js";

function policy(overrides: Partial<ImagePolicy> = {}): ImagePolicy {
  return {
    strategy: "semver",
    constraint: null,
    allowTags: { kind: "any" },
    ignoreTags: [],
    platforms: [],
    keepSuffix: false,
    maxUpdate: null,
    ...overrides,
  };
}

function details(tag: string, extra: Partial<TagDetails> = {}): TagDetails {
  return { tag, digest: null, created: null, platforms: [], labels: {}, ...extra };
}

function run(
  tags: readonly string[],
  p: ImagePolicy,
  current: CurrentImage = { tag: null, digest: null },
  known: readonly TagDetails[] = [],
): Decision {
  const candidates = selectCandidates(tags, p, current);
  return decide({ policy: p, current, candidates, details: new Map(known.map((d) => [d.tag, d])) });
}

function chosen(decision: Decision): string | null {
  return decision.kind === "update" ? decision.to.tag : null;
}

const cur = (tag: string | null, digest: string | null = null): CurrentImage => ({ tag, digest });

/** ghcr.io/nginxinc/nginx-unprivileged as it looked when 1.27.4 was the newest 1.27 (seed story 2). */
const NGINX_TAGS: readonly string[] = (() => {
  const lines: Record<string, number> = { "1.25": 5, "1.26": 3, "1.27": 4, "1.28": 0, "1.29": 1 };
  const variants = ["", "-alpine", "-bookworm", "-alpine-slim", "-alpine-perl", "-perl", "-alpine3.21", "-alpine3.21-slim"];
  const tags = ["latest", "mainline", "stable", "alpine", "alpine-slim", "bookworm", "perl", "stable-alpine", "mainline-alpine", "1"];
  for (const [line, lastPatch] of Object.entries(lines)) {
    for (const variant of variants) tags.push(`${line}${variant}`);
    for (let patch = 0; patch <= lastPatch; patch++) {
      for (const variant of variants) tags.push(`${line}.${patch}${variant}`);
    }
  }
  return tags;
})();

describe("seed stories", () => {
  it("nginx-unprivileged, semver >=1.27.0 <1.28.0 from 1.27.0 → 1.27.4", () => {
    const decision = run(NGINX_TAGS, policy({ constraint: ">=1.27.0 <1.28.0" }), cur("1.27.0"));
    expect(decision).toMatchObject({
      kind: "update",
      to: { tag: "1.27.4", digest: null },
      reason: `1.27.4: newest tag matching >=1.27.0 <1.28.0 of ${NGINX_TAGS.length} tags`,
    });
  });

  it("nginx-unprivileged after the update is up to date", () => {
    const decision = run(NGINX_TAGS, policy({ constraint: ">=1.27.0 <1.28.0" }), cur("1.27.4"));
    expect(decision.kind).toBe("up-to-date");
  });

  const devTags: readonly TagDetails[] = [
    details("latest", { created: "2026-11-20T10:00:00Z" }),
    details("test", { created: "2026-11-21T08:00:00Z" }),
    details("3f2a1bc", { created: "2026-11-18T09:00:00Z" }),
    details("9c0ffee", { created: "2026-11-19T09:00:00Z" }),
    details("a1b2c3d", { created: "2026-11-20T10:00:00Z" }),
    details("0123456789abcdef0123456789abcdef01234567", { created: "2026-11-01T00:00:00Z" }),
  ];
  const dev = policy({
    strategy: "newest-build",
    allowTags: { kind: "regexp", pattern: "^[0-9a-f]{5,40}$" },
    ignoreTags: ["latest"],
  });

  it("dev: newest-build + allow-tags sha + ignore latest → the newest sha, not `test` or `latest`", () => {
    const decision = run(
      devTags.map((d) => d.tag),
      dev,
      cur("9c0ffee"),
      devTags,
    );
    expect(decision).toMatchObject({
      kind: "update",
      to: { tag: "a1b2c3d", digest: null },
      reason: "a1b2c3d: newest build (created 2026-11-20T10:00:00Z) of 4 tags allowed by regexp:^[0-9a-f]{5,40}$",
    });
  });

  it("dev: the pipeline must fetch `created` for every candidate", () => {
    const candidates = selectCandidates(
      devTags.map((d) => d.tag),
      dev,
      cur("9c0ffee"),
    );
    expect(candidates.needsDetails).toBe("all");
    expect(candidates.ordered).toEqual(["a1b2c3d", "9c0ffee", "3f2a1bc", "0123456789abcdef0123456789abcdef01234567"]);
    expect(candidates.dropped).toMatchObject({ notAllowed: 2, ignored: 0 });
  });

  it("prod: semver + ignore latest → newest release tag", () => {
    const decision = run(["latest", "v1.0.0", "v1.1.0", "v1.2.0", "v1.10.0", "v1.9.3"], policy({ ignoreTags: ["latest"] }), cur("v1.2.0"));
    expect(decision).toMatchObject({
      kind: "update",
      to: { tag: "v1.10.0" },
      reason: "v1.10.0: newest semver tag of 6 tags; 1 ignored by ignore-tags",
    });
  });

  it("prod: an all-digit commit sha is a version to Masterminds and wins, as in image-updater; a constraint avoids it", () => {
    const tags = ["v1.1.0", "v1.2.0", "1234567"];
    expect(chosen(run(tags, policy(), cur("v1.1.0")))).toBe("1234567");
    expect(chosen(run(tags, policy({ constraint: "<1000" }), cur("v1.1.0")))).toBe("v1.2.0");
  });
});

describe("argocd-image-updater's documented cases (registry-scanner version_test.go, update-strategies.md)", () => {
  const tags = ["0.1", "0.5.1", "0.9", "1.0", "1.0.1", "1.1.2", "2.0.3"];
  it.each([
    ["no constraint", null, "1.0", "2.0.3"],
    ["constraint on major", "^1.0", "1.0", "1.1.2"],
    ["constraint on patch", "~1.0", "1.0", "1.0.1"],
    ["non-semver current tag with a constraint", "^1.0", "latest", "1.1.2"],
    ["non-semver current tag without a constraint", null, "latest", "2.0.3"],
    ["1.x", "1.x", "1.0", "1.1.2"],
    ["1.0.x", "1.0.x", "1.0", "1.0.1"],
  ])("%s", (_name, constraint, current, expected) => {
    expect(chosen(run(tags, policy({ constraint }), cur(current)))).toBe(expected);
  });

  it("a constraint with no match: no candidate, and the reason says so", () => {
    const decision = run(["0.1", "0.5.1", "0.9", "2.0.3"], policy({ constraint: "~1.0" }), cur("1.0"));
    expect(decision).toEqual({ kind: "no-candidate", reason: "no newest tag matching ~1.0 of 4 tags" });
  });

  it("an invalid constraint is a configuration error naming it", () => {
    const decision = run(["0.1", "2.0.3"], policy({ constraint: "latest" }), cur("1.0"));
    expect(decision.kind).toBe("error");
    expect(decision.kind === "error" && decision.error.message).toContain('"latest"');
  });

  it("no tags: no candidate", () => {
    expect(run([], policy({ constraint: "~1.0" }), cur("1.0")).kind).toBe("no-candidate");
  });

  const named = ["zz", "bb", "yy", "cc", "aa", "ll"];
  it("newest-build sorts by created (the test gives each tag a later date in list order)", () => {
    const known = named.map((tag, i) => details(tag, { created: new Date(Date.UTC(2026, 0, 1, 0, 0, i * 5)).toISOString() }));
    expect(chosen(run(named, policy({ strategy: "newest-build" }), cur("bb"), known))).toBe("ll");
  });

  it("semver over tags none of which is semver: no candidate", () => {
    expect(run(named, policy(), cur("bb")).kind).toBe("no-candidate");
  });

  it("alphabetical takes the last name in lexical order", () => {
    expect(run(named, policy({ strategy: "alphabetical" }), cur("bb"))).toMatchObject({
      kind: "update",
      to: { tag: "zz" },
      reason: "zz: last tag in alphabetical order of 6 tags",
    });
  });

  it("alphabetical is lexical, not numeric (image-updater's documented caveat)", () => {
    expect(chosen(run(["2024-09-01", "2024-10-01", "9"], policy({ strategy: "alphabetical" }), cur("2024-09-01")))).toBe("9");
  });

  // argocd-image-updater 1.3 (registry-scanner #1758): no constraint means Masterminds' `*`, which excludes pre-releases.
  it("without a constraint semver excludes pre-releases, as argocd-image-updater 1.3 does", () => {
    expect(chosen(run(["v2.2.0", "v2.3.0-rc.0.18.g1abb7b5dd-ppc64le"], policy(), cur("v2.2.0")))).toBe(null);
    expect(chosen(run(["v2.1.0", "v2.2.0", "v2.3.0-rc.0.18.g1abb7b5dd-ppc64le"], policy(), cur("v2.1.0")))).toBe("v2.2.0");
    expect(chosen(run(["1.27.4", "1.28.0-rc.1"], policy(), cur("1.27.3")))).toBe("1.27.4");
  });

  it("without a constraint, keep-suffix still moves a variant (-alpine is its suffix, not a pre-release)", () => {
    expect(chosen(run(["1.27.3-alpine", "1.27.4-alpine", "1.28.0-rc.1"], policy({ keepSuffix: true }), cur("1.27.3-alpine")))).toBe(
      "1.27.4-alpine",
    );
  });

  it("a constraint opting in with -0 allows pre-releases", () => {
    expect(chosen(run(["1.27.4", "1.28.0-rc.1"], policy({ constraint: ">=1.27.0-0" }), cur("1.27.4")))).toBe("1.28.0-rc.1");
  });
});

describe("current tag newer than every eligible tag, or outside the constraint", () => {
  // image-updater sets the newest eligible tag whenever it differs from the current one, which can
  // be a downgrade; a pull request proposing a downgrade every pass is noise, so we stay put.
  it("current above the constraint: up-to-date (image-updater would downgrade to 1.27.4)", () => {
    const decision = run(NGINX_TAGS, policy({ constraint: ">=1.27.0 <1.28.0" }), cur("1.29.1"));
    expect(decision).toMatchObject({ kind: "up-to-date" });
    expect(decision.kind === "up-to-date" && decision.reason).toContain("not moving to 1.27.4");
  });

  it("current below the constraint: moves into it", () => {
    expect(chosen(run(NGINX_TAGS, policy({ constraint: ">=1.27.0 <1.28.0" }), cur("1.25.5")))).toBe("1.27.4");
  });

  it("current newer than every tag in the registry: up-to-date", () => {
    expect(run(["1.0.0", "1.1.0"], policy(), cur("1.2.0")).kind).toBe("up-to-date");
  });

  it("same version spelled differently (`v1.2.0` vs `1.2.0`): up-to-date, no churn", () => {
    expect(run(["1.2.0", "1.1.0"], policy(), cur("v1.2.0")).kind).toBe("up-to-date");
  });

  it("newest-build: current built later than the best candidate stays", () => {
    const known = [details("aaaaaaa", { created: "2026-01-01T00:00:00Z" }), details("bbbbbbb", { created: "2026-02-01T00:00:00Z" })];
    const decision = run(["aaaaaaa"], policy({ strategy: "newest-build" }), cur("bbbbbbb"), known);
    expect(decision.kind).toBe("up-to-date");
  });

  it("alphabetical: current after the best candidate stays", () => {
    expect(run(["a", "b"], policy({ strategy: "alphabetical", ignoreTags: ["c"] }), cur("c")).kind).toBe("up-to-date");
  });

  it("no current tag: any candidate is an update", () => {
    expect(chosen(run(["1.0.0"], policy(), cur(null)))).toBe("1.0.0");
  });
});

describe("newest-build", () => {
  it("skips and counts tags without created; ties go to the greater name", () => {
    const known = [
      details("aaaaaaa", { created: "2026-03-01T00:00:00Z" }),
      details("bbbbbbb", { created: "2026-03-01T00:00:00Z" }),
      details("ccccccc"),
      details("ddddddd", { created: "not a date" }),
    ];
    const decision = run(
      known.map((d) => d.tag),
      policy({ strategy: "newest-build" }),
      cur("aaaaaaa"),
      known,
    );
    expect(decision).toMatchObject({
      kind: "update",
      to: { tag: "bbbbbbb" },
      reason: "bbbbbbb: newest build (created 2026-03-01T00:00:00Z) of 4 tags; 2 without a created date",
    });
  });

  it("compares instants, not strings, across time zones", () => {
    const known = [details("early", { created: "2026-03-01T10:00:00+02:00" }), details("later", { created: "2026-03-01T09:00:00Z" })];
    expect(chosen(run(["early", "later"], policy({ strategy: "newest-build" }), cur(null), known))).toBe("later");
  });
});

describe("platforms", () => {
  const p = policy({ constraint: "^1", platforms: ["linux/amd64", "linux/arm64"] });
  it("asks for details of the best tags until one qualifies", () => {
    expect(selectCandidates(["1.0.0", "1.1.0"], p, cur("1.0.0")).needsDetails).toBe("first");
    expect(selectCandidates(["1.0.0"], policy(), cur("1.0.0")).needsDetails).toBe("none");
  });

  it("skips a tag that lacks a platform and takes the next", () => {
    const known = [details("1.2.0", { platforms: ["linux/amd64"] }), details("1.1.0", { platforms: ["linux/amd64", "linux/arm64/v8"] })];
    expect(run(["1.0.0", "1.1.0", "1.2.0"], p, cur("1.0.0"), known)).toMatchObject({
      kind: "update",
      to: { tag: "1.1.0" },
      reason: "1.1.0: newest tag matching ^1 of 3 tags; 1 not offering linux/amd64, linux/arm64",
      details: { tag: "1.1.0" },
    });
  });

  it("no tag offers them: no candidate", () => {
    const known = [details("1.1.0", { platforms: ["linux/amd64"] })];
    expect(run(["1.1.0"], p, cur("1.0.0"), known).kind).toBe("no-candidate");
  });
});

describe("keep-suffix and max-update (opt-in, beyond image-updater)", () => {
  it.each([
    ["1.27.0-alpine", "1.27.4-alpine"],
    ["1.27.0-alpine-slim", "1.27.4-alpine-slim"],
    ["1.27.0", "1.27.4"],
    ["1.27.0-bookworm", "1.27.4-bookworm"],
  ])("keep-suffix from %s → %s", (current, expected) => {
    expect(chosen(run(NGINX_TAGS, policy({ constraint: ">=1.27.0 <1.28.0", keepSuffix: true }), cur(current)))).toBe(expected);
  });

  /** bitnami/nginx as it publishes: rolling `-debian-12` tags and immutable `-debian-12-r<revision>` rebuilds. */
  const BITNAMI = [
    "1.27.3",
    "1.27.3-debian-12",
    "1.27.3-debian-12-r9",
    "1.27.3-debian-12-r10",
    "1.27.3-debian-12-r12",
    "1.27.3-debian-11-r40",
    "1.27.4-debian-12",
    "1.27.4-debian-12-r0",
    "1.27.4-debian-12-r2",
    "1.28.0-debian-12-r1",
    "latest",
  ];
  it.each([
    ["a security rebuild (new revision) of the same version", "~1.27.3 <1.27.4", "1.27.3-debian-12-r9", "1.27.3-debian-12-r12"],
    ["a patch with a new revision", "~1.27", "1.27.3-debian-12-r9", "1.27.4-debian-12-r2"],
    ["the rolling tag to the rolling tag", "~1.27", "1.27.3-debian-12", "1.27.4-debian-12"],
    ["no constraint", "", "1.27.3-debian-12-r9", "1.28.0-debian-12-r1"],
  ])("keep-suffix on Bitnami revisions: %s (%s, from %s → %s)", (_name, constraint, current, expected) => {
    const p = policy({ constraint: constraint === "" ? null : constraint, keepSuffix: true });
    const decision = run(BITNAMI, p, cur(current));
    expect(chosen(decision)).toBe(expected);
  });

  it("keep-suffix never moves to a lower revision, nor to another distribution", () => {
    const p = policy({ constraint: "~1.27.3 <1.27.4", keepSuffix: true });
    expect(run(BITNAMI, p, cur("1.27.3-debian-12-r12"))).toMatchObject({
      kind: "up-to-date",
      reason: expect.stringContaining("1.27.3-debian-12-r12: already the newest"),
    });
    expect(selectCandidates(BITNAMI, p, cur("1.27.3-debian-12-r9")).ordered).toEqual([
      "1.27.3-debian-12-r12",
      "1.27.3-debian-12-r10",
      "1.27.3-debian-12-r9",
    ]);
    expect(run(["1.27.3-debian-12-r9", "1.27.3-debian-12-r10"], p, cur("1.27.3-debian-12-r40"))).toMatchObject({
      kind: "up-to-date",
      reason: expect.stringContaining("not moving to 1.27.3-debian-12-r10"),
    });
  });

  it("keep-suffix counts the tags it drops", () => {
    const c = selectCandidates(["1.0.0", "1.1.0-alpine", "1.1.0"], policy({ keepSuffix: true }), cur("1.0.0-alpine"));
    expect(c.ordered).toEqual(["1.1.0-alpine"]);
    expect(c.dropped.otherSuffix).toBe(2);
  });

  const tags = ["1.26.1", "1.26.3", "1.27.4", "2.0.0", "2.1.0-rc.1"];
  it.each([
    ["patch", "1.26.3"],
    ["minor", "1.27.4"],
    ["major", "2.0.0"],
  ] as const)("max-update %s from 1.26.1 → %s", (maxUpdate, expected) => {
    expect(chosen(run(tags, policy({ maxUpdate }), cur("1.26.1")))).toBe(expected);
  });

  it("max-update is a no-op when the current tag is not a version", () => {
    expect(chosen(run(tags, policy({ maxUpdate: "patch" }), cur("latest")))).toBe("2.0.0");
  });
});

describe("digest", () => {
  const A = `sha256:${"a".repeat(64)}`;
  const B = `sha256:${"b".repeat(64)}`;
  const d = policy({ strategy: "digest", constraint: "latest" });

  it("updates when the followed tag's digest changed", () => {
    expect(run(["latest", "1.0.0"], d, cur("latest", A), [details("latest", { digest: B })])).toMatchObject({
      kind: "update",
      to: { tag: "latest", digest: B },
      reason: `latest: digest changed from ${A} to ${B}`,
    });
  });

  it("is up to date when the digest is the same", () => {
    expect(run(["latest"], d, cur("latest", A), [details("latest", { digest: A })]).kind).toBe("up-to-date");
  });

  it("pins a tag that had no digest", () => {
    expect(run(["latest"], d, cur("latest"), [details("latest", { digest: A })])).toMatchObject({ to: { tag: "latest", digest: A } });
  });

  it("follows the current tag when no constraint names one (image-updater requires it)", () => {
    const c = selectCandidates(["stable", "latest"], policy({ strategy: "digest" }), cur("stable", A));
    expect(c).toMatchObject({ ordered: ["stable"], needsDetails: "first", matching: "stable" });
  });

  it("follows latest when there is neither a constraint nor a current tag", () => {
    expect(selectCandidates(["latest"], policy({ strategy: "digest" }), cur(null)).ordered).toEqual(["latest"]);
  });

  it("the followed tag is missing: no candidate", () => {
    expect(run(["1.0.0"], d, cur("latest", A)).kind).toBe("no-candidate");
  });

  it("the registry gave no digest: no candidate", () => {
    expect(run(["latest"], d, cur("latest", A), [details("latest")]).kind).toBe("no-candidate");
  });

  it("a followed name that is not a tag is an error", () => {
    expect(run(["latest"], policy({ strategy: "digest", constraint: ">=1.0" }), cur(null)).kind).toBe("error");
  });
});

describe("configuration problems", () => {
  it("invalid allow-tags: nothing eligible, a problem naming the value, a reason saying why", () => {
    const p = policy({ allowTags: { kind: "invalid", value: "glob:1.*" } });
    const candidates = selectCandidates(["1.0.0", "1.1.0"], p, cur("1.0.0"));
    expect(candidates.ordered).toEqual([]);
    expect(candidates.problems.map((e) => e.message)).toEqual([expect.stringContaining("glob:1.*")]);
    const decision = decide({ policy: p, current: cur("1.0.0"), candidates, details: new Map() });
    expect(decision).toEqual({
      kind: "no-candidate",
      reason: 'no newest semver tag of 2 tags, none allowed by the invalid allow-tags "glob:1.*"',
    });
  });

  it("an unknown strategy reaching the module is an error, not a crash", () => {
    const p = { ...policy(), strategy: "newest" } as unknown as ImagePolicy;
    expect(run(["1.0.0"], p, cur("1.0.0"))).toMatchObject({ kind: "error" });
  });

  it("tags that are not valid OCI tags never become candidates", () => {
    const c = selectCandidates(["1.0.0", "-1.2.0", ".1.3.0", "9".repeat(129)], policy(), cur(null));
    expect(c.ordered).toEqual(["1.0.0"]);
    expect(c.dropped.invalidTag).toBe(3);
  });

  it("duplicate tags count once", () => {
    expect(selectCandidates(["1.0.0", "1.0.0"], policy(), cur(null)).total).toBe(1);
  });
});
