/**
 * argocd-image-updater v1 `ImageUpdater` resources: which Applications each selects
 * (`applicationRefs[].namePattern` Go `filepath.Match` glob + `labelSelectors`, most specific ref wins) and the image
 * declarations it gives them, with precedence image > applicationRef > spec. Pure.
 */
import { compileGlob } from "../strategy/index.js";
import type { ImageDecl, WriteBackDecl } from "./declarations.js";
import { mergeWriteBack } from "./declarations.js";
import { meetsRequirement } from "./label-selector.js";
import type { RawSettings } from "./policy.js";
import { mergeSettings } from "./policy.js";
import {
  DEFAULT_NAMESPACE,
  type Application,
  type ApplicationRef,
  type CommonUpdateSettings,
  type ImageConfig,
  type ImageUpdater,
  type LabelSelector,
  type WriteBackConfig,
} from "./resources.js";

/**
 * How specific an applicationRef is, as image-updater's `calculateSpecificity` (pkg/argocd/argocd.go)
 * scores it: +1,000,000 for an exact name (no `*`, `?`, `[` or `]`), +1 per literal character
 * (classes `[...]`, `*` and `?` removed; bytes, as Go's len), +10,000 when it has labelSelectors
 * (even empty), +100 per matchLabels entry and per matchExpressions entry.
 */
export function refSpecificity(ref: ApplicationRef): number {
  const pattern = ref.namePattern;
  let score = /[*?[\]]/.test(pattern) ? 0 : 1_000_000;
  score += new TextEncoder().encode(pattern.replace(/\[.*?]/g, "").replace(/[*?]/g, "")).length;
  const selector = ref.labelSelectors;
  if (selector !== undefined) {
    score += 10_000;
    score += Object.keys(selector.matchLabels ?? {}).length * 100;
    score += (selector.matchExpressions?.length ?? 0) * 100;
  }
  return score;
}

export function matchesSelector(labels: Readonly<Record<string, string>>, selector: LabelSelector | undefined): boolean {
  if (selector === undefined) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const expression of selector.matchExpressions ?? []) {
    const value = labels[expression.key];
    if (!meetsRequirement(expression.operator, value, expression.values ?? [])) return false;
  }
  return true;
}

/**
 * The namespace whose Applications an ImageUpdater selects: its own (image-updater v1 uses
 * metadata.namespace; spec.namespace is deprecated), falling back to spec.namespace for a manifest
 * read from git without one, then to `argocd`.
 */
export function updaterNamespaceOf(updater: ImageUpdater): string {
  return updater.metadata.namespace ?? updater.spec.namespace ?? DEFAULT_NAMESPACE;
}

/**
 * The refs whose `namePattern` Go's `filepath.Match` rejects (ErrBadPattern). image-updater
 * checks every pattern before listing Applications and fails the whole ImageUpdater on the first
 * bad one, so such an ImageUpdater must select nothing.
 */
export function malformedNamePatterns(updater: ImageUpdater): { index: number; pattern: string }[] {
  return updater.spec.applicationRefs.flatMap((ref, index) =>
    compileGlob(ref.namePattern) === null ? [{ index, pattern: ref.namePattern }] : [],
  );
}

/** Whether `ref` (of `updater`) matches `app`: same namespace, namePattern and labelSelectors. */
export function refMatches(updater: ImageUpdater, ref: ApplicationRef, app: Application): boolean {
  if ((app.metadata.namespace ?? DEFAULT_NAMESPACE) !== updaterNamespaceOf(updater)) return false;
  const re = compileGlob(ref.namePattern);
  if (re === null || !re.test(app.metadata.name)) return false;
  return matchesSelector(app.metadata.labels ?? {}, ref.labelSelectors);
}

/**
 * The ref of `updater` that selects `app`: the most specific (refSpecificity) of those whose
 * pattern and labelSelectors match; on a tie, the first in list order, as image-updater's stable
 * sort keeps it. Null when none does.
 */
