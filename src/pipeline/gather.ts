/**
 * Targets for one pass, from every configured source, filtered to the repository at hand. The
 * repository is read through a RepoReader (the CLI's checkout, or a commit's tree for the app).
 */
import { ConfigError } from "../errors/index.js";
import type { GitHubRepo, Target } from "../model/index.js";
import { quoteForMessage } from "../text/index.js";
import {
  detectApplicationTypes,
  generatesAnnotated,
  listFromCluster,
  parseGitHubRepoURL,
  parseRepoConfig,
  readManifests,
  renderApplicationSets,
  targetsFromApplications,
} from "../sources/index.js";
import type { Application, ManifestPaths, RawApplicationSet } from "../sources/index.js";
import { noTargetsWarning } from "./no-targets.js";
import { targetLabel } from "./target-label.js";
import type { PlanInput, PlanProblem, PlanSkip, RepoReader } from "./types.js";

export const REPO_CONFIG_FILE = ".github/argocd-image-pr.yml";

export interface ClusterOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespaces?: readonly string[];
}

/**
 * The repo config: a repo-relative path read through the reader, or a file the caller read from
 * outside the repository (the CLI's `--config` elsewhere), named by `file` in messages.
 */
export type RepoConfigSource = { readonly path: string } | { readonly file: string; readonly text: string };

export interface GatherOptions {
  /**
   * Absent: `.github/argocd-image-pr.yml` through the reader, when the repository has one; false:
   * none, the repository's own is ignored (`--no-config`).
   */
  readonly repoConfig?: RepoConfigSource | false;
  /**
   * Application / ImageUpdater manifests at repo-relative paths (files or directories, `.` for
   * the whole repository), read through the reader: the CLI's `--apps` inside the checkout, the
   * repo config's `applications:` for the app.
   */
  readonly applicationPaths?: readonly string[];
  /** Manifests on disk outside the repository (the CLI's `--apps` elsewhere); names relative to `root` where inside it. */
  readonly applicationsOnDisk?: { readonly paths: readonly string[]; readonly root: string };
  /** Read Applications from a cluster; null: don't. */
  readonly cluster: ClusterOptions | null;
  /** Argo CD's control-plane namespace (default `argocd`): names Applications' `.argocd-source-…` files and places those without a namespace. */
  readonly argocdNamespace?: string;
  /** GitHub Enterprise Server hosts (GHE_HOST) whose repository URLs name GitHub repositories too, besides github.com. */
  readonly gitHubHosts?: readonly string[];
}

/** The repository a pass plans: how to read it, and which repository it is. */
export interface RepoSource {
  readonly reader: RepoReader;
  /**
   * The repository's URL as git names it (`https://github.com/o/r.git`, `git@github.com:o/r.git`);
   * null when unknown. Targets that write to another repository are skipped.
   */
  readonly originUrl: string | null;
}

function sameRepo(a: GitHubRepo, b: GitHubRepo): boolean {
  return a.owner.toLowerCase() === b.owner.toLowerCase() && a.name.toLowerCase() === b.name.toLowerCase();
}

type ConfigState = { readonly state: "read" | "absent" | "ignored"; readonly file: string };

async function readRepoConfig(
  source: RepoConfigSource | false | undefined,
  reader: RepoReader,
  origin: GitHubRepo | null,
): Promise<{ targets: Target[]; problems: PlanProblem[] } & ConfigState> {
  if (source === false) return { targets: [], problems: [], state: "ignored", file: REPO_CONFIG_FILE };
  if (source === undefined) {
    const text = await reader.read(REPO_CONFIG_FILE);
    return text === null
      ? { targets: [], problems: [], state: "absent", file: REPO_CONFIG_FILE }
      : { ...parseRepoConfig(text, REPO_CONFIG_FILE, origin), state: "read", file: REPO_CONFIG_FILE };
  }
  if ("text" in source) return { ...parseRepoConfig(source.text, source.file, origin), state: "read", file: source.file };
  const text = await reader.read(source.path);
  if (text === null) {
    throw new ConfigError(`cannot read the repo config "${source.path}": there is no such file in the repository`, {
      context: { file: source.path },
      hint: "check the --config path",
    });
  }
  return { ...parseRepoConfig(text, source.path, origin), state: "read", file: source.path };
}

/** Whether a path is in a `.git` directory (any case: macOS and Windows file systems ignore it). */
function isInsideGitDir(file: string): boolean {
  return file.split("/").some((segment) => segment.toLowerCase() === ".git");
}

/**
 * Files no target may edit, whatever it says: the repo config (a target could otherwise rewrite
 * its own policy) and anything in `.git/` (hooks, config). Null when the target may go on.
 */
