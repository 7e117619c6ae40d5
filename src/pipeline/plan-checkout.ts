/**
 * `plan` over a checkout: evaluate every target, compose the outcomes per file (plan/), and with
 * `write` write each file whole or not at all. What `argocd-image-pr plan` prints.
 */
import { ConfigError, describeError } from "../errors/index.js";
import { repositoryKey } from "../image-ref/index.js";
import { silentLogger, type Logger } from "../log/index.js";
import { composeChanges } from "../plan/index.js";
import { evaluateTargets } from "./evaluate-targets.js";
import type { EvaluateOptions } from "./evaluate-targets.js";
import type { RegistryClient } from "../registry/index.js";
import type { FileChange, PlanInput, PlanProblem, PlanQuiet, PlanResult, PlanSkip, TargetOutcome } from "./types.js";
import type { Checkout } from "./checkout.js";

export interface PlanCheckoutDeps {
  readonly checkout: Checkout;
  readonly registry: RegistryClient;
  /** Monotonic milliseconds; injected so tests control it. */
  readonly now: () => number;
  /** Skipped inputs and failed targets at debug / warn, with their context. Default: nowhere. */
  readonly log?: Logger;
}

export interface PlanCheckoutOptions extends EvaluateOptions {
  readonly write: boolean;
}

/** The outcomes as the report reads them: up to date, skipped and failed, in target order. */
function sortOutcomes(outcomes: readonly TargetOutcome[]): {
  upToDate: PlanQuiet[];
  skipped: PlanSkip[];
  errors: PlanProblem[];
  warnings: PlanProblem[];
} {
  const sorted = { upToDate: [] as PlanQuiet[], skipped: [] as PlanSkip[], errors: [] as PlanProblem[], warnings: [] as PlanProblem[] };
  for (const outcome of outcomes) {
    switch (outcome.kind) {
      case "update":
        break;
      case "up-to-date":
        sorted.upToDate.push(outcome.quiet);
        break;
      case "skipped":
        sorted.skipped.push(outcome.skip);
        break;
      case "failed":
        // A target that failed only with warnings (a constraint no tag meets) does not fail the pass.
        for (const problem of outcome.problems) (problem.severity === "warning" ? sorted.warnings : sorted.errors).push(problem);
        break;
    }
  }
  return sorted;
}

/** What the sources skipped or could not read, at debug (the report says it too; a log keeps it for the app). */
function logInput(log: Logger, input: PlanInput): void {
  for (const skip of input.skipped) log.debug({ target: skip.target ?? null, app: skip.app, reason: skip.reason }, "input skipped");
  for (const problem of input.problems) {
    const context = {
      target: problem.target ?? null,
      app: problem.app,
      image: problem.image,
      file: problem.file,
      problem: problem.message,
    };
    if (problem.severity === "warning") log.debug(context, "input warning");
    else log.warn(context, "input not usable");
  }
}

export async function planCheckout(input: PlanInput, deps: PlanCheckoutDeps, options: PlanCheckoutOptions): Promise<PlanResult> {
  const started = deps.now();
  const log = deps.log ?? silentLogger;
  logInput(log, input);
  const outcomes = await evaluateTargets(input, { reader: deps.checkout, registry: deps.registry, log }, options);
  const composed = await composeChanges(outcomes, deps.checkout);
  const sorted = sortOutcomes(outcomes);
  const errors: PlanProblem[] = [...input.problems.filter((p) => p.severity !== "warning"), ...sorted.errors, ...composed.problems];
  const warnings = [...input.problems.filter((p) => p.severity === "warning"), ...sorted.warnings];
  // Each file is written whole or not at all; one that cannot be written fails alone.
  const written: FileChange[] = [];
  const unwritten = new Set<string>();
  if (options.write) {
    for (const change of composed.changes) {
      try {
        await deps.checkout.write(change.file, change.after);
        written.push(change);
      } catch (error) {
        const update = composed.updates.find((u) => u.files.includes(change.file));
        unwritten.add(change.file);
        errors.push({
          target: update?.targetId ?? null,
          app: update?.app ?? null,
          image: update?.image ?? null,
          file: change.file,
          // A file the checkout refuses (read-only, in .git/) says so itself; an I/O failure gets the usual advice.
          message:
            error instanceof ConfigError
              ? `${describeError(error)}; the other files were written`
              : `cannot write ${change.file}: ${describeError(error)}; check the file's and its directory's permissions (the other files were written)`,
        });
      }
    }
  }
  const images = new Set(input.targets.map((target) => repositoryKey(target.image)));
  return {
    updates: composed.updates.filter((u) => !u.files.some((file) => unwritten.has(file))),
    upToDate: sorted.upToDate,
    errors,
    warnings,
    skipped: [...input.skipped, ...sorted.skipped],
    changes: options.write ? written : composed.changes,
    written: options.write,
    stats: {
      targets: input.targets.length,
      images: images.size,
      registryRequests: deps.registry.stats.requests,
      cachedTagDetails: deps.registry.stats.tagCacheHits,
      durationMs: Math.round(deps.now() - started),
    },
  };
}
