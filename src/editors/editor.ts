/**
 * The shape every file-format editor shares. An editor *finds* the occurrences of an image in a
 * parsed file, each with the exact spans of the scalars that hold its tag and digest, and knows how
 * to *rewrite* each one; `index.ts` applies, re-reads and confirms, identically for every format.
 */
import type { ErrorContext } from "../errors/index.js";
import type { HelmKeys, ImageRef, WriteKind } from "../model/index.js";
import type { Replacement, Source } from "./yaml-text.js";

export interface ImageLocator {
  readonly kind: WriteKind;
  /** The repository to find; its tag and digest are ignored. */
  readonly image: ImageRef;
  /** kustomize: the `images[].name` to match when it differs from the image. */
  readonly kustomizeImageName: string | null;
  /** helm: where the image is. Null: conventional guesses anywhere in the values. */
  readonly helm: HelmKeys | null;
  /** application / argocd-source: the Application's name (null: any Application in the file). */
  readonly appName: string | null;
  /** kustomize / argocd-source: add an entry (or the file's content) when the image is absent. */
  readonly createIfMissing: boolean;
  /**
   * kustomize: the `name` of a new images entry — the image as the kustomization's resources spell
   * it (`docker.io/redis`), since kustomize matches the name as written. Absent or null: the
   * familiar name (`redis`). `kustomizeImageName` wins over it.
   */
  readonly newEntryName?: string | null;
  /** application: the Application's type, for a source with no override block yet (see WriteTarget). */
  readonly applicationType?: "kustomize" | "helm";
}

/** What to write. `tag: null` keeps the tag as written; `digest: null` means no digest (one is removed). */
export interface ImageVersion {
  readonly tag: string | null;
  readonly digest: string | null;
}

/** `[start, end)` offsets of a scalar in the file's text (BOM included in the offsets). */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface FoundImage {
  /** The image name as written (`newName` over `name` for kustomize; repository for Helm). */
  readonly name: string;
  readonly tag: string | null;
  readonly digest: string | null;
  /** How many places hold this image (several containers, several sources…); all agree. */
  readonly occurrences: number;
  /** Every scalar holding a tag or digest of this image, in file order. */
  readonly spans: readonly Span[];
}

export interface Occurrence {
  readonly name: string;
  readonly tag: string | null;
  readonly digest: string | null;
  readonly spans: readonly Span[];
  /** The replacements that make this occurrence say `to`; empty when it already does. */
  rewrite(to: ImageVersion): Replacement[];
}

/** Why a file that `find` found nothing in cannot be edited, when the editor can tell more than "absent". */
export interface MissingReason {
  readonly message: string;
  readonly hint: string;
}

export interface Editor {
  readonly kind: WriteKind;
  find(source: Source, locator: ImageLocator, context: ErrorContext): Occurrence[];
  /** Called only when `find` found nothing: a near miss worth naming (the image without a tag key…), or null. */
  explainMissing(source: Source, locator: ImageLocator): MissingReason | null;
  /** Insertions that add the image when it is absent, or null when this format cannot add one. */
  create(source: Source, locator: ImageLocator, to: ImageVersion, context: ErrorContext): Replacement[] | null;
}
