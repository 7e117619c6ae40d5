/**
 * One reconcile pass for one repository, like a controller: snapshot the base → the app's PRs →
 * the state (pins, holds, refused tags) → the targets and what the engine decides for each under
 * the state's constraints, read from the base branch in GitHub (never a clone) → what the
 * repository's history adds to the state (a rollback's hold, a closed PR's refusal), stored with
 * compare-and-swap, and the targets it changes evaluated again → the desired PRs → the diff → the
 * writes. The engine is injected (ReconcileEngine), so the pass is the same for `reconcile`, the
 * Probot app and the tests.
 */
import { describeError } from "../errors/index.js";
import type { AppPr, GitHubRepoPort, StateStore } from "../github/index.js";
import type { ActionResult, DashboardSyncResult } from "../github/index.js";
import type { Logger } from "../log/index.js";
import type { Target } from "../model/index.js";
import { baseBranchOf, desiredPrs, diffPrs, holdNoteKey, renderHoldNote } from "../plan/index.js";
import type { DesiredPr, PrAction, PrSettings, TargetPrSettings } from "../plan/index.js";
import { readRepoSettings } from "../sources/index.js";
import { activeHold, constraintsFromState, deriveState, type BaseTag, type State, type StateEvent } from "../state/index.js";
import type { TargetConstraints } from "../strategy/index.js";
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
  /** `constraints`: what people decided, per target id (state/'s constraintsFromState). */
  evaluate(targets: readonly Target[], reader: RepoReader, constraints?: ReadonlyMap<string, TargetConstraints>): Promise<TargetOutcome[]>;
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
  /**
   * The repository's state (pins, holds, refused tags) on its state branch. Without one the pass
   * applies only the repo config's pins and derives nothing (as `plan` does).
   */
  readonly state?: StateStore;
  /** The app's login, the `by` of what the pass derives (and how its own holds are told apart). Default `argocd-image-pr[bot]`. */
  readonly appLogin?: string;
  /** The pass's clock (ISO time). Default: now. */
  readonly now?: () => string;
}

/** What the pass did to the state: the write made (or, in a dry run, that would be made). */
export interface StateWrite {
  readonly message: string;
  /** The commit written on the state branch; null in a dry run or when the write failed. */
  readonly commit: string | null;
  readonly dryRun: boolean;
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
  /** The state the pass ended with (null: no state store, or the state could not be read). */
  readonly state: State | null;
  /** What the repository's history added to the state this pass (holds, refusals, and their lifting). */
  readonly stateEvents: readonly StateEvent[];
  readonly stateWrite: StateWrite | null;
}

export const DEFAULT_APP_LOGIN = "argocd-image-pr[bot]";

/** The audit commit's message: one subject, then each change and why. */
function stateMessage(events: readonly StateEvent[]): string {
  const lines = events.map((event) => {
    switch (event.kind) {
      case "hold":
        return `- hold ${event.target} above ${event.above}: the base branch moved it back to ${event.current} (#${event.pr})`;
      case "hold-lifted":
        return `- hold of ${event.target} above ${event.above} lifted: ${event.current} is on the base branch`;
      case "refused":
        return `- ${event.target} refuses ${event.tag}: #${event.pr} was closed without merging`;
      case "refusal-lifted":
        return `- ${event.target} no longer refuses ${event.tag}: #${event.pr} was reopened`;
    }
  });
  return `argocd-image-pr: ${events.length} change${events.length === 1 ? "" : "s"} from the repository's history\n\n${lines.join("\n")}\n`;
}

