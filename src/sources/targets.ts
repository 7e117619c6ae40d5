/**
 * Applications (+ ImageUpdater resources) → Targets. An Application selected by an ImageUpdater
 * is configured by it (image-updater v1); otherwise its legacy `image-list` annotations apply
 * (image-updater v0.x). Pure.
 */
import type { GitTarget, Target, TargetProblem } from "../model/index.js";
import { misspelledAnnotations, readAnnotations, type AnnotationConfig } from "./annotations.js";
import type { DetectedTypes } from "./app-type.js";
import { appLabel, targetsForApplication } from "./application.js";
import type { ImageDecl, WriteBackDecl } from "./declarations.js";
import { malformedNamePatterns, refMatches, resolveForApp, selectRef, updaterNamespaceOf } from "./image-updater.js";
import { DEFAULT_NAMESPACE, qualifiedName, type Application, type ImageUpdater } from "./resources.js";

export interface SourceResult {
  targets: Target[];
  problems: TargetProblem[];
  skipped: { app: string; reason: string }[];
}

export interface TargetsFromApplicationsInput {
  applications: Application[];
  imageUpdaters: ImageUpdater[];
  /**
   * The repository the Application manifests were read from. Targets of apps with
   * write-back-method `argocd` (kind "application") are written there; when absent, the app's
   * own source repository is assumed (a single GitOps repo holding apps and manifests).
   */
  manifestsRepo?: GitTarget | null;
  /**
   * Argo CD's control-plane namespace (default `argocd`). Applications in another namespace get
   * image-updater's `.argocd-source-<namespace>_<app>.yaml` override file.
   */
  argocdNamespace?: string;
  /** GitHub Enterprise Server hosts (GHE_HOST) whose repository URLs are GitHub repositories too, besides github.com. */
  gitHubHosts?: readonly string[];
  /** Source types detected from the repository for Applications without status (detectApplicationTypes). */
  sourceTypes?: DetectedTypes;
}

function annotationProblems(app: Application, config: AnnotationConfig, declaredIn: string): TargetProblem[] {
  return config.issues.map((issue) => ({
    app: appLabel(app),
    image: null,
    file: app.file,
    message: `${declaredIn}: ${issue.key}${issue.value === null ? "" : `: "${issue.value}"`}: ${issue.message}`,
    severity: issue.severity,
  }));
}

