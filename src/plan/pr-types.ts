/**
 * The pull-request side of plan/: what the app wants on GitHub (DesiredPr), what GitHub has
 * (ManagedPr, as github/ reads it), and the idempotent actions between the two (PrAction).
 * Data only: github/ executes actions, plan/ decides them.
 */
import type { FileChange, PlannedUpdate } from "./types.js";

export type RebasePolicy = "conflicted" | "behind" | "never";
export type MergeMethod = "merge" | "squash" | "rebase";
/** How far a tag moves: semver steps, or `other` (not two versions: digests, build ids, names). */
export type UpdateType = "patch" | "minor" | "major" | "other";

/** A repo-config `automerge` rule: every field given must match; `updateTypes` defaults to patch and minor. */
export interface AutomergeRule {
  /** Glob over the Application name (or the repo-config target name). */
  readonly applications?: string;
  /** Application labels: each key's value must match the glob. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Glob over the edited file's path (`overlays/dev/**`). */
  readonly paths?: string;
  readonly updateTypes?: readonly UpdateType[];
}

/** Per-target settings that do not live on the Target (repo-config `group:`, `automerge:`, image-updater `pullRequest.labels`). */
export interface TargetPrSettings {
  readonly group?: string;
  readonly automerge?: boolean;
  readonly labels?: readonly string[];
  /** The Application's labels, for automerge rules. */
  readonly appLabels?: Readonly<Record<string, string>>;
  /** Where the Application deploys (`in-cluster / my-app`), for the PR body. */
  readonly destination?: string;
  /** Revision label of the image the file runs now (for the compare link), when looked up. */
  readonly fromRevision?: string;
}

/** How desired PRs are shaped: the repo config's pull-request settings, with defaults filled in. */
export interface PrSettings {
  /** The repository's default branch: targets without a branch are based on it. */
  readonly defaultBranch: string;
  /** Labels every update PR gets, besides `argocd-image-pr`. */
  readonly labels: readonly string[];
  /** Title for a PR of one image; `{image}`, `{from}`, `{to}`, `{group}`, `{app}`. Null: `Update {image} to {to} ({group})`. */
  readonly title: string | null;
  /** Conventional-commit prefix (`chore(deps)`): prepended to titles and commit subjects. */
  readonly commitPrefix: string | null;
  readonly rebase: RebasePolicy;
  readonly mergeMethod: MergeMethod;
  readonly automerge: readonly AutomergeRule[];
  /** Keyed by target id. */
  readonly targets: Readonly<Record<string, TargetPrSettings>>;
}

export const DEFAULT_PR_SETTINGS: Omit<PrSettings, "defaultBranch"> = {
  labels: [],
  title: null,
  commitPrefix: null,
  rebase: "conflicted",
  mergeMethod: "squash",
  automerge: [],
  targets: {},
};

/** One target as an update PR records it in its metadata block. */
export interface PrMetadataTarget {
  readonly id: string;
  readonly image: string;
  readonly from: string | null;
  readonly to: string;
  readonly digest: string | null;
  readonly file: string;
}

/** The hidden, versioned block in every update PR's body: what the app did, rebuilt from GitHub alone. */
export interface PrMetadata {
  readonly version: 1;
  /** The group: one PR per group, on branch `argocd-image-pr/<slug>`. */
  readonly key: string;
  readonly base: string;
  readonly targets: readonly PrMetadataTarget[];
  /** Set once the app stopped touching the PR because someone else pushed to its branch. */
  readonly handsOff?: true;
  /** Set by the app's own close (the update became moot) in the same request: a close that refuses no tag, recognisable after a restart. */
  readonly closedByApp?: true;
}

/** A pull request the app wants open, with the exact commit it should hold. */
export interface DesiredPr {
  readonly key: string;
  readonly branch: string;
  /** Base branch name, and the commit the PR's commit goes on. */
  readonly base: string;
  readonly baseSha: string;
  readonly title: string;
  readonly body: string;
  /** Commit message; its trailer identifies the app's commit (see own-commit.ts). */
  readonly commitMessage: string;
  readonly labels: readonly string[];
  readonly automerge: boolean;
  readonly mergeMethod: MergeMethod;
  /** Every file the commit changes: the base's text and the new text (the editors' minimal diff). */
  readonly files: readonly FileChange[];
  readonly metadata: PrMetadata;
  readonly updates: readonly PlannedUpdate[];
}

