/**
 * What people decided about a target, applied to the strategy's choice. PURE.
 * - `pin`: propose exactly that tag, even when older (a rollback through review), and nothing else;
 * - `above`: a hold after a rollback — only tags newer than it, by the strategy's ordering;
 * - `refused`: tags never proposed again (an update PR closed unmerged);
 * - `frozen`: nothing proposed (a hold that lasts until /unpin). A pin wins over all of them.
 * - `restore`: /rollback's revert — while the file still holds `above`, propose exactly `restore.tag`
 *   (as a pin would); once it moved off `above` this is the plain hold above. A refused restore tag
 *   (its revert PR was closed unmerged) is not proposed again.
 */
import { ConfigError } from "../errors/index.js";
import type { UpdateStrategy } from "../model/index.js";
import { compareVersions, parseVersion } from "./version.js";
import type { Candidates, CurrentImage, Decision } from "./index.js";

/** Who decided, and where (a link to the comment or commit), for the PR a pin or a rollback opens. */
export interface DecidedBy {
  readonly tag: string;
  /** `/pin by alice`, `apps/config.yaml: frozen for the audit`. */
  readonly source: string;
  readonly link?: string;
}

export interface TargetConstraints {
  readonly pin?: DecidedBy;
  /** /rollback: go back to `tag` while the file holds `above` (the tag the reverted PR `pr` brought in). */
  readonly restore?: DecidedBy & { readonly above: string; readonly pr: number | null };
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

/** The restore a /rollback asks for now: while the file holds the rolled-back tag, and its restore tag was not refused. */
export function activeRestore(current: CurrentImage, constraints: TargetConstraints): TargetConstraints["restore"] | null {
  const restore = constraints.restore;
  if (restore === undefined || current.tag !== restore.above) return null;
  return constraints.refused?.includes(restore.tag) === true ? null : restore;
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
  as: "pin" | "rollback" = "pin",
): Decision {
  const reason = as === "pin" ? `${pin.tag}: pinned (${pin.source})` : `${pin.tag}: rolled back to (${pin.source})`;
  if (current.tag === pin.tag) return { kind: "up-to-date", current, reason };
  if (!tags.includes(pin.tag)) {
    return {
      kind: "error",
      error:
        as === "pin"
          ? new ConfigError(`pinned tag "${pin.tag}" (${pin.source}) is not in the registry`, {
              context: { key: "pin", value: pin.tag },
              hint: "pin a tag the registry lists, or lift the pin (/unpin, or remove it from the repo config)",
            })
          : new ConfigError(`the tag to roll back to, "${pin.tag}" (${pin.source}), is not in the registry`, {
              context: { key: "rollback", value: pin.tag },
              hint: "push that tag again, or /pin a tag the registry lists",
            }),
    };
  }
  return { kind: "update", from: current, to: { tag: pin.tag, digest: null }, strategy, reason, details: null };
}
