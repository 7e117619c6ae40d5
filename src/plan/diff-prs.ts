/**
 * Desired PRs against the managed ones → the fewest idempotent actions that make GitHub match.
 * Pure. `[]` when nothing changed: a second pass with nothing new writes nothing.
 */
import { escapeMarkdown } from "./escape-markdown.js";
import { gitBlobSha, isOwnCommit, ownCommitKey } from "./own-commit.js";
import { withPrMetadata } from "./pr-metadata.js";
import { updateTypeOf } from "./update-type.js";
import { AUTOMERGE_LABEL } from "./pr-types.js";
import type { DesiredPr, ManagedPr, PrAction, PrMetadata, RebasePolicy, RecommitReason } from "./pr-types.js";

export interface DiffContext {
  readonly rebase: RebasePolicy;
  /** Targets whose outcome failed this pass (registry down, bad file): their PRs are left as they are. */
  readonly failedTargets: ReadonlySet<string>;
  /** Why a target has no update this pass (up to date, skipped); absent: the target is gone. */
  readonly quietReasons: ReadonlyMap<string, string>;
}

function sameTargets(a: PrMetadata, b: PrMetadata): boolean {
  const key = (m: PrMetadata): string =>
    JSON.stringify([m.key, m.base, m.targets.map((t) => [t.id, t.image, t.from, t.to, t.digest, t.file])]);
  return key(a) === key(b);
}

/** The branch's commit sets exactly the desired files' texts. */
function sameFiles(desired: DesiredPr, files: ReadonlyMap<string, string | null>): boolean {
  if (files.size !== desired.files.length) return false;
  return desired.files.every((change) => files.get(change.file) === gitBlobSha(change.after));
}

function recommit(
  desired: DesiredPr,
  managed: ManagedPr & { head: NonNullable<ManagedPr["head"]> },
  metadata: PrMetadata | null,
  rebase: RebasePolicy,
): RecommitReason | null {
  const filesSame = sameFiles(desired, managed.head.files);
  const behind = managed.head.parents[0] !== desired.baseSha;
  if (metadata === null || !sameTargets(metadata, desired.metadata)) return filesSame && !(behind && rebase === "behind") ? null : "update";
  if (!filesSame) return rebase === "never" ? null : "rebase-conflicted";
  return behind && rebase === "behind" ? "rebase-behind" : null;
}

function handsOffComment(): string {
  return [
    "Someone else pushed to this branch, so argocd-image-pr no longer changes this pull request: it will not update, rebase, close or auto-merge it.",
    "Merge or close it yourself; once it is closed and its branch deleted, the app opens a fresh one when a newer tag appears.",
  ].join("\n\n");
}

function mootComment(metadata: PrMetadata, context: DiffContext): string {
  const lines = metadata.targets.map((target) => {
    const reason = context.quietReasons.get(target.id);
    return `- ${escapeMarkdown(target.id)}: ${reason === undefined ? "no longer a target (its Application or configuration was removed)" : escapeMarkdown(reason)}`;
  });
  return [`This update is no longer needed, so argocd-image-pr closes it and deletes its branch:`, lines.join("\n")].join("\n\n");
}

