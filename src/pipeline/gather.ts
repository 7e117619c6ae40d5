/** Targets for one pass, from every configured source, filtered to the checkout at hand. */
import path from "node:path";
import { ConfigError, describeError } from "../errors/index.js";
import { readRegularTextFile } from "../files/index.js";
import type { GitHubRepo, Target } from "../model/index.js";
import { quoteForMessage } from "../text/index.js";
import {
  listFromCluster,
  parseGitHubRepoURL,
  parseRepoConfig,
  readManifestsFromPaths,
  targetsFromApplications,
} from "../sources/index.js";
import type { PlanInput } from "./plan.js";
import type { PlanProblem, PlanSkip } from "./types.js";
import type { Workspace } from "./workspace.js";

export const REPO_CONFIG_FILE = ".github/argocd-image-pr.yml";

export interface ClusterOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespaces?: readonly string[];
}

export interface GatherOptions {
  /** Repo config file (absolute or relative to cwd); null: `.github/argocd-image-pr.yml` in the checkout if present. */
  readonly configFile: string | null;
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
): Promise<{ targets: Target[]; problems: PlanProblem[] }> {
  if (options.configFile !== null) {
    let text: string | null;
    try {
      text = await readRegularTextFile(options.configFile, { name: options.configFile });
    } catch (error) {
      throw new ConfigError(`cannot use the repo config: ${describeError(error)}`, { context: { file: options.configFile }, hint: "check the --config path" });
    }
    if (text === null) {
      throw new ConfigError(`cannot read the repo config "${quoteForMessage(options.configFile)}": it does not exist`, {
        context: { file: options.configFile },
        hint: "check the --config path",
      });
    }
    const relative = path.relative(workspace.root, path.resolve(options.configFile));
    return parseRepoConfig(text, relative.startsWith("..") ? options.configFile : relative, origin);
  }
  const text = await workspace.read(REPO_CONFIG_FILE);
  return text === null ? { targets: [], problems: [] } : parseRepoConfig(text, REPO_CONFIG_FILE, origin);
}

/** Whether a path is in a `.git` directory (any case: macOS and Windows file systems ignore it). */
function isInsideGitDir(file: string): boolean {
  return file.split("/").some((segment) => segment.toLowerCase() === ".git");
}

/**
 * Files no target may edit, whatever it says: the repo config (a target could otherwise rewrite
 * its own policy) and anything in `.git/` (hooks, config). Null when the target may go on.
 */
function refusedEditTarget(target: Target, configFile: string): PlanProblem | null {
  const paths = [target.write.path, ...(target.write.argocdSourcePath === undefined ? [] : [target.write.argocdSourcePath])];
  const reason = paths.some(isInsideGitDir) ? "is inside .git/" : paths.includes(configFile) ? "is the repo config" : null;
  if (reason === null) return null;
  return {
    app: target.app?.name ?? null,
    image: `${target.image.registry}/${target.image.repository}`,
    file: target.write.path,
    message: `${target.declaredIn}: "${quoteForMessage(target.write.path)}" ${reason}; argocd-image-pr never edits it. Point the target at the file that deploys the image`,
  };
}

export async function gatherTargets(options: GatherOptions, workspace: Workspace): Promise<PlanInput> {
  const originUrl = await workspace.originUrl();
  const origin = originUrl === null ? null : parseGitHubRepoURL(originUrl);

  const fromConfig = await readRepoConfig(options, workspace, origin);
  const applications = [];
  const imageUpdaters = [];
  const problems: PlanProblem[] = [...fromConfig.problems];
  if (options.appPaths.length > 0) {
    // File names (and `application` targets) are relative to the checkout's root.
    const found = await readManifestsFromPaths([...options.appPaths], { root: workspace.root });
    applications.push(...found.applications);
    imageUpdaters.push(...found.imageUpdaters);
    problems.push(...found.problems);
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
  const fromApps = targetsFromApplications({
    applications,
    imageUpdaters,
    // Application manifests read from this checkout live in this repository.
    manifestsRepo: originUrl === null ? null : { repoURL: originUrl, repo: origin, branch: null },
    ...(options.argocdNamespace === undefined ? {} : { argocdNamespace: options.argocdNamespace }),
  });
  problems.push(...fromApps.problems);
  const skipped: PlanSkip[] = fromApps.skipped.map((skip) => ({ app: skip.app, image: null, reason: skip.reason }));

  const targets: Target[] = [];
  const elsewhere = new Map<string, PlanSkip>();
  const configFile = options.configFile === null ? REPO_CONFIG_FILE : path.relative(workspace.root, path.resolve(options.configFile)).split(path.sep).join("/");
  for (const target of [...fromConfig.targets, ...fromApps.targets]) {
    const refused = refusedEditTarget(target, configFile);
    if (refused !== null) {
      problems.push(refused);
      continue;
    }
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
  return { targets, problems, skipped: [...skipped, ...elsewhere.values()] };
}
