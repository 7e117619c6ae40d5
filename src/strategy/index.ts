/**
 * Which tag should an image run? Pure: a function of the registry's tags, the policy, the current
 * tag (from git) and tag details — no I/O, no clock, no logger.
 *
 * Two steps, so the pipeline only fetches the details a strategy needs:
 * 1. `selectCandidates` filters (allow-tags, ignore-tags, constraint, keep-suffix, max-update) and
 *    orders the tags, best first, and says which details it needs;
 * 2. `decide` applies what needs details (platforms, `created`, digest) and explains its choice.
 */
import { ConfigError } from "../errors/index.js";
import { isValidTag } from "../image-ref/index.js";
import type { ImagePolicy, TagDetails, UpdateLevel, UpdateStrategy } from "../model/index.js";
import { parseConstraint, satisfies, type Constraint } from "./constraint.js";
import { compileAllowTags, compileIgnoreTags, offersPlatforms } from "./filters.js";
import {
  compareSuffixed,
  compareSuffixedDescending,
  compareVersions,
  compareVersionsDescending,
  parseVersion,
  sameSuffix,
  type Version,
} from "./version.js";

export { parseConstraint, satisfies } from "./constraint.js";
export type { Constraint, ConstraintResult } from "./constraint.js";
export { compareVersions, parseVersion } from "./version.js";
export type { Version } from "./version.js";
export { activeRestore, constrainCandidates, decideFrozen, decidePinned, isNewerTag } from "./target-constraints.js";
export type { DecidedBy, TargetConstraints } from "./target-constraints.js";
export { compileGlob, compileGoRegexp, platformSatisfies, type GlobMatcher, type RegexpResult } from "./filters.js";

export interface CurrentImage {
  readonly tag: string | null;
  readonly digest: string | null;
}

/** How many tags each filter dropped, in the order the filters run. */
export interface DropCounts {
  /** Not a valid OCI tag (never reaches a file). */
  readonly invalidTag: number;
  readonly notAllowed: number;
  readonly ignored: number;
  /** semver: not a version. digest: not the followed tag. */
  readonly notApplicable: number;
  /** semver: outside the constraint (`*` when none is given), which excludes pre-releases unless it opts in (`-0`). */
  readonly outsideConstraint: number;
  /** keep-suffix: a different suffix than the current tag's. */
  readonly otherSuffix: number;
  /** max-update: a bigger step than allowed. */
  readonly beyondMaxUpdate: number;
  /** Not newer than a hold after a rollback (TargetConstraints.above). */
  readonly held: number;
  /** Refused: an update PR proposing it was closed unmerged. */
  readonly refused: number;
}

export type DetailsNeed = "none" | "first" | "all";

export interface Candidates {
  readonly strategy: UpdateStrategy;
  /** Eligible tags, best first (newest-build: by name until `decide` sorts by `created`). */
  readonly ordered: readonly string[];
  /** Distinct tags the registry listed. */
  readonly total: number;
  readonly dropped: DropCounts;
  readonly needsDetails: DetailsNeed;
  /** Configuration problems that did not stop the selection (invalid allow-tags, malformed glob). */
  readonly problems: readonly ConfigError[];
  /** A configuration error that makes a decision impossible (unparsable constraint, unknown strategy). */
  readonly error: ConfigError | null;
  /** What was matched, for reasons: the constraint (semver) or the followed tag (digest). */
  readonly matching: string | null;
}

export type Decision =
  | {
      readonly kind: "update";
      readonly from: CurrentImage;
      readonly to: { readonly tag: string; readonly digest: string | null };
      readonly strategy: UpdateStrategy;
      readonly reason: string;
      readonly details: TagDetails | null;
    }
  | { readonly kind: "up-to-date"; readonly current: CurrentImage; readonly reason: string }
  | { readonly kind: "no-candidate"; readonly reason: string }
  | { readonly kind: "error"; readonly error: ConfigError };

export interface DecideInput {
  readonly policy: ImagePolicy;
  readonly current: CurrentImage;
  readonly candidates: Candidates;
  readonly details: ReadonlyMap<string, TagDetails>;
}

