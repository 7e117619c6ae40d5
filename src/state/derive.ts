/**
 * What the repository's history says people decided, folded into the state. PURE: a function of
 * the state, the base branch's tag per target, and the app's own update PRs (from their metadata).
 * - a hold: the base's tag is older than the last one an app PR merged (a revert, a manual change,
 *   /rollback) → only tags newer than the rolled-back one (or none until /unpin);
 * - a refusal: an update PR closed unmerged by a person refuses its tag; reopening lifts it.
 * Idempotent: deriving twice from the same input changes nothing the second time.
 */
import { compareVersions, isNewerTag, parseVersion } from "../strategy/index.js";
import type { UpdateStrategy } from "../model/index.js";
import { emptyTargetState, type Audit, type HoldRecord, type HoldUntil, type State, type TargetState } from "./schema.js";

/** A target's tag on the base branch now, and where that was read (a link to the commit). */
export interface BaseTag {
  readonly tag: string | null;
  readonly strategy: UpdateStrategy;
  readonly link: string;
}

/** One of the app's update PRs, as its metadata block and GitHub say. */
export interface UpdatePr {
  readonly number: number;
  readonly url: string;
  readonly state: "open" | "closed" | "merged";
  readonly mergedAt: string | null;
  readonly mergeCommit: string | null;
  readonly closedAt: string | null;
  /** Who closed it (a login), when GitHub says. */
  readonly closedBy: string | null;
  /** The app closed it itself (superseded, moot): not a person's refusal. */
  readonly closedByApp: boolean;
  readonly targets: readonly { readonly id: string; readonly from: string | null; readonly to: string }[];
}

export interface DeriveInput {
  readonly state: State;
  readonly base: ReadonlyMap<string, BaseTag>;
  readonly prs: readonly UpdatePr[];
  readonly holdUntil: HoldUntil;
  /** ISO time of the pass (the caller's clock). */
  readonly now: string;
  /** The app's login, the `by` of what it derives. */
  readonly appLogin: string;
}

export type StateEvent =
  | {
      readonly kind: "hold";
      readonly target: string;
      readonly above: string;
      readonly current: string;
      readonly pr: number;
      readonly url: string;
    }
  | { readonly kind: "hold-lifted"; readonly target: string; readonly above: string; readonly current: string }
  | { readonly kind: "refused"; readonly target: string; readonly tag: string; readonly pr: number; readonly url: string }
  | { readonly kind: "refusal-lifted"; readonly target: string; readonly tag: string; readonly pr: number; readonly url: string };

export interface Derivation {
  readonly state: State;
  /** What changed, in order: for comments (a hold on the original PR) and the audit commit message. */
  readonly events: readonly StateEvent[];
}

/** Is `tag` older than `than` for the strategy? Without an order (newest-build, digest): when it is a tag that preceded `than` in the app's own PRs. */
function isOlder(strategy: UpdateStrategy, tag: string, than: string, preceding: ReadonlySet<string>): boolean {
  if (tag === than) return false;
  switch (strategy) {
    case "semver": {
      const a = parseVersion(tag);
      const b = parseVersion(than);
      return a !== null && b !== null ? compareVersions(a, b) < 0 : preceding.has(tag);
    }
    case "alphabetical":
      return tag < than;
    case "newest-build":
    case "digest":
      return preceding.has(tag);
  }
}

/** The strategy's order (strategy/ isNewerTag); without build dates, a tag is newer unless the app's own PRs replaced it. */
function isNewer(strategy: UpdateStrategy, tag: string, than: string, preceding: ReadonlySet<string>): boolean {
  switch (strategy) {
    case "semver":
    case "alphabetical":
      return isNewerTag(strategy, tag, than);
    case "newest-build":
    case "digest":
      return tag !== than && !preceding.has(tag);
  }
}

function byMergeOrder(a: UpdatePr, b: UpdatePr): number {
  const at = (a.mergedAt ?? "").localeCompare(b.mergedAt ?? "");
  return at !== 0 ? at : a.number - b.number;
}

