/**
 * Kustomizations' `images:` list. An entry is the image when its `newName` is, or its `name` is and
 * it has no `newName` (the trap: `name: app` + `newName: asia.gcr.io/proj/app` runs the second), or
 * when its `name` is the target's `kustomize.image-name`. `newTag` and `digest` are rewritten in
 * place, added in the entry's own indentation when absent; a new entry is added only when none
 * matches, so a second entry for the same image is never appended.
 */
import { isMap, isScalar, type Document, type YAMLMap } from "yaml";
import type { ErrorContext } from "../errors/index.js";
import { familiarName, repositoryKey, sameRepository } from "../image-ref/index.js";
import type { Editor, ImageLocator, ImageVersion, Occurrence, Span } from "./editor.js";
import { appendAfter, appendAtEnd, appendItem, appendPairs, layoutOf, removePairLine } from "./insert.js";
import {
  columnOf,
  conflict,
  deref,
  findPair,
  getScalar,
  getSeq,
  isMisreadPlain,
  refuseDuplicateKeys,
  renderScalar,
  replaceScalar,
  scalarString,
  type Replacement,
  type Source,
} from "./yaml-text.js";

/** The names kustomize looks for in a directory, in its own order of preference. */
export const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

/** The kustomization among a directory's entries, in kustomize's own order of preference. */
export function kustomizationFileName(names: readonly string[]): string | null {
  return KUSTOMIZATION_FILES.find((candidate) => names.includes(candidate)) ?? null;
}

/** The `name` a new images entry gets: kustomize.image-name, else the image as the resources spell it, else its familiar name. */
function newEntryName(locator: ImageLocator): string {
  return locator.kustomizeImageName ?? locator.newEntryName ?? familiarName(locator.image);
}

function text(source: Source, map: YAMLMap, key: string, doc: Document.Parsed): string | null {
  const node = getScalar(map, key, doc);
  const value = node === undefined ? null : scalarString(node, source.text);
  return value === "" ? null : value;
}

function isKustomizeImageName(name: string, locator: ImageLocator): boolean {
  const wanted = locator.kustomizeImageName;
  return wanted !== null && (name === wanted || sameRepository(name, wanted));
}

function matches(name: string | null, newName: string | null, locator: ImageLocator): boolean {
  const wanted = repositoryKey(locator.image);
  if (name !== null && isKustomizeImageName(name, locator)) return true;
  // kustomize runs `newName` when set: `name: nginx` + `newName: ghcr.io/acme/nginx-custom` is the
  // custom image, not Docker Hub's nginx.
  return newName === null ? name !== null && sameRepository(name, wanted) : sameRepository(newName, wanted);
}

function entryOccurrence(source: Source, entry: YAMLMap, doc: Document.Parsed, context: ErrorContext): Occurrence {
  const tagNode = getScalar(entry, "newTag", doc) ?? null;
  const digestNode = getScalar(entry, "digest", doc) ?? null;
  const tag = text(source, entry, "newTag", doc);
  const digest = text(source, entry, "digest", doc);
  const spans: Span[] = [tagNode, digestNode].flatMap((node) => (node?.range ? [{ start: node.range[0], end: node.range[1] }] : []));
  return {
    name: text(source, entry, "newName", doc) ?? text(source, entry, "name", doc) ?? "",
    tag,
    digest,
    spans,
    rewrite(to: ImageVersion): Replacement[] {
      const replacements: Replacement[] = [];
      const added: [string, string][] = [];
      const digestKey = findPair(entry, "digest", doc)?.key;
      if (
        to.tag !== null &&
        to.tag !== tag &&
        tagNode === null &&
        to.digest === null &&
        digest !== null &&
        digestNode?.range &&
        isScalar(digestKey) &&
        digestKey.range
      ) {
        // A digest-only entry moving to a tag: the `digest: …` pair becomes `newTag: …` in place
        // (removing its line and appending one after it would be two overlapping edits).
        const start = digestKey.range[0];
        const end = digestNode.range[1];
        const expected = source.text.slice(start, end);
        return [{ start, end, text: `newTag: ${renderScalar(null, to.tag, context)}`, expected }];
      }
      if (to.tag !== null && (to.tag !== tag || (tagNode !== null && isMisreadPlain(tagNode, source.text)))) {
        if (tagNode !== null) replacements.push(replaceScalar(source, tagNode, to.tag, context));
        else added.push(["newTag", renderScalar(null, to.tag, context)]);
      }
      if (to.digest !== digest) {
        if (to.digest === null) replacements.push(removePairLine(source, entry, "digest", context));
        else if (digestNode !== null) replacements.push(replaceScalar(source, digestNode, to.digest, context));
        else added.push(["digest", renderScalar(null, to.digest, context)]);
      }
      if (added.length > 0) replacements.push(appendPairs(source, entry, added, context));
      return replacements;
    },
  };
}

