/**
 * Per-target outcomes → the new text of each file, over a base (the checkout for `plan --write`,
 * the base branch's commit for a pull request). Pure: the base is read through the port given.
 */
import { describeError } from "../errors/index.js";
import { readImage } from "../editors/index.js";
import { applyTargetEdit } from "./apply-target-edit.js";
import type { FileChange, PlanProblem, PlannedUpdate, RepoReader, TargetEdit, TargetOutcome } from "./types.js";

export interface Composition {
  /** The files whose text changes, in the order their first edit came. */
  readonly changes: readonly FileChange[];
  /** The updates that land: those whose every file composed. */
  readonly updates: readonly PlannedUpdate[];
  /**
   * One per file left out whole (an edit that failed, or targets that disagree), naming the
   * target; and one per target held back because another of its files was left out.
   */
  readonly problems: readonly PlanProblem[];
}

type Update = Extract<TargetOutcome, { kind: "update" }>;

interface Applied {
  readonly outcome: Update;
  readonly edit: TargetEdit;
}

interface Entry {
  readonly before: string | null;
  after: string;
  readonly applied: Applied[];
}

/**
 * Apply every update's edits to their files, file by file, in outcome order. A file is composed
 * whole or not at all: one whose base cannot be read, whose edit fails, or whose targets want one
 * image at different versions (only the last would land) is left out, with a problem, and its
 * updates do not land. A target's edits land together: when one of its files is left out, its
 * edits of the other files are not applied either (those files are composed without them). The
 * other files are composed.
 */
export async function composeChanges(outcomes: readonly TargetOutcome[], base: Pick<RepoReader, "read">): Promise<Composition> {
  const updates = outcomes.filter((outcome): outcome is Update => outcome.kind === "update");
  const failed = new Map<string, PlanProblem>();
  const bases = new Map<string, string | null>();
  for (const outcome of updates) {
    for (const { file } of outcome.edits) {
      if (bases.has(file) || failed.has(file)) continue;
      try {
        bases.set(file, await base.read(file));
      } catch (error) {
        failed.set(file, problemOf(outcome, file, describeError(error)));
      }
    }
  }
  const held = new Set<Update>();
  let byFile: Map<string, Entry>;
  for (;;) {
    byFile = composeOnce(
      updates.filter((outcome) => !held.has(outcome)),
      bases,
      failed,
    );
    const before = held.size;
    for (const outcome of updates) if (outcome.edits.some((edit) => failed.has(edit.file))) held.add(outcome);
    if (held.size === before) break;
  }
  const named = new Set([...failed.values()].map((problem) => problem.target));
  const problems = [...failed.values()];
  for (const outcome of held) {
    if (named.has(outcome.target.id)) continue;
    const left = outcome.edits.filter((edit) => failed.has(edit.file)).map((edit) => edit.file);
    const others = outcome.edits.filter((edit) => !failed.has(edit.file)).map((edit) => edit.file);
    if (others.length === 0) continue; // its only files were left out: their problems say why
    problems.push(
      problemOf(
        outcome,
        left[0] ?? null,
        `${outcome.update.image} was not updated: ${left.join(", ")} could not be edited (see the error for ${left.length === 1 ? "that file" : "those files"}), and the update changes its files together, so ${others.join(", ")} ${others.length === 1 ? "was" : "were"} left as ${others.length === 1 ? "it was" : "they were"}`,
      ),
    );
  }
  const changes = [...byFile.entries()]
    .filter(([, entry]) => entry.after !== (entry.before ?? ""))
    .map(([file, entry]) => ({ file, before: entry.before, after: entry.after }));
  const landed = updates.filter((outcome) => !held.has(outcome)).map((outcome) => outcome.update);
  return { changes, updates: landed, problems };
}

/** One composition of the given updates' edits; files that fail are added to `failed`. */
function composeOnce(
  updates: readonly Update[],
  bases: ReadonlyMap<string, string | null>,
  failed: Map<string, PlanProblem>,
): Map<string, Entry> {
  const byFile = new Map<string, Entry>();
  for (const outcome of updates) {
    for (const edit of outcome.edits) {
      const { file } = edit;
      if (failed.has(file)) continue;
      let entry = byFile.get(file);
      if (entry === undefined) {
        const text = bases.get(file) ?? null;
        entry = { before: text, after: text ?? "", applied: [] };
        byFile.set(file, entry);
      }
      try {
        entry.after = applyTargetEdit(entry.after, edit);
        entry.applied.push({ outcome, edit });
      } catch (error) {
        byFile.delete(file);
        failed.set(file, problemOf(outcome, file, describeError(error)));
      }
    }
  }
  for (const [file, entry] of byFile) {
    const conflict = conflictIn(file, entry.after, entry.applied);
    if (conflict !== null) {
      byFile.delete(file);
      failed.set(file, conflict);
    }
  }
  return byFile;
}

function problemOf(outcome: Update, file: string | null, message: string): PlanProblem {
  return { target: outcome.target.id, app: outcome.update.app, image: outcome.update.image, file, message };
}

function version(edit: TargetEdit): string {
  return `${edit.tag}${edit.digest === null ? "" : `@${edit.digest}`}`;
}

/** Two targets that set one image in one file to different versions: a later edit overwrote an earlier one. */
function conflictIn(file: string, text: string, applied: readonly Applied[]): PlanProblem | null {
  const overwritten = applied.find(({ edit }) => {
    const found = readImage(text, file, edit.locator);
    return found === null || found.tag !== edit.tag || found.digest !== edit.digest;
  });
  if (overwritten === undefined) return null;
  const others = applied.filter((other) => other.outcome.update.image === overwritten.outcome.update.image && other !== overwritten);
  const versions = [overwritten, ...others].map(({ outcome, edit }) => `${outcome.target.id} wants ${version(edit)}`);
  return problemOf(
    overwritten.outcome,
    file,
    `${file}: several targets set ${overwritten.outcome.update.image} to different versions (${versions.join("; ")}), so nothing was written to the file; keep one declaration of the image for this file`,
  );
}