export function selectRef(updater: ImageUpdater, app: Application): { ref: ApplicationRef; index: number } | null {
  let best: { ref: ApplicationRef; index: number; score: number } | null = null;
  updater.spec.applicationRefs.forEach((ref, index) => {
    if (!refMatches(updater, ref, app)) return;
    const score = refSpecificity(ref);
    if (best === null || score > best.score) best = { ref, index, score };
  });
  return best;
}

function settings(value: CommonUpdateSettings | undefined): RawSettings | undefined {
  if (value === undefined) return undefined;
  const out: { -readonly [K in keyof RawSettings]: RawSettings[K] } = {};
  if (value.updateStrategy !== undefined) out.updateStrategy = value.updateStrategy;
  if (value.forceUpdate !== undefined) out.forceUpdate = value.forceUpdate;
  if (value.allowTags !== undefined) out.allowTags = value.allowTags;
  if (value.ignoreTags !== undefined) out.ignoreTags = value.ignoreTags;
  if (value.pullSecret !== undefined) out.pullSecret = value.pullSecret;
  if (value.platforms !== undefined) out.platforms = value.platforms;
  return out;
}

export function writeBackOf(value: WriteBackConfig | undefined): WriteBackDecl | undefined {
  if (value === undefined) return undefined;
  const out: { -readonly [K in keyof WriteBackDecl]: WriteBackDecl[K] } = {};
  if (value.method !== undefined) out.method = value.method;
  if (value.gitConfig?.repository !== undefined) out.repository = value.gitConfig.repository;
  if (value.gitConfig?.branch !== undefined) out.branch = value.gitConfig.branch;
  if (value.gitConfig?.writeBackTarget !== undefined) out.target = value.gitConfig.writeBackTarget;
  if (value.gitConfig?.pullRequest !== undefined) out.pullRequestLabels = value.gitConfig.pullRequest.labels ?? [];
  return out;
}

/**
 * What an ImageUpdater gives one Application it selects: image declarations and write-back, or
 * (useAnnotations) nothing at all, everything then coming from the Application's annotations.
 */
export type ResolvedUpdater =
  | { readonly useAnnotations: true; readonly refKey: string }
  | { readonly useAnnotations: false; readonly refKey: string; readonly images: ImageDecl[]; readonly writeBack: WriteBackDecl };

/**
 * The image declarations an ImageUpdater gives one Application it selects. With `useAnnotations`
 * the ImageUpdater's images, commonUpdateSettings and writeBackConfig (spec and ref) "are ignored"
 * (image-updater's CRD): the Application's annotations say everything, write-back included.
 */
export function resolveForApp(updater: ImageUpdater, ref: ApplicationRef, index: number): ResolvedUpdater {
  const refKey = `spec.applicationRefs[${index}]`;
  if (ref.useAnnotations === true) return { useAnnotations: true, refKey };
  const writeBack = mergeWriteBack(writeBackOf(updater.spec.writeBackConfig), writeBackOf(ref.writeBackConfig));
  const fromRef = ref.images !== undefined && ref.images.length > 0;
  const list: readonly ImageConfig[] = fromRef ? (ref.images ?? []) : (updater.spec.images ?? []);
  const images = list.map((image, i): ImageDecl => {
    const helm = image.manifestTargets?.helm;
    return {
      spec: image.imageName,
      alias: image.alias,
      settings: mergeSettings(
        settings(updater.spec.commonUpdateSettings),
        settings(ref.commonUpdateSettings),
        settings(image.commonUpdateSettings),
        image.platforms === undefined ? undefined : { platforms: image.platforms },
      ),
      helm:
        helm === undefined
          ? null
          : {
              ...(helm.name ? { name: helm.name } : {}),
              ...(helm.tag ? { tag: helm.tag } : {}),
              ...(helm.spec ? { spec: helm.spec } : {}),
            },
      kustomizeName: image.manifestTargets?.kustomize?.name ?? null,
      key: fromRef ? `${refKey}.images[${i}]` : `spec.images[${i}]`,
    };
  });
  return { useAnnotations: false, refKey, images, writeBack };
}
