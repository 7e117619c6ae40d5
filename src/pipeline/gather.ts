/** Targets for one pass, from every configured source, filtered to the checkout at hand. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError, describeError } from "../errors/index.js";
import type { GitHubRepo, Target } from "../model/index.js";
import {
  detectApplicationTypes,
  generatesAnnotated,
  listFromCluster,
  parseGitHubRepoURL,
  parseRepoConfig,
  readManifestsFromPaths,
  renderApplicationSets,
  targetsFromApplications,
  type Application,
  type RawApplicationSet,
} from "../sources/index.js";
import type { PlanInput } from "./plan.js";
import { checkoutReader } from "./checkout-reader.js";
import { noTargetsWarning } from "./no-targets.js";
import type { PlanProblem, PlanSkip } from "./types.js";
import type { Workspace } from "./workspace.js";

export const REPO_CONFIG_FILE = ".github/argocd-image-pr.yml";

export interface ClusterOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespaces?: readonly string[];
}

export interface GatherOptions {
  /**
   * Repo config file (absolute or relative to cwd); null: `.github/argocd-image-pr.yml` in the
   * checkout if present; false: none, the repository's own is ignored (`--no-config`).
   */
  readonly configFile: string | null | false;
  /** Application / ImageUpdater manifests: files or directories. */
  readonly appPaths: readonly string[];
  /** Read Applications from a cluster; null: don't. */
  readonly cluster: ClusterOptions | null;
  /** Argo CD's control-plane namespace (default `argocd`): names Applications' `.argocd-source-…` files. */
  readonly argocdNamespace?: string;
}

function sameRepo(a: GitHubRepo, b: GitHubRepo): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.name.toLowerCase() === b.name.toLowerCase();
}

async function readRepoConfig(
  options: GatherOptions,
  workspace: Workspace,
  origin: GitHubRepo | null,
): Promise<{ targets: Target[]; problems: PlanProblem[]; state: "read" | "absent" | "ignored"; file: string }> {
  if (options.configFile === false) return { targets: [], problems: [], state: "ignored", file: REPO_CONFIG_FILE };
  if (options.configFile !== null) {
    let text: string;
    try {
      text = await readFile(options.configFile, "utf8");
    } catch (error) {
      throw new ConfigError(`cannot read the repo config "${options.configFile}": ${describeError(error)}`, {
        context: { file: options.configFile },
        hint: "check the --config path",
      });
    }
    const relative = path.relative(workspace.root, path.resolve(options.configFile));
    const file = relative.startsWith("..") ? options.configFile : relative;
    return { ...parseRepoConfig(text, file, origin), state: "read", file };
  }
  const text = await workspace.read(REPO_CONFIG_FILE);
  return text === null ? { targets: [], problems: [], state: "absent", file: REPO_CONFIG_FILE } : { ...parseRepoConfig(text, REPO_CONFIG_FILE, origin), state: "read", file: REPO_CONFIG_FILE };
}

export async function gatherTargets(options: GatherOptions, workspace: Workspace): Promise<PlanInput> {
  const originUrl = await workspace.originUrl();
  const origin = originUrl === null ? null : parseGitHubRepoURL(originUrl);

  const fromConfig = await readRepoConfig(options, workspace, origin);
  const applications: Application[] = [];
  const imageUpdaters = [];
  const applicationSets: RawApplicationSet[] = [];
  const problems: PlanProblem[] = [...fromConfig.problems];
  if (options.appPaths.length > 0) {
    // File names (and `application` targets) are relative to the checkout's root.
    const found = await readManifestsFromPaths([...options.appPaths], { root: workspace.root });
    applications.push(...found.applications);
    imageUpdaters.push(...found.imageUpdaters);
    problems.push(...found.problems);
    applicationSets.push(...(found.applicationSets ?? []));
  }
  if (options.cluster !== null) {
    const { kubeconfig, context, namespaces } = options.cluster;
    const found = await listFromCluster({
      ...(kubeconfig === undefined ? {} : { kubeconfig }),
      ...(context === undefined ? {} : { context }),
      ...(namespaces === undefined ? {} : { namespaces: [...namespaces] }),
    });
    applications.push(...found.applications);
    imageUpdaters.push(...found.imageUpdaters);
    problems.push(...found.problems);
  }
  const argocdNamespace = options.argocdNamespace ?? "argocd";
  const reader = checkoutReader(workspace);
  const inCheckout = (repoURL: string): boolean => {
    const repo = parseGitHubRepoURL(repoURL);
    return origin === null || (repo !== null && sameRepo(repo, origin));
  };
  // ApplicationSets in the repository generate Applications as the controller would (only those an
  // ImageUpdater could select or whose template carries image-updater annotations).
  const relevant = applicationSets.filter((set) => imageUpdaters.length > 0 || generatesAnnotated(set.value));
  if (relevant.length > 0) {
    const rendered = await renderApplicationSets(relevant, reader, { inReader: inCheckout });
    applications.push(...rendered.applications);
    problems.push(...rendered.problems);
  }
  // Applications read from files have no status: their type is what Argo CD decides from this checkout.
  const sourceTypes = await detectApplicationTypes(applications, reader, inCheckout, argocdNamespace);
  const fromApps = targetsFromApplications({
    applications,
    imageUpdaters,
    sourceTypes,
    // Application manifests read from this checkout live in this repository.
    manifestsRepo: originUrl === null ? null : { repoURL: originUrl, repo: origin, branch: null },
    ...(options.argocdNamespace === undefined ? {} : { argocdNamespace: options.argocdNamespace }),
  });
  problems.push(...fromApps.problems);
  const skipped: PlanSkip[] = fromApps.skipped.map((skip) => ({ app: skip.app, image: null, reason: skip.reason }));

  const targets: Target[] = [];
  const elsewhere = new Map<string, PlanSkip>();
  for (const target of [...fromConfig.targets, ...fromApps.targets]) {
    const repo = target.git.repo;
    if (origin !== null && repo !== null && !sameRepo(repo, origin)) {
      const app = target.app?.name ?? null;
      const reason = `writes to ${repo.owner}/${repo.name}, not to this checkout (${origin.owner}/${origin.name})`;
      // One line per Application, however many images it has.
      elsewhere.set(`${app ?? target.id}\u0000${reason}`, { app, image: null, reason });
      continue;
    }
    targets.push(target);
  }
  const allSkipped = [...skipped, ...elsewhere.values()];
  if (targets.length === 0 && allSkipped.length === 0 && problems.every((p) => p.severity === "warning")) {
    problems.push(
      noTargetsWarning({
        config: { file: fromConfig.file, state: fromConfig.state },
        appPaths: options.appPaths,
        resources: applications.length + imageUpdaters.length + applicationSets.length,
        cluster: options.cluster !== null,
      }),
    );
  }
  return { targets, problems, skipped: allSkipped };
}
