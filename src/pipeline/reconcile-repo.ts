/**
 * One reconcile pass for one repository, like a controller: snapshot the base → the app's PRs →
 * the targets and what the engine decides for each, read from the base branch in GitHub (never a
 * clone) → the desired PRs → the diff → the writes. The engine is injected (ReconcileEngine), so
 * the pass is the same for `reconcile`, the Probot app and the tests.
 */
import { describeError } from "../errors/index.js";
import type { GitHubRepoPort } from "../github/index.js";
import type { ActionResult, DashboardSyncResult } from "../github/index.js";
import type { Logger } from "../log/index.js";
import type { Target } from "../model/index.js";
import { baseBranchOf, desiredPrs, diffPrs } from "../plan/index.js";
import type { DesiredPr, PrAction, PrSettings, TargetPrSettings } from "../plan/index.js";
import { readRepoSettings } from "../sources/index.js";
import { prSettingsFrom } from "./pr-settings.js";
import { keepDashboard, type DashboardSource } from "./dashboard.js";
import { createRepoLock, type RepoLock } from "./repo-lock.js";
import type { PlanProblem, PlanSkip, RepoReader, TargetOutcome } from "./types.js";

export const APP_REPO_CONFIG_FILE = ".github/argocd-image-pr.yml";

export interface GatheredTargets {
  readonly targets: readonly Target[];
  readonly problems: readonly PlanProblem[];
  readonly skipped: readonly PlanSkip[];
}

/** What the pass needs from the engine: targets from the base branch, and one outcome per target. */
export interface ReconcileEngine {
  gather(source: {
    readonly reader: RepoReader;
    readonly originUrl: string;
    readonly applicationPaths: readonly string[];
  }): Promise<GatheredTargets>;
  evaluate(targets: readonly Target[], reader: RepoReader): Promise<TargetOutcome[]>;
  /** Per-target settings the engine knows beyond the Target (the old image's revision, for the compare link). */
  describe?(outcomes: readonly TargetOutcome[]): Promise<Readonly<Record<string, TargetPrSettings>>>;
}

export interface ReconcileInput {
  readonly port: GitHubRepoPort;
  readonly engine: ReconcileEngine;
  readonly dryRun: boolean;
  readonly log: Logger;
  /** Shared by every pass of the process: one pass per repository at a time. */
  readonly lock?: RepoLock;
  /** The dashboard issue, redrawn at the end of the pass (absent: no dashboard). */
  readonly dashboard?: DashboardSource;
}

export interface ReconcileReport {
  readonly repo: string;
  readonly defaultBranch: string;
  readonly desired: readonly DesiredPr[];
  readonly actions: readonly PrAction[];
  readonly results: readonly ActionResult[];
  readonly outcomes: readonly TargetOutcome[];
  /** Configuration and target problems, and targets whose PR could not be composed. */
  readonly problems: readonly PlanProblem[];
  readonly skipped: readonly PlanSkip[];
  /** True when something failed (a target, a PR action, the dashboard): exit code 1. */
  readonly failed: boolean;
  /** What the pass did to the dashboard issue, when it keeps one. */
  readonly dashboard?: DashboardSyncResult;
}

const defaultLock = createRepoLock();

export function reconcileRepo(input: ReconcileInput): Promise<ReconcileReport> {
  const key = `${input.port.owner}/${input.port.repo}`;
  return (input.lock ?? defaultLock).run(key, () => pass(input));
}

async function pass(input: ReconcileInput): Promise<ReconcileReport> {
  const { port, engine, log } = input;
  const repo = `${port.owner}/${port.repo}`;
  const defaultBranch = await port.defaultBranch();
  const base = await port.snapshot(defaultBranch);
  const managed = await port.listManagedPrs();

  const configText = await base.read(APP_REPO_CONFIG_FILE);
  const config = configText === null ? null : readRepoSettings(configText);
  const gathered = await engine.gather({
    reader: base,
    originUrl: `https://github.com/${repo}`,
    applicationPaths: config?.applications ?? [],
  });
  const problems: PlanProblem[] = [...gathered.problems];

  // Targets on another base branch are evaluated against that branch's head.
  const byBase = new Map<string, Target[]>();
  for (const target of gathered.targets) {
    const branch = baseBranchOf(target, { defaultBranch });
    byBase.set(branch, [...(byBase.get(branch) ?? []), target]);
  }
  const outcomes: TargetOutcome[] = [];
  const readers = new Map<string, { reader: RepoReader; sha: string }>([[defaultBranch, { reader: base, sha: base.sha }]]);
  for (const [branch, targets] of byBase) {
    let at = readers.get(branch);
    if (at === undefined) {
      try {
        const snapshot = await port.snapshot(branch);
        at = { reader: snapshot, sha: snapshot.sha };
        readers.set(branch, at);
      } catch (error) {
        for (const target of targets)
          outcomes.push({
            kind: "failed",
            target,
            problems: [{ target: target.id, app: target.app?.name ?? null, image: null, file: null, message: describeError(error) }],
          });
        continue;
      }
    }
    outcomes.push(...(await engine.evaluate(targets, at.reader)));
  }

  const described = engine.describe === undefined ? {} : await engine.describe(outcomes);
  const settings: PrSettings = prSettingsFrom(config, gathered.targets, defaultBranch, described);
  const desired: DesiredPr[] = [];
  const failedTargets = new Set<string>();
  const quietReasons = new Map<string, string>();
  for (const outcome of outcomes) {
    switch (outcome.kind) {
      case "failed":
        failedTargets.add(outcome.target.id);
        problems.push(...outcome.problems);
        break;
      case "up-to-date":
        quietReasons.set(outcome.target.id, outcome.quiet.reason);
        break;
      case "skipped":
        quietReasons.set(outcome.target.id, outcome.skip.reason);
        break;
      case "update":
        break;
    }
  }
  for (const [branch, at] of readers) {
    const result = await desiredPrs(outcomes, { reader: at.reader, branch, sha: at.sha }, settings);
    desired.push(...result.prs);
    problems.push(...result.problems);
    for (const id of result.failedTargets) failedTargets.add(id);
  }
  // Config problems of the repo config file itself (unreadable YAML…) leave every PR as it is.
  const configBroken = configText !== null && config === null;
  const actions = configBroken ? [] : diffPrs(desired, managed, { rebase: settings.rebase, failedTargets, quietReasons });
  const results = await port.execute(actions, { dryRun: input.dryRun });
  const errors = problems.filter((problem) => problem.severity !== "warning");
  log.info(
    {
      repo,
      desired: desired.length,
      managed: managed.length,
      actions: actions.map((a) => `${a.kind} ${a.branch}`),
      failed: results.filter((r) => !r.ok).length,
      problems: errors.length,
    },
    "reconcile pass done",
  );
  const report: ReconcileReport = {
    repo,
    defaultBranch,
    desired,
    actions,
    results,
    outcomes,
    problems,
    skipped: [...gathered.skipped, ...outcomes.flatMap((o) => (o.kind === "skipped" ? [o.skip] : []))],
    failed: errors.length > 0 || configBroken || results.some((result) => !result.ok),
  };
  return keepDashboard(input.dashboard, report, { managed, enabled: configBroken ? null : config?.dashboard !== false }, input.dryRun);
}
