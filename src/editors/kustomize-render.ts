/**
 * What a kustomization stack renders for the images it runs: a small, pure model of kustomize's
 * image transformer, so the plan reads the tag Argo CD deploys rather than only the file it writes.
 *
 * The model follows kustomize (api/internal/image, api/filters/imagetag, kusttarget's accumulation):
 * - a kustomization's resources (`resources`, and the deprecated `bases`) are built first, each local
 *   kustomization fully (its own `images:` included); then its `components`, in order, each adding
 *   its resources and applying its `images:` to everything accumulated so far; then its own `images:`;
 * - an `images:` entry applies, in list order, to every `image` of a `containers` / `initContainers`
 *   list anywhere in a resource (kustomize's legacy walk, CustomResourceDefinitions excepted);
 * - an entry matches when its `name` is the image's name as written — the string, not a normalised
 *   reference: `redis` does not match `docker.io/redis:7` — with any tag and digest after it;
 * - `newName` replaces the name; `newTag` and `digest` replace the tag *and* the digest together
 *   (a `newTag` alone drops a digest pin).
 * What this model cannot follow (remote bases, Helm charts, patches that may set an image,
 * generators, `tagSuffix` — which kustomize 5.5 applies once or twice depending on the field) is
 * listed in `partial`, so a caller can say what it could not check.
 */
import { RE2JS } from "re2js";
import { isMap, isScalar, isSeq, type Document } from "yaml";
import { parseImageRef, repositoryKey } from "../image-ref/index.js";
import type { ImageVersion } from "./editor.js";
import { deref, get, getScalar, getSeq, parseSource, scalarString, type Source } from "./yaml-text.js";

/** One kustomization and what it includes, read through the repository reader. */
export interface KustomizationTree {
  /** Repo-relative path of the kustomization file. */
  readonly file: string;
  readonly text: string;
  /** `resources` then `bases`, in order, as they were found. */
  readonly resources: readonly KustomizeResource[];
  readonly components: readonly KustomizationTree[];
  /** What the reader could not follow (a remote base, a missing path), each saying why. */
  readonly unresolved: readonly string[];
}

export type KustomizeResource =
  | { readonly kind: "file"; readonly file: string; readonly text: string }
  | { readonly kind: "kustomization"; readonly tree: KustomizationTree };

/** The local paths a kustomization includes (as written), and what the model does not follow. */
export interface KustomizationRefs {
  readonly resources: readonly string[];
  readonly components: readonly string[];
  /** Fields that may change images in ways the model does not render (`helmCharts`, patches naming an image…). */
  readonly unsupported: readonly string[];
}

/** One container image, as a resource spells it and as the kustomization renders it. */
export interface RenderedContainer {
  /** The resource file that spells it. */
  readonly file: string;
  /** The `image` as written in the resource. */
  readonly written: string;
  /** The image at the kustomization's input: after everything below it, before its own `images:`. */
  readonly input: string;
  /** The image the kustomization renders (what Argo CD deploys). */
  readonly rendered: string;
}

export interface KustomizeImageEntry {
  readonly name: string;
  readonly newName: string | null;
  readonly newTag: string | null;
  readonly digest: string | null;
}