function sameConstraints(a: TargetConstraints | undefined, b: TargetConstraints | undefined): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
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

  // Configuration problems of the repo config file itself (unreadable YAML…) leave every PR as it is.
  const configBroken = configText !== null && config === null;

  // The state: what people decided. Unreadable, no target is proposed anything (any of them may be
  // pinned or held, and no PR may undo that): each is reported failed, so every PR stays as it is.
  let state: State | null = null;
  let stateProblem: string | null = null;
  if (input.state !== undefined) {
    try {
      state = (await input.state.read()).state;
    } catch (error) {
      stateProblem = describeError(error);
    }
  }
  let constraints = state === null ? new Map<string, TargetConstraints>() : constraintsFromState(state);

  // Targets on another base branch are evaluated against that branch's head.
  const readers = new Map<string, { reader: RepoReader; sha: string }>([[defaultBranch, { reader: base, sha: base.sha }]]);
  async function evaluateAll(targets: readonly Target[]): Promise<TargetOutcome[]> {
    const byBase = new Map<string, Target[]>();
    for (const target of targets) {
      const branch = baseBranchOf(target, { defaultBranch });
      byBase.set(branch, [...(byBase.get(branch) ?? []), target]);
    }
    const out: TargetOutcome[] = [];
    for (const [branch, group] of byBase) {
      let at = readers.get(branch);
      if (at === undefined) {
        try {
          const snapshot = await port.snapshot(branch);
          at = { reader: snapshot, sha: snapshot.sha };
          readers.set(branch, at);
        } catch (error) {
          for (const target of group)
            out.push({
              kind: "failed",
              target,
              problems: [{ target: target.id, app: target.app?.name ?? null, image: null, file: null, message: describeError(error) }],
            });
          continue;
        }
      }
      out.push(...(await engine.evaluate(group, at.reader, constraints)));
    }
    return out;
  }

  let outcomes: TargetOutcome[];
  let stateEvents: readonly StateEvent[] = [];
  let stateWrite: StateWrite | null = null;
  let appPrs: readonly AppPr[] = [];
  const stateProblems: PlanProblem[] = [];
  if (stateProblem !== null) {
    stateProblems.push({ target: null, app: null, image: null, file: null, message: stateProblem });
    outcomes = gathered.targets.map((target) => ({
      kind: "failed",
      target,
      problems: [
        {
          target: target.id,
          app: target.app?.name ?? null,
          image: null,
          file: null,
          message: "not evaluated: the state could not be read",
        },
      ],
    }));
  } else {
    outcomes = await evaluateAll(gathered.targets);
    if (input.state !== undefined && state !== null && !configBroken) {
      const derived = await deriveAndStore(input, input.state, state, outcomes, readers, repo, defaultBranch, config?.holdUntil ?? "newer");
      appPrs = derived.prs;
      stateEvents = derived.events;
      stateWrite = derived.write;
      if (derived.problem !== null) stateProblems.push(derived.problem);
      state = derived.state;
      // The targets whose constraints the new state changes are evaluated again, in this pass.
      const next = constraintsFromState(state);
      const affected = new Set(gathered.targets.map((t) => t.id).filter((id) => !sameConstraints(constraints.get(id), next.get(id))));
      constraints = next;
      if (affected.size > 0) {
        const again = new Map((await evaluateAll(gathered.targets.filter((t) => affected.has(t.id)))).map((o) => [o.target.id, o]));
        outcomes = outcomes.map((o) => again.get(o.target.id) ?? o);
      }
    }
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
        // An unreadable state is said once, not once per target.
        if (stateProblem === null) problems.push(...outcome.problems);
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
  problems.push(...stateProblems);
  const actions = configBroken
    ? []
    : [
        ...diffPrs(desired, managed, { rebase: settings.rebase, failedTargets, quietReasons }),
        ...(state === null ? [] : await holdNotes(port, state, appPrs, outcomes, input.appLogin ?? DEFAULT_APP_LOGIN)),
      ];
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
      state: stateEvents.map((e) => `${e.kind} ${e.target}`),
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
    state,
    stateEvents,
    stateWrite,
  };
  return keepDashboard(input.dashboard, report, { managed, enabled: configBroken ? null : config?.dashboard !== false }, input.dryRun);
}

/** The base's tag per target, from what the engine read: the outcomes' current tags, with a link to the base commit. */
function baseTagsOf(
  outcomes: readonly TargetOutcome[],
  readers: ReadonlyMap<string, { sha: string }>,
  repo: string,
  defaultBranch: string,
): Map<string, BaseTag> {
  const out = new Map<string, BaseTag>();
  for (const outcome of outcomes) {
    const tag = outcome.kind === "update" ? outcome.update.from : outcome.kind === "up-to-date" ? outcome.quiet.current : undefined;
    const sha = readers.get(baseBranchOf(outcome.target, { defaultBranch }))?.sha;
    if (tag === undefined || sha === undefined) continue;
    out.set(outcome.target.id, { tag, strategy: outcome.target.policy.strategy, link: `https://github.com/${repo}/commit/${sha}` });
  }
  return out;
}

