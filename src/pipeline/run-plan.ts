/**
 * `argocd-image-pr plan`: one pass over a checkout. The CLI's paths are split here: what lies in
 * the checkout is read through it as a RepoReader (as the app reads a commit), what lies
 * elsewhere (`--apps`, `--config` outside the repository) from disk.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { UsageError, describeError } from "../errors/index.js";
import { readRegularTextFile } from "../files/index.js";
import { silentLogger, type Logger } from "../log/index.js";
import { createRegistryClient, loadTagCacheFile, saveTagCacheFile } from "../registry/index.js";
import type { RegistryClient, RegistryClientOptions } from "../registry/index.js";
import { createSecretReader } from "../sources/index.js";
import { quoteForMessage } from "../text/index.js";
import { openCheckout } from "./checkout.js";
import { secretCredentials } from "./credentials.js";
import { gatherTargets } from "./gather.js";
import type { ClusterOptions, GatherOptions, RepoConfigSource } from "./gather.js";
import { planCheckout } from "./plan-checkout.js";
import type { PlanProblem, PlanResult } from "./types.js";

export interface RunPlanOptions {
  /** The checkout of the GitOps repo. */
  readonly repoDir: string;
  /**
   * Repo config file (absolute or relative to cwd); null: `.github/argocd-image-pr.yml` in the
   * checkout if present; false: none, the repository's own is ignored (`--no-config`).
   */
  readonly configFile: string | null | false;
  /** Application / ImageUpdater manifests: files or directories (absolute or relative to cwd), in the checkout or not. */
  readonly appPaths: readonly string[];
  /** Read Applications from a cluster; null: don't. */
  readonly cluster: ClusterOptions | null;
  /** Argo CD's control-plane namespace (default `argocd`). */
  readonly argocdNamespace?: string;
  /** GitHub Enterprise Server hosts (GHE_HOST) whose repository URLs name GitHub repositories too. */
  readonly gitHubHosts?: readonly string[];
  readonly registry: RegistryClientOptions;
  readonly concurrency: number;
  readonly write: boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /** Where retries, auth failures, rate-limit waits and skipped or failed targets are logged (pino-shaped); default: nowhere. */
  readonly log?: Logger;
  /**
   * Keep tag details on disk in this directory between runs (`plan --cache-dir`): loaded before
   * the pass, saved after it. A long-lived process passes one `registry.tagCache` instead.
   */
  readonly cacheDir?: string;
}

/** `file` as a repo-relative POSIX path when it lies in the checkout, else null. */
function insideCheckout(root: string, file: string): string | null {
  const relative = path.relative(path.resolve(root), path.resolve(file));
  if (relative.startsWith("..") || path.isAbsolute(relative)) return null;
  return relative === "" ? "." : relative.split(path.sep).join("/");
}

/** `--config`: checked here, so a file that cannot be read is bad usage (exit 2) before anything is planned. */
async function repoConfigSource(root: string, configFile: string | null | false): Promise<RepoConfigSource | false | undefined> {
  if (configFile === null || configFile === false) return configFile === false ? false : undefined;
  const inRepo = insideCheckout(root, configFile);
  const shown = quoteForMessage(inRepo ?? configFile);
  let text: string | null;
  try {
    // Regular files only, up to MAX_FILE_BYTES: a FIFO given as --config would block forever.
    text = inRepo === null ? await readRegularTextFile(configFile, { name: configFile }) : await openCheckout(root).read(inRepo);
  } catch (error) {
    throw new UsageError(`cannot read the repo config "${shown}": ${describeError(error)}`, {
      cause: error,
      context: { file: inRepo ?? configFile },
      hint: "check the --config path",
    });
  }
  if (text === null) {
    const missing = inRepo === null ? "it does not exist" : "there is no such file in the repository";
    throw new UsageError(`cannot read the repo config "${shown}": ${missing}`, {
      context: { file: inRepo ?? configFile },
      hint: "check the --config path",
    });
  }
  // In the checkout: read by the pass through its reader, as the app reads a commit's.
  return inRepo === null ? { file: configFile, text } : { path: inRepo };
}

/** The CLI's options as the engine reads them: repo paths through the checkout, the rest from disk. */
export async function gatherOptionsFor(options: RunPlanOptions): Promise<GatherOptions> {
  const inRepo: string[] = [];
  const onDisk: string[] = [];
  for (const entry of options.appPaths) {
    const relative = insideCheckout(options.repoDir, entry);
    if (relative === null) onDisk.push(entry);
    else inRepo.push(relative);
  }
  const repoConfig = await repoConfigSource(options.repoDir, options.configFile);
  return {
    ...(repoConfig === undefined ? {} : { repoConfig }),
    applicationPaths: inRepo,
    applicationsOnDisk: { paths: onDisk, root: options.repoDir },
    cluster: options.cluster,
    ...(options.argocdNamespace === undefined ? {} : { argocdNamespace: options.argocdNamespace }),
    ...(options.gitHubHosts === undefined ? {} : { gitHubHosts: options.gitHubHosts }),
  };
}

/** Sources → registry → strategy → editors, for one checkout. Writes files only with `write`. */
export async function runPlan(options: RunPlanOptions, registry?: RegistryClient): Promise<PlanResult> {
  const started = performance.now();
  const checkout = openCheckout(options.repoDir);
  // With cluster access, pull secrets (annotations, registries.conf) are read from the cluster.
  const resolver =
    options.cluster === null || options.registry.credentialResolver !== undefined
      ? {}
      : { credentialResolver: secretCredentials(createSecretReader(options.cluster)) };
  const log = options.log ?? silentLogger;
  // Only for a client made here: one passed in brings its own tagCache (or none).
  const kept = options.cacheDir === undefined || registry !== undefined ? null : await loadTagCacheFile(options.cacheDir);
  const client =
    registry ??
    createRegistryClient({
      log: log.child({ component: "registry" }),
      ...options.registry,
      ...resolver,
      ...(kept === null ? {} : { tagCache: kept.cache }),
    });
  const cacheWarnings: PlanProblem[] = (kept?.warnings ?? []).map((message) => ({
    target: null,
    app: null,
    image: null,
    file: kept?.file ?? null,
    message,
    severity: "warning",
  }));
  try {
    const input = await gatherTargets(await gatherOptionsFor(options), { reader: checkout, originUrl: await checkout.originUrl() });
    const result = await planCheckout(
      input,
      { checkout, registry: client, now: () => performance.now(), log },
      {
        concurrency: options.concurrency,
        write: options.write,
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      },
    );
    if (kept !== null && options.cacheDir !== undefined) {
      // The plan stands whether or not the cache can be kept: a failure to save is a warning.
      await saveTagCacheFile(options.cacheDir, kept.cache).catch((error: unknown) => {
        cacheWarnings.push({ target: null, app: null, image: null, file: kept.file, message: describeError(error), severity: "warning" });
      });
    }
    // The pass's duration includes reading the sources, not only planning.
    return {
      ...result,
      warnings: [...result.warnings, ...cacheWarnings],
      stats: { ...result.stats, durationMs: Math.round(performance.now() - started) },
    };
  } finally {
    if (registry === undefined) await client.close();
  }
}
