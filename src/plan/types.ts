/**
 * The seam between the engine and the GitHub side. The engine (pipeline/) hands over one outcome
 * per target — never merged per file — with an edit that can be re-applied to any base text;
 * plan/ turns outcomes into desired pull requests (pure), and github/ implements RepoReader over a
 * commit. github/ imports only these types.
 */
import type { ImageLocator } from "../editors/index.js";
import type { Target, UpdateStrategy, WriteKind } from "../model/index.js";

/** One entry of a directory at a revision. `other`: FIFO, socket, device, submodule — never read. */
export interface RepoEntry {
  readonly name: string;
  readonly type: "file" | "dir" | "symlink" | "other";
}

/**
 * The read side of a workspace: a checkout for the CLI, a commit's tree for the app.
 * Paths are repo-relative POSIX paths. `null` means absent; failures throw an AppError.
 */
export interface RepoReader {
  /** File text (UTF-8), or null when there is no such file. */
  read(path: string): Promise<string | null>;
  /** Directory entries, or null when there is no such directory. */
  list(dir: string): Promise<readonly RepoEntry[] | null>;
}

/** One planned tag change, with what a reviewer needs to judge it. */
export interface PlannedUpdate {
  readonly targetId: string;
  readonly app: string | null;
  readonly alias: string;
  /** `registry/repository`. */
  readonly image: string;
  /** Repo-relative path of the file that changes (the first of `files`). */
  readonly file: string;
  /** Every file the update changes: one, or for a directory-type Application each manifest that runs the image. */
  readonly files: readonly string[];
  readonly kind: WriteKind;
  readonly from: string | null;
  readonly fromDigest: string | null;
  readonly to: string;
  /** The digest written with the tag (`tag@digest`): digest strategy, or a file that pinned one. */
  readonly digest: string | null;
  /** The new tag's manifest digest as the registry serves it (the index's, for multi-arch), written or not. */
  readonly imageDigest: string | null;
  readonly strategy: UpdateStrategy;
  readonly reason: string;
  /** Build date of the new image (config `created`), when the image says. */
  readonly created: string | null;
  /** `org.opencontainers.image.source` / `…revision` of the new image, when known. */
  readonly sourceUrl: string | null;
  readonly revision: string | null;
  /**
   * A person's decision behind the tag, when it is not the policy's: a pin (by whom, where), or
   * /rollback's revert of PR `reverts`. Titles and bodies say so.
   */
  readonly intent?: UpdateIntent;
}

export type UpdateIntent =
  | { readonly kind: "pin"; readonly source: string; readonly link: string | null }
  | { readonly kind: "rollback"; readonly source: string; readonly link: string | null; readonly reverts: number | null };

export interface PlanProblem {
  /** The target's stable id, or null for a problem with a declaration that made no target. */
  readonly target?: string | null;
  readonly app: string | null;
  readonly image: string | null;
  readonly file: string | null;
  readonly message: string;
  /** Absent means "error". */
  readonly severity?: "error" | "warning";
}

export interface PlanSkip {
  readonly target?: string | null;
  readonly app: string | null;
  readonly image: string | null;
  readonly reason: string;
}

/** A target that needs nothing: already on the chosen tag, or nothing eligible. */
export interface PlanQuiet {
  readonly targetId: string;
  readonly app: string | null;
  readonly alias: string;
  readonly image: string;
  readonly file: string | null;
  readonly current: string | null;
  readonly reason: string;
}

/** The new text of one file, when the plan changes it. */
export interface FileChange {
  readonly file: string;
  /** The base text; null when the file does not exist there (the change creates it). */
  readonly before: string | null;
  readonly after: string;
}

/**
 * One target's own change, re-applicable to any text of `file` (the base branch's, or one that
 * other targets' edits already changed): `applyTargetEdit` in plan/ applies it and re-reads the
 * result. Data only, so it can be stored, compared and tested.
 */
export interface TargetEdit {
  readonly file: string;
  readonly kind: WriteKind;
  readonly locator: ImageLocator;
  readonly tag: string;
  /** Written after the tag (`tag@digest`); null writes no digest (and removes one). */
  readonly digest: string | null;
}

/** What the engine decided for one target. */
export type TargetOutcome =
  /**
   * `edits`: one per file, never empty — a directory-type Application's image may run in several
   * manifests. They land together or not at all (composeChanges).
   */
  | { readonly kind: "update"; readonly target: Target; readonly update: PlannedUpdate; readonly edits: readonly TargetEdit[] }
  | { readonly kind: "up-to-date"; readonly target: Target; readonly quiet: PlanQuiet }
  | { readonly kind: "skipped"; readonly target: Target; readonly skip: PlanSkip }
  | { readonly kind: "failed"; readonly target: Target; readonly problems: readonly PlanProblem[] };
