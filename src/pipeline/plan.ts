/**
 * One pass up to "desired": sources → registry → strategy → editors. The only module that
 * sequences I/O (files, registries, the cluster) and pure decisions. The CLI's `plan` stops here;
 * the GitHub app will hand the result to github/.
 */
import path from "node:path";
import { ConfigError, RegistryError, describeError } from "../errors/index.js";
import { argocdSourceFileName, kustomizationFileName, readImage, writeImage } from "../editors/index.js";
import type { ImageLocator } from "../editors/index.js";
import { repositoryKey, sameRepository } from "../image-ref/index.js";
import type { Target, TagDetails, WriteKind } from "../model/index.js";
import { imageSourceLabels, parseCredentialSource, type ImageAccess, type RegistryClient } from "../registry/index.js";
import { decide, meetsPlatforms, selectCandidates } from "../strategy/index.js";
import type { Candidates, CurrentImage, Decision } from "../strategy/index.js";
import { quoteForMessage } from "../text/index.js";
import { mapLimit } from "./limit.js";
import type { FileChange, PlanProblem, PlanQuiet, PlanResult, PlanSkip, PlannedUpdate } from "./types.js";
import type { Workspace } from "./workspace.js";

export interface PlanInput {
  readonly targets: readonly Target[];
  /** Problems found while reading sources; reported with the plan's own. */
  readonly problems: readonly PlanProblem[];
  readonly skipped: readonly PlanSkip[];
}

export interface PlanDeps {
  readonly workspace: Workspace;
  readonly registry: RegistryClient;
  /** Monotonic milliseconds; injected so tests control it. */
  readonly now: () => number;
}

