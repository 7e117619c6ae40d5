/**
 * Sources' targets → one outcome per target: registry → strategy → the edit the target needs. The
 * repository is only read, through a RepoReader (a checkout for the CLI, a commit for the app); the
 * outcomes are never merged per file here — plan/'s composeChanges does that, over any base.
 */
import path from "node:path";
import { ConfigError, RegistryError, describeError } from "../errors/index.js";
import { argocdSourceFileName, explainMissingImage, kustomizationFileName, readImage } from "../editors/index.js";
import type { ImageLocator } from "../editors/index.js";
import { repositoryKey, sameRepository } from "../image-ref/index.js";
import { silentLogger, type Logger } from "../log/index.js";
import type { Target, TagDetails, WriteKind } from "../model/index.js";
import { imageSourceLabels, parseCredentialSource, type ImageAccess, type RegistryClient } from "../registry/index.js";
import {
  activeRestore,
  constrainCandidates,
  decide,
  decideFrozen,
  decidePinned,
  meetsPlatforms,
  selectCandidates,
} from "../strategy/index.js";
import type { Candidates, CurrentImage, Decision, TargetConstraints } from "../strategy/index.js";
import { fileTooLarge, MAX_FILE_BYTES } from "../files/index.js";
import { quoteForMessage } from "../text/index.js";
import { locateInDirectory } from "./locate-in-directory.js";
import { searchAppFiles } from "./app-files.js";
import { closestTags } from "./closest-tags.js";
import { refuseFileNotDeployed } from "./deployed-files.js";
import { mapLimit } from "./limit.js";
import { checkRenderedEdit, renderedImage, renderedUnderOverride, type RenderedTarget } from "./rendered-image.js";
import { targetLabel } from "./target-label.js";
import type { PlanProblem, RepoEntry, RepoReader, TargetOutcome, UpdateIntent } from "./types.js";

export interface EvaluateDeps {
  /** The repository at the revision planned: files are read, never written. */
  readonly reader: RepoReader;
  readonly registry: RegistryClient;
  /** Skipped and failed targets at debug / warn, with their context. Default: nowhere. */
  readonly log?: Logger;
}

export interface EvaluateOptions {
  /** Targets evaluated at once (and tag details fetched at once per target). */
  readonly concurrency: number;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * What people decided, per target id (pins, holds after a rollback, refused tags; see state/).
   * A repo-config target's own `pins:` apply too; a pin given here wins over it.
   */
  readonly constraints?: ReadonlyMap<string, TargetConstraints>;
}

/** The constraints of `target`: the caller's, with the repo config's pin when the caller gives none. */
function constraintsOf(target: Target, given: ReadonlyMap<string, TargetConstraints> | undefined): TargetConstraints {
  const constraints = given?.get(target.id) ?? {};
  if (constraints.pin !== undefined || target.pin === undefined) return constraints;
  return {
    ...constraints,
    pin: { tag: target.pin.tag, source: `${target.declaredIn}${target.pin.reason === null ? "" : `: ${target.pin.reason}`}` },
  };
}

export interface Located {
  readonly kind: WriteKind;
  /** The first of `files`: where problems point. */
  readonly file: string;
  /** Every file the target edits (several for a directory-type Application), in walk order. */
  readonly files: readonly string[];
  readonly locator: ImageLocator;
  readonly current: CurrentImage;
  /** The file's text as read (the base every edit starts from). */
  readonly text: string;
  /** kustomize: what the stack deploys, and how to check an edit changes it. */
  readonly rendered: RenderedTarget | null;
}

function appName(target: Target): string {
  return targetLabel(target);
}

function problemOf(target: Target, file: string | null, ...errors: readonly unknown[]): TargetOutcome {
  return {
    kind: "failed",
    target,
    problems: errors.map((error): PlanProblem => ({
      target: target.id,
      app: appName(target),
      image: repositoryKey(target.image),
      file,
      // A repo-config target has no Application to name it by: say which declaration it is.
      message: target.app === null ? `${target.declaredIn}: ${describeError(error)}` : describeError(error),
    })),
  };
}

/** Names of the entries that can be read as files (a link is read through). */
/** Names that may be files: not directories. A FIFO or socket so named is kept: reading it says what it is. */
function fileNames(entries: readonly RepoEntry[]): string[] {
  return entries.filter((entry) => entry.type !== "dir").map((entry) => entry.name);
}