export function targetsFromApplications(input: TargetsFromApplicationsInput): SourceResult {
  const result: SourceResult = { targets: [], problems: [], skipped: [] };
  const ids = new Set<string>();
  const add = (app: Application, targets: readonly Target[]): void => {
    for (const target of targets) {
      if (ids.has(target.id)) {
        result.problems.push({
          app: appLabel(app),
          image: `${target.image.registry}/${target.image.repository}`,
          file: app.file,
          message: `${target.declaredIn}: image alias "${target.alias}" of Application ${appLabel(app)} is declared more than once (by several ImageUpdaters or an ImageUpdater and the annotations); the first declaration is used`,
          severity: "warning",
        });
        continue;
      }
      ids.add(target.id);
      result.targets.push(target);
    }
  };
  const manifestsRepo = input.manifestsRepo ?? null;
  const argocdNamespace = input.argocdNamespace ?? DEFAULT_NAMESPACE;
  // One rule: a manifest without a namespace is in Argo CD's namespace (as kubectl apply -n would
  // place it), for ids, ImageUpdater matching and messages alike.
  const originals = new Map<Application, Application>();
  const applications = input.applications.map((app) => {
    const placed = app.metadata.namespace === undefined ? { ...app, metadata: { ...app.metadata, namespace: argocdNamespace } } : app;
    originals.set(placed, app);
    return placed;
  });
  const sourceTypesOf = (app: Application) => {
    const types = input.sourceTypes?.get(originals.get(app) ?? app);
    return types === undefined ? {} : { sourceTypes: types };
  };

  const imageUpdaters = input.imageUpdaters
    .map((updater) =>
      updater.metadata.namespace === undefined
        ? { ...updater, metadata: { ...updater.metadata, namespace: updater.spec.namespace ?? argocdNamespace } }
        : updater,
    )
    .filter((updater) => {
      const malformed = malformedNamePatterns(updater);
      for (const { index, pattern } of malformed) {
        result.problems.push({
          app: null,
          image: null,
          file: updater.file,
          message: `ImageUpdater ${qualifiedName(updater.metadata)}: spec.applicationRefs[${index}].namePattern "${pattern}" is not a valid pattern, so this ImageUpdater selects no Application (image-updater rejects the whole resource); write it as Go's filepath.Match reads it: * and ? wildcards, [a-z] classes, [^a-z] to negate (! is a literal), \\ to escape`,
        });
      }
      return malformed.length === 0;
    });

  // A ref matching nothing is a typo more often than a placeholder; with no Applications read at
  // all, every ref would match nothing and the warning would say nothing useful.
  if (applications.length > 0) {
    for (const updater of imageUpdaters) {
      updater.spec.applicationRefs.forEach((ref, index) => {
        if (applications.some((app) => refMatches(updater, ref, app))) return;
        result.problems.push({
          app: null,
          image: null,
          file: updater.file,
          message: `ImageUpdater ${qualifiedName(updater.metadata)}: spec.applicationRefs[${index}] (namePattern "${ref.namePattern}"${ref.labelSelectors === undefined ? "" : " with labelSelectors"}) selects no Application in namespace ${updaterNamespaceOf(updater)} among the ${applications.length} read; check namePattern${ref.labelSelectors === undefined ? "" : " and labelSelectors"}`,
          severity: "warning",
        });
      });
    }
  }

  for (const app of applications) {
    const selecting = imageUpdaters.flatMap((updater) => {
      const selected = selectRef(updater, app);
      return selected === null ? [] : [{ updater, ...selected }];
    });

    if (selecting.length > 0) {
      const annotated = app.metadata.annotations?.["argocd-image-updater.argoproj.io/image-list"] !== undefined;
      if (annotated && !selecting.some(({ ref }) => ref.useAnnotations === true)) {
        result.problems.push({
          app: appLabel(app),
          image: null,
          file: app.file,
          message: `Application ${appLabel(app)}: its argocd-image-updater.argoproj.io/image-list annotations are ignored because ImageUpdater ${selecting.map(({ updater }) => qualifiedName(updater.metadata)).join(", ")} selects it (as in image-updater v1); set useAnnotations: true on that applicationRef or remove the annotations`,
          severity: "warning",
        });
      }
      for (const { updater, ref, index } of selecting) {
        const declaredIn = `ImageUpdater ${qualifiedName(updater.metadata)}`;
        const resolved = resolveForApp(updater, ref, index);
        let images: ImageDecl[];
        let writeBack: WriteBackDecl;
        let keyStyle: "annotation" | "image-updater";
        if (resolved.useAnnotations) {
          const config = readAnnotations(app.metadata.annotations ?? {});
          if (config === null) {
            // image-updater v1 makes an empty image list of it and moves on: a skip, not a failure.
            result.problems.push({
              app: appLabel(app),
              image: null,
              file: app.file,
              message: `${declaredIn}: ${resolved.refKey}.useAnnotations is true but Application ${appLabel(app)} has no argocd-image-updater.argoproj.io/image-list annotation, so it is skipped (as argocd-image-updater skips it); add the annotation, list images in the ImageUpdater, or narrow namePattern`,
              severity: "warning",
            });
            result.skipped.push({
              app: appLabel(app),
              reason: `selected by ${declaredIn} with useAnnotations: true, but has no image-list annotation`,
            });
            continue;
          }
          result.problems.push(...annotationProblems(app, config, `Application ${appLabel(app)}`));
          // Write-back too comes only from the annotations (default method argocd), as in image-updater.
          images = config.images;
          writeBack = config.writeBack;
          keyStyle = "annotation";
        } else {
          images = resolved.images;
          writeBack = resolved.writeBack;
          keyStyle = "image-updater";
        }
        if (images.length === 0) {
          result.problems.push({
            app: appLabel(app),
            image: null,
            file: updater.file,
            message: `${declaredIn}: ${resolved.refKey} selects Application ${appLabel(app)} but lists no images; add images: [{alias, imageName}] to it`,
          });
          continue;
        }
        const out = targetsForApplication({
          app,
          images,
          writeBack,
          origin: "image-updater",
          declaredIn,
          manifestsRepo,
          keyStyle,
          argocdNamespace,
          gitHubHosts: input.gitHubHosts ?? [],
          ...sourceTypesOf(app),
        });
        add(app, out.targets);
        result.problems.push(...out.problems);
        result.skipped.push(...out.skipped);
      }
      continue;
    }

    const config = readAnnotations(app.metadata.annotations ?? {});
    if (config === null) {
      // `imagelist`, `Image-List`…: image-updater ignores the Application without a word; we warn.
      const typos = misspelledAnnotations(app.metadata.annotations ?? {});
      result.problems.push(...annotationProblems(app, { images: [], writeBack: {}, issues: typos }, `Application ${appLabel(app)}`));
      result.skipped.push({
        app: appLabel(app),
        reason: "no argocd-image-updater.argoproj.io/image-list annotation and no ImageUpdater selects it",
      });
      continue;
    }
    const declaredIn = `Application ${appLabel(app)}`;
    result.problems.push(...annotationProblems(app, config, declaredIn));
    const out = targetsForApplication({
      app,
      images: config.images,
      writeBack: config.writeBack,
      origin: "annotations",
      declaredIn,
      manifestsRepo,
      keyStyle: "annotation",
      argocdNamespace,
      gitHubHosts: input.gitHubHosts ?? [],
      ...sourceTypesOf(app),
    });
    add(app, out.targets);
    result.problems.push(...out.problems);
    result.skipped.push(...out.skipped);
  }
  return result;
}
