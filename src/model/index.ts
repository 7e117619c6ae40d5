/**
 * The domain types every module shares. Values of these types have been validated at the edge
 * (sources/ for configuration, registry/ for registry answers); inside, they are trusted.
 */
import type { ImageRef } from "../image-ref/index.js";

export type { ImageRef } from "../image-ref/index.js";

/** How the tag an image should run is chosen (argocd-image-updater's names, canonical form). */
export type UpdateStrategy = "semver" | "newest-build" | "alphabetical" | "digest";

/** `allow-tags`: `any`, `regexp:<re>` (unanchored search), or an invalid value that matches nothing. */
export type AllowTags =
  | { readonly kind: "any" }
  | { readonly kind: "regexp"; readonly pattern: string }
  | { readonly kind: "invalid"; readonly value: string; readonly reason?: string };

/** Opt-in limit on how far a semver update may go. */
export type UpdateLevel = "patch" | "minor" | "major";

export interface ImagePolicy {
  readonly strategy: UpdateStrategy;
  /**
   * For `semver`: a Masterminds-style constraint (`>=1.27.0 <1.28.0`, `~1.26`, `1.2.x || ^2`).
   * For `digest`: the mutable tag to follow (`latest`). Null when none was given.
   */
  readonly constraint: string | null;
  readonly allowTags: AllowTags;
  /** `ignore-tags` globs (`*`, `?`, `[...]`), matched against the whole tag. */
  readonly ignoreTags: readonly string[];
  /** `os/arch[/variant]`; a tag qualifies only if its image offers every one. Empty: no filter. */
  readonly platforms: readonly string[];
  /** Renovate-style: `1.27.0-alpine` only moves to other `-alpine` tags. */
  readonly keepSuffix: boolean;
  /** Largest semver step allowed (`null`: no limit beyond the constraint). */
  readonly maxUpdate: UpdateLevel | null;
}

/** Where an image's tag is written in the GitOps repo. */
export type WriteKind = "kustomize" | "helm" | "manifest" | "application" | "argocd-source";

export interface HelmKeys {
  /** `helm.image-name`: dotted path to the repository value, e.g. `image.repository`. */
  readonly imageName: string | null;
  /** `helm.image-tag`: dotted path to the tag value, e.g. `image.tag`. */
  readonly imageTag: string | null;
  /** `helm.image-spec`: dotted path to a single `repo:tag` string, e.g. `image`. */
  readonly imageSpec: string | null;
}

/**
 * A directory-type Application's `spec.source.directory`: which files under the source path Argo
 * CD renders (`include` / `exclude` are its globs, matched against the path relative to it).
 */
export interface DirectorySelection {
  readonly recurse: boolean;
  readonly include: string | null;
  readonly exclude: string | null;
}

export interface WriteTarget {
  readonly kind: WriteKind;
  /**
   * Path relative to the GitOps repo's root, POSIX separators, no leading `./` or `/`.
   * A directory for `kustomize` when the file name is not known yet (the pipeline resolves
   * `kustomization.yaml` / `.yml` / `Kustomization`), a file otherwise.
   */
  readonly path: string;
  /** kustomize: the `images[].name` to match when it differs from the image (`kustomize.image-name`). */
  readonly kustomizeImageName: string | null;
  /** helm: which keys hold the image. Null: the editor's conventional guesses (`image.tag`, …). */
  readonly helm: HelmKeys | null;
  /**
   * Argo CD's parameter-override file for the Application, `<app path>/.argocd-source-<app>.yaml`
   * (`.argocd-source-<namespace>_<app>.yaml` outside Argo CD's namespace),
   * set on Application targets with no explicit write-back target. argocd-image-updater's default
   * git write-back writes there, so migrating repos often have it; when it exists, Argo CD applies
   * it on top of `path`, and an edit to `path` alone would not change what runs: the pipeline
   * should edit this file instead (as kind "argocd-source"). Absent where it cannot apply.
   */
  readonly argocdSourcePath?: string;
  /**
   * argocd-source: the override file's name when `path` is a directory, as image-updater names it
   * (`.argocd-source-<app>.yaml`, or `.argocd-source-<namespace>_<app>.yaml` for an Application
   * outside Argo CD's namespace). Absent: named after the Application, else the alias.
   */
  readonly argocdSourceFileName?: string;
  /**
   * application: the Application's type as Argo CD decides it, so that an override block of that
   * kind (`kustomize.images` or `helm.parameters`) can be added to a source that has none yet.
   * Absent: decided from the source's own blocks (`helm:`/`chart:` or `kustomize:`).
   */
  readonly applicationType?: "kustomize" | "helm";
  /**
   * kind "manifest" for a directory-type Application: `path` is its source directory, and the
   * target edits every manifest Argo CD renders from it (sources/ directoryManifestFiles) that runs
   * the image. Absent: `path` is one file.
   */
  readonly directory?: DirectorySelection;
  /**
   * helm: every values file the source reads, in order (`helm.valueFiles`), `path` among them. Helm
   * merges them, later over earlier, so the file in charge of the image is the last one that sets
   * it; the pipeline writes there. Absent (or one file): `path`.
   */
  readonly valuesFiles?: readonly string[];
}

