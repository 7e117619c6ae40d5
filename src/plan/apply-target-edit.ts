/** One target's edit, applied to any text of its file. Pure. */
import { writeImage } from "../editors/index.js";
import type { TargetEdit } from "./types.js";

/**
 * `text` with the target's image set to the edit's tag (and digest), only those bytes moved; the
 * result is re-read and confirmed. Throws an AppError naming the file when the text does not hold
 * the image (and the kind may not add it), or holds it in a way that cannot be edited safely.
 */
export function applyTargetEdit(text: string, edit: TargetEdit): string {
  return writeImage(text, edit.file, edit.locator, { tag: edit.tag, digest: edit.digest });
}
