/**
 * What people decided about a target, applied to the strategy's choice. PURE.
 * - `pin`: propose exactly that tag, even when older (a rollback through review), and nothing else;
 * - `above`: a hold after a rollback — only tags newer than it, by the strategy's ordering;
 * - `refused`: tags never proposed again (an update PR closed unmerged);
 * - `frozen`: nothing proposed (a hold that lasts until /unpin). A pin wins over all of them.
 */
import { ConfigError } from "../errors/index.js";
import type { UpdateStrategy } from "../model/index.js";
import { compareVersions, parseVersion } from "./version.js";
import type { Candidates, CurrentImage, Decision } from "./index.js";

export interface TargetConstraints {
  readonly pin?: { readonly tag: string; readonly source: string };
  /** Propose nothing at all (a hold after a rollback configured to last until /unpin). */
  readonly frozen?: { readonly reason: string };
  readonly above?: string;
  readonly refused?: readonly string[];
}

/**
 * Is `tag` newer than `than` for `strategy`? semver: by version (a tag that is not one is not newer);
 * alphabetical: by name. newest-build and digest cannot order tags without their build dates, so
 * there only `than` itself is "not newer".
 */
export function isNewerTag(strategy: UpdateStrategy, tag: string, than: string): boolean {
  if (tag === than) return false;
  switch (strategy) {
    case "semver": {
      const a = parseVersion(tag);
      const b = parseVersion(than);
      return a !== null && b !== null && compareVersions(a, b) > 0;
    }
    case "alphabetical":
      return tag > than;
    case "newest-build":
    case "digest":
      return true;
  }
}

/** The decision while frozen: stay at the current tag, saying why. */
export function decideFrozen(current: CurrentImage, frozen: { readonly reason: string }): Decision {
  return { kind: "up-to-date", current, reason: `${current.tag ?? "(no tag)"}: held (${frozen.reason})` };
}

/** `candidates` without the refused tags and, under a hold, those not newer than it. */
export function constrainCandidates(candidates: Candidates, constraints: TargetConstraints): Candidates {
  const refused = new Set(constraints.refused ?? []);
  const above = constraints.above;
  if (refused.size === 0 && above === undefined) return candidates;
  let held = 0;
  let refusedCount = 0;
  const ordered = candidates.ordered.filter((tag) => {
    if (refused.has(tag)) {
      refusedCount += 1;
      return false;
    }
    if (above !== undefined && !isNewerTag(candidates.strategy, tag, above)) {
      held += 1;
      return false;
    }
    return true;
  });
  return { ...candidates, ordered, dropped: { ...candidates.dropped, held, refused: refusedCount } };
}

/**
 * The decision under a pin: the pinned tag when the registry lists it (an update even to an older
 * tag), up to date when the file already holds it, an error naming the pin when the registry does not.
 */
export function decidePinned(
  tags: readonly string[],
  current: CurrentImage,
  pin: { readonly tag: string; readonly source: string },
  strategy: UpdateStrategy,
): Decision {
  if (current.tag === pin.tag) return { kind: "up-to-date", current, reason: `${pin.tag}: pinned (${pin.source})` };
  if (!tags.includes(pin.tag)) {
    return {
      kind: "error",
      error: new ConfigError(`pinned tag "${pin.tag}" (${pin.source}) is not in the registry`, {
        context: { key: "pin", value: pin.tag },
        hint: "pin a tag the registry lists, or lift the pin (/unpin, or remove it from the repo config)",
      }),
    };
  }
  return {
    kind: "update",
    from: current,
    to: { tag: pin.tag, digest: null },
    strategy,
    reason: `${pin.tag}: pinned (${pin.source})`,
    details: null,
  };
}
