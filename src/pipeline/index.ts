/**
 * pipeline/: one pass, the only orchestrator. `runPlan` is what `argocd-image-pr plan` runs;
 * the GitHub app will call the same function and hand the result to github/.
 */
import { performance } from "node:perf_hooks";
import { createRegistryClient, loadTagCacheFile, saveTagCacheFile } from "../registry/index.js";
import type { RegistryClient, RegistryClientOptions } from "../registry/index.js";
import { describeError } from "../errors/index.js";
import { createSecretReader } from "../sources/index.js";
import { secretCredentials } from "./credentials.js";
import { gatherTargets } from "./gather.js";
import type { GatherOptions } from "./gather.js";
import { plan } from "./plan.js";
import type { PlanProblem, PlanResult } from "./types.js";
import { openWorkspace } from "./workspace.js";

export { gatherTargets, REPO_CONFIG_FILE } from "./gather.js";
export type { ClusterOptions, GatherOptions } from "./gather.js";
export { plan } from "./plan.js";
export type { PlanDeps, PlanInput, PlanOptions } from "./plan.js";
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
  /**
   * Keep tag details on disk in this directory between runs (`plan --cache-dir`): loaded before
   * the pass, saved after it. A long-lived process passes one `registry.tagCache` instead.
   */
  readonly cacheDir?: string;
}

/** Sources → registry → strategy → editors, for one checkout. Writes files only with `write`. */
export async function runPlan(options: RunPlanOptions, registry?: RegistryClient): Promise<PlanResult> {
  const started = performance.now();
  const workspace = openWorkspace(options.repoDir);
  // With cluster access, pull secrets (annotations, registries.conf) are read from the cluster.
  const resolver = options.cluster === null || options.registry.credentialResolver !== undefined ? {} : { credentialResolver: secretCredentials(createSecretReader(options.cluster)) };
  // Only for a client made here: one passed in brings its own tagCache (or none).
  const kept = options.cacheDir === undefined || registry !== undefined ? null : await loadTagCacheFile(options.cacheDir);
  const client = registry ?? createRegistryClient({ ...options.registry, ...resolver, ...(kept === null ? {} : { tagCache: kept.cache }) });
  const cacheWarnings: PlanProblem[] = (kept?.warnings ?? []).map((message) => ({ target: null, app: null, image: null, file: kept?.file ?? null, message, severity: "warning" }));
  try {
    const input = await gatherTargets(options, workspace);
    const result = await plan(input, { workspace, registry: client, now: () => performance.now() }, {
      concurrency: options.concurrency,
      write: options.write,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    if (kept !== null && options.cacheDir !== undefined) {
      // The plan stands whether or not the cache can be kept: a failure to save is a warning.
      await saveTagCacheFile(options.cacheDir, kept.cache).catch((error: unknown) => {
        cacheWarnings.push({ target: null, app: null, image: null, file: kept.file, message: describeError(error), severity: "warning" });
      });
    }
    // The pass's duration includes reading the sources, not only planning.
    return { ...result, warnings: [...result.warnings, ...cacheWarnings], stats: { ...result.stats, durationMs: Math.round(performance.now() - started) } };
  } finally {
    if (registry === undefined) await client.close();
  }
}
export { listImageTags } from "./tags.js";
export type { ListTagsOptions, TagRow, TagsResult } from "./tags.js";