export interface SplitImage {
  readonly name: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

/** kustomize's `image.Split`: the name, then `:tag` and `@digest`, a registry host's port left alone. */
export function splitKustomizeImage(image: string): SplitImage {
  const slash = image.indexOf("/");
  const from = slash > 0 ? slash : 0;
  const search = image.slice(from);
  const at = search.indexOf("@");
  const colon = search.indexOf(":");
  if (colon < 0 && at < 0) return { name: image, tag: null, digest: null };
  if (at >= 0 && (at < colon || colon < 0)) return { name: image.slice(0, from + at), tag: null, digest: image.slice(from + at + 1) };
  if (at >= 0 && colon >= 0) {
    return { name: image.slice(0, from + colon), tag: image.slice(from + colon + 1, from + at), digest: image.slice(from + at + 1) };
  }
  return { name: image.slice(0, from + colon), tag: image.slice(from + colon + 1), digest: null };
}

/**
 * A bounded memo of a pure function of a file's text: a pass renders the same bases once per target
 * (and again to check each edit), so their parse is kept rather than repeated.
 */
function memo<T>(compute: (text: string, file: string) => T, limit = 2000): (text: string, file: string) => T {
  const cache = new Map<string, T>();
  return (text, file) => {
    const key = `${file}\u0000${text}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const value = compute(text, file);
    if (cache.size >= limit) cache.clear();
    cache.set(key, value);
    return value;
  };
}

const NAME_PATTERNS = new Map<string, RE2JS | null>();

/**
 * kustomize's `image.IsImageMatched`: the entry's name — a Go regular expression there, so here too,
 * with RE2's syntax and its linear time (a repository's kustomization must not stall the pass) —
 * then an optional tag and digest.
 */
export function kustomizeNameMatches(image: string, name: string): boolean {
  let pattern = NAME_PATTERNS.get(name);
  if (pattern === undefined) {
    try {
      pattern = RE2JS.compile(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{}-]*)?$`);
    } catch {
      pattern = null; // kustomize: an entry name that is not a valid expression matches nothing
    }
    if (NAME_PATTERNS.size > 1000) NAME_PATTERNS.clear();
    NAME_PATTERNS.set(name, pattern);
  }
  return pattern !== null && pattern.matches(image);
}

/** One entry applied to one image (kustomize's imageTagUpdater): unchanged when the name does not match. */
export function applyImageEntry(image: string, entry: KustomizeImageEntry): string {
  if (!kustomizeNameMatches(image, entry.name)) return image;
  const parts = splitKustomizeImage(image);
  const name = entry.newName ?? parts.name;
  let tag = parts.tag ?? "";
  let digest = parts.digest ?? "";
  if (entry.newTag !== null && entry.digest !== null) {
    tag = entry.newTag;
    digest = entry.digest;
  } else if (entry.newTag !== null) {
    tag = entry.newTag;
    digest = "";
  } else if (entry.digest !== null) {
    tag = "";
    digest = entry.digest;
  }
  return `${name}${tag === "" ? "" : `:${tag}`}${digest === "" ? "" : `@${digest}`}`;
}

function stringAt(map: unknown, key: string, doc: Document.Parsed, source: Source): string | null {
  const node = getScalar(map, key, doc);
  const value = node === undefined ? null : scalarString(node, source.text);
  return value === null || value === "" ? null : value;
}

function parseOrNull(text: string, file: string): Source | null {
  try {
    return parseSource(text, file);
  } catch {
    return null;
  }
}

/** The `images:` entries of a kustomization, in order (an entry without a name matches nothing and is left out). */
export const kustomizeImageEntries: (text: string, file: string) => readonly KustomizeImageEntry[] = memo(readImageEntries);

function readImageEntries(text: string, file: string): KustomizeImageEntry[] {
  const source = parseOrNull(text, file);
  const doc = source?.docs[0];
  if (source === null || doc === undefined) return [];
  const entries: KustomizeImageEntry[] = [];
  for (const item of getSeq(doc.contents, "images", doc)?.items ?? []) {
    const entry = deref(item, doc);
    const name = isMap(entry) ? stringAt(entry, "name", doc, source) : null;
    if (name === null) continue;
    entries.push({
      name,
      newName: stringAt(entry, "newName", doc, source),
      newTag: stringAt(entry, "newTag", doc, source),
      digest: stringAt(entry, "digest", doc, source),
    });
  }
  return entries;
}

function stringList(root: unknown, key: string, doc: Document.Parsed, source: Source): string[] {
  return (getSeq(root, key, doc)?.items ?? []).flatMap((item) => {
    const node = deref(item, doc);
    const value = isScalar(node) ? scalarString(node, source.text) : null;
    return value === null || value === "" ? [] : [value];
  });
}

