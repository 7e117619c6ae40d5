import type { UpdateStrategy, WriteKind } from "../model/index.js";

/** One planned tag change, with what a reviewer needs to judge it. */
export interface PlannedUpdate {
  readonly targetId: string;
  readonly app: string | null;
  readonly alias: string;
  /** `registry/repository`. */
  readonly image: string;
  /** Repo-relative path of the file that changes. */
  readonly file: string;
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
}

export interface PlanProblem {
  readonly app: string | null;
  readonly image: string | null;
  readonly file: string | null;
  readonly message: string;
  /** Absent means "error". */
  readonly severity?: "error" | "warning";
}

export interface PlanSkip {
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

export interface PlanStats {
  readonly targets: number;
  /** Unique image repositories looked up. */
  readonly images: number;
  readonly registryRequests: number;
  readonly durationMs: number;
}

/** The new text of one file, when the plan changes it. */
export interface FileChange {
  readonly file: string;
  readonly before: string;
  readonly after: string;
}

export interface PlanResult {
  readonly updates: readonly PlannedUpdate[];
  readonly upToDate: readonly PlanQuiet[];
  readonly errors: readonly PlanProblem[];
  /** Configuration that works as written but is probably not what was meant (unknown keys…). */
  readonly warnings: readonly PlanProblem[];
  readonly skipped: readonly PlanSkip[];
  readonly changes: readonly FileChange[];
  readonly written: boolean;
  readonly stats: PlanStats;
}
