/**
 * One Application plus its image declarations → Targets. Source selection, application type and
 * write-back follow argocd-image-updater (pkg/argocd/argocd.go, update.go); where a PR-based tool
 * must differ, the choice is documented on the function. Pure.
 */
import posix from "node:path/posix";

import { argocdSourceFileName } from "../editors/index.js";
import type {
  AppRef,
  DeploySources,
  DirectorySelection,
  GitTarget,
  HelmKeys,
  Target,
  TargetOrigin,
  TargetProblem,
  WriteKind,
  WriteTarget,
} from "../model/index.js";
import { quoteForMessage } from "../text/index.js";
import type { DetectedSourceType } from "./app-type.js";
import type { ImageDecl, WriteBackDecl } from "./declarations.js";
import { compileArgoGlob } from "./directory-app.js";
import { defaultAlias, parseImageSpec, splitImageSpec } from "./image-spec.js";
import { buildPolicy } from "./policy.js";
import { parseGitHubRepoURL } from "./repo-url.js";
import { DEFAULT_NAMESPACE, type Application, type ApplicationSource } from "./resources.js";

export interface AppTargetsInput {
  readonly app: Application;
  readonly images: readonly ImageDecl[];
  readonly writeBack: WriteBackDecl;
  readonly origin: TargetOrigin;
  /** `Application argocd/foo` or `ImageUpdater argocd/bar`. */
  readonly declaredIn: string;
  /** The repository holding the Application manifests (for write-back-method argocd), when known. */
  readonly manifestsRepo?: GitTarget | null;
  /** Prefix for keys in messages: `argocd-image-updater.argoproj.io/` or `spec.writeBackConfig.`. */
  readonly keyStyle: "annotation" | "image-updater";
  /**
   * Argo CD's control-plane namespace: Applications elsewhere get `.argocd-source-<ns>_<app>.yaml`,
   * and an Application manifest without a namespace is placed here (as `kubectl apply -n` would).
   */
  readonly argocdNamespace: string;
  /** GitHub Enterprise Server hosts (GHE_HOST) whose repository URLs are GitHub repositories too. */
  readonly gitHubHosts?: readonly string[];
  /**
   * The type of each source as Argo CD would decide it from the repository (app-type.ts), for an
   * Application without `status`; in `spec.sources` order (or `[spec.source]`), null where unread.
   */
  readonly sourceTypes?: readonly (DetectedSourceType | null)[];
}

export interface AppTargetsResult {
  readonly targets: Target[];
  readonly problems: TargetProblem[];
  readonly skipped: { app: string; reason: string }[];
}

type AppType = "kustomize" | "helm" | "directory" | "plugin";

export function appLabel(app: Application): string {
  return `${app.metadata.namespace ?? DEFAULT_NAMESPACE}/${app.metadata.name}`;
}

/**
 * A target's stable id: `<namespace>/<application>/<alias>`. Unique by construction (Kubernetes
 * names and aliases hold no `/`) and independent of what else exists, because branch names and
 * pull requests derive from it. Repo-config targets are `<name>/<alias>` (two segments, so the
 * two forms never collide).
 */
export function applicationTargetId(namespace: string, application: string, alias: string): string {
  return `${namespace}/${application}/${alias}`;
}

/** `git`, `git:repocreds`, `git:secret:…`: write-back to git (else the Application itself). */
function isGitMethod(method: string | undefined): boolean {
  return method === "git" || (method?.startsWith("git:") ?? false);
}

/** The first source with a `helm:` or `kustomize:` block, else the first (or the only) source. */
function firstSourceWithBlock(app: Application): ApplicationSource {
  const sources = app.spec.sources ?? [];
  if (sources.length > 0)
    return sources.find((s) => s.helm !== undefined || s.kustomize !== undefined) ?? (sources[0] as ApplicationSource);
  return app.spec.source as ApplicationSource;
}

/**
 * image-updater v1 (getApplicationSource): with several sources, the first of the application's
 * type (a `helm:` block for Helm, `kustomize:` for Kustomize), else the first with either block,
 * else the first.
 */