const NO_DROPS: DropCounts = {
  invalidTag: 0,
  notAllowed: 0,
  ignored: 0,
  notApplicable: 0,
  outsideConstraint: 0,
  otherSuffix: 0,
  beyondMaxUpdate: 0,
  held: 0,
  refused: 0,
};

/** The tag `digest` follows: the constraint, else the current tag, else `latest`. */
export function followedTag(policy: ImagePolicy, current: CurrentImage): string {
  const named = policy.constraint?.trim();
  return named !== undefined && named !== "" ? named : (current.tag ?? "latest");
}

function withinLevel(candidate: Version, current: Version, level: UpdateLevel): boolean {
  switch (level) {
    case "patch":
      return candidate.major === current.major && candidate.minor === current.minor;
    case "minor":
      return candidate.major === current.major;
    case "major":
      return true;
  }
}

function byNameDescending(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

function needsFor(strategy: UpdateStrategy, policy: ImagePolicy): DetailsNeed {
  if (strategy === "newest-build") return "all";
  if (strategy === "digest" || policy.platforms.length > 0) return "first";
  return "none";
}

/**
 * Filter and order the registry's tags for `policy`. Deterministic and independent of the order of
 * `tags`; duplicates count once.
 */
export function selectCandidates(tags: readonly string[], policy: ImagePolicy, current: CurrentImage): Candidates {
  const strategy = policy.strategy;
  const unique = [...new Set(tags)];
  const allow = compileAllowTags(policy.allowTags);
  const ignore = compileIgnoreTags(policy.ignoreTags);
  const problems = [...allow.problems, ...ignore.problems];
  const drops = { ...NO_DROPS };
  const base = { strategy, total: unique.length, problems };

  let constraint: Constraint | null = null;
  let matching: string | null = null;
  if (strategy === "semver") {
    const source = policy.constraint?.trim() ?? "";
    if (source !== "") {
      const parsed = parseConstraint(source);
      if (!parsed.ok) {
        const shown = source.length > 100 ? `${source.slice(0, 100)}…` : source;
        const error = new ConfigError(`semver constraint "${shown}" cannot be parsed (${parsed.reason})`, {
          context: { key: "constraint", value: shown },
          hint: "use Masterminds semver syntax, e.g. >=1.27.0 <1.28.0, ~1.26, ^1.0, 1.2.x or 1.x || 2.x",
        });
        return { ...base, ordered: [], dropped: drops, needsDetails: "none", error, matching: source };
      }
      constraint = parsed.constraint;
      matching = source;
    } else {
      // argocd-image-updater 1.3 (registry-scanner, #1758): no constraint is Masterminds' `*`, so
      // pre-releases are excluded unless a constraint opts in (`>=1.0.0-0`).
      const any = parseConstraint("*");
      if (any.ok) constraint = any.constraint;
    }
  } else if (strategy === "digest") {
    matching = followedTag(policy, current);
    if (!isValidTag(matching)) {
      const error = new ConfigError(`digest strategy follows "${matching}", which is not a valid tag`, {
        context: { key: "constraint", value: matching },
        hint: "name the mutable tag to follow, e.g. latest or stable",
      });
      return { ...base, ordered: [], dropped: drops, needsDetails: "none", error, matching };
    }
  } else if (strategy !== "newest-build" && strategy !== "alphabetical") {
    const unknown: string = strategy;
    const error = new ConfigError(`unknown update strategy "${unknown}"`, {
      context: { key: "update-strategy", value: unknown },
      hint: "use semver, newest-build (latest), alphabetical (name) or digest",
    });
    return { ...base, ordered: [], dropped: drops, needsDetails: "none", error, matching: null };
  }

  // keep-suffix and max-update are relative to the current tag, when it is a version.
  const currentVersion = current.tag === null ? null : parseVersion(current.tag);
  const suffixFilter = policy.keepSuffix && currentVersion !== null && strategy !== "digest";
  const levelFilter = policy.maxUpdate !== null && currentVersion !== null && strategy !== "digest";

  const versions: Version[] = [];
  const names: string[] = [];
  for (const tag of unique) {
    if (!isValidTag(tag)) {
      drops.invalidTag += 1;
      continue;
    }
    if (!allow.value(tag)) {
      drops.notAllowed += 1;
      continue;
    }
    if (ignore.value(tag)) {
      drops.ignored += 1;
      continue;
    }
    if (strategy === "digest") {
      if (tag === matching) names.push(tag);
      else drops.notApplicable += 1;
      continue;
    }
    const version = strategy === "semver" || suffixFilter || levelFilter ? parseVersion(tag) : null;
    if (strategy === "semver" && version === null) {
      drops.notApplicable += 1;
      continue;
    }
    if (suffixFilter && (version === null || !sameSuffix(version, currentVersion))) {
      drops.otherSuffix += 1;
      continue;
    }
    if (strategy === "semver" && version !== null && constraint !== null) {
      // With keep-suffix the suffix is a variant, not a pre-release: check the version without it.
      const checked = suffixFilter ? { ...version, pre: "" } : version;
      if (!satisfies(checked, constraint)) {
        drops.outsideConstraint += 1;
        continue;
      }
    }
    if (levelFilter && (version === null || !withinLevel(version, currentVersion, policy.maxUpdate))) {
      drops.beyondMaxUpdate += 1;
      continue;
    }
    if (strategy === "semver" && version !== null) versions.push(version);
    else names.push(tag);
  }

  const ordered =
    strategy === "semver"
      ? versions.sort(suffixFilter ? compareSuffixedDescending : compareVersionsDescending).map((v) => v.original)
      : names.sort(byNameDescending);
  return { ...base, ordered, dropped: drops, needsDetails: needsFor(strategy, policy), error: null, matching };
}

/** A tag's image offers every platform the policy lists (argocd-image-updater's variant rule). */
export function meetsPlatforms(details: TagDetails, policy: ImagePolicy): boolean {
  return offersPlatforms(details, policy.platforms);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** "of 268 tags; 3 ignored by ignore-tags" — the population and what the filters left out. */
function population(c: Candidates, policy: ImagePolicy, extra: readonly string[]): string {
  const allowed = c.total - c.dropped.invalidTag - c.dropped.notAllowed;
  const head =
    policy.allowTags.kind === "regexp"
      ? `of ${plural(allowed, "tag")} allowed by regexp:${policy.allowTags.pattern}`
      : policy.allowTags.kind === "invalid"
        ? `of ${plural(c.total, "tag")}, none allowed by the invalid allow-tags "${policy.allowTags.value}"`
        : `of ${plural(c.total, "tag")}`;
  const notes = [
    c.dropped.ignored > 0 ? `${c.dropped.ignored} ignored by ignore-tags` : null,
    c.dropped.otherSuffix > 0 ? `${c.dropped.otherSuffix} with another suffix` : null,
    c.dropped.beyondMaxUpdate > 0 ? `${c.dropped.beyondMaxUpdate} beyond a ${policy.maxUpdate ?? ""} update` : null,
    c.dropped.held > 0 ? `${c.dropped.held} held back after a rollback` : null,
    c.dropped.refused > 0 ? `${c.dropped.refused} refused (an update PR closed unmerged)` : null,
    ...extra,
  ].filter((note): note is string => note !== null);
  return [head, ...notes].join("; ");
}

function what(c: Candidates): string {
  switch (c.strategy) {
    case "semver":
      return c.matching === null ? "newest semver tag" : `newest tag matching ${c.matching}`;
    case "newest-build":
      return "newest build";
    case "alphabetical":
      return "last tag in alphabetical order";
    case "digest":
      return `tag ${c.matching ?? ""}`;
  }
}

function createdAt(details: TagDetails | undefined): number | null {
  if (details?.created == null) return null;
  const t = Date.parse(details.created);
  return Number.isNaN(t) ? null : t;
}

/** Is `best` older than what runs now? Then the decision is "up-to-date", never a downgrade. */
function isNotNewer(best: string, input: DecideInput): boolean {
  const current = input.current.tag;
  if (current === null) return false;
  switch (input.candidates.strategy) {
    case "semver": {
      const b = parseVersion(best);
      const c = parseVersion(current);
      if (b === null || c === null) return false;
      // keep-suffix: a rebuild's revision counts (`-r12` is newer than `-r9`).
      return (input.policy.keepSuffix && sameSuffix(b, c) ? compareSuffixed(b, c) : compareVersions(b, c)) <= 0;
    }
    case "newest-build": {
      const b = createdAt(input.details.get(best));
      const c = createdAt(input.details.get(current));
      return b !== null && c !== null && c > b;
    }
    case "alphabetical":
      return current > best;
    case "digest":
      return false;
  }
}

/**
 * Choose the tag. Tags are taken from `candidates.ordered` (newest-build: re-sorted by `created`,
 * ties by name); with platforms, the first whose details offer them all. Never moves to an older
 * version/build than the current one (argocd-image-updater would; see the tests).
 */
export function decide(input: DecideInput): Decision {
  const { policy, current, candidates, details } = input;
  if (candidates.error !== null) return { kind: "error", error: candidates.error };
  const strategy = candidates.strategy;

  let ordered = candidates.ordered;
  let noCreated = 0;
  if (strategy === "newest-build") {
    const dated: { tag: string; at: number }[] = [];
    for (const tag of ordered) {
      const at = createdAt(details.get(tag));
      if (at === null) noCreated += 1;
      else dated.push({ tag, at });
    }
    dated.sort((a, b) => b.at - a.at || byNameDescending(a.tag, b.tag));
    ordered = dated.map((d) => d.tag);
  }

  let wrongPlatform = 0;
  let best: string | null = null;
  for (const tag of ordered) {
    if (policy.platforms.length > 0 || strategy === "digest") {
      const d = details.get(tag);
      if (d === undefined) continue; // not fetched: the pipeline stopped at an earlier qualifying tag
      if (!meetsPlatforms(d, policy)) {
        wrongPlatform += 1;
        continue;
      }
    }
    best = tag;
    break;
  }

  const extra = [
    noCreated > 0 ? `${noCreated} without a created date` : null,
    wrongPlatform > 0 ? `${wrongPlatform} not offering ${policy.platforms.join(", ")}` : null,
  ].filter((note): note is string => note !== null);
  const among = population(candidates, policy, extra);

  if (best === null) {
    const wanted = strategy === "digest" ? `no tag ${candidates.matching ?? ""} to follow` : `no ${what(candidates)}`;
    return { kind: "no-candidate", reason: `${wanted} ${among}` };
  }

  const bestDetails = details.get(best) ?? null;
  if (strategy === "digest") {
    const digest = bestDetails?.digest ?? null;
    if (digest === null) {
      return { kind: "no-candidate", reason: `${best}: the registry gave no digest to follow` };
    }
    if (current.tag === best && current.digest === digest) {
      return { kind: "up-to-date", current, reason: `${best}@${digest}: digest unchanged` };
    }
    const change = current.digest === null ? `pinned to ${digest}` : `digest changed from ${current.digest} to ${digest}`;
    return { kind: "update", from: current, to: { tag: best, digest }, strategy, reason: `${best}: ${change}`, details: bestDetails };
  }

  const created = strategy === "newest-build" && bestDetails?.created != null ? ` (created ${bestDetails.created})` : "";
  const description = `${what(candidates)}${created} ${among}`;
  if (current.tag === best) {
    return { kind: "up-to-date", current, reason: `${best}: already the ${description}` };
  }
  if (isNotNewer(best, input)) {
    return {
      kind: "up-to-date",
      current,
      reason: `${current.tag ?? ""}: not moving to ${best}, the ${description}, which is not newer`,
    };
  }
  return {
    kind: "update",
    from: current,
    to: { tag: best, digest: null },
    strategy,
    reason: `${best}: ${description}`,
    details: bestDetails,
  };
}
