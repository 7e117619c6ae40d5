/**
 * Per-target outcomes → the pull requests the app wants open against one base branch. Pure: the
 * base is read through a RepoReader at one commit. Each target's edit is re-applied to the base's
 * text and composed per file; a file whose edits fail or disagree drops its group's PR (those
 * targets are reported failed, so an existing PR is left as it is rather than closed).
 */
import type { Target } from "../model/index.js";
import { branchFor } from "./branch-name.js";
import { composeChanges } from "./compose-changes.js";
import { globMatches } from "./glob.js";
import { commitTrailer, gitBlobSha } from "./own-commit.js";
import { renderPrBody, type PrBodyImage } from "./pr-body.js";
import { AUTOMERGE_LABEL, PR_LABEL } from "./pr-types.js";
import type { AutomergeRule, DesiredPr, PrMetadata, PrSettings, TargetPrSettings } from "./pr-types.js";
import type { FileChange, PlanProblem, PlannedUpdate, RepoReader, TargetOutcome } from "./types.js";
import { updateTypeOf } from "./update-type.js";

/** The base the PRs go on: a reader over its commit, the branch name and the commit's sha. */
export interface PrBase {
  readonly reader: RepoReader;
  readonly branch: string;
  readonly sha: string;
}

export interface DesiredPrsResult {
  readonly prs: readonly DesiredPr[];
  /** Targets whose update could not be composed: any PR holding them is left alone this pass. */
  readonly failedTargets: readonly string[];
  readonly problems: readonly PlanProblem[];
}

type Update = Extract<TargetOutcome, { kind: "update" }>;

/** The base branch a target's PR goes on. */
export function baseBranchOf(target: Target, settings: Pick<PrSettings, "defaultBranch">): string {
  return target.git.branch ?? settings.defaultBranch;
}

/**
 * The group of a target: its Application (`name`, or `namespace-name` outside `argocd`), its
 * repo-config target's name, or the configured `group:`; suffixed with the base branch when that
 * is not the default, so one group never spans two bases.
 */
export function groupOf(target: Target, settings: PrSettings): string {
  const configured = settings.targets[target.id]?.group;
  const natural =
    target.app !== null
      ? target.app.namespace === "argocd" || target.app.namespace === ""
        ? target.app.name
        : `${target.app.namespace}-${target.app.name}`
      : target.id.slice(0, Math.max(0, target.id.lastIndexOf("/"))) || target.id;
  const group = configured ?? natural;
  const base = baseBranchOf(target, settings);
  return base === settings.defaultBranch ? group : `${group}-${base}`;
}

/** Compose one group's edits per file on the base's text; any file left out drops the whole group. */
async function composeFiles(
  updates: readonly Update[],
  reader: RepoReader,
): Promise<{ files: FileChange[] } | { problems: PlanProblem[] }> {
  const composition = await composeChanges(updates, reader);
  if (composition.problems.length > 0) return { problems: [...composition.problems] };
  return { files: [...composition.changes].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)) };
}

function ownerOf(target: Target): string {
  if (target.app !== null) return `${target.app.namespace}/${target.app.name}`;
  return target.id.slice(0, Math.max(0, target.id.lastIndexOf("/"))) || target.id;
}

function shortImage(image: string): string {
  return image.split("/").pop() ?? image;
}

function ruleAllows(rule: AutomergeRule, update: Update, settings: TargetPrSettings | undefined): boolean {
  const name = update.target.app?.name ?? ownerOf(update.target);
  if (rule.applications !== undefined && !globMatches(rule.applications, name)) return false;
  if (rule.paths !== undefined && !update.update.files.some((file) => globMatches(rule.paths ?? "", file))) return false;
  if (rule.labels !== undefined) {
    const labels = settings?.appLabels ?? {};
    for (const [key, glob] of Object.entries(rule.labels)) {
      const value = labels[key];
      if (value === undefined || !globMatches(glob, value)) return false;
    }
  }
  const types = rule.updateTypes ?? ["patch", "minor"];
  return types.includes(updateTypeOf(update.update.from, update.update.to));
}

/** Auto-merge only when every update of the PR is allowed: by its target's `automerge: true` (never a major) or by a rule. */
function automergeOf(updates: readonly Update[], settings: PrSettings): boolean {
  return updates.every((update) => {
    const own = settings.targets[update.target.id];
    if (own?.automerge === false) return false;
    if (own?.automerge === true && updateTypeOf(update.update.from, update.update.to) !== "major") return true;
    return settings.automerge.some((rule) => ruleAllows(rule, update, own));
  });
}

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