export function chooseSource(app: Application, type: AppType, detected?: readonly (DetectedSourceType | null)[]): ApplicationSource {
  const sources = app.spec.sources ?? [];
  if (sources.length === 0) return app.spec.source as ApplicationSource;
  let ofType: ApplicationSource | undefined;
  switch (type) {
    case "helm":
      ofType = sources.find((s) => s.helm !== undefined);
      break;
    case "kustomize":
      ofType = sources.find((s) => s.kustomize !== undefined);
      break;
    case "directory":
    case "plugin":
      ofType = sources.find((s) => s.plugin !== undefined);
      break;
  }
  // v1's second pass: the source whose type (status.sourceTypes, or what the repository says) is the app's.
  if (ofType === undefined && type !== "directory") {
    const types = app.status?.sourceTypes?.length === sources.length ? app.status.sourceTypes : detected?.map((d) => d?.type ?? null);
    const index = types?.findIndex((t) => t?.toLowerCase() === type) ?? -1;
    if (index >= 0) ofType = sources[index];
  }
  // A kustomization lives in git: never fall back to a chart from a Helm repository for it.
  if (ofType === undefined && type === "kustomize")
    ofType = sources.find(
      (s) => s.chart === undefined && s.path !== undefined && s.helm === undefined && s.plugin === undefined && s.directory === undefined,
    );
  return ofType ?? firstSourceWithBlock(app);
}

/**
 * image-updater v1 (getApplicationSourceType), decided before the source is chosen: with
 * write-back method git, a `kustomization…` target makes it Kustomize and a `helmvalues…` target
 * Helm (the argocd method edits the Application, so its target decides nothing); else
 * `status.sourceTypes` (first of Helm/Kustomize/Plugin, else Directory) or `status.sourceType`.
 * Without status (a manifest read from git) we infer as v0.x did, from the blocks of the first
 * source that has one, then the write-back target and helm keys, and assume Kustomize otherwise.
 */
export function applicationType(
  app: Application,
  writeBack: WriteBackDecl,
  images: readonly ImageDecl[],
  detected?: readonly (DetectedSourceType | null)[],
): AppType {
  if (isGitMethod(writeBack.method)) {
    if (writeBack.target?.startsWith("kustomization")) return "kustomize";
    if (writeBack.target?.startsWith("helmvalues")) return "helm";
  }
  const fromStatus = (value: string | undefined): AppType | null => {
    switch (value) {
      case "Kustomize":
        return "kustomize";
      case "Helm":
        return "helm";
      case "Plugin":
        return "plugin";
      case "Directory":
        return "directory";
      default:
        return null;
    }
  };
  if ((app.spec.sources?.length ?? 0) > 0 && app.status?.sourceTypes !== undefined && app.status.sourceTypes.length > 0) {
    for (const type of app.status.sourceTypes) {
      const t = fromStatus(type);
      if (t === "helm" || t === "kustomize" || t === "plugin") return t;
    }
    return "directory";
  }
  const single = fromStatus(app.status?.sourceType);
  if (single !== null) return single;
  // No status (read from files): what Argo CD would decide from the repository, as status would say.
  const known = detected?.filter((d): d is DetectedSourceType & { type: string } => d !== null && d.type !== null) ?? [];
  if (known.length > 0) {
    if ((app.spec.sources?.length ?? 0) > 0) {
      for (const { type } of known) {
        const t = fromStatus(type);
        if (t === "helm" || t === "kustomize" || t === "plugin") return t;
      }
      return "directory";
    }
    const t = fromStatus(known[0]?.type);
    if (t !== null) return t;
  }
  const source = firstSourceWithBlock(app);
  if (source.kustomize !== undefined) return "kustomize";
  if (source.helm !== undefined || source.chart !== undefined) return "helm";
  if (source.plugin !== undefined) return "plugin";
  if (source.directory !== undefined) return "directory";
  if (writeBack.target?.startsWith("helmvalues")) return "helm";
  if (images.some((image) => image.helm !== null)) return "helm";
  return "kustomize";
}