/** Inline patches and patch files named by a kustomization: those that mention `image` may change one. */
function patchesMayChangeImages(root: unknown, doc: Document.Parsed, source: Source): string[] {
  const notes: string[] = [];
  for (const key of ["patches", "patchesStrategicMerge", "patchesJson6902"]) {
    for (const item of getSeq(root, key, doc)?.items ?? []) {
      const node = deref(item, doc);
      const inline = isScalar(node) ? scalarString(node, source.text) : stringAt(node, "patch", doc, source);
      const path = isMap(node) ? stringAt(node, "path", doc, source) : null;
      if (inline !== null && /\bimage\b/.test(inline)) notes.push(`a ${key} entry may set an image`);
      else if (path !== null) notes.push(`${key} file ${path} may set an image`);
    }
  }
  return notes;
}

/** What a kustomization includes, from its text. An unparsable kustomization includes nothing the model can follow. */
export const kustomizationRefs: (text: string, file: string) => KustomizationRefs = memo(readRefs);

function readRefs(text: string, file: string): KustomizationRefs {
  const source = parseOrNull(text, file);
  const doc = source?.docs[0];
  if (source === null || doc === undefined) return { resources: [], components: [], unsupported: [`${file} is not valid YAML`] };
  const root = doc.contents;
  const unsupported = [
    ...(get(root, "helmCharts", doc) !== undefined ? ["helmCharts (the charts' images are not rendered here)"] : []),
    ...["generators", "transformers", "replacements"].filter((key) => get(root, key, doc) !== undefined).map((key) => `${key}`),
    ...patchesMayChangeImages(root, doc, source),
    ...(getSeq(root, "images", doc)?.items ?? []).flatMap((item) => {
      const suffix = stringAt(deref(item, doc), "tagSuffix", doc, source);
      return suffix === null ? [] : [`the images entry ${stringAt(deref(item, doc), "name", doc, source) ?? ""} has a tagSuffix`];
    }),
  ];
  return {
    resources: [...stringList(root, "resources", doc, source), ...stringList(root, "bases", doc, source)],
    components: stringList(root, "components", doc, source),
    unsupported,
  };
}

/** Every `image` of a `containers` / `initContainers` list anywhere in a resource file (kustomize's legacy walk). */
const containerImages: (text: string, file: string) => { readonly images: readonly string[]; readonly problem: string | null } =
  memo(readContainerImages);

function readContainerImages(text: string, file: string): { images: string[]; problem: string | null } {
  const source = parseOrNull(text, file);
  if (source === null) return { images: [], problem: `${file} is not valid YAML` };
  const images: string[] = [];
  const walk = (node: unknown, doc: Document.Parsed): void => {
    const value = deref(node, doc);
    if (isMap(value)) {
      for (const pair of value.items) {
        walk(pair.value, doc);
        const key = isScalar(pair.key) ? pair.key.value : null;
        const list = deref(pair.value, doc);
        if ((key !== "containers" && key !== "initContainers") || !isSeq(list)) continue;
        for (const item of list.items) {
          const image = stringAt(deref(item, doc), "image", doc, source);
          if (image !== null) images.push(image);
        }
      }
    } else if (isSeq(value)) {
      for (const item of value.items) walk(item, doc);
    }
  };
  for (const doc of source.docs) {
    if (stringAt(doc.contents, "kind", doc, source) === "CustomResourceDefinition") continue;
    walk(doc.contents, doc);
  }
  return { images, problem: null };
}

interface Accumulated {
  readonly containers: RenderedContainer[];
  readonly partial: string[];
}

function applyEntries(
  containers: readonly RenderedContainer[],
  entries: readonly KustomizeImageEntry[],
  stage: "input" | "rendered",
): RenderedContainer[] {
  return containers.map((container) => {
    const image = entries.reduce(applyImageEntry, container.rendered);
    return stage === "input" ? { ...container, input: image, rendered: image } : { ...container, rendered: image };
  });
}

/** What a kustomization's own text adds to `partial`: the fields the model does not render. */
function notesOf(tree: KustomizationTree): string[] {
  return [...tree.unresolved, ...kustomizationRefs(tree.text, tree.file).unsupported.map((note) => `${tree.file}: ${note}`)];
}

/** A local kustomization built on its own (trees are immutable: each is built once). */
const BUILT = new WeakMap<KustomizationTree, Accumulated>();

