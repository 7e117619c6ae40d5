/**
 * The common shape both configuration styles (legacy annotations, ImageUpdater resources) are
 * read into before they become Targets: which images, with which settings, written where.
 */
import type { RawSettings } from "./policy.js";

export interface HelmDecl {
  readonly name?: string;
  readonly tag?: string;
  readonly spec?: string;
}

export interface ImageDecl {
  /** `[alias=]image[:constraint]` as written. */
  readonly spec: string;
  /** The effective settings for this image after precedence (image > ref/alias > app/spec). */
  readonly settings: RawSettings;
  readonly helm: HelmDecl | null;
  readonly kustomizeName: string | null;
  /** Where it was declared, for messages: `image-list`, `spec.applicationRefs[0].images[1]`. */
  readonly key: string;
  /** When set (ImageUpdater), overrides the alias in `spec`. */
  readonly alias?: string;
}

export interface WriteBackDecl {
  readonly method?: string;
  readonly repository?: string;
  readonly branch?: string;
  readonly target?: string;
  /**
   * `gitConfig.pullRequest.labels` as written, when a `pullRequest` block is given (then `[]` when it
   * has no labels): a later layer's block replaces an earlier one whole, as image-updater merges it.
   */
  readonly pullRequestLabels?: readonly string[];
}

/** Field-wise merge, later layers win (`pullRequestLabels` as one field). */
export function mergeWriteBack(...layers: (WriteBackDecl | undefined)[]): WriteBackDecl {
  const merged: { -readonly [K in keyof WriteBackDecl]: WriteBackDecl[K] } = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (layer.method !== undefined && layer.method.trim() !== "") merged.method = layer.method.trim();
    if (layer.repository !== undefined && layer.repository.trim() !== "") merged.repository = layer.repository.trim();
    if (layer.branch !== undefined && layer.branch.trim() !== "") merged.branch = layer.branch.trim();
    if (layer.target !== undefined && layer.target.trim() !== "") merged.target = layer.target.trim();
    if (layer.pullRequestLabels !== undefined) merged.pullRequestLabels = layer.pullRequestLabels;
  }
  return merged;
}