function forDesired(desired: DesiredPr, managed: ManagedPr | undefined, context: DiffContext): PrAction | null {
  if (managed === undefined || (managed.head === null && managed.pr === null)) return { kind: "create", branch: desired.branch, desired };
  const { head, pr } = managed;
  if (pr === null || pr.state === "closed") {
    if (head === null) return { kind: "create", branch: desired.branch, desired };
    // A branch someone else made or pushed to is never overwritten.
    if (!isOwnCommit(head, desired.key)) return null;
    // Closed unmerged with this very update: a person said no to it.
    if (pr !== null && !pr.merged && pr.metadata !== null && sameTargets(pr.metadata, desired.metadata)) return null;
    const commit = !(sameFiles(desired, head.files) && head.parents[0] === desired.baseSha);
    return { kind: "adopt", branch: desired.branch, desired, headSha: head.sha, commit };
  }
  if (pr.metadata === null || pr.metadata.handsOff === true) return null;
  if (head !== null && !isOwnCommit(head, desired.key)) return handsOff(managed, pr, pr.metadata);
  const commit = head === null ? "repair" : recommit(desired, { ...managed, head }, pr.metadata, context.rebase);
  const retitle = pr.title !== desired.title || pr.body !== desired.body;
  // The automerge label is added when the PR is opened; a person may remove it, and it stays removed.
  const addLabels = desired.labels.filter((label) => label !== AUTOMERGE_LABEL && !pr.labels.includes(label));
  if (commit === null && !retitle && addLabels.length === 0) return automerge(desired, managed, pr);
  return { kind: "update", branch: desired.branch, number: pr.number, desired, headSha: head?.sha ?? null, commit, retitle, addLabels };
}

/**
 * A labelled PR that already holds the right commit: merge it (natively or by the app). Never a
 * major update unless a rule said so (the desired PR's own automerge), and never someone else's commit.
 */
function automerge(desired: DesiredPr, managed: ManagedPr, pr: NonNullable<ManagedPr["pr"]>): PrAction | null {
  if (!pr.labels.includes(AUTOMERGE_LABEL) || pr.autoMerge || managed.head === null) return null;
  const major = desired.updates.some((update) => updateTypeOf(update.from, update.to) === "major");
  if (major && !desired.automerge) return null;
  return { kind: "automerge", branch: desired.branch, number: pr.number, headSha: managed.head.sha, mergeMethod: desired.mergeMethod };
}

function handsOff(managed: ManagedPr, pr: NonNullable<ManagedPr["pr"]>, metadata: PrMetadata): PrAction {
  return {
    kind: "hands-off",
    branch: managed.branch,
    number: pr.number,
    comment: handsOffComment(),
    body: withPrMetadata(pr.body, { ...metadata, handsOff: true }),
    removeLabels: pr.labels.includes(AUTOMERGE_LABEL) ? [AUTOMERGE_LABEL] : [],
    disableAutoMerge: pr.autoMerge,
  };
}

function forUndesired(managed: ManagedPr, context: DiffContext): PrAction | null {
  const { head, pr } = managed;
  if (pr === null) {
    // A branch left by a crash or a failed call, that no update wants any more.
    if (head !== null && ownCommitKey(head) !== null)
      return { kind: "delete-branch", branch: managed.branch, headSha: head.sha, reason: "no pull request and no update for it" };
    return null;
  }
  if (pr.state === "closed" || pr.metadata === null || pr.metadata.handsOff === true || head === null) return null;
  const metadata = pr.metadata;
  if (!isOwnCommit(head, metadata.key)) return handsOff(managed, pr, metadata);
  // A registry that failed is never "no newer tag".
  if (metadata.targets.some((target) => context.failedTargets.has(target.id))) return null;
  return {
    kind: "close",
    branch: managed.branch,
    number: pr.number,
    comment: mootComment(metadata, context),
    headSha: head.sha,
    body: withPrMetadata(pr.body, { ...metadata, closedByApp: true }),
  };
}

export function diffPrs(desired: readonly DesiredPr[], actual: readonly ManagedPr[], context: DiffContext): PrAction[] {
  const byBranch = new Map(actual.map((managed) => [managed.branch, managed]));
  const wanted = new Set(desired.map((pr) => pr.branch));
  const actions: PrAction[] = [];
  for (const pr of desired) {
    const action = forDesired(pr, byBranch.get(pr.branch), context);
    if (action !== null) actions.push(action);
  }
  for (const managed of actual) {
    if (wanted.has(managed.branch)) continue;
    const action = forUndesired(managed, context);
    if (action !== null) actions.push(action);
  }
  return actions.sort((a, b) => (a.branch < b.branch ? -1 : a.branch > b.branch ? 1 : 0));
}