function newEntryPairs(locator: ImageLocator, to: ImageVersion, context: ErrorContext): [string, string][] {
  const image = familiarName(locator.image);
  const name = newEntryName(locator);
  const pairs: [string, string][] = [["name", renderScalar(null, name, context)]];
  if (!sameRepository(name, repositoryKey(locator.image))) pairs.push(["newName", renderScalar(null, image, context)]);
  if (to.tag !== null) pairs.push(["newTag", renderScalar(null, to.tag, context)]);
  if (to.digest !== null) pairs.push(["digest", renderScalar(null, to.digest, context)]);
  return pairs;
}

export const kustomizeEditor: Editor = {
  kind: "kustomize",
  find(source, locator, context) {
    const found: Occurrence[] = [];
    const named: Occurrence[] = [];
    for (const doc of source.docs) {
      for (const item of getSeq(doc.contents, "images", doc)?.items ?? []) {
        const entry = deref(item, doc);
        if (!isMap(entry)) continue;
        const name = text(source, entry, "name", doc);
        if (matches(name, text(source, entry, "newName", doc), locator)) {
          refuseDuplicateKeys(source, entry, ["name", "newName", "newTag", "digest"], context);
          const occurrence = entryOccurrence(source, entry, doc, context);
          found.push(occurrence);
          if (name !== null && isKustomizeImageName(name, locator)) named.push(occurrence);
        }
      }
    }
    // kustomize.image-name picks the entry by its `name` (what `kustomize edit set image <name>=…`
    // edits): other entries that merely share the newName are someone else's override.
    return named.length > 0 ? named : found;
  },
  explainMissing(source, locator) {
    const wanted = repositoryKey(locator.image);
    for (const doc of source.docs) {
      for (const item of getSeq(doc.contents, "images", doc)?.items ?? []) {
        const entry = deref(item, doc);
        if (!isMap(entry)) continue;
        const name = text(source, entry, "name", doc);
        const newName = text(source, entry, "newName", doc);
        if (name === null || newName === null || !sameRepository(name, wanted)) continue;
        return {
          message: `${source.file} has an images entry named ${name}, but it runs ${newName} (its newName), another image`,
          hint: `if ${newName} is the image to update, make it the target's image; to pin that entry anyway, set kustomize.image-name: ${name}`,
        };
      }
    }
    return null;
  },
  create(source, locator, to, context) {
    const doc = source.docs[0];
    const root = doc?.contents;
    // Empty documents after the kustomization (a trailing `---`) do not make it ambiguous.
    const emptyAfter = source.docs
      .slice(1)
      .every((each) => each.contents === null || (isScalar(each.contents) && each.contents.value === null));
    if (doc === undefined || !emptyAfter || !isMap(root) || root.flow) return null;
    const pairs = newEntryPairs(locator, to, context);
    const images = getSeq(root, "images", doc);
    const name = newEntryName(locator);
    for (const item of images?.items ?? []) {
      const entry = deref(item, doc);
      if (!isMap(entry)) continue;
      const taken = text(source, entry, "name", doc);
      if (taken === null || !sameRepository(taken, name)) continue;
      // Not matched, yet named like the new entry: it runs another image (its newName). A second
      // entry with the same name would leave kustomize to pick one.
      throw conflict(
        `${source.file} already has an images entry named ${taken} that runs ${text(source, entry, "newName", doc) ?? "another image"}`,
        { ...context, key: "images" },
        "set kustomize.image-name to that entry's name if it is this image, or rename the entry",
      );
    }
    if (images !== undefined) {
      const lines = pairs.map(([key, value]) => `${key}: ${value}`);
      return [appendItem(source, images, lines, `{${lines.join(", ")}}`, context)];
    }
    const { seqIndent } = layoutOf(source, doc);
    const item = (column: number): string[] =>
      pairs.map(
        ([key, value], index) =>
          `${" ".repeat(column)}${index === 0 ? `${" ".repeat(seqIndent)}- ` : " ".repeat(seqIndent + 2)}${key}: ${value}`,
      );
    const existing = findPair(root, "images", doc);
    if (existing !== undefined) {
      // `images:` with nothing after it (perhaps only commented-out entries) is an empty list.
      const key = isScalar(existing.key) ? existing.key.range : null;
      const value = existing.value;
      const empty = value === null || (isScalar(value) && value.value === null && !!value.range && value.range[0] === value.range[1]);
      if (!empty || !key) throw conflict("images: is not a list", context, "make images: a list of entries, or remove it");
      return [appendAfter(source, existing.key, item(columnOf(source.text, key[0])), context)];
    }
    const lines = ["images:", ...item(0)];
    // After the kustomization's own content when a `...` or an empty document follows it.
    const last = root.items.at(-1);
    if ((doc.directives.docEnd || source.docs.length > 1) && last !== undefined)
      return [appendAfter(source, last.value ?? last.key, lines, context)];
    return [appendAtEnd(source, lines)];
  },
};
