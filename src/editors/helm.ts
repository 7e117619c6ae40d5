/**
 * Helm values files. With `helm.image-name` / `helm.image-tag` / `helm.image-spec` keys, exactly
 * those dotted paths (`image.tag`, `images[0].tag`, `app.image.tag`); without, the conventions of
 * popular charts anywhere in the file: `{registry?, repository, tag, digest?}` (bitnami,
 * kube-prometheus-stack, cert-manager, argo-cd, grafana), `{registry, image, tag, digest?}`
 * (ingress-nginx) and `image: repo:tag`. Aliases are followed to their anchor, so an anchored value
 * is edited once, where it is written, and every alias of it follows.
 */
import { isMap, isScalar, type Document, type Scalar } from "yaml";
import type { ErrorContext } from "../errors/index.js";
import { DOCKER_HUB, isDockerHubHost, repositoryKey, sameRepository } from "../image-ref/index.js";
import type { Editor, ImageLocator, MissingReason, Occurrence } from "./editor.js";
import { helmReleaseValues, isHelmRelease, relativeToValues } from "./helm-release.js";
import { imageStringOccurrence, splitImageString, tagOccurrence } from "./occurrences.js";
import { conflict, deref, findPair, getMap, getPath, getScalar, lineOf, parsePath, refuseDuplicateKeys, scalarString, walkMaps, type Source } from "./yaml-text.js";

function stringAt(node: Scalar | undefined, source: Source): string | null {
  if (node === undefined) return null;
  const value = scalarString(node, source.text);
  return value === null || value === "" ? null : value;
}

/** `registry/repository` when the map splits the name in two (bitnami, ingress-nginx). */
export function joinRegistry(registry: string | null, repository: string): string {
  return registry === null || repository.startsWith(`${registry}/`) ? repository : `${registry}/${repository}`;
}

/**
 * Whether a split name is the wanted image. With a registry, the joined name must match (a mirror's
 * `library/nginx` is not Docker Hub's nginx); the repository alone only when no registry is given.
 */
export function splitNameMatches(registry: string | null, repository: string, wanted: string): boolean {
  if (registry === null) return sameRepository(repository, wanted);
  const host = isDockerHubHost(registry) ? DOCKER_HUB : registry;
  return sameRepository(joinRegistry(host, repository), wanted);
}

/** bitnami's `global.imageRegistry`, which overrides every image's `registry:` when set. */
function globalRegistry(root: unknown, doc: Document.Parsed, source: Source): string | null {
  return stringAt(getScalar(getMap(root, "global", doc), "imageRegistry", doc), source);
}

/** The registry an image map renders with: the global override when the map has a `registry:` key. */
function registryOf(map: unknown, override: string | null, doc: Document.Parsed, source: Source): string | null {
  const target = deref(map, doc);
  if (!isMap(target) || findPair(target, "registry", doc) === undefined) return null;
  return override ?? stringAt(getScalar(target, "registry", doc), source);
}

/** The keys of a conventional image map, each of which must be written once. */
const IMAGE_KEYS = ["tag", "repository", "image", "registry", "digest"] as const;

function pathOrThrow(path: string, context: ErrorContext): (string | number)[] {
  const parsed = parsePath(path);
  if (parsed === null) {
    throw conflict(`"${path}" is not a usable Helm value path`, { ...context, key: path }, "use dotted keys with list indexes, e.g. images[0].tag");
  }
  return parsed;
}

function parentOf(path: readonly (string | number)[]): (string | number)[] {
  return path.slice(0, -1);
}

function scalarOrUndefined(node: unknown): Scalar | undefined {
  return isScalar(node) ? node : undefined;
}

function findExplicit(
  source: Source,
  root: unknown,
  doc: Document.Parsed,
  locator: ImageLocator,
  context: ErrorContext,
): Occurrence[] {
  const keys = locator.helm;
  if (keys === null) return [];
  const wanted = repositoryKey(locator.image);
  if (keys.imageSpec !== null) {
    const node = scalarOrUndefined(getPath(root, pathOrThrow(keys.imageSpec, context), doc));
    const value = stringAt(node, source);
    if (node === undefined || value === null) return [];
    const parts = splitImageString(value, false);
    return sameRepository(parts.name, wanted) ? [imageStringOccurrence(source, node, parts, context)] : [];
  }
  const namePath = keys.imageName === null ? null : pathOrThrow(keys.imageName, context);
  const tagPath =
    keys.imageTag !== null ? pathOrThrow(keys.imageTag, context) : namePath === null ? null : [...parentOf(namePath), "tag"];
  if (tagPath === null) return [];
  const tagNode = scalarOrUndefined(getPath(root, tagPath, doc));
  if (tagNode === undefined) return [];
  const parent = deref(getPath(root, parentOf(tagPath), doc), doc);
  const last = tagPath.at(-1);
  if (isMap(parent) && typeof last === "string") refuseDuplicateKeys(source, parent, [last, "digest", "registry"], context);
  const nameParent = namePath === null ? undefined : deref(getPath(root, parentOf(namePath), doc), doc);
  const nameKey = namePath?.at(-1);
  if (isMap(nameParent) && typeof nameKey === "string") refuseDuplicateKeys(source, nameParent, [nameKey], context);
  let name = "";
  if (namePath !== null) {
    const nameNode = scalarOrUndefined(getPath(root, namePath, doc));
    const repository = stringAt(nameNode, source);
    if (repository !== null) {
      const registry = registryOf(getPath(root, parentOf(namePath), doc), globalRegistry(root, doc, source), doc, source);
      name = joinRegistry(registry, repository);
      if (!splitNameMatches(registry, repository, wanted)) return [];
    }
  }
  const digestNode = scalarOrUndefined(getPath(root, [...parentOf(tagPath), "digest"], doc)) ?? null;
  return [tagOccurrence(source, name, tagNode, digestNode, context)];
}

