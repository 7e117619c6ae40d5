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
import { DOCKER_HUB, familiarName, isDockerHubHost, repositoryKey, sameRepository } from "../image-ref/index.js";
import type { Editor, ImageLocator, ImageVersion, MissingReason, Occurrence } from "./editor.js";
import { helmReleaseValues, isHelmRelease, relativeToValues } from "./helm-release.js";
import { appendAfter, appendAtEnd, appendPairs, layoutOf } from "./insert.js";
import { formatImageString, imageStringOccurrence, splitImageString, tagOccurrence } from "./occurrences.js";
import {
  columnOf,
  conflict,
  deref,
  findPair,
  get,
  getMap,
  getPath,
  getScalar,
  lineOf,
  parsePath,
  refuseDuplicateKeys,
  renderScalar,
  scalarString,
  walkMaps,
  type Replacement,
  type Source,
} from "./yaml-text.js";

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
    throw conflict(
      `"${path}" is not a usable Helm value path`,
      { ...context, key: path },
      "use dotted keys with list indexes, e.g. images[0].tag",
    );
  }
  return parsed;
}

function parentOf(path: readonly (string | number)[]): (string | number)[] {
  return path.slice(0, -1);
}

function scalarOrUndefined(node: unknown): Scalar | undefined {
  return isScalar(node) ? node : undefined;
}