function built(tree: KustomizationTree, depth: number): Accumulated {
  const hit = BUILT.get(tree);
  if (hit !== undefined) return hit;
  const result = accumulate(tree, { containers: [], partial: [] }, true, depth);
  BUILT.set(tree, result);
  return result;
}

/** kusttarget's accumulation: resources, then components over all of it, then (unless `own` is false) its own `images:`. */
function accumulate(tree: KustomizationTree, onto: Accumulated, own: boolean, depth: number): Accumulated {
  // The top kustomization (own: false) has its notes added by renderKustomization: its text changes with an edit.
  const partial = [...onto.partial, ...(own ? notesOf(tree) : tree.unresolved)];
  let containers = [...onto.containers];
  if (depth > 32) return { containers, partial: [...partial, `${tree.file}: kustomizations nested too deep`] };
  for (const resource of tree.resources) {
    if (resource.kind === "file") {
      const { images, problem } = containerImages(resource.text, resource.file);
      if (problem !== null) partial.push(problem);
      containers.push(...images.map((image) => ({ file: resource.file, written: image, input: image, rendered: image })));
    } else {
      const base = built(resource.tree, depth + 1);
      containers.push(...base.containers);
      partial.push(...base.partial);
    }
  }
  let state: Accumulated = { containers, partial };
  for (const component of tree.components) state = accumulate(component, state, true, depth + 1);
  containers = own ? applyEntries(state.containers, kustomizeImageEntries(tree.text, tree.file), "input") : state.containers;
  return { containers, partial: state.partial };
}

/**
 * The top kustomization's input (everything below its own `images:`), kept per resources list, so
 * rendering an edit of its text (withKustomizationText keeps the lists) reuses it.
 */
const BELOW = new WeakMap<
  readonly KustomizeResource[],
  { readonly components: readonly KustomizationTree[]; readonly below: Accumulated }
>();

function belowOf(tree: KustomizationTree): Accumulated {
  const hit = BELOW.get(tree.resources);
  if (hit !== undefined && hit.components === tree.components) return hit.below;
  const below = accumulate(tree, { containers: [], partial: [] }, false, 0);
  BELOW.set(tree.resources, { components: tree.components, below });
  return below;
}

/** Every container the kustomization renders, each with its image at the kustomization's input and as rendered. */
export function renderKustomization(tree: KustomizationTree): { containers: RenderedContainer[]; partial: string[] } {
  const below = belowOf(tree);
  const inputs = below.containers.map((container) => ({ ...container, input: container.rendered }));
  const partial = [
    ...new Set([...kustomizationRefs(tree.text, tree.file).unsupported.map((note) => `${tree.file}: ${note}`), ...below.partial]),
  ];
  return { containers: applyEntries(inputs, kustomizeImageEntries(tree.text, tree.file), "rendered"), partial };
}

/** The same tree with the top kustomization's text replaced (to render an edit before it is written). */
export function withKustomizationText(tree: KustomizationTree, text: string): KustomizationTree {
  return { ...tree, text };
}

const REPOSITORY_KEYS = new Map<string, string | null>();

/** `registry/repository` of a name, or null when it is not an image name (kept: a render asks for each container, per target). */
function keyOf(name: string): string | null {
  let key = REPOSITORY_KEYS.get(name);
  if (key === undefined) {
    try {
      key = repositoryKey(parseImageRef(name));
    } catch {
      key = null;
    }
    if (REPOSITORY_KEYS.size > 10000) REPOSITORY_KEYS.clear();
    REPOSITORY_KEYS.set(name, key);
  }
  return key;
}

/** Whether a rendered image string runs `repository` (`registry/repository`, any spelling of Docker Hub): sameRepository, memoised. */
export function runsRepository(image: string, repository: string): boolean {
  const name = splitKustomizeImage(image).name;
  const a = keyOf(name);
  const b = keyOf(repository);
  return a !== null && b !== null ? a === b : name === repository;
}

export function versionOf(image: string): ImageVersion {
  const { tag, digest } = splitKustomizeImage(image);
  return { tag, digest };
}
