/**
 * pipeline/: one pass, the only orchestrator. `runPlan` is what `argocd-image-pr plan` runs;
 * the GitHub app will call the same function and hand the result to github/.
 */
import { performance } from "node:perf_hooks";
import { createRegistryClient } from "../registry/index.js";
import type { RegistryClient, RegistryClientOptions } from "../registry/index.js";
import { createSecretReader } from "../sources/index.js";
import { secretCredentials } from "./credentials.js";
import { gatherTargets } from "./gather.js";
import type { GatherOptions } from "./gather.js";
import { planCheckout } from "./plan-checkout.js";
import type { PlanResult } from "./types.js";
import { openWorkspace } from "./workspace.js";

export { gatherTargets, REPO_CONFIG_FILE } from "./gather.js";
export type { ClusterOptions, GatherOptions } from "./gather.js";
export { evaluateTargets } from "./evaluate-targets.js";
export type { EvaluateDeps, EvaluateOptions } from "./evaluate-targets.js";
export { planCheckout } from "./plan-checkout.js";
export type { PlanCheckoutDeps, PlanCheckoutOptions } from "./plan-checkout.js";
export { openWorkspace } from "./workspace.js";
export type { Workspace } from "./workspace.js";
export type * from "./types.js";

export interface RunPlanOptions extends GatherOptions {
  /** The checkout of the GitOps repo. */
  readonly repoDir: string;
  readonly registry: RegistryClientOptions;
  readonly concurrency: number;
  readonly write: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Sources → registry → strategy → editors, for one checkout. Writes files only with `write`. */
export async function runPlan(options: RunPlanOptions, registry?: RegistryClient): Promise<PlanResult> {
  const started = performance.now();
  const workspace = openWorkspace(options.repoDir);
  // With cluster access, pull secrets (annotations, registries.conf) are read from the cluster.
  const resolver = options.cluster === null || options.registry.credentialResolver !== undefined ? {} : { credentialResolver: secretCredentials(createSecretReader(options.cluster)) };
  const client = registry ?? createRegistryClient({ ...options.registry, ...resolver });
  try {
    const input = await gatherTargets(options, workspace);
    const result = await planCheckout(input, { checkout: workspace, registry: client, now: () => performance.now() }, {
      concurrency: options.concurrency,
      write: options.write,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    // The pass's duration includes reading the sources, not only planning.
    return { ...result, stats: { ...result.stats, durationMs: Math.round(performance.now() - started) } };
  } finally {
    if (registry === undefined) await client.close();
  }
}
export { listImageTags } from "./tags.js";
export type { ListTagsOptions, TagRow, TagsResult } from "./tags.js";
