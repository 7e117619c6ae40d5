import type { Target } from "../model/index.js";
import type { FileChange, PlanProblem, PlanQuiet, PlanSkip, PlannedUpdate } from "../plan/index.js";

export type {
  FileChange,
  PlanProblem,
  PlanQuiet,
  PlanSkip,
  PlannedUpdate,
  RepoEntry,
  RepoReader,
  TargetEdit,
  TargetOutcome,
  UpdateIntent,
} from "../plan/index.js";

export interface PlanStats {
  readonly targets: number;
  /** Unique image repositories looked up. */
  readonly images: number;
  readonly registryRequests: number;
  /** Tag details answered by the tag cache (memory or `--cache-dir`) instead of the registry. */
  readonly cachedTagDetails: number;
  readonly durationMs: number;
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

/** What the sources gave for one pass: the targets, and what was reported while reading them. */
export interface PlanInput {
  readonly targets: readonly Target[];
  /** Problems found while reading sources; reported with the plan's own. */
  readonly problems: readonly PlanProblem[];
  readonly skipped: readonly PlanSkip[];
}
