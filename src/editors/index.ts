/**
 * Editors: pure text → text rewrites of the files that pin an image's tag. Each format is an
 * `Editor` of the same shape (find occurrences with exact spans, rewrite them); this module applies
 * the replacements to the original bytes, then re-reads the result and confirms the new value, so
 * a returned string is either the untouched input or a file that says exactly what was asked.
 */
import type { ErrorContext } from "../errors/index.js";
import { isValidDigest, isValidTag, repositoryKey } from "../image-ref/index.js";
import type { WriteKind } from "../model/index.js";
import { applicationEditor, argocdSourceEditor } from "./application.js";
import type { Editor, FoundImage, ImageLocator, ImageVersion, MissingReason, Occurrence, Span } from "./editor.js";
import { helmEditor } from "./helm.js";
import { kustomizeEditor } from "./kustomize.js";
import { manifestEditor } from "./manifest.js";
import { applyReplacements, conflict, parseSource, type Replacement } from "./yaml-text.js";

export type { Editor, FoundImage, ImageLocator, ImageVersion, MissingReason, Occurrence, Span } from "./editor.js";
export { argocdSourceFileName } from "./application.js";
export { KUSTOMIZATION_FILES, kustomizationFileName } from "./kustomize.js";
export {
  applyImageEntry,
  kustomizationRefs,
  kustomizeImageEntries,
  kustomizeNameMatches,
  renderKustomization,
  runsRepository,
  splitKustomizeImage,
  versionOf,
  withKustomizationText,
} from "./kustomize-render.js";
export type {
  KustomizationRefs,
  KustomizationTree,
  KustomizeImageEntry,
  KustomizeResource,
  RenderedContainer,
  SplitImage,
} from "./kustomize-render.js";

const EDITORS = {
  kustomize: kustomizeEditor,
  helm: helmEditor,
  manifest: manifestEditor,
  application: applicationEditor,
  "argocd-source": argocdSourceEditor,
} as const satisfies Record<WriteKind, Editor>;

/** Every editor, one per write kind (the contract test loops over them). */
export const editors: readonly Editor[] = Object.values(EDITORS);

export function editorFor(kind: WriteKind): Editor {
  return EDITORS[kind];
}

function contextOf(file: string, locator: ImageLocator): ErrorContext {
  const image = repositoryKey(locator.image);
  return locator.appName === null ? { file, image } : { file, image, app: locator.appName };
}

function describe(version: { tag: string | null; digest: string | null }): string {
  return `${version.tag ?? "(no tag)"}${version.digest === null ? "" : `@${version.digest}`}`;
}

function summarise(occurrences: readonly Occurrence[], context: ErrorContext): FoundImage | null {
  const first = occurrences[0];
  if (first === undefined) return null;
  const other = occurrences.find((each) => each.tag !== first.tag || each.digest !== first.digest);
  if (other !== undefined) {
    throw conflict(
      `${context.file ?? "the file"} holds ${context.image ?? "the image"} ${occurrences.length} times with different versions (${describe(first)}, ${describe(other)})`,
      context,
      "make them agree, or point the target at one key (helm.image-tag, kustomize.image-name)",
    );
  }
  const spans = new Map<number, Span>();
  for (const span of occurrences.flatMap((each) => each.spans)) spans.set(span.start, span);
  return {
    name: first.name,
    tag: first.tag,
    digest: first.digest,
    occurrences: occurrences.length,
    spans: [...spans.values()].sort((a, b) => a.start - b.start),
  };
}

function find(text: string, file: string, locator: ImageLocator, context: ErrorContext) {
  const source = parseSource(text, file);
  const editor = editorFor(locator.kind);
  return { source, editor, occurrences: editor.find(source, locator, context) };
}

/**
 * Where and how `locator.image` is pinned in a file. Null: the file does not hold it.
 * Throws EditConflictError when the file is not valid YAML or holds the image with different versions.
 */
export function readImage(text: string, file: string, locator: ImageLocator): FoundImage | null {
  const context = contextOf(file, locator);
  return summarise(find(text, file, locator, context).occurrences, context);
}

/** Why a file that does not hold `locator.image` cannot simply be edited (a near miss the editor can name), or null. */
export function explainMissingImage(text: string, file: string, locator: ImageLocator): MissingReason | null {
  return editorFor(locator.kind).explainMissing(parseSource(text, file), locator);
}

function validate(to: ImageVersion, context: ErrorContext): void {
  if (to.tag === null && to.digest === null) throw new TypeError("writeImage needs a tag, a digest or both");
  if (to.tag !== null && !isValidTag(to.tag)) {
    throw conflict(
      `"${to.tag.slice(0, 200)}" is not a valid image tag; nothing was written`,
      { ...context, value: to.tag.slice(0, 200) },
      "a tag is 1-128 characters of [A-Za-z0-9_.-] and does not start with '.' or '-'",
    );
  }
  if (to.digest !== null && !isValidDigest(to.digest)) {
    throw conflict(
      `"${to.digest.slice(0, 200)}" is not a valid digest; nothing was written`,
      { ...context, value: to.digest.slice(0, 200) },
      "use sha256: followed by 64 lowercase hex digits",
    );
  }
}

/**
 * The file with `locator.image` pinned to `to`: every occurrence rewritten, only the bytes of the
 * scalars that change replaced (or one entry added when `createIfMissing` and the image is absent).
 * Returns the same string when the file already says `to`. Throws EditConflictError, and writes
 * nothing, when the image is absent (and cannot be added), the file is invalid or ambiguous, or the
 * re-read does not confirm the new value.
 */
export function writeImage(text: string, file: string, locator: ImageLocator, to: ImageVersion): string {
  const context = contextOf(file, locator);
  validate(to, context);
  const { source, editor, occurrences } = find(text, file, locator, context);
  summarise(occurrences, context);
  let replacements: Replacement[];
  if (occurrences.length > 0) {
    replacements = occurrences.flatMap((occurrence) => occurrence.rewrite(to));
  } else {
    const created = locator.createIfMissing ? editor.create(source, locator, to, context) : null;
    if (created === null) {
      const reason = editor.explainMissing(source, locator);
      if (reason !== null) throw conflict(reason.message, context, reason.hint);
      throw conflict(
        `${file} does not hold ${context.image ?? "the image"}${locator.createIfMissing ? " and no entry can be added to it" : ""}`,
        context,
        locator.kind === "helm"
          ? "point the target at the right values file and keys (helm.image-name, helm.image-tag, helm.image-spec)"
          : "check the target's file and image name",
      );
    }
    replacements = created;
  }
  if (replacements.length === 0) return text;
  const edited = applyReplacements(source, replacements, context);
  confirm(edited, file, locator, to, context);
  return edited;
}

function confirm(edited: string, file: string, locator: ImageLocator, to: ImageVersion, context: ErrorContext): void {
  let found: FoundImage | null;
  try {
    found = readImage(edited, file, locator);
  } catch (error) {
    throw conflict(
      `the edit of ${file} did not re-read cleanly; nothing was written`,
      context,
      "report this as a bug with the file",
      error,
    );
  }
  if (found === null || found.digest !== to.digest || (to.tag !== null && found.tag !== to.tag)) {
    throw conflict(
      `the edit of ${file} did not read back as ${describe(to)} (read ${found === null ? "nothing" : describe(found)}); nothing was written`,
      context,
      "report this as a bug with the file",
    );
  }
}