/** The file a target writes, and how: the kustomization inside a directory, the `.argocd-source-…yaml` override file, or the path itself. */
async function resolveFile(target: Target, reader: RepoReader): Promise<{ kind: WriteKind; file: string }> {
  const { kind, path: where, argocdSourcePath } = target.write;
  // argocd-image-updater's git write-back keeps overrides in `.argocd-source-[<ns>_]<app>.yaml`, which Argo CD
  // applies over the kustomization or values file: where one exists, only an edit there takes effect.
  if (argocdSourcePath !== undefined && (await reader.read(argocdSourcePath)) !== null) {
    return { kind: "argocd-source", file: argocdSourcePath };
  }
  if (kind === "kustomize") {
    const entries = await reader.list(where);
    if (entries === null) return { kind, file: where }; // a file path, or a missing directory: reading it says which
    const name = kustomizationFileName(fileNames(entries));
    if (name === null) {
      throw new ConfigError(`no kustomization file in "${where}"`, {
        context: { file: where },
        hint: "add kustomization.yaml there, or point write-back-target at the directory that has one",
      });
    }
    return { kind, file: path.posix.join(where, name) };
  }
  if (kind === "helm" && (target.write.valuesFiles?.length ?? 0) > 1) return { kind, file: await valuesFileInCharge(target, reader) };
  if (kind === "argocd-source") {
    const entries = await reader.list(where);
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
  const meant = /^kustom/i.test(path.posix.basename(where))
    ? "kustomization"
    : /^(helm|values)/i.test(path.posix.basename(where))
      ? "helmvalues"
      : null;
  throw new ConfigError(
    `write-back target "${quoteForMessage(where)}" is neither a directory in the repository nor a .yaml file, so it is no write-back target${meant === null ? "" : ` (did you mean ${meant}?)`}; nothing was written`,
    {
      context: { file: where },
      hint: "use kustomization[:<path>], helmvalues[:<path>], or a directory or .yaml file for the parameter override file",
    },
  );
}

/** Of the values files a Helm source reads, the last that sets the image (Helm merges later over earlier); else the target's path. */
async function valuesFileInCharge(target: Target, reader: RepoReader): Promise<string> {
  const locator: ImageLocator = {
    kind: "helm",
    image: target.image,
    kustomizeImageName: null,
    helm: target.write.helm,
    appName: target.app?.name ?? null,
    createIfMissing: false,
  };
  for (const file of [...(target.write.valuesFiles ?? [])].reverse()) {
    const text = await reader.read(file);
    if (text === null) continue;
    if (text.length > MAX_FILE_BYTES) return file; // refused by name when it is edited, never parsed
    try {
      if (readImage(text, file, locator) !== null) return file;
    } catch {
      return file; // a file that cannot be read as values is reported when it is edited
    }
  }
  return target.write.path;
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

async function locate(target: Target, reader: RepoReader): Promise<Located> {
  if (target.write.directory !== undefined) return locateInDirectory(target, target.write.directory, reader);
  const { kind, file } = await resolveFile(target, reader);
  // An Application target edits only what the Application deploys from (deployed-files.ts).
  await refuseFileNotDeployed(target, file, reader);
  // An Application with no override for the image yet gets one, as image-updater's argocd write-back sets it.
  // So does a helmvalues file of an Application that lacks the image's keys (a repo-config file is edited only where it holds the image).
  const createIfMissing =
    kind === "kustomize" || kind === "argocd-source" || kind === "application" || (kind === "helm" && target.app !== null);
  const stored = await reader.read(file);
  // The editors' parser reads ~0.4 MB/s: a file past MAX_FILE_BYTES is refused, whichever reader gave it.
  if (stored !== null && stored.length > MAX_FILE_BYTES) throw fileTooLarge(file, Buffer.byteLength(stored));
  if (stored === null && kind !== "argocd-source") {
    throw new ConfigError(`file "${file}" does not exist in the repository`, {
      context: { file, image: repositoryKey(target.image) },
      hint: "check the Application's source path and write-back-target, or the repo config's path",
    });
  }
  const text = stored ?? "";
  let locator: ImageLocator = {
    kind,
    image: target.image,
    kustomizeImageName: target.write.kustomizeImageName,
    helm: target.write.helm,
    appName: target.app?.name ?? null,
    createIfMissing,
    ...(target.write.applicationType === undefined ? {} : { applicationType: target.write.applicationType }),
  };
  const found = readImage(text, file, locator);
  if (found === null && !createIfMissing) {
    // The editor's own reading of a near miss (keys that name another repository…) says more than "absent".
    const reason = explainMissingImage(text, file, locator);
    throw new ConfigError(reason?.message ?? `image ${repositoryKey(target.image)} is not in "${file}"`, {
      context: { file, image: repositoryKey(target.image) },
      hint: reason?.hint ?? notFoundHint(kind),
    });
  }
  let current: CurrentImage = { tag: found?.tag ?? null, digest: found?.digest ?? null };
  // What runs is what the kustomization stack renders, not only what this file says.
  const rendered =
    kind === "kustomize"
      ? await renderedImage(target, file, text, found !== null, reader)
      : kind === "argocd-source" && found === null
        ? await renderedUnderOverride(target, file, locator, reader)
        : null;
  if (rendered?.current != null) current = rendered.current;
  if (rendered?.entryName != null) locator = { ...locator, newEntryName: rendered.entryName };
  return { kind, file, files: [file], locator, current, text, rendered };
}

/**
 * Why an Application's image is skipped as not run by it — named in its image list but in none of
 * its files (app-files.ts) — or null. Only without live status (read from files) and without
 * force-update, as image-updater skips images the live Application does not run.
 */
async function notRunByApp(target: Target, reader: RepoReader): Promise<string | null> {
  if (target.app === null || target.forceUpdate || target.liveImages !== null) return null;
  let search: Awaited<ReturnType<typeof searchAppFiles>>;
  try {
    search = await searchAppFiles(target, target.write.path, reader);
  } catch {
    return null; // reading the target's file reports what is wrong with it
  }
  if (search === null || search.found.length > 0) return null;
  return `not run by the Application: ${repositoryKey(target.image)} appears in none of its files (${search.searched.join(", ")}), so it was skipped as argocd-image-updater skips images an Application does not run; set force-update: true to update it anyway, or remove it from the image list`;
}

function isDeployed(target: Target): boolean {
  if (target.forceUpdate || target.liveImages === null) return true;
  return target.liveImages.some((image) => sameRepository(image, repositoryKey(target.image)));
}

/**
 * The target's own credentials (`pull-secret`), over registries.conf's. Throws a ConfigError that
 * names the key, never the value (people write the secret itself there by mistake).
 */
export function accessOf(target: Target): ImageAccess {
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

/**
 * Details of one tag, resolved for the first platform the policy lists. Tags are immutable, except
 * the one the `digest` strategy follows: the registry client checks that one moved before any cache.
 */
function askDetails(target: Target, registry: RegistryClient, access: ImageAccess): (tag: string) => Promise<TagDetails> {
  const platform = target.policy.platforms[0];
  const mutable = target.policy.strategy === "digest";
  return (tag) =>
    registry.getTagDetails(target.image, tag, {
      ...access,
      ...(platform === undefined ? {} : { platform }),
      ...(mutable ? { mutable } : {}),
    });
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

async function evaluateTarget(
  target: Target,
  deps: EvaluateDeps,
  concurrency: number,
  constraints: TargetConstraints,
): Promise<TargetOutcome> {
  if (!isDeployed(target)) {
    return {
      kind: "skipped",
      target,
      skip: {
        target: target.id,
        app: appName(target),
        image: repositoryKey(target.image),
        reason: "not deployed by the Application (set force-update: true to update it anyway)",
      },
    };
  }
  const unused = await notRunByApp(target, deps.reader);
  if (unused !== null)
    return {
      kind: "skipped",
      target,
      skip: { target: target.id, app: appName(target), image: repositoryKey(target.image), reason: unused },
    };
  let located: Located;
  try {
    located = await locate(target, deps.reader);
  } catch (error) {
    return problemOf(target, target.write.path, error);
  }
  let decision: Decision;
  let chosen: TagDetails | null = null;
  let tags: readonly string[] = [];
  let candidates: Candidates | null = null;
  let heldBack = false;
  let intent: UpdateIntent | null = null;
  const restore = activeRestore(located.current, constraints);
  try {
    const access = accessOf(target);
    tags = await deps.registry.listTags(target.image, access);
    if (constraints.pin !== undefined) {
      // A pin is a person's choice of one tag: the filters and the ordering do not apply to it.
      decision = decidePinned(tags, located.current, constraints.pin, target.policy.strategy);
      intent = { kind: "pin", source: constraints.pin.source, link: constraints.pin.link ?? null };
    } else if (restore !== null && restore !== undefined) {
      // /rollback: back to the tag the reverted PR replaced, as a pin would, while the file holds the rolled-back one.
      decision = decidePinned(tags, located.current, restore, target.policy.strategy, "rollback");
      intent = { kind: "rollback", source: restore.source, link: restore.link ?? null, reverts: restore.pr };
    } else if (constraints.frozen !== undefined) {
      decision = decideFrozen(located.current, constraints.frozen);
    } else {
      const selected = selectCandidates(tags, target.policy, located.current);
      candidates = constrainCandidates(selected, constraints);
      // Only people's decisions (a hold, refused tags) left nothing: that is not a problem to fix.
      heldBack = selected.ordered.length > 0 && candidates.ordered.length === 0;
      const details = await fetchDetails(target, candidates, deps.registry, access, concurrency);
      decision = decide({ policy: target.policy, current: located.current, candidates, details });
      // A filter that could not be applied as written (invalid allow-tags, malformed glob) makes
      // any choice suspect: report it rather than propose a tag the user may have meant to exclude.
      if (candidates.problems.length > 0 && decision.kind !== "error") {
        return problemOf(target, located.file, ...candidates.problems);
      }
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
    case "no-candidate":
      if (candidates !== null && !heldBack) return noCandidate(target, located, decision.reason, candidates.matching, tags);
      // Held back by people's decisions: the file stays as it is, and that is said, not warned.
      return { kind: "up-to-date", target, quiet: { ...base, file: located.file, current: located.current.tag, reason: decision.reason } };
    case "up-to-date":
      return {
        kind: "up-to-date",
        target,
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
          new RegistryError(
            `${repositoryKey(target.image)}:${decision.to.tag}: the registry gave no digest, and ${located.file} pins one`,
            {
              kind: "protocol",
              context: { image: repositoryKey(target.image), file: located.file },
              hint: "the registry must send Docker-Content-Digest for the tag's manifest; or remove the digest pin",
            },
          ),
        );
      }
      const digest = decision.to.digest ?? (pinned ? imageDigest : null);
      const unapplied = checkRenderedEdit(located.rendered, located.text, located.file, located.locator, { tag: decision.to.tag, digest });
      if (unapplied !== null) return problemOf(target, located.file, unapplied);
      const unchecked = located.rendered?.unchecked ?? [];
      const { sourceUrl, revision } = imageSourceLabels(chosen?.labels ?? {});
      return {
        kind: "update",
        target,
        edits: located.files.map((file) => ({ file, kind: located.kind, locator: located.locator, tag: decision.to.tag, digest })),
        update: {
          ...base,
          file: located.file,
          files: located.files,
          kind: located.kind,
          from: located.current.tag,
          fromDigest: located.current.digest,
          to: decision.to.tag,
          digest,
          imageDigest,
          strategy: target.policy.strategy,
          reason: unchecked.length === 0 ? decision.reason : `${decision.reason} (what runs is not fully checked: ${unchecked.join("; ")})`,
          created: chosen?.created ?? null,
          sourceUrl,
          revision,
          ...(intent === null ? {} : { intent }),
        },
      };
    }
  }
}

function logOutcome(log: Logger, outcome: TargetOutcome): void {
  const context = { target: outcome.target.id, image: repositoryKey(outcome.target.image) };
  switch (outcome.kind) {
    case "skipped":
      log.debug({ ...context, reason: outcome.skip.reason }, "target skipped");
      return;
    case "failed":
      for (const problem of outcome.problems) log.warn({ ...context, file: problem.file, problem: problem.message }, "target failed");
      return;
    case "update":
    case "up-to-date":
      return;
  }
}

/**
 * A constraint (or a followed tag, or filters) that no tag meets is not "up to date": the file
 * stays as it is, and a warning names what matched nothing and the closest tags the registry has.
 */
function noCandidate(target: Target, located: Located, reason: string, matching: string | null, tags: readonly string[]): TargetOutcome {
  const image = repositoryKey(target.image);
  const wanted = matching ?? located.current.tag ?? "";
  const closest = tags.length === 0 ? "the registry lists no tag at all" : `closest tags: ${closestTags(tags, wanted).join(", ")}`;
  const what =
    matching === null
      ? `no tag of ${image} passes its filters (${reason})`
      : target.policy.strategy === "digest"
        ? `the followed tag "${matching}" matches no tag of ${image} (${reason})`
        : `the constraint "${matching}" matches no tag of ${image} (${reason})`;
  return {
    kind: "failed",
    target,
    problems: [
      {
        target: target.id,
        app: appName(target),
        image,
        file: located.file,
        severity: "warning",
        message: `${target.app === null ? `${target.declaredIn}: ` : ""}${what}; ${closest}. ${located.file} was left at ${located.current.tag ?? "its current tag"}; fix the constraint (or allow-tags / ignore-tags), or push the tag`,
      },
    ],
  };
}

/**
 * One outcome per target, in target order: an update with its own re-applicable edit, up to date,
 * skipped, or failed with its problems. A target's failure never stops the others.
 */
export async function evaluateTargets(
  input: { readonly targets: readonly Target[] },
  deps: EvaluateDeps,
  options: EvaluateOptions,
): Promise<TargetOutcome[]> {
  const total = input.targets.length;
  let done = 0;
  return mapLimit(input.targets, options.concurrency, async (target) => {
    const outcome = await evaluateTarget(target, deps, options.concurrency, constraintsOf(target, options.constraints));
    logOutcome(deps.log ?? silentLogger, outcome);
    done += 1;
    options.onProgress?.(done, total);
    return outcome;
  });
}