/** The head commit of an app branch, as GitHub reports it (REST `GET /commits/{sha}`). */
export interface BranchCommit {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly message: string;
  /** Files the commit changes against its first parent: path → new blob sha (null: removed). */
  readonly files: ReadonlyMap<string, string | null>;
}

export interface PrOnGitHub {
  readonly number: number;
  readonly state: "open" | "closed";
  readonly merged: boolean;
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
  readonly base: string;
  /** GitHub's own auto-merge is enabled on it. */
  readonly autoMerge: boolean;
  /** The PR's metadata block, or null when missing or tampered with (then it is not ours). */
  readonly metadata: PrMetadata | null;
}

/**
 * An `argocd-image-pr/*` branch and its pull request, as github/ reads them. `pr` is the open PR
 * of the branch, or (when none is open) the last closed one whose head is still the branch's head.
 */
export interface ManagedPr {
  readonly branch: string;
  /** The branch's head, or null when the PR is open but its branch is gone. */
  readonly head: BranchCommit | null;
  readonly pr: PrOnGitHub | null;
}

/** Why an existing PR gets a fresh commit. */
export type RecommitReason = "update" | "rebase-conflicted" | "rebase-behind" | "repair";

/**
 * One idempotent step towards the desired PRs, keyed by the branch. `create` and `adopt` make the
 * commit on the base head and open the PR; `update` rewrites an open PR (commit only when `commit`).
 */
export type PrAction =
  | { readonly kind: "create"; readonly branch: string; readonly desired: DesiredPr }
  | { readonly kind: "adopt"; readonly branch: string; readonly desired: DesiredPr; readonly headSha: string; readonly commit: boolean }
  | {
      readonly kind: "update";
      readonly branch: string;
      readonly number: number;
      readonly desired: DesiredPr;
      readonly headSha: string | null;
      /** Null: the branch already holds the right commit; only title, body or labels change. */
      readonly commit: RecommitReason | null;
      readonly retitle: boolean;
      readonly addLabels: readonly string[];
    }
  | {
      readonly kind: "close";
      readonly branch: string;
      readonly number: number;
      readonly comment: string;
      readonly headSha: string | null;
      /** The PR's body with the metadata block marked closed by the app, written with the close. */
      readonly body: string;
    }
  | {
      readonly kind: "hands-off";
      readonly branch: string;
      readonly number: number;
      readonly comment: string;
      /** The PR's body with the metadata block marked hands-off. */
      readonly body: string;
      readonly removeLabels: readonly string[];
      readonly disableAutoMerge: boolean;
    }
  | { readonly kind: "delete-branch"; readonly branch: string; readonly headSha: string; readonly reason: string }
  | {
      /**
       * A note on one of the app's PRs (a hold after a rollback, on the PR that brought the tag in),
       * made once: `key` marks it, and a note already there is not made again.
       */
      readonly kind: "comment";
      readonly branch: string;
      readonly number: number;
      readonly key: string;
      readonly comment: string;
    }
  | {
      /**
       * The PR carries the automerge label: GitHub's native auto-merge where the repository allows
       * it, else the app merges once checks passed and it is mergeable. `headSha` is the app's own
       * commit: a merge is refused by GitHub if anything else is on the branch by then.
       */
      readonly kind: "automerge";
      readonly branch: string;
      readonly number: number;
      readonly headSha: string;
      readonly mergeMethod: MergeMethod;
    };

export type PrActionKind = PrAction["kind"];

export const PR_LABEL = "argocd-image-pr";
export const AUTOMERGE_LABEL = "argocd-image-pr:automerge";
export const BRANCH_PREFIX = "argocd-image-pr/";
/**
 * The branch that holds the app's state (github/'s state store): under the app's prefix, so pushes
 * to it never set off a pass, yet never a PR branch — no group's branch is ever this name.
 */
export const STATE_BRANCH = `${BRANCH_PREFIX}state`;

/** The dashboard issue: one per repository, opened by the app with this label, its body starting with the marker. */
export const DASHBOARD_LABEL = "argocd-image-pr:dashboard";
export const DASHBOARD_MARKER = "<!-- argocd-image-pr:dashboard v1 -->";