export interface GitHubRepo {
  readonly owner: string;
  readonly name: string;
}

export interface GitTarget {
  /** The repository as the Application names it (any form). */
  readonly repoURL: string;
  /** The GitHub repository, or null when repoURL is not on GitHub (reported as an error upstream). */
  readonly repo: GitHubRepo | null;
  /** Branch to read and base the PR on; null means the default branch (`HEAD`). */
  readonly branch: string | null;
}

export type TargetOrigin = "annotations" | "image-updater" | "repo-config";

export interface AppRef {
  readonly name: string;
  readonly namespace: string;
  /**
   * Where the Application deploys, from `spec.destination`: the cluster's name (else its server URL)
   * and the namespace, as `in-cluster / my-app`. Absent when the Application gives neither.
   */
  readonly destination?: string;
  /** The Application's `metadata.labels` (repo-config automerge rules match them). Absent: none. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** One image in one place of the GitOps repo, with the policy that decides its tag. */
export interface Target {
  /**
   * Stable and unique by construction, never dependent on what else exists (branch names and PRs
   * derive from it): `<namespace>/<application>/<alias>` for an Application's image, `<name>/<alias>`
   * for a repo-config target. `app.name` / `alias` are the short form, for display only.
   */
  readonly id: string;
  readonly origin: TargetOrigin;
  readonly app: AppRef | null;
  /** argocd-image-updater alias, or the image's last path component when none was given. */
  readonly alias: string;
  /** The image repository to look up. `tag`/`digest` here are ignored: the current tag comes from git. */
  readonly image: ImageRef;
  readonly git: GitTarget;
  readonly write: WriteTarget;
  readonly policy: ImagePolicy;
  /** argocd-image-updater's `force-update`: update even if the image is not deployed. */
  readonly forceUpdate: boolean;
  /** `pull-secret` as given (`pullsecret:ns/name#key`, `secret:…`, `env:…`, `ext:…`), or null. */
  readonly pullSecret: string | null;
  /** Images the live Application runs (`status.summary.images`), or null when unknown. */
  readonly liveImages: readonly string[] | null;
  /** Where the target was declared, for error messages: `Application argocd/foo`, `.github/argocd-image-pr.yml`. */
  readonly declaredIn: string;
  /** What the target's Application deploys from, the only files it may edit; null for a repo-config target (no Application). */
  readonly deploysFrom: DeploySources | null;
  /**
   * Labels for the target's PR from argocd-image-updater's `writeBackConfig.gitConfig.pullRequest.labels`
   * (trimmed, without empty names or duplicates). Absent: none.
   */
  readonly pullRequestLabels?: readonly string[];
  /** A pin the repo config declares (`pins:`): the engine proposes exactly this tag. */
  readonly pin?: { readonly tag: string; readonly reason: string | null };
}

/**
 * What an Application deploys from in the repository its target writes (`Target.git`): an
 * Application target edits only these files and what their kustomization stacks read, never a
 * file a `write-back-target` points at elsewhere. Repo-relative paths, as WriteTarget.path.
 */
export interface DeploySources {
  /** `path` of every source in that repository (a `ref:` source's only when it has one); "" is the repository root. */
  readonly paths: readonly string[];
  /** Helm `valueFiles` in that repository, of every source (`$<ref>/…` resolved in the `ref:` source). */
  readonly valueFiles: readonly string[];
  /** Argo CD's parameter override file (`.argocd-source-[<ns>_]<app>.yaml`) in each source path. */
  readonly overrideFiles: readonly string[];
  /** The Application manifest, when it was read from a file in that repository (write-back-method argocd edits it); else null. */
  readonly manifest: string | null;
}

/** A problem with one target or one declaration; the pass goes on for the rest. */
export interface TargetProblem {
  readonly app: string | null;
  readonly image: string | null;
  readonly file: string | null;
  readonly message: string;
  /**
   * `error`: the target (or declaration) was dropped or cannot be decided as written.
   * `warning`: the pass goes on as written, but the configuration is probably not what was meant
   * (an unknown annotation key, a deprecated spelling). Absent means `error`.
   */
  readonly severity?: "error" | "warning";
}

/** Tag metadata from the registry, for one tag (resolved for one platform, when asked). */
export interface TagDetails {
  readonly tag: string;
  /** Manifest digest of the tag as the registry serves it (index digest for multi-arch). */
  readonly digest: string | null;
  /** Image config `created`, ISO 8601, or null when the image does not say. */
  readonly created: string | null;
  /** `os/arch[/variant]` the tag offers. */
  readonly platforms: readonly string[];
  /** Image config labels (`org.opencontainers.image.source`, `…revision`, …). */
  readonly labels: Readonly<Record<string, string>>;
}
