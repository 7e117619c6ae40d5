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
  /** The updates that land: those whose file composed. */
  readonly updates: readonly PlannedUpdate[];
  /** One per file left out whole (an edit that failed, or targets that disagree), naming the target. */
  readonly problems: readonly PlanProblem[];
}

type Update = Extract<TargetOutcome, { kind: "update" }>;

interface Entry {
  readonly before: string;
  after: string;
  readonly edits: Update[];
}

/**
 * Apply every update's edit to its file, file by file, in outcome order. A file is composed whole or
 * not at all: one whose base cannot be read, whose edit fails, or whose targets want one image at
 * different versions (only the last would land) is left out, with a problem, and its updates do not
 * land; the other files are composed.
 */
export async function composeChanges(outcomes: readonly TargetOutcome[], base: Pick<RepoReader, "read">): Promise<Composition> {
  const byFile = new Map<string, Entry>();
  const failed = new Map<string, PlanProblem>();
  for (const outcome of outcomes) {
    if (outcome.kind !== "update") continue;
    const { file } = outcome.edit;
    if (failed.has(file)) continue;
    try {
      let entry = byFile.get(file);
      if (entry === undefined) {
        const text = (await base.read(file)) ?? "";
        entry = { before: text, after: text, edits: [] };
        byFile.set(file, entry);
      }
      entry.after = applyTargetEdit(entry.after, outcome.edit);
      entry.edits.push(outcome);
    } catch (error) {
      byFile.delete(file);
      failed.set(file, problemOf(outcome, describeError(error)));
    }
  }
  for (const [file, entry] of byFile) {
    const conflict = conflictIn(file, entry.after, entry.edits);
    if (conflict !== null) {
      byFile.delete(file);
      failed.set(file, conflict);
    }
  }
  const changes = [...byFile.entries()]
    .filter(([, entry]) => entry.after !== entry.before)
    .map(([file, entry]) => ({ file, before: entry.before, after: entry.after }));
  const updates = outcomes.flatMap((outcome) => (outcome.kind === "update" && byFile.has(outcome.edit.file) ? [outcome.update] : []));
  return { changes, updates, problems: [...failed.values()] };
}

function problemOf(outcome: Update, message: string): PlanProblem {
  return { target: outcome.target.id, app: outcome.update.app, image: outcome.update.image, file: outcome.edit.file, message };
}

function version(edit: TargetEdit): string {
  return `${edit.tag}${edit.digest === null ? "" : `@${edit.digest}`}`;
}

/** Two targets that set one image in one file to different versions: a later edit overwrote an earlier one. */
function conflictIn(file: string, text: string, edits: readonly Update[]): PlanProblem | null {
  const overwritten = edits.find(({ edit }) => {
    const found = readImage(text, file, edit.locator);
    return found === null || found.tag !== edit.tag || found.digest !== edit.digest;
  });
  if (overwritten === undefined) return null;
  const others = edits.filter((other) => other.update.image === overwritten.update.image && other !== overwritten);
  const versions = [overwritten, ...others].map((outcome) => `${outcome.target.id} wants ${version(outcome.edit)}`);
  return problemOf(
    overwritten,
    `${file}: several targets set ${overwritten.update.image} to different versions (${versions.join("; ")}), so nothing was written to the file; keep one declaration of the image for this file`,
  );
}