function findExplicit(source: Source, root: unknown, doc: Document.Parsed, locator: ImageLocator, context: ErrorContext): Occurrence[] {
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
  const tagPath = keys.imageTag !== null ? pathOrThrow(keys.imageTag, context) : namePath === null ? null : [...parentOf(namePath), "tag"];
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

function findConventional(source: Source, root: unknown, doc: Document.Parsed, locator: ImageLocator, context: ErrorContext): Occurrence[] {
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
  return explicit ? findExplicit(source, root, doc, locator, context) : findConventional(source, root, doc, locator, context);
}

/** A values tree that names the image (`repository:` or `image:`) in a map with no `tag:` key. */
export function explainInValues(source: Source, root: unknown, doc: Document.Parsed, locator: ImageLocator): MissingReason | null {
  const keys = locator.helm;
  const explicit = keys !== null && (keys.imageSpec !== null || keys.imageTag !== null || keys.imageName !== null);
  if (!isMap(deref(root, doc))) return null;
  const wanted = repositoryKey(locator.image);
  const other = otherRepository(source, root, doc, locator);
  if (other !== null) {
    return {
      message: `${source.file} sets ${other.key} to ${other.name} (line ${other.line}), another repository than ${wanted}`,
      hint: `if the chart takes ${wanted} from other keys, point helm.image-name / helm.image-tag (or helm.image-spec) at them; if ${other.name} is the image to update, make it the target's image`,
    };
  }
  if (explicit) return null;
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

/** Where a new image goes when the values lack it: the annotations' keys, else the conventional `image.repository` / `image.tag`. */
function creationKeys(locator: ImageLocator): { name: string | null; tag: string | null; spec: string | null } {
  const keys = locator.helm;
  if (keys?.imageSpec != null) return { name: null, tag: null, spec: keys.imageSpec };
  const name = keys?.imageName ?? (keys?.imageTag != null ? null : "image.repository");
  const tag = keys?.imageTag ?? (name === null ? "image.tag" : `${name.includes(".") ? name.slice(0, name.lastIndexOf(".") + 1) : ""}tag`);
  return { name, tag, spec: null };
}

/** The image-name (or image-spec) key the target points at, when it holds another repository than the target's. */
function otherRepository(
  source: Source,
  root: unknown,
  doc: Document.Parsed,
  locator: ImageLocator,
): { key: string; name: string; line: number } | null {
  const wanted = repositoryKey(locator.image);
  const { name, spec } = creationKeys(locator);
  const key = spec ?? name;
  const path = key === null ? null : parsePath(key);
  if (key === null || path === null) return null;
  const node = scalarOrUndefined(getPath(root, path, doc));
  const value = stringAt(node, source);
  if (node === undefined || value === null || !node.range) return null;
  if (spec !== null) {
    const parts = splitImageString(value, false);
    return sameRepository(parts.name, wanted) ? null : { key, name: parts.name, line: lineOf(source.text, node.range[0]) };
  }
  const registry = registryOf(getPath(root, parentOf(path), doc), globalRegistry(root, doc, source), doc, source);
  return splitNameMatches(registry, value, wanted)
    ? null
    : { key, name: joinRegistry(registry, value), line: lineOf(source.text, node.range[0]) };
}

/**
 * Add the image's keys to a values file that lacks them, as image-updater's helmvalues write-back
 * sets them: at helm.image-name / helm.image-tag (or helm.image-spec), else the conventional
 * `image.repository` / `image.tag`, nested under the deepest map that exists, in the file's own
 * indentation (flow stays flow). Null when the keys' parents differ, a key on the way is not a map,
 * or the name key already holds another repository (explainMissing says which).
 */
function createInValues(source: Source, locator: ImageLocator, to: ImageVersion, context: ErrorContext): Replacement[] | null {
  if (source.docs.length > 1 || (to.tag === null && to.digest === null)) return null;
  const doc = source.docs[0];
  // A Flux HelmRelease's values are its spec.values: keys are not invented there.
  if (doc !== undefined && isHelmRelease(doc, source)) return null;
  const root = doc?.contents ?? null;
  const { name, tag, spec } = creationKeys(locator);
  const image = familiarName(locator.image);
  const leaves: [string, string][] = [];
  if (spec !== null) leaves.push([spec, formatImageString({ alias: "", name: image, tag: to.tag, digest: to.digest })]);
  else {
    if (tag === null || to.tag === null) return null;
    if (name !== null) leaves.push([name, image]);
    leaves.push([tag, to.digest === null ? to.tag : `${to.tag}@${to.digest}`]);
  }
  const paths = leaves.map(([key]) => parsePath(key));
  if (paths.some((path) => path === null || path.some((segment) => typeof segment === "number"))) return null;
  const segments = paths as string[][];
  const parent = segments[0]?.slice(0, -1) ?? [];
  if (segments.some((path) => path.slice(0, -1).join("\u0000") !== parent.join("\u0000"))) return null;
  const empty = doc === undefined || root === null || (isScalar(root) && root.value === null);
  // The name key, when present, must be this image (else it is another image's, explained); then only the tag is added.
  const pending = leaves.flatMap(([key, value], index) => {
    const path = segments[index] ?? [];
    return !empty && getPath(root, path, doc) !== undefined
      ? []
      : [[path.at(-1) ?? key, renderScalar(null, value, context)] as [string, string]];
  });
  if (pending.length === 0) return null;
  if (doc === undefined || empty) {
    return [appendAtEnd(source, nestedLines(parent, pending, 0, 2))];
  }
  if (otherRepository(source, root, doc, locator) !== null) return null;
  let node: unknown = root;
  let depth = 0;
  for (; depth < parent.length; depth += 1) {
    const next = get(node, parent[depth] ?? "", doc);
    if (next === undefined) break;
    if (!isMap(next)) return null;
    node = next;
  }
  if (!isMap(node)) return null;
  const remaining = parent.slice(depth);
  if (node.flow) {
    const [first, ...below] = remaining;
    if (first === undefined) return [appendPairs(source, node, pending, context)];
    const inner = below.reduceRight(
      (value, key) => `{${key}: ${value}}`,
      `{${pending.map(([key, value]) => `${key}: ${value}`).join(", ")}}`,
    );
    return [appendPairs(source, node, [[first, inner]], context)];
  }
  if (!node.range || node.items.length === 0) return null;
  const { mapIndent } = layoutOf(source, doc);
  return [appendAfter(source, node, nestedLines(remaining, pending, columnOf(source.text, node.range[0]), mapIndent), context)];
}

/** `a:` / `  b:` / `    key: value` lines: `keys` nested from `column`, the pairs under the last. */
function nestedLines(keys: readonly string[], pairs: readonly (readonly [string, string])[], column: number, indent: number): string[] {
  const pad = (depth: number): string => " ".repeat(column + depth * indent);
  return [...keys.map((key, depth) => `${pad(depth)}${key}:`), ...pairs.map(([key, value]) => `${pad(keys.length)}${key}: ${value}`)];
}

/** Where each document's values are: the document itself, or a Flux HelmRelease's `spec.values`. */
function valuesOf(source: Source, locator: ImageLocator): { root: unknown; doc: Document.Parsed; locator: ImageLocator }[] {
  return source.docs.map((doc) =>
    isHelmRelease(doc, source)
      ? { root: helmReleaseValues(doc), doc, locator: relativeToValues(locator) }
      : { root: doc.contents, doc, locator },
  );
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
  create(source, locator, to, context) {
    return createInValues(source, locator, to, context);
  },
};
