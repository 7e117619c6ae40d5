/**
 * The targets of a repository as a pass sees them — gathered from the head of its default branch
 * through the engine, with the repo config read there — for what acts between passes (a command in
 * a comment names a target, `/pin` checks its tag). And the tags the registry lists for one
 * target's image, with the target's own credentials over registries.conf's, as the pass asks.
 */
import type { GitHubRepoPort } from "../github/index.js";
import type { Target } from "../model/index.js";
import { baseBranchOf } from "../plan/index.js";
import type { RegistryClient } from "../registry/index.js";
import { readRepoSettings, type RepoConfig } from "../sources/index.js";
import { accessOf } from "./evaluate-targets.js";
import { APP_REPO_CONFIG_FILE, type GatheredTargets, type ReconcileEngine } from "./reconcile-repo.js";

export interface RepoTargets extends GatheredTargets {
  readonly defaultBranch: string;
  /** The repo config on the default branch; null when there is none or it does not parse. */
  readonly config: RepoConfig | null;
}

export async function gatherRepoTargets(port: GitHubRepoPort, engine: ReconcileEngine): Promise<RepoTargets> {
  const defaultBranch = await port.defaultBranch();
  const base = await port.snapshot(defaultBranch);
  const configText = await base.read(APP_REPO_CONFIG_FILE);
  const config = configText === null ? null : readRepoSettings(configText);
  const gathered = await engine.gather({
    reader: base,
    originUrl: `https://github.com/${port.owner}/${port.repo}`,
    applicationPaths: config?.applications ?? [],
  });
  return { ...gathered, defaultBranch, config };
}

/** Every tag the registry lists for `target`'s image. Throws a RegistryError or ConfigError (a bad pull-secret). */
export async function listTargetTags(registry: RegistryClient, target: Target): Promise<readonly string[]> {
  return registry.listTags(target.image, accessOf(target));
}

/**
 * The tag each of `targets` runs on its base branch now, as the engine reads it (the kustomize
 * stack, the Helm values, the manifests): id → tag, null when the file names none. A target the
 * engine could not read is left out.
 */
export async function currentTags(
  port: GitHubRepoPort,
  engine: ReconcileEngine,
  targets: readonly Target[],
  defaultBranch: string,
): Promise<ReadonlyMap<string, string | null>> {
  const out = new Map<string, string | null>();
  const byBase = new Map<string, Target[]>();
  for (const target of targets) {
    const branch = baseBranchOf(target, { defaultBranch });
    byBase.set(branch, [...(byBase.get(branch) ?? []), target]);
  }
  for (const [branch, group] of byBase) {
    const outcomes = await engine.evaluate(group, await port.snapshot(branch));
    for (const outcome of outcomes) {
      if (outcome.kind === "update") out.set(outcome.target.id, outcome.update.from);
      else if (outcome.kind === "up-to-date") out.set(outcome.target.id, outcome.quiet.current);
    }
  }
  return out;
}
