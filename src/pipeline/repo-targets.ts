/**
 * The targets of a repository as a pass sees them — gathered from the head of its default branch
 * through the engine, with the repo config read there — for what acts between passes (a command in
 * a comment names a target, `/pin` checks its tag). And the tags the registry lists for one
 * target's image, with the target's own credentials over registries.conf's, as the pass asks.
 */
import type { GitHubRepoPort } from "../github/index.js";
import type { Target } from "../model/index.js";
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