export interface PlanOptions {
  readonly concurrency: number;
  readonly write: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

interface Located {
  readonly kind: WriteKind;
  readonly file: string;
  readonly text: string;
  readonly locator: ImageLocator;
  readonly current: CurrentImage;
}

type Outcome =
  | { readonly kind: "update"; readonly update: PlannedUpdate; readonly located: Located }
  | { readonly kind: "quiet"; readonly quiet: PlanQuiet }
  | { readonly kind: "skip"; readonly skip: PlanSkip }
  | { readonly kind: "problem"; readonly problems: readonly PlanProblem[] };

function appName(target: Target): string | null {
  return target.app?.name ?? null;
}

function problemOf(target: Target, file: string | null, ...errors: readonly unknown[]): Outcome {
  return {
    kind: "problem",
    problems: errors.map((error) => ({
      app: appName(target),
      image: repositoryKey(target.image),
      file,
      // A repo-config target has no Application to name it by: say which declaration it is.
      message: target.app === null ? `${target.declaredIn}: ${describeError(error)}` : describeError(error),
    })),
  };
}

/** The file a target writes, and how: the kustomization inside a directory, the `.argocd-source-…yaml` override file, or the path itself. */
async function resolveFile(target: Target, workspace: Workspace): Promise<{ kind: WriteKind; file: string }> {
  const { kind, path: where, argocdSourcePath } = target.write;
  // argocd-image-updater's git write-back keeps overrides in `.argocd-source-[<ns>_]<app>.yaml`, which Argo CD
  // applies over the kustomization or values file: where one exists, only an edit there takes effect.
  if (argocdSourcePath !== undefined && (await workspace.read(argocdSourcePath)) !== null) {
    return { kind: "argocd-source", file: argocdSourcePath };
  }
  if (kind === "kustomize") {
    const entries = await workspace.list(where);
    if (entries === null) return { kind, file: where }; // a file path, or a missing directory: reading it says which
    const name = kustomizationFileName(entries);
    if (name === null) {
      throw new ConfigError(`no kustomization file in "${where}"`, {
        context: { file: where },
        hint: "add kustomization.yaml there, or point write-back-target at the directory that has one",
      });
    }
    return { kind, file: path.posix.join(where, name) };
  }
  if (kind === "argocd-source") {
    const entries = await workspace.list(where);
    const name = target.write.argocdSourceFileName ?? argocdSourceFileName(target.app?.name ?? target.alias);
    if (entries !== null) return { kind, file: path.posix.join(where, name) };
    refuseStrayOverrideFile(where);
  }
  return { kind, file: where };
}

/**
 * An override-file target must be a directory or a YAML file name: `write-back-target: kustomize`
 * (for kustomization) would otherwise create a file named `kustomize` that nothing reads.
 */
function refuseStrayOverrideFile(where: string): void {
  if (/\.ya?ml$/i.test(where)) return;
  const meant = /^kustom/i.test(path.posix.basename(where)) ? "kustomization" : /^(helm|values)/i.test(path.posix.basename(where)) ? "helmvalues" : null;
  throw new ConfigError(`write-back target "${quoteForMessage(where)}" is neither a directory in the repository nor a .yaml file, so it is no write-back target${meant === null ? "" : ` (did you mean ${meant}?)`}; nothing was written`, {
    context: { file: where },
    hint: "use kustomization[:<path>], helmvalues[:<path>], or a directory or .yaml file for the parameter override file",
  });
}

function notFoundHint(kind: WriteKind): string {
  switch (kind) {
    case "helm":
      return "set helm.image-name / helm.image-tag (or helm.image-spec) to the keys that hold it";
    case "application":
      return "write-back-method argocd edits the Application manifest: give it spec.source.kustomize.images or helm.parameters for the image, or use write-back-method git";
    case "manifest":
      return "check the image name: no container in the file runs it";
    case "kustomize":
    case "argocd-source":
      return "check the image name, or set kustomize.image-name when the kustomization names it differently";
  }
}

async function locate(target: Target, workspace: Workspace): Promise<Located> {
  const { kind, file } = await resolveFile(target, workspace);
  const createIfMissing = kind === "kustomize" || kind === "argocd-source";
  const stored = await workspace.read(file);
  if (stored === null && kind !== "argocd-source") {
    throw new ConfigError(`file "${file}" does not exist in the repository`, {
      context: { file, image: repositoryKey(target.image) },
      hint: "check the Application's source path and write-back-target, or the repo config's path",
    });
  }
  const text = stored ?? "";
  const locator: ImageLocator = {
    kind,
    image: target.image,
    kustomizeImageName: target.write.kustomizeImageName,
    helm: target.write.helm,
    appName: target.app?.name ?? null,
    createIfMissing,
  };
  const found = readImage(text, file, locator);
  if (found === null && !createIfMissing) {
    throw new ConfigError(`image ${repositoryKey(target.image)} is not in "${file}"`, {
      context: { file, image: repositoryKey(target.image) },
      hint: notFoundHint(kind),
    });
  }
  return { kind, file, text, locator, current: { tag: found?.tag ?? null, digest: found?.digest ?? null } };
}

function isDeployed(target: Target): boolean {
  if (target.forceUpdate || target.liveImages === null) return true;
  return target.liveImages.some((image) => sameRepository(image, repositoryKey(target.image)));
}

/**
 * The target's own credentials (`pull-secret`), over registries.conf's. Throws a ConfigError that
 * names the key, never the value (people write the secret itself there by mistake).
 */
function accessOf(target: Target): ImageAccess {
  if (target.pullSecret === null) return {};
  try {
    return { credentials: parseCredentialSource(target.pullSecret) };
  } catch (error) {
    throw new ConfigError(`pull-secret: ${error instanceof Error ? error.message : "is invalid"}`, {
      context: { key: "pull-secret", image: repositoryKey(target.image) },
      hint: "write pullsecret:<namespace>/<name>, secret:<namespace>/<name>#<field>, env:<VARIABLE> or ext:/path/to/script",
    });
  }
}

/** Details of one tag, resolved for the first platform the policy lists. */
function askDetails(target: Target, registry: RegistryClient, access: ImageAccess): (tag: string) => Promise<TagDetails> {
  const platform = target.policy.platforms[0];
  return (tag) => registry.getTagDetails(target.image, tag, { ...access, ...(platform === undefined ? {} : { platform }) });
}

/** Registry details the strategy asked for: all candidates, or the best ones until one qualifies. */
async function fetchDetails(
  target: Target,
  candidates: Candidates,
  registry: RegistryClient,
  access: ImageAccess,
  concurrency: number,
): Promise<Map<string, TagDetails>> {
  const details = new Map<string, TagDetails>();
  const ask = askDetails(target, registry, access);
  switch (candidates.needsDetails) {
    case "none":
      return details;
    case "all": {
      const all = await mapLimit(candidates.ordered, concurrency, ask);
      for (const item of all) details.set(item.tag, item);
      return details;
    }
    case "first": {
      for (const tag of candidates.ordered) {
        const item = await ask(tag);
        details.set(tag, item);
        if (meetsPlatforms(item, target.policy)) break;
      }
      return details;
    }
  }
}

async function planTarget(target: Target, deps: PlanDeps, concurrency: number): Promise<Outcome> {
  if (!isDeployed(target)) {
    return {
      kind: "skip",
      skip: {
        app: appName(target),
        image: repositoryKey(target.image),
        reason: "not deployed by the Application (set force-update: true to update it anyway)",
      },
    };
  }
  let located: Located;
  try {
    located = await locate(target, deps.workspace);
  } catch (error) {
    return problemOf(target, target.write.path, error);
  }
  let decision: Decision;
  let chosen: TagDetails | null = null;
  try {
    const access = accessOf(target);
    const tags = await deps.registry.listTags(target.image, access);
    const candidates = selectCandidates(tags, target.policy, located.current);
    const details = await fetchDetails(target, candidates, deps.registry, access, concurrency);
    decision = decide({ policy: target.policy, current: located.current, candidates, details });
    // A filter that could not be applied as written (invalid allow-tags, malformed glob) makes
    // any choice suspect: report it rather than propose a tag the user may have meant to exclude.
    if (candidates.problems.length > 0 && decision.kind !== "error") {
      return problemOf(target, located.file, ...candidates.problems);
    }
    // What a reviewer reads in the PR (digest, build date, source) and what a digest pin needs:
    // the new tag's details, fetched here when the strategy did not need them to decide.
    if (decision.kind === "update") chosen = decision.details ?? (await askDetails(target, deps.registry, access)(decision.to.tag));
  } catch (error) {
    return problemOf(target, located.file, error);
  }
  const base = {
    targetId: target.id,
    app: appName(target),
    alias: target.alias,
    image: repositoryKey(target.image),
  };
  switch (decision.kind) {
    case "error":
      return problemOf(target, located.file, decision.error);
    case "up-to-date":
    case "no-candidate":
      return {
        kind: "quiet",
        quiet: { ...base, file: located.file, current: located.current.tag, reason: decision.reason },
      };
    case "update": {
      const imageDigest = chosen?.digest ?? null;
      // A file that pins `tag@digest` keeps a pin: moving the tag alone would drop it (or, with the
      // old digest left in place, deploy nothing new).
      const pinned = located.current.digest !== null;
      if (pinned && decision.to.digest === null && imageDigest === null) {
        return problemOf(
          target,
          located.file,
          new RegistryError(`${repositoryKey(target.image)}:${decision.to.tag}: the registry gave no digest, and ${located.file} pins one`, {
            kind: "protocol",
            context: { image: repositoryKey(target.image), file: located.file },
            hint: "the registry must send Docker-Content-Digest for the tag's manifest; or remove the digest pin",
          }),
        );
      }
      const { sourceUrl, revision } = imageSourceLabels(chosen?.labels ?? {});
      return {
        kind: "update",
        located,
        update: {
          ...base,
          file: located.file,
          kind: located.kind,
          from: located.current.tag,
          fromDigest: located.current.digest,
          to: decision.to.tag,
          digest: decision.to.digest ?? (pinned ? imageDigest : null),
          imageDigest,
          strategy: target.policy.strategy,
          reason: decision.reason,
          created: chosen?.created ?? null,
          sourceUrl,
          revision,
        },
      };
    }
  }
}

/**
 * Apply every update to its file's text, file by file, in target order. A file whose edit fails, or
 * whose targets want one image at different versions (only the last would land), is left out whole
 * (its updates become problems), so nothing is half-written.
 */
function applyEdits(outcomes: readonly Outcome[]): { changes: FileChange[]; failed: Map<string, PlanProblem> } {
  type Edited = { readonly update: PlannedUpdate; readonly located: Located };
  const byFile = new Map<string, { before: string; after: string; edits: Edited[] }>();
  const failed = new Map<string, PlanProblem>();
  for (const outcome of outcomes) {
    if (outcome.kind !== "update") continue;
    const { update, located } = outcome;
    if (failed.has(located.file)) continue;
    const entry = byFile.get(located.file) ?? { before: located.text, after: located.text, edits: [] };
    try {
      entry.after = writeImage(entry.after, located.file, located.locator, { tag: update.to, digest: update.digest });
      entry.edits.push({ update, located });
      byFile.set(located.file, entry);
    } catch (error) {
      byFile.delete(located.file);
      failed.set(located.file, { app: update.app, image: update.image, file: located.file, message: describeError(error) });
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
  return { changes, failed };
}

/** Two targets that set one image in one file to different versions: a later edit overwrote an earlier one. */
function conflictIn(file: string, text: string, edits: readonly { update: PlannedUpdate; located: Located }[]): PlanProblem | null {
  const overwritten = edits.find(({ update, located }) => {
    const found = readImage(text, file, located.locator);
    return found === null || found.tag !== update.to || found.digest !== update.digest;
  });
  if (overwritten === undefined) return null;
  const others = edits.filter((edit) => edit.update.image === overwritten.update.image && edit !== overwritten);
  const versions = [overwritten, ...others].map(({ update }) => `${update.targetId} wants ${update.to}${update.digest === null ? "" : `@${update.digest}`}`);
  return {
    app: overwritten.update.app,
    image: overwritten.update.image,
    file,
    message: `${file}: several targets set ${overwritten.update.image} to different versions (${versions.join("; ")}), so nothing was written to the file; keep one declaration of the image for this file`,
  };
}

export async function plan(input: PlanInput, deps: PlanDeps, options: PlanOptions): Promise<PlanResult> {
  const started = deps.now();
  const total = input.targets.length;
  let done = 0;
  const outcomes = await mapLimit(input.targets, options.concurrency, async (target) => {
    const outcome = await planTarget(target, deps, options.concurrency);
    done += 1;
    options.onProgress?.(done, total);
    return outcome;
  });

  const { changes, failed } = applyEdits(outcomes);
  const updates: PlannedUpdate[] = [];
  const upToDate: PlanQuiet[] = [];
  const errors: PlanProblem[] = input.problems.filter((p) => p.severity !== "warning");
  const warnings: PlanProblem[] = input.problems.filter((p) => p.severity === "warning");
  const skipped: PlanSkip[] = [...input.skipped];
  for (const outcome of outcomes) {
    switch (outcome.kind) {
      case "update":
        if (!failed.has(outcome.located.file)) updates.push(outcome.update);
        break;
      case "quiet":
        upToDate.push(outcome.quiet);
        break;
      case "skip":
        skipped.push(outcome.skip);
        break;
      case "problem":
        errors.push(...outcome.problems);
        break;
    }
  }
  // Each file is written whole or not at all; one that cannot be written fails alone.
  const written: FileChange[] = [];
  if (options.write) {
    for (const change of changes) {
      try {
        await deps.workspace.write(change.file, change.after);
        written.push(change);
      } catch (error) {
        const update = updates.find((u) => u.file === change.file);
        failed.set(change.file, {
          app: update?.app ?? null,
          image: update?.image ?? null,
          file: change.file,
          // A file the workspace refuses (read-only) says so itself; an I/O failure gets the usual advice.
          message:
            error instanceof ConfigError
              ? `${describeError(error)}; the other files were written`
              : `cannot write ${change.file}: ${describeError(error)}; check the file's and its directory's permissions (the other files were written)`,
        });
      }
    }
  }
  const applied = updates.filter((u) => !failed.has(u.file));
  errors.push(...failed.values());
  const images = new Set(input.targets.map((target) => repositoryKey(target.image)));
  return {
    updates: applied,
    upToDate,
    errors,
    warnings,
    skipped,
    changes: options.write ? written : changes,
    written: options.write,
    stats: {
      targets: total,
      images: images.size,
      registryRequests: deps.registry.stats.requests,
      durationMs: Math.round(deps.now() - started),
    },
  };
}
