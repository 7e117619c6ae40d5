/**
 * The engine as a reconcile pass uses it: targets gathered from the base branch (repo config,
 * its `applications:` manifests, the cluster), one outcome per target evaluated over a base's
 * RepoReader, and the old image's revision for the PR's compare link.
 */
import type { Target } from "../model/index.js";
import type { TargetPrSettings } from "../plan/index.js";
import { imageSourceLabels, type RegistryClient } from "../registry/index.js";
import { evaluateTargets } from "./evaluate-targets.js";
import { gatherTargets, type ClusterOptions } from "./gather.js";
import type { ReconcileEngine } from "./reconcile-repo.js";
import type { TargetOutcome } from "./types.js";

export interface ReconcileEngineOptions {
  readonly registry: RegistryClient;
  readonly cluster: ClusterOptions | null;
  readonly argocdNamespace?: string;
  /** GitHub Enterprise Server hosts (GHE_HOST) whose repository URLs name GitHub repositories too. */
  readonly gitHubHosts?: readonly string[];
  readonly concurrency: number;
}

export function createReconcileEngine(options: ReconcileEngineOptions): ReconcileEngine {
  return {
    gather: ({ reader, originUrl, applicationPaths }) =>
      gatherTargets(
        {
          applicationPaths,
          cluster: options.cluster,
          ...(options.argocdNamespace === undefined ? {} : { argocdNamespace: options.argocdNamespace }),
          ...(options.gitHubHosts === undefined ? {} : { gitHubHosts: options.gitHubHosts }),
        },
        { reader, originUrl },
      ),
    evaluate: (targets: readonly Target[], reader, constraints) =>
      evaluateTargets(
        { targets },
        { reader, registry: options.registry },
        { concurrency: options.concurrency, ...(constraints === undefined ? {} : { constraints }) },
      ),
    async describe(outcomes: readonly TargetOutcome[]) {
      const out: Record<string, TargetPrSettings> = {};
      for (const outcome of outcomes) {
        if (outcome.kind !== "update" || outcome.update.from === null || outcome.update.revision === null) continue;
        if (outcome.update.sourceUrl === null || !outcome.update.sourceUrl.startsWith("https://github.com/")) continue;
        // Registries.conf credentials only: a pull-secret's were already used by the evaluation, and a
        // missing compare link is no failure.
        if (outcome.target.pullSecret !== null) continue;
        try {
          const details = await options.registry.getTagDetails(outcome.target.image, outcome.update.from);
          const { revision } = imageSourceLabels(details.labels);
          if (revision !== null) out[outcome.target.id] = { fromRevision: revision };
        } catch {
          // The old tag may be gone from the registry: the body then links the new revision only.
        }
      }
      return out;
    },
  };
}