function refusedEditTarget(target: Target, configFiles: ReadonlySet<string>): PlanProblem | null {
  const paths = [target.write.path, ...(target.write.argocdSourcePath === undefined ? [] : [target.write.argocdSourcePath])];
  const reason = paths.some(isInsideGitDir) ? "is inside .git/" : paths.some((file) => configFiles.has(file)) ? "is the repo config" : null;
  if (reason === null) return null;
  return {
    target: target.id,
    app: target.app?.name ?? null,
    image: `${target.image.registry}/${target.image.repository}`,
    file: target.write.path,
    message: `${target.declaredIn}: "${quoteForMessage(target.write.path)}" ${reason}; argocd-image-pr never edits it. Point the target at the file that deploys the image`,
  };
}

export async function gatherTargets(options: GatherOptions, repo: RepoSource): Promise<PlanInput> {
  const { originUrl } = repo;
  const hosts = options.gitHubHosts ?? [];
  const origin = originUrl === null ? null : parseGitHubRepoURL(originUrl, hosts);

  const fromConfig = await readRepoConfig(options.repoConfig, repo.reader, origin);
  const applications: Application[] = [];
  const imageUpdaters = [];
  const applicationSets: RawApplicationSet[] = [];
  const problems: PlanProblem[] = [...fromConfig.problems];
  const paths: ManifestPaths = {
    ...(options.applicationPaths === undefined || options.applicationPaths.length === 0
      ? {}
      : { repo: { reader: repo.reader, paths: options.applicationPaths } }),
    ...(options.applicationsOnDisk === undefined || options.applicationsOnDisk.paths.length === 0
      ? {}
      : { disk: options.applicationsOnDisk }),
  };
  if (paths.repo !== undefined || paths.disk !== undefined) {
    // File names (and `application` targets) are relative to the repository's root.
    const found = await readManifests(paths);
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
  const inRepository = (repoURL: string): boolean => {
    const named = parseGitHubRepoURL(repoURL, hosts);
    return origin === null || (named !== null && sameRepo(named, origin));
  };
  // ApplicationSets in the repository generate Applications as the controller would (only those an
  // ImageUpdater could select or whose template carries image-updater annotations).
  const relevant = applicationSets.filter((set) => imageUpdaters.length > 0 || generatesAnnotated(set.value));
  if (relevant.length > 0) {
    const rendered = await renderApplicationSets(relevant, repo.reader, { inReader: inRepository });
    // The controller would not create an Application that already exists under that name.
    const taken = new Set(applications.map((app) => `${app.metadata.namespace ?? argocdNamespace}/${app.metadata.name}`));
    for (const app of rendered.applications) {
      const key = `${app.metadata.namespace ?? argocdNamespace}/${app.metadata.name}`;
      if (taken.has(key)) {
        problems.push({
          app: key,
          image: null,
          file: app.file,
          message: `${app.generatedBy ?? "An ApplicationSet"} generates Application ${key}, which is already defined (in another file or by another generator); give each its own name (it was skipped)`,
        });
        continue;
      }
      taken.add(key);
      applications.push(app);
    }
    problems.push(...rendered.problems);
  }
  // Applications read from files have no status: their type is what Argo CD decides from the repository.
  const sourceTypes = await detectApplicationTypes(applications, repo.reader, inRepository, argocdNamespace);
  const fromApps = targetsFromApplications({
    applications,
    imageUpdaters,
    sourceTypes,
    // Application manifests read from this repository live in it.
    manifestsRepo: originUrl === null ? null : { repoURL: originUrl, repo: origin, branch: null },
    ...(options.argocdNamespace === undefined ? {} : { argocdNamespace: options.argocdNamespace }),
    gitHubHosts: hosts,
  });
  problems.push(...fromApps.problems);
  // An Application skipped whole made no target.
  const skipped: PlanSkip[] = fromApps.skipped.map((skip) => ({ target: null, app: skip.app, image: null, reason: skip.reason }));

  const targets: Target[] = [];
  const configFiles = new Set([
    REPO_CONFIG_FILE,
    ...(options.repoConfig !== undefined && options.repoConfig !== false && "path" in options.repoConfig ? [options.repoConfig.path] : []),
  ]);
  for (const target of [...fromConfig.targets, ...fromApps.targets]) {
    const refused = refusedEditTarget(target, configFiles);
    if (refused !== null) {
      problems.push(refused);
      continue;
    }
    const repo = target.git.repo;
    if (origin !== null && repo !== null && !sameRepo(repo, origin)) {
      const reason = `writes to ${repo.owner}/${repo.name}, not to this checkout (${origin.owner}/${origin.name})`;
      skipped.push({ target: target.id, app: targetLabel(target), image: null, reason });
      continue;
    }
    targets.push(target);
  }
  if (targets.length === 0 && skipped.length === 0 && problems.every((p) => p.severity === "warning")) {
    problems.push(
      noTargetsWarning({
        config: { file: fromConfig.file, state: fromConfig.state },
        appPaths: [...(options.applicationPaths ?? []), ...(options.applicationsOnDisk?.paths ?? [])],
        resources: applications.length + imageUpdaters.length + applicationSets.length,
        cluster: options.cluster !== null,
      }),
    );
  }
  return { targets, problems, skipped };
}