function findConventional(
  source: Source,
  root: unknown,
  doc: Document.Parsed,
  locator: ImageLocator,
  context: ErrorContext,
): Occurrence[] {
  const wanted = repositoryKey(locator.image);
  const found: Occurrence[] = [];
  const override = globalRegistry(root, doc, source);
  for (const map of walkMaps(root)) {
    const tagPair = findPair(map, "tag", doc);
    const tagNode = tagPair === undefined ? undefined : scalarOrUndefined(deref(tagPair.value, doc) ?? null);
    const repository = stringAt(getScalar(map, "repository", doc), source) ?? stringAt(getScalar(map, "image", doc), source);
    if (tagPair !== undefined && repository !== null) {
      const registry = registryOf(map, override, doc, source);
      const name = joinRegistry(registry, repository);
      if (tagNode !== undefined && splitNameMatches(registry, repository, wanted)) {
        refuseDuplicateKeys(source, map, IMAGE_KEYS, context);
        found.push(tagOccurrence(source, name, tagNode, getScalar(map, "digest", doc) ?? null, context));
      }
      continue;
    }
    const image = getScalar(map, "image", doc);
    const value = stringAt(image, source);
    if (image === undefined || value === null) continue;
    const parts = splitImageString(value, false);
    if ((parts.tag !== null || parts.digest !== null) && sameRepository(parts.name, wanted)) {
      found.push(imageStringOccurrence(source, image, parts, context));
    }
  }
  return found;
}

/** Occurrences of the image in a values tree (a values file's root, or an Application's valuesObject). */
export function findInValues(
  source: Source,
  root: unknown,
  doc: Document.Parsed,
  locator: ImageLocator,
  context: ErrorContext,
): Occurrence[] {
  if (!isMap(deref(root, doc))) return [];
  const keys = locator.helm;
  const explicit = keys !== null && (keys.imageSpec !== null || keys.imageTag !== null || keys.imageName !== null);
  return explicit
    ? findExplicit(source, root, doc, locator, context)
    : findConventional(source, root, doc, locator, context);
}

/** A values tree that names the image (`repository:` or `image:`) in a map with no `tag:` key. */
export function explainInValues(source: Source, root: unknown, doc: Document.Parsed, locator: ImageLocator): MissingReason | null {
  const keys = locator.helm;
  const explicit = keys !== null && (keys.imageSpec !== null || keys.imageTag !== null || keys.imageName !== null);
  if (explicit || !isMap(deref(root, doc))) return null;
  const wanted = repositoryKey(locator.image);
  const override = globalRegistry(root, doc, source);
  for (const map of walkMaps(root)) {
    if (findPair(map, "tag", doc) !== undefined) continue;
    const repositoryNode = getScalar(map, "repository", doc);
    const node = repositoryNode ?? getScalar(map, "image", doc);
    const repository = stringAt(node, source);
    if (node === undefined || repository === null || !node.range) continue;
    if (!splitNameMatches(registryOf(map, override, doc, source), repository, wanted)) continue;
    return {
      message: `${source.file} names ${repository} (line ${lineOf(source.text, node.range[0])}) but has no tag key beside it to write`,
      hint:
        repositoryNode === undefined
          ? "write the tag into the image (image: name:tag), add a tag: key next to it, or point helm.image-tag at the key that holds the tag"
          : "add a tag: key next to it (the chart's default tag otherwise applies), or point helm.image-tag at the key that holds the tag",
    };
  }
  return null;
}

/** Where each document's values are: the document itself, or a Flux HelmRelease's `spec.values`. */
function valuesOf(source: Source, locator: ImageLocator): { root: unknown; doc: Document.Parsed; locator: ImageLocator }[] {
  return source.docs.map((doc) => (isHelmRelease(doc, source) ? { root: helmReleaseValues(doc), doc, locator: relativeToValues(locator) } : { root: doc.contents, doc, locator }));
}

export const helmEditor: Editor = {
  kind: "helm",
  find(source, locator, context) {
    return valuesOf(source, locator).flatMap(({ root, doc, locator: at }) => findInValues(source, root, doc, at, context));
  },
  explainMissing(source, locator) {
    for (const { root, doc, locator: at } of valuesOf(source, locator)) {
      const reason = explainInValues(source, root, doc, at);
      if (reason !== null) return reason;
    }
    return null;
  },
  create() {
    return null;
  },
};