/**
 * What the repository's history adds to the state, stored with compare-and-swap: the change is
 * derived again on whatever is there by then, so another replica's /pin is never lost. A dry run
 * only says what it would write. A failed write is a problem; the pass still acts on what it derived.
 */
async function deriveAndStore(
  input: ReconcileInput,
  store: StateStore,
  read: State,
  outcomes: readonly TargetOutcome[],
  readers: ReadonlyMap<string, { sha: string }>,
  repo: string,
  defaultBranch: string,
  holdUntil: "newer" | "unpin",
): Promise<{ state: State; events: readonly StateEvent[]; write: StateWrite | null; prs: readonly AppPr[]; problem: PlanProblem | null }> {
  const known = new Set(Object.values(read.targets).flatMap((t) => t.refused.map((r) => r.pr)));
  const appLogin = input.appLogin ?? DEFAULT_APP_LOGIN;
  let prs: readonly AppPr[];
  try {
    // A close GitHub says the app made (one from before closes were marked) refuses nothing either.
    prs = (await input.port.listUpdatePrs({ known })).map((pr) => (pr.closedBy === appLogin ? { ...pr, closedByApp: true } : pr));
  } catch (error) {
    return {
      state: read,
      events: [],
      write: null,
      prs: [],
      problem: { target: null, app: null, image: null, file: null, message: describeError(error) },
    };
  }
  const derive = (state: State) =>
    deriveState({
      state,
      base: baseTagsOf(outcomes, readers, repo, defaultBranch),
      prs,
      holdUntil,
      now: (input.now ?? (() => new Date().toISOString()))(),
      appLogin,
    });
  if (input.dryRun) {
    const derived = derive(read);
    const write = derived.events.length === 0 ? null : { message: stateMessage(derived.events), commit: null, dryRun: true };
    return { state: derived.state, events: derived.events, write, prs, problem: null };
  }
  // Nothing new on the state as read: no write (and no second read). A change another replica made
  // meanwhile is derived from by the next pass.
  const first = derive(read);
  if (first.events.length === 0) return { state: read, events: [], write: null, prs, problem: null };
  try {
    const stored = await store.update((current) => {
      const derived = derive(current);
      return derived.events.length === 0
        ? { state: null, result: derived.events }
        : { state: derived.state, message: stateMessage(derived.events), result: derived.events };
    });
    const write = stored.commit === null ? null : { message: stateMessage(stored.result), commit: stored.commit, dryRun: false };
    return { state: stored.state, events: stored.result, write, prs, problem: null };
  } catch (error) {
    const derived = derive(read);
    return {
      state: derived.state,
      events: derived.events,
      write: derived.events.length === 0 ? null : { message: stateMessage(derived.events), commit: null, dryRun: false },
      prs,
      problem: { target: null, app: null, image: null, file: null, message: `the state was not stored: ${describeError(error)}` },
    };
  }
}

/**
 * A hold the pass derived (a rollback it saw) is told on the PR that brought the rolled-back tag
 * in, once: a note already there (after a restart or a retry) is not made again.
 */
async function holdNotes(
  port: GitHubRepoPort,
  state: State,
  prs: readonly AppPr[],
  outcomes: readonly TargetOutcome[],
  appLogin: string,
): Promise<PrAction[]> {
  const actions: PrAction[] = [];
  const current = new Map(
    outcomes.flatMap((o) =>
      o.kind === "update"
        ? [[o.target.id, o.update.from] as const]
        : o.kind === "up-to-date"
          ? [[o.target.id, o.quiet.current] as const]
          : [],
    ),
  );
  for (const id of Object.keys(state.targets).sort()) {
    const hold = activeHold(state.targets[id]);
    if (hold === null || hold.pr === null || hold.by !== appLogin) continue;
    const key = holdNoteKey({ target: id, above: hold.above });
    try {
      if (await port.hasComment(hold.pr, key)) continue;
    } catch {
      continue; // GitHub did not answer: the next pass looks again.
    }
    const branch = prs.find((pr) => pr.number === hold.pr)?.branch ?? `#${hold.pr}`;
    const comment = renderHoldNote({ target: id, above: hold.above, current: current.get(id) ?? null, until: hold.until, link: hold.link });
    actions.push({ kind: "comment", branch, number: hold.pr, key, comment });
  }
  return actions;
}