/** The active hold of a target: the last one not lifted. */
export function activeHold(target: TargetState | undefined): HoldRecord | null {
  const last = target?.holds.at(-1);
  return last !== undefined && last.lifted === undefined ? last : null;
}

export function deriveState(input: DeriveInput): Derivation {
  const targets: Record<string, TargetState> = { ...input.state.targets };
  const events: StateEvent[] = [];
  const touch = (id: string): TargetState => targets[id] ?? emptyTargetState();
  const audit = (link: string, why: string, by = input.appLogin, at = input.now): Audit => ({ by, at, link, why });

  // Holds: per target, the last merged app PR's tag against the base's.
  const merged = input.prs.filter((pr) => pr.state === "merged").sort(byMergeOrder);
  for (const [id, base] of [...input.base].sort(([a], [b]) => a.localeCompare(b))) {
    if (base.tag === null) continue;
    const mine = merged.flatMap((pr) => pr.targets.filter((t) => t.id === id).map((t) => ({ pr, ...t })));
    const last = mine.at(-1);
    if (last === undefined) continue;
    // Tags that came before the last merged one in the app's own PRs: what a rollback returns to.
    const preceding = new Set(mine.flatMap((m) => [m.from, m.to]).filter((t): t is string => t !== null && t !== last.to));
    let state = touch(id);
    const hold = activeHold(state);
    if (hold !== null && hold.until === "newer" && isNewer(base.strategy, base.tag, hold.above, preceding)) {
      state = {
        ...state,
        holds: [...state.holds.slice(0, -1), { ...hold, lifted: audit(base.link, `a newer tag (${base.tag}) is on the base branch`) }],
      };
      events.push({ kind: "hold-lifted", target: id, above: hold.above, current: base.tag });
    }
    if (isOlder(base.strategy, base.tag, last.to, preceding)) {
      // Once per rollback: a hold already recorded for this PR's tag (even lifted by /unpin) is not re-recorded.
      const known = state.holds.some((h) => h.above === last.to && h.pr === last.pr.number);
      if (!known) {
        const why = `the base branch moved ${id} back from ${last.to} (merged in #${last.pr.number}) to ${base.tag}`;
        state = {
          ...state,
          holds: [...state.holds, { above: last.to, until: input.holdUntil, pr: last.pr.number, ...audit(base.link, why) }],
        };
        events.push({ kind: "hold", target: id, above: last.to, current: base.tag, pr: last.pr.number, url: last.pr.url });
      }
    }
    targets[id] = state;
  }

  // Refusals: closed unmerged by a person → refused; open again → lifted.
  for (const pr of [...input.prs].sort((a, b) => a.number - b.number)) {
    for (const t of pr.targets) {
      const state = touch(t.id);
      const recorded = state.refused.some((r) => r.pr === pr.number && r.tag === t.to);
      if (pr.state === "closed" && !pr.closedByApp && !recorded) {
        const why = `update PR #${pr.number} (${t.id} → ${t.to}) was closed without merging`;
        targets[t.id] = {
          ...state,
          refused: [
            ...state.refused,
            { tag: t.to, pr: pr.number, ...audit(pr.url, why, pr.closedBy ?? input.appLogin, pr.closedAt ?? input.now) },
          ],
        };
        events.push({ kind: "refused", target: t.id, tag: t.to, pr: pr.number, url: pr.url });
      } else if (pr.state !== "closed" && recorded) {
        targets[t.id] = { ...state, refused: state.refused.filter((r) => !(r.pr === pr.number && r.tag === t.to)) };
        events.push({ kind: "refusal-lifted", target: t.id, tag: t.to, pr: pr.number, url: pr.url });
      }
    }
  }
  // Targets the derivation only looked at stay out of the file.
  for (const id of Object.keys(targets)) {
    const t = targets[id];
    if (t !== undefined && t.pin === undefined && t.holds.length === 0 && t.refused.length === 0 && input.state.targets[id] === undefined)
      delete targets[id];
  }
  return { state: events.length === 0 ? input.state : { version: 1, targets }, events };
}
