/**
 * `argocd-image-pr reconcile`: one pass for each repository named, one after the other, each with
 * its own GitHub client (the app's installation for that repository, or the token's) and a fresh
 * registry client. A repository that fails does not stop the others.
 */
import { describeError } from "../errors/index.js";
import { createDashboardIssue, createGitHubRepoPort, createStateStore, type RepoClients, type RequestStats } from "../github/index.js";
import type { Logger } from "../log/index.js";
import { createRegistryClient, type RegistryClientOptions } from "../registry/index.js";
import { createSecretReader } from "../sources/index.js";
import { secretCredentials } from "./credentials.js";
import type { ClusterOptions } from "./gather.js";
import { createReconcileEngine } from "./reconcile-engine.js";
import { reconcileRepo, type ReconcileReport } from "./reconcile-repo.js";

export interface ReconcileReposOptions {
  readonly repos: readonly { readonly owner: string; readonly repo: string }[];
  readonly clients: RepoClients;
  readonly registry: RegistryClientOptions;
  readonly cluster: ClusterOptions | null;
  readonly argocdNamespace?: string;
  /** GitHub Enterprise Server hosts (GHE_HOST) whose repository URLs name GitHub repositories too. */
  readonly gitHubHosts?: readonly string[];
  readonly concurrency: number;
  readonly dryRun: boolean;
  readonly log: Logger;
}

export type RepoPassResult =
  | { readonly repo: string; readonly report: ReconcileReport; readonly error?: undefined }
  | { readonly repo: string; readonly report?: undefined; readonly error: string };

export interface ReconcileReposResult {
  readonly passes: readonly RepoPassResult[];
  readonly github: RequestStats;
  readonly failed: boolean;
}

export async function reconcileRepos(options: ReconcileReposOptions): Promise<ReconcileReposResult> {
  const passes: RepoPassResult[] = [];
  const github: RequestStats = { reads: 0, writes: 0, notModified: 0 };
  const counted = new Set<RequestStats>();
  for (const { owner, repo } of options.repos) {
    const name = `${owner}/${repo}`;
    const log = options.log.child({ repo: name });
    const resolver =
      options.cluster === null || options.registry.credentialResolver !== undefined
        ? {}
        : { credentialResolver: secretCredentials(createSecretReader(options.cluster)) };
    const registry = createRegistryClient({ ...options.registry, ...resolver });
    try {
      const client = await options.clients.forRepo(owner, repo);
      const port = createGitHubRepoPort({ client, owner, repo, log });
      counted.add(port.stats);
      const engine = createReconcileEngine({
        registry,
        cluster: options.cluster,
        concurrency: options.concurrency,
        ...(options.argocdNamespace === undefined ? {} : { argocdNamespace: options.argocdNamespace }),
        ...(options.gitHubHosts === undefined ? {} : { gitHubHosts: options.gitHubHosts }),
      });
      const state = createStateStore({ client, owner, repo, log });
      const dashboard = { issue: createDashboardIssue({ client, owner, repo, log }) };
      passes.push({ repo: name, report: await reconcileRepo({ port, engine, dryRun: options.dryRun, log, state, dashboard }) });
    } catch (error) {
      log.error({ error: describeError(error) }, "reconcile pass failed");
      passes.push({ repo: name, error: describeError(error) });
    } finally {
      await registry.close();
    }
  }
  for (const stats of counted) {
    github.reads += stats.reads;
    github.writes += stats.writes;
    github.notModified += stats.notModified;
  }
  return { passes, github, failed: passes.some((p) => p.error !== undefined || p.report.failed) };
}