/**
 * Why a Plugin application without a git write-back target is not updated. image-updater v1 with
 * git write-back serialises it as Helm: `helm.parameters` in `.argocd-source-<app>.yaml`, which
 * Argo CD merges into the source before deciding its type, so the source has a `plugin:` and a
 * `helm:` block and does not render (or, with the plugin found by discovery, renders with Helm
 * instead of the plugin). With write-back-method argocd, v1 sets the plugin's env on the live
 * Application (`manifestTargets.plugin`), which is not an edit of a file in git.
 */
function pluginReason(app: Application, git: boolean, overrideName: string): string {
  const instead =
    "point write-back-target helmvalues:<file> or kustomization:<dir> at the file the plugin reads the image from, or declare the image in .github/argocd-image-pr.yml (kind: manifest or helm)";
  if (git) {
    return `Plugin application: argocd-image-updater v1 writes its image as helm.parameters into ${overrideName}, which Argo CD merges into the source before rendering; next to its plugin: block that makes two source types, which Argo CD refuses to render, so no pull request is opened for it; ${instead}`;
  }
  return `Plugin application with write-back-method argocd: image-updater sets the plugin's env on the live Application ${app.metadata.name}, which is not a file in git and is not edited by argocd-image-pr; ${instead}`;
}

/**
 * image-updater's override file for `app` (parseDefaultTarget): namespaced when the Application is
 * outside the control-plane namespace. As there, an Application without a namespace, or a control
 * plane in `default` (what image-updater resolves when none is configured), gets the plain name.
 */
export function overrideFileName(app: Application, argocdNamespace: string): string {
  const namespace = app.metadata.namespace;
  const outside = namespace !== undefined && namespace !== argocdNamespace && argocdNamespace !== "default";
  return argocdSourceFileName(app.metadata.name, outside ? namespace : undefined);
}

function normalizeRepoPath(path: string): string {
  const joined = posix
    .normalize(path.replace(/\\/g, "/"))
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "");
  return joined === "." ? "" : joined.replace(/\/+$/, "");
}

/** What a write-back target that is no form was probably meant to be, or null. */
function suggestTarget(target: string): string | null {
  const colon = target.indexOf(":");
  const head = (colon === -1 ? target : target.slice(0, colon)).toLowerCase();
  const rest = colon === -1 ? "" : target.slice(colon);
  if (/^kustom/.test(head)) return `did you mean kustomization${rest}?`;
  if (/^helm/.test(head) || head === "values") return `did you mean helmvalues${rest}?`;
  return null;
}

/** image-updater: after the prefix and `:`, a leading `/` is from the repo root, else relative to the source path. */
function resolveTargetPath(rest: string, sourcePath: string): string {
  if (rest.startsWith("/")) return normalizeRepoPath(rest.slice(1));
  return normalizeRepoPath(posix.join(sourcePath, rest));
}

function branchOf(targetRevision: string | undefined): string | null {
  const rev = targetRevision?.trim() ?? "";
  return rev === "" || rev === "HEAD" ? null : rev;
}

/** GitHub refuses a label name over 50 characters. */
const GITHUB_LABEL_MAX = 50;

/**
 * The Application as its targets name it: with `spec.destination` as `<cluster> / <namespace>` (the
 * cluster's name, else its server URL) and `metadata.labels`, each only when given.
 */
function appRefOf(app: Application, namespace: string): AppRef {
  const { destination } = app.spec;
  const cluster = destination?.name?.trim() || destination?.server?.trim() || "";
  const where = [cluster, destination?.namespace?.trim() ?? ""].filter((part) => part !== "").join(" / ");
  const labels = app.metadata.labels ?? {};
  return {
    name: app.metadata.name,
    namespace,
    ...(where === "" ? {} : { destination: where }),
    ...(Object.keys(labels).length === 0 ? {} : { labels }),
  };
}