function titleOf(group: string, updates: readonly PlannedUpdate[], settings: PrSettings): string {
  const distinct = new Map(updates.map((u) => [`${u.image}\u0000${u.to}`, u]));
  const first = updates[0];
  // A person's pin or rollback says so in the title, whatever the configured template.
  const template =
    first?.intent?.kind === "pin"
      ? "Pin {image} to {to} ({group})"
      : first?.intent?.kind === "rollback"
        ? `Roll back {image} to {to} (${first.intent.reverts === null ? "{group}" : `reverts #${first.intent.reverts}`})`
        : (settings.title ?? "Update {image} to {to} ({group})");
  const title =
    distinct.size === 1 && first !== undefined
      ? fill(template, {
          image: shortImage(first.image),
          from: first.from ?? "",
          to: first.to,
          group,
          app: first.app ?? group,
        })
      : `Update ${distinct.size} images (${group})`;
  // One line, no control characters, within GitHub's title limit.

  const clean = title.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  const prefixed = settings.commitPrefix === null ? clean : `${settings.commitPrefix}: ${clean.charAt(0).toLowerCase()}${clean.slice(1)}`;
  return prefixed.slice(0, 256);
}

function commitMessageOf(title: string, key: string, updates: readonly PlannedUpdate[], files: readonly FileChange[]): string {
  const plain = (text: string): string => text.replace(/[\u0000-\u001f\u007f]/g, "?");
  const lines = updates.map(
    (u) => `- ${u.image} ${u.from ?? "(none)"} → ${u.to}${u.digest === null ? "" : `@${u.digest}`} in ${plain(u.file)}`,
  );
  const blobs = new Map<string, string | null>(files.map((change) => [change.file, gitBlobSha(change.after)]));
  return `${title}\n\n${lines.join("\n")}\n\n${commitTrailer(key, blobs)}\n`;
}

function labelsOf(updates: readonly Update[], settings: PrSettings, automerge: boolean): string[] {
  const labels = [PR_LABEL, ...settings.labels, ...updates.flatMap((u) => settings.targets[u.target.id]?.labels ?? [])];
  if (automerge) labels.push(AUTOMERGE_LABEL);
  // GitHub label names: at most 50 characters; no empty names.
  return [...new Set(labels.map((label) => label.trim()).filter((label) => label !== "" && label.length <= 50))];
}

/** The desired PRs against `base`, from the outcomes whose base branch it is. */
export async function desiredPrs(outcomes: readonly TargetOutcome[], base: PrBase, settings: PrSettings): Promise<DesiredPrsResult> {
  const groups = new Map<string, Update[]>();
  for (const outcome of outcomes) {
    if (outcome.kind !== "update" || baseBranchOf(outcome.target, settings) !== base.branch) continue;
    const key = groupOf(outcome.target, settings);
    groups.set(key, [...(groups.get(key) ?? []), outcome]);
  }
  const prs: DesiredPr[] = [];
  const problems: PlanProblem[] = [];
  const failedTargets: string[] = [];
  for (const [key, updates] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const composed = await composeFiles(updates, base.reader);
    if ("problems" in composed) {
      problems.push(...composed.problems);
      failedTargets.push(...updates.map((u) => u.target.id));
      continue;
    }
    if (composed.files.length === 0) continue;
    const planned = updates.map((u) => u.update);
    const metadata: PrMetadata = {
      version: 1,
      key,
      base: base.branch,
      targets: updates.map((u) => ({
        id: u.target.id,
        image: u.update.image,
        from: u.update.from,
        to: u.update.to,
        digest: u.update.digest,
        file: u.update.file,
      })),
    };
    const automerge = automergeOf(updates, settings);
    const images: PrBodyImage[] = updates.map((u) => {
      const own = settings.targets[u.target.id];
      return {
        update: u.update,
        owner: ownerOf(u.target),
        destination: own?.destination ?? null,
        constraint: u.target.policy.constraint,
        fromRevision: own?.fromRevision ?? null,
      };
    });
    const title = titleOf(key, planned, settings);
    prs.push({
      key,
      branch: branchFor(key),
      base: base.branch,
      baseSha: base.sha,
      title,
      body: renderPrBody({ group: key, base: base.branch, images, automerge, metadata }),
      commitMessage: commitMessageOf(title, key, planned, composed.files),
      labels: labelsOf(updates, settings, automerge),
      automerge,
      mergeMethod: settings.mergeMethod,
      files: composed.files,
      metadata,
      updates: planned,
    });
  }
  return { prs, failedTargets, problems };
}