/** image-updater's sanitizePRLabels (trimmed, no empty names, no duplicates), and GitHub's length limit. */
function prLabelsOf(labels: readonly string[], tooLong: (label: string) => void): string[] {
  const out = new Set<string>();
  for (const raw of labels) {
    const label = raw.trim();
    if (label === "" || out.has(label)) continue;
    if (label.length > GITHUB_LABEL_MAX) tooLong(label);
    else out.add(label);
  }
  return [...out];
}

interface Located {
  readonly git: GitTarget;
  readonly write: Omit<WriteTarget, "kustomizeImageName" | "helm">;
}

/** Turn an Application's image declarations into Targets; problems name the app, key and value. */
export function targetsForApplication(input: AppTargetsInput): AppTargetsResult {
  const { app, images, writeBack } = input;
  const label = appLabel(app);
  const namespace = app.metadata.namespace ?? input.argocdNamespace;
  const problems: TargetProblem[] = [];
  const targets: Target[] = [];
  const skipped: { app: string; reason: string }[] = [];
  const key = (name: string, crField: string): string =>
    input.keyStyle === "annotation" ? `argocd-image-updater.argoproj.io/${name}` : crField;
  const problem = (message: string, image: string | null = null, severity: "error" | "warning" = "error"): void => {
    problems.push({ app: label, image, file: app.file, message: `${input.declaredIn}: ${message}`, severity });
  };

  for (const [index, detected] of (input.sourceTypes ?? []).entries()) {
    if (detected === null || detected.type !== null) continue;
    const where = (app.spec.sources?.length ?? 0) > 0 ? `spec.sources[${index}]` : "spec.source";
    problem(
      `${where} is ${detected.conflict.join(" and ")} at once${detected.from === "override-file" ? " (with the blocks its .argocd-source file adds)" : ""}, which Argo CD refuses to render ("multiple application sources defined"); keep one of its ${detected.conflict.map((t) => t.toLowerCase()).join(" / ")} blocks. No target was made for this application`,
    );
    return { targets, problems, skipped };
  }
  const type = applicationType(app, writeBack, images, input.sourceTypes);
  const source = chooseSource(app, type, input.sourceTypes);
  if (type === "plugin") {
    // A git target (helmvalues / kustomization) made the type Helm or Kustomize above; what is left
    // is what image-updater v1 does that a reviewed PR must not: see pluginReason.
    skipped.push({ app: label, reason: pluginReason(app, isGitMethod(writeBack.method), overrideFileName(app, input.argocdNamespace)) });
    return { targets, problems, skipped };
  }

  // write-back-method
  const methodValue = writeBack.method ?? "argocd";
  let method: "argocd" | "git";
  if (methodValue === "argocd") method = "argocd";
  else if (methodValue === "git" || methodValue.startsWith("git:")) {
    method = "git";
    const creds = methodValue.slice(4);
    // image-updater v1 (getGitCredsSource): repocreds, secret:<name> (in the app's namespace) or secret:<namespace>/<name>.
    if (methodValue.startsWith("git:") && creds !== "repocreds" && !/^secret:(?:[^/\s]+\/)?[^/\s]+$/.test(creds)) {
      problem(
        `${key("write-back-method", "writeBackConfig.method")} "${methodValue}" has unknown credentials "${creds}"; use git, git:repocreds, git:secret:<name> or git:secret:<namespace>/<name> (credentials are not used by argocd-image-pr, which writes through the GitHub App)`,
        null,
        "warning",
      );
    }
  } else {
    problem(
      `${key("write-back-method", "writeBackConfig.method")} "${methodValue}" is not a write-back method; use argocd, git, git:repocreds, git:secret:<name> or git:secret:<namespace>/<name>. No target was made for this application`,
    );
    return { targets, problems, skipped };
  }

  // git-branch base[:target]
  let branchOverride: string | null = null;
  if (writeBack.branch !== undefined) {
    const parts = writeBack.branch.split(":");
    if (parts.length > 2) {
      problem(
        `${key("git-branch", "writeBackConfig.gitConfig.branch")} "${writeBack.branch}" must be <base> or <base>:<write-branch>. No target was made for this application`,
      );
      return { targets, problems, skipped };
    }
    // The write branch (after `:`) does not matter here: each update gets its own PR branch.
    // An empty base (`:target`) means the source's targetRevision, as in image-updater.
    branchOverride = (parts[0] ?? "").trim() || null;
  }

  const located = locate();
  if (located === null) return { targets, problems, skipped };

  const deploysFrom = deploySources(located);
  const appRef = appRefOf(app, namespace);
  const pullRequestLabels = prLabelsOf(writeBack.pullRequestLabels ?? [], (label) =>
    problem(
      `writeBackConfig.gitConfig.pullRequest.labels: "${quoteForMessage(label)}" is longer than the ${GITHUB_LABEL_MAX} characters a GitHub label may have; it is not added to the pull request. Shorten it`,
      null,
      "warning",
    ),
  );
  const seen = new Set<string>();
  for (const decl of images) {
    const parsed = parseImageSpec(decl.spec);
    if (!parsed.ok) {
      switch (parsed.problem) {
        case "digest": {
          const alias = decl.alias ?? splitImageSpec(decl.spec).alias;
          problem(
            `${decl.key} entry "${decl.spec}"${alias ? ` (alias "${alias}")` : ""}: ${parsed.reason}. This image was skipped`,
            decl.spec,
          );
          break;
        }
        case "invalid":
          problem(
            `${decl.key} entry "${decl.spec}" is not a valid image: ${parsed.reason}. Write it as alias=registry/repository[:constraint]`,
            decl.spec,
          );
          break;
      }
      continue;
    }
    const alias = decl.alias ?? parsed.spec.alias ?? defaultAlias(parsed.spec.image);
    const imageName = `${parsed.spec.image.registry}/${parsed.spec.image.repository}`;
    const { policy, issues } = buildPolicy(decl.settings, {
      constraint: parsed.spec.constraint,
      verbatim: input.keyStyle === "image-updater",
    });
    for (const issue of issues) {
      const settingKey =
        input.keyStyle === "annotation"
          ? `argocd-image-updater.argoproj.io/${parsed.spec.alias ? `${parsed.spec.alias}.` : ""}${issue.key}`
          : `commonUpdateSettings.${issue.key === "update-strategy" ? "updateStrategy" : issue.key === "allow-tags" ? "allowTags" : issue.key === "ignore-tags" ? "ignoreTags" : "platforms"}`;
      problem(
        `${settingKey} for image "${alias}": ${issue.message}${policy === null && issue.severity === undefined ? ". This image was skipped" : ""}`,
        imageName,
        issue.severity ?? "error",
      );
    }
    if (policy === null) continue;
    const id = applicationTargetId(namespace, app.metadata.name, alias);
    if (seen.has(id)) {
      problem(
        `two images share the alias "${alias}"; give each image in ${decl.key} its own alias (alias=image). The second was skipped`,
        imageName,
      );
      continue;
    }
    seen.add(id);
    const helm: HelmKeys | null =
      decl.helm === null ? null : { imageName: decl.helm.name ?? null, imageTag: decl.helm.tag ?? null, imageSpec: decl.helm.spec ?? null };
    targets.push({
      id,
      origin: input.origin,
      app: appRef,
      alias,
      image: parsed.spec.image,
      git: located.git,
      write: { ...located.write, kustomizeImageName: decl.kustomizeName, helm },
      policy,
      forceUpdate: decl.settings.forceUpdate ?? false,
      pullSecret: decl.settings.pullSecret ?? null,
      liveImages: app.status?.summary?.images ?? null,
      declaredIn:
        app.file === null
          ? input.declaredIn
          : `${input.declaredIn} (${app.generatedBy === undefined ? "" : `generated by ${app.generatedBy} in `}${app.file})`,
      deploysFrom,
      ...(pullRequestLabels.length === 0 ? {} : { pullRequestLabels }),
    });
  }
  return { targets, problems, skipped };

  /**
   * What the Application deploys from in the repository `git` writes: each source counts there when it is
   * that repository as gitFor names it (git-repository over its repoURL). A chart from a Helm
   * repository has no path in git; a `ref:` source without a path gives only the valueFiles that
   * name it (`$<ref>/…`), which is all Argo CD reads from it.
   */
  function deploySources({ git, write }: Located): DeploySources {
    const all = (app.spec.sources?.length ?? 0) > 0 ? (app.spec.sources ?? []) : app.spec.source === undefined ? [] : [app.spec.source];
    const here = (s: ApplicationSource): boolean => {
      const repo = parseGitHubRepoURL(writeBack.repository ?? s.repoURL, input.gitHubHosts);
      return (
        repo !== null &&
        git.repo !== null &&
        repo.owner.toLowerCase() === git.repo.owner.toLowerCase() &&
        repo.name.toLowerCase() === git.repo.name.toLowerCase()
      );
    };
    const paths = all
      .filter((s) => here(s) && s.chart === undefined && (s.ref === undefined || s.path !== undefined))
      .map((s) => normalizeRepoPath(s.path ?? ""));
    const valueFiles = all.flatMap((s) =>
      (s.helm?.valueFiles ?? []).flatMap((file) => {
        if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return [];
        const ref = /^\$([^/]+)\/(.+)$/.exec(file);
        if (ref !== null) {
          const named = all.find((other) => other.ref === ref[1]);
          return named !== undefined && here(named) ? [normalizeRepoPath(ref[2] ?? "")] : [];
        }
        if (file.startsWith("$") || s.chart !== undefined || !here(s)) return [];
        return [resolveTargetPath(file, normalizeRepoPath(s.path ?? ""))];
      }),
    );
    const overrideName = overrideFileName(app, input.argocdNamespace);
    // write-back-method argocd: the target is the Application manifest itself, wherever it is kept.
    const manifest = write.kind === "application" ? write.path : null;
    return {
      paths: [...new Set(paths)],
      valueFiles: [...new Set(valueFiles)],
      overrideFiles: [...new Set(paths.map((path) => posix.join(path, overrideName)))],
      manifest,
    };
  }

  function gitFor(repoURL: string, revision: string | undefined): GitTarget | null {
    const url = writeBack.repository ?? repoURL;
    const repo = parseGitHubRepoURL(url, input.gitHubHosts);
    if (repo === null) {
      problem(
        `repository "${url}" is not on GitHub, so argocd-image-pr cannot open pull requests for it; point ${writeBack.repository !== undefined ? key("git-repository", "writeBackConfig.gitConfig.repository") : "spec.source.repoURL"} at a github.com repository (https://github.com/<owner>/<repo> or git@github.com:<owner>/<repo>.git)${(input.gitHubHosts ?? []).length === 0 ? ", or for GitHub Enterprise Server set GHE_HOST to its host" : ` or one on ${(input.gitHubHosts ?? []).join(", ")}`}`,
      );
      return null;
    }
    const branch = branchOverride ?? branchOf(revision);
    if (branch !== null && /^[0-9a-f]{40}$/.test(branch)) {
      problem(
        `targetRevision "${branch}" is a commit, not a branch, so there is no branch to open a pull request against; set ${key("git-branch", "writeBackConfig.gitConfig.branch")} to the branch the commit comes from`,
      );
      return null;
    }
    return { repoURL: url, repo, branch };
  }

  function locate(): Located | null {
    const sourcePath = normalizeRepoPath(source.path ?? "");
    const target = writeBack.target;
    // A directory app (plain manifests) has no parameter overrides to write: with argocd, or git
    // without a target, the manifests Argo CD renders from the source path are what runs the image.
    // argocd-image-updater skips such apps as unsupported; we edit them.
    if (type === "directory" && (method === "argocd" || target === undefined)) {
      const git = gitFor(source.repoURL, source.targetRevision);
      return git && { git, write: { kind: "manifest", path: sourcePath, directory: directorySelection() } };
    }
    // argocd: image-updater patches the live Application; we change the Application manifest in git.
    // An Application an ApplicationSet generates is not a file to edit: like one from the cluster.
    if (method === "argocd" && app.file !== null && app.generatedBy === undefined) {
      const git = input.manifestsRepo ?? gitFor(source.repoURL, source.targetRevision);
      if (git === null) return null;
      return {
        git,
        write: {
          kind: "application",
          path: normalizeRepoPath(app.file),
          ...(type === "helm" || type === "kustomize" ? { applicationType: type } : {}),
        },
      };
    }
    if (method === "git" && target !== undefined) {
      if (target.startsWith("kustomization")) {
        const rest = target === "kustomization" ? "." : target.slice("kustomization:".length);
        if (target !== "kustomization" && !target.startsWith("kustomization:")) return badTarget(target);
        const git = gitFor(source.repoURL, source.targetRevision);
        return git && { git, write: { kind: "kustomize", path: resolveTargetPath(rest, sourcePath) } };
      }
      if (target.startsWith("helmvalues")) {
        if (target !== "helmvalues" && !target.startsWith("helmvalues:")) return badTarget(target);
        const rest = target === "helmvalues" ? "values.yaml" : target.slice("helmvalues:".length);
        const values = source.chart !== undefined && writeBack.repository === undefined ? valuesSource() : null;
        if (values !== null) {
          // A chart from a Helm or OCI repository: its values in git are in the `ref:` source it reads.
          const git = gitFor(values.repoURL, values.targetRevision);
          return git && { git, write: { kind: "helm", path: resolveTargetPath(rest, "") } };
        }
        const git = gitFor(source.repoURL, source.targetRevision);
        return git && { git, write: { kind: "helm", path: resolveTargetPath(rest, sourcePath) } };
      }
      // image-updater (backward compatibility): any other value is the override file, from the repo root.
      // A `:` makes it a form (`helm:values.yaml` is a typo, not a file name); a kustomization file
      // is refused, as image-updater refuses it. The pipeline refuses a path that is neither a
      // directory nor a .yaml file (`kustomize`), which would otherwise create a stray file.
      const base = posix.basename(target);
      if (target.includes(":")) return badTarget(target, suggestTarget(target));
      if (/^(kustomization\.ya?ml|Kustomization)$/.test(base)) {
        return badTarget(
          target,
          `"${target}" is a kustomization file: a parameter override file written there would replace it; write kustomization:/${posix.dirname(target) === "." ? "" : posix.dirname(target)} to edit it in place`,
        );
      }
      const git = gitFor(source.repoURL, source.targetRevision);
      return (
        git && {
          git,
          write: {
            kind: "argocd-source",
            path: normalizeRepoPath(target),
            argocdSourceFileName: overrideFileName(app, input.argocdNamespace),
          },
        }
      );
    }
    return defaultLocation(sourcePath);
  }

  /**
   * The git source holding a chart source's values: the `ref:` source its `$<ref>/…` valueFiles
   * name, else the only `ref:` source. Null when there is none (or several, none of them named).
   */
  function valuesSource(): ApplicationSource | null {
    const refs = (app.spec.sources ?? []).filter((s) => s.ref !== undefined && s.chart === undefined);
    const named = (source.helm?.valueFiles ?? []).flatMap((file) => {
      const match = /^\$([^/]+)\//.exec(file);
      return match === null ? [] : refs.filter((s) => s.ref === match[1]);
    });
    return named[0] ?? (refs.length === 1 ? (refs[0] as ApplicationSource) : null);
  }

  /** `spec.source.directory`, with a warning for a glob Argo CD cannot compile (it then includes nothing, or excludes nothing). */
  function directorySelection(): DirectorySelection {
    const where = (app.spec.sources?.length ?? 0) > 0 ? `spec.sources[${(app.spec.sources ?? []).indexOf(source)}]` : "spec.source";
    const globOf = (name: "include" | "exclude"): string | null => {
      const value = source.directory?.[name];
      if (value === undefined || value === "") return null;
      if (compileArgoGlob(value) === null) {
        problem(
          `${where}.directory.${name} "${value}" is not a valid glob, so Argo CD ${name === "include" ? "includes no file" : "excludes no file"}; write it as Argo CD reads it: * and ? (which also match /), [a-z] or [!a-z], {a,b} alternatives, \\ to escape`,
          null,
          "warning",
        );
      }
      return value;
    };
    return { recurse: source.directory?.recurse ?? false, include: globOf("include"), exclude: globOf("exclude") };
  }

  function badTarget(target: string, meant: string | null = null): null {
    problem(
      `${key("write-back-target", "writeBackConfig.gitConfig.writeBackTarget")} "${quoteForMessage(target)}" is not a write-back target${meant === null ? "" : ` (${meant})`}; use kustomization, kustomization:<path>, helmvalues or helmvalues:<path> (a leading / means from the repository root), or a directory or .yaml file for the parameter override file. No target was made for this application`,
    );
    return null;
  }

  /** No explicit target: the kustomization in the app's path, or the app's first Helm values file. */
  function defaultLocation(sourcePath: string): Located | null {
    const kind: WriteKind = type === "helm" ? "helm" : "kustomize";
    // image-updater's git default (and Argo CD's parameter override file) for this app.
    const argocdSourcePath = source.chart === undefined ? posix.join(sourcePath, overrideFileName(app, input.argocdNamespace)) : undefined;
    const withOverride = (write: Located["write"]): Located["write"] =>
      argocdSourcePath === undefined ? write : { ...write, argocdSourcePath };
    if (kind === "kustomize") {
      if (source.chart !== undefined) return notInGit();
      const git = gitFor(source.repoURL, source.targetRevision);
      return git && { git, write: withOverride({ kind, path: sourcePath }) };
    }
    const valueFile = source.helm?.valueFiles?.[0];
    if (valueFile !== undefined && valueFile.startsWith("$")) {
      // multi-source: `$<ref>/path` points into the source whose `ref:` is <ref>.
      const slash = valueFile.indexOf("/");
      const refName = valueFile.slice(1, slash === -1 ? undefined : slash);
      const refSource = (app.spec.sources ?? []).find((s) => s.ref === refName);
      if (refSource === undefined || slash === -1) {
        problem(
          `values file "${valueFile}" refers to a source with ref "${refName}" that the Application does not have; add it to spec.sources or fix valueFiles`,
        );
        return null;
      }
      const git = gitFor(refSource.repoURL, refSource.targetRevision);
      const sameRef = (source.helm?.valueFiles ?? [])
        .filter((file) => file.startsWith(`$${refName}/`))
        .map((file) => normalizeRepoPath(file.slice(refName.length + 2)));
      return (
        git && {
          git,
          write: { kind, path: normalizeRepoPath(valueFile.slice(slash + 1)), ...(sameRef.length > 1 ? { valuesFiles: sameRef } : {}) },
        }
      );
    }
    if (source.chart !== undefined) return notInGit();
    const git = gitFor(source.repoURL, source.targetRevision);
    // Helm merges the files in order: the pipeline writes the last one that sets the image.
    const inGit = (source.helm?.valueFiles ?? [])
      .filter((file) => !file.startsWith("$") && !/^[a-z]+:\/\//i.test(file))
      .map((file) => resolveTargetPath(file, sourcePath));
    const valuesFiles = inGit.length > 1 ? { valuesFiles: inGit } : {};
    return git && { git, write: withOverride({ kind, path: resolveTargetPath(valueFile ?? "values.yaml", sourcePath), ...valuesFiles }) };
  }

  function notInGit(): null {
    problem(
      `its source is the Helm chart "${source.chart ?? ""}" from ${source.repoURL}, which is not a git repository, and no values file in git was found; add a git source with ref: values and valueFiles: [$values/<path>], or set ${key("write-back-target", "writeBackConfig.gitConfig.writeBackTarget")}`,
    );
    return null;
  }
}
