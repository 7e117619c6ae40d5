/**
 * Argo CD Application manifests kept in git (`spec.source` / `spec.sources[]`), and
 * argocd-image-updater's `.argocd-source-<app>.yaml`, which holds the same overrides at its root:
 * `kustomize.images` (strings `name=newName:tag@digest` or `name:tag`), `helm.parameters`
 * (`{name, value, forcestring}`) and, in Applications, `helm.valuesObject`.
 */
import { isMap, isScalar, type Document, type Scalar, type YAMLMap, type YAMLSeq } from "yaml";
import type { ErrorContext } from "../errors/index.js";
import { familiarName, repositoryKey, sameRepository } from "../image-ref/index.js";
import type { Editor, ImageLocator, ImageVersion, Occurrence } from "./editor.js";
import { explainInValues, findInValues, joinRegistry, splitNameMatches } from "./helm.js";
import { appendAfter, appendAtEnd, appendItem, appendPairs, layoutOf } from "./insert.js";
import { formatImageString, imageStringOccurrence, splitImageString, tagOccurrence } from "./occurrences.js";
import {
  columnOf,
  conflict,
  deref,
  get,
  getMap,
  getScalar,
  getSeq,
  lineOf,
  renderScalar,
  scalarString,
  type Replacement,
  type Source,
} from "./yaml-text.js";

/**
 * The file argocd-image-updater writes an Application's overrides to: `.argocd-source-<app>.yaml`,
 * or `.argocd-source-<namespace>_<app>.yaml` given the namespace of an Application outside Argo CD's
 * control-plane namespace (pkg/common DefaultTargetFilePattern).
 */
export function argocdSourceFileName(appName: string, outsideNamespace?: string): string {
  return outsideNamespace === undefined ? `.argocd-source-${appName}.yaml` : `.argocd-source-${outsideNamespace}_${appName}.yaml`;
}

/** Parameter names image-updater uses when no `helm.image-*` annotation says otherwise. */
const DEFAULT_NAME_PARAMS = ["image.name", "image.repository"];
const DEFAULT_TAG_PARAM = "image.tag";

function stringOf(node: Scalar | undefined, source: Source): string | null {
  const value = node === undefined ? null : scalarString(node, source.text);
  return value === "" ? null : value;
}

function findKustomizeImages(
  source: Source,
  kustomize: unknown,
  doc: Document.Parsed,
  locator: ImageLocator,
  context: ErrorContext,
): Occurrence[] {
  const wanted = repositoryKey(locator.image);
  const found: Occurrence[] = [];
  const named: Occurrence[] = [];
  for (const item of getSeq(kustomize, "images", doc)?.items ?? []) {
    const node = deref(item, doc);
    const value = isScalar(node) ? stringOf(node, source) : null;
    if (!isScalar(node) || value === null) continue;
    const parts = splitImageString(value, true);
    const alias = parts.alias.slice(0, -1);
    // `nginx=ghcr.io/acme/nginx-custom:2.0` runs the custom image: the alias alone matches only
    // as the target's kustomize.image-name.
    const byAlias = alias !== "" && alias === locator.kustomizeImageName;
    if (byAlias || sameRepository(parts.name, wanted) || parts.name === locator.kustomizeImageName) {
      const occurrence = imageStringOccurrence(source, node, parts, context);
      found.push(occurrence);
      if (locator.kustomizeImageName !== null && (alias || parts.name) === locator.kustomizeImageName) named.push(occurrence);
    }
  }
  // kustomize.image-name picks the override by its name; others sharing the new image are not ours.
  return named.length > 0 ? named : found;
}

function findHelmParameters(
  source: Source,
  helm: unknown,
  doc: Document.Parsed,
  locator: ImageLocator,
  context: ErrorContext,
): Occurrence[] {
  const wanted = repositoryKey(locator.image);
  const params = new Map<string, YAMLMap>();
  const repeated = new Map<string, number[]>();
  for (const item of getSeq(helm, "parameters", doc)?.items ?? []) {
    const param = deref(item, doc);
    const name = isMap(param) ? stringOf(getScalar(param, "name", doc), source) : null;
    if (!isMap(param) || name === null) continue;
    const line = param.range ? lineOf(source.text, param.range[0]) : 0;
    const first = params.get(name);
    if (first === undefined) params.set(name, param);
    else repeated.set(name, [...(repeated.get(name) ?? [first.range ? lineOf(source.text, first.range[0]) : 0]), line]);
  }
  const valueOf = (name: string | null): Scalar | undefined => {
    const param = name === null ? undefined : params.get(name);
    const lines = name === null ? undefined : repeated.get(name);
    if (name !== null && lines !== undefined) {
      // Argo CD applies the last; editing the first would change nothing it renders.
      throw conflict(
        `${source.file} sets the Helm parameter "${name}" ${lines.length} times (lines ${lines.join(", ")})`,
        { ...context, key: name },
        `remove the duplicate parameter "${name}", keeping the one you mean (Argo CD applies the last), then retry`,
      );
    }
    return param === undefined ? undefined : getScalar(param, "value", doc);
  };
  const keys = locator.helm;
  if (keys?.imageSpec != null) {
    const node = valueOf(keys.imageSpec);
    const value = stringOf(node, source);
    if (node === undefined || value === null) return [];
    const parts = splitImageString(value, false);
    return sameRepository(parts.name, wanted) ? [imageStringOccurrence(source, node, parts, context)] : [];
  }
  const explicit = keys !== null && (keys.imageName !== null || keys.imageTag !== null);
  const tagName = keys?.imageTag ?? DEFAULT_TAG_PARAM;
  const tagNode = valueOf(tagName);
  if (tagNode === undefined) return [];
  const nameNames = keys?.imageName != null ? [keys.imageName] : DEFAULT_NAME_PARAMS;
  const nameParam = nameNames.find((name) => valueOf(name) !== undefined) ?? null;
  const repository = stringOf(valueOf(nameParam), source);
  // `<prefix>.registry` beside `<prefix>.repository` (bitnami's split): the chart joins them.
  const registry =
    nameParam === null || !nameParam.includes(".")
      ? null
      : stringOf(valueOf(`${nameParam.slice(0, nameParam.lastIndexOf(".") + 1)}registry`), source);
  if (repository === null ? !explicit : !splitNameMatches(registry, repository, wanted)) return [];
  const digestName = `${tagName.slice(0, tagName.lastIndexOf(".") + 1)}digest`;
  const digestNode = tagName.includes(".") ? (valueOf(digestName) ?? null) : null;
  return [tagOccurrence(source, repository === null ? "" : joinRegistry(registry, repository), tagNode, digestNode, context)];
}

/** Occurrences in one source-shaped map (an Application source, or an .argocd-source file's root). */
function findInSource(source: Source, map: unknown, doc: Document.Parsed, locator: ImageLocator, context: ErrorContext): Occurrence[] {
  const helm = getMap(map, "helm", doc);
  return [
    ...findKustomizeImages(source, getMap(map, "kustomize", doc), doc, locator, context),
    ...(helm === undefined
      ? []
      : [
          ...findHelmParameters(source, helm, doc, locator, context),
          ...findInValues(source, get(helm, "valuesObject", doc), doc, locator, context),
        ]),
  ];
}

/** The source maps of the file's Applications (all, or the one named `locator.appName`), with their document. */
function applicationSources(source: Source, locator: ImageLocator): { doc: Document.Parsed; map: YAMLMap }[] {
  const found: { doc: Document.Parsed; map: YAMLMap }[] = [];
  for (const doc of source.docs) {
    const root = doc.contents;
    if (stringOf(getScalar(root, "kind", doc), source) !== "Application") continue;
    const name = stringOf(getScalar(getMap(root, "metadata", doc), "name", doc), source);
    if (locator.appName !== null && name !== locator.appName) continue;
    const spec = getMap(root, "spec", doc);
    const sources = [get(spec, "source", doc), ...(getSeq(spec, "sources", doc)?.items.map((item) => deref(item, doc)) ?? [])];
    for (const map of sources) if (isMap(map)) found.push({ doc, map });
  }
  return found;
}

/** The override kind a source takes: its own block says (`helm:`/`chart:`, `kustomize:`), else the Application's type. */
function sectionOf(map: YAMLMap, doc: Document.Parsed, locator: ImageLocator): "helm" | "kustomize" | null {
  if (locator.helm !== null) return "helm";
  if (get(map, "helm", doc) !== undefined || get(map, "chart", doc) !== undefined) return "helm";
  if (get(map, "kustomize", doc) !== undefined) return "kustomize";
  return locator.applicationType ?? null;
}

/** `list:` with its items at `column`, the items indented as the file indents sequences under a key. */
function listLines(list: string, items: readonly OverrideItem[], column: number, seqIndent: number): string[] {
  const pad = " ".repeat(column + seqIndent);
  return [
    `${" ".repeat(column)}${list}:`,
    ...items.flatMap(({ lines }) => lines.map((line, index) => `${pad}${index === 0 ? "- " : "  "}${line}`)),
  ];
}

/** `section:` holding `list:` and its items, at `column`, in the file's own indentation. */
function blockLines(
  section: string,
  list: string,
  items: readonly OverrideItem[],
  column: number,
  layout: { seqIndent: number; mapIndent: number },
): string[] {
  return [`${" ".repeat(column)}${section}:`, ...listLines(list, items, column + layout.mapIndent, layout.seqIndent)];
}

function flowItem({ lines }: OverrideItem): string {
  return lines.length === 1 ? (lines[0] ?? "") : `{${lines.join(", ")}}`;
}

/**
 * Add the image's override to an Application that has none for it, as image-updater's argocd
 * write-back sets it (`kustomize.images` gets `[alias=]name:tag`, `helm.parameters` gets
 * `image.name` / `image.tag` with forcestring), in the file's own layout: into the existing list,
 * or a new list in the existing block, or a new block in the source.
 */
function createInApplication(source: Source, locator: ImageLocator, to: ImageVersion, context: ErrorContext): Replacement[] | null {
  const sources = applicationSources(source, locator);
  if (new Set(sources.map(({ doc }) => doc)).size !== 1) return null; // no Application, or several: which one is not ours to guess
  const typed = sources.map((each) => ({ ...each, section: sectionOf(each.map, each.doc, locator) }));
  const wanted = locator.helm !== null ? "helm" : (locator.applicationType ?? null);
  const chosen =
    typed.length === 1
      ? typed[0]
      : (typed.find((each) => wanted !== null && each.section === wanted && get(each.map, wanted, each.doc) !== undefined) ?? null);
  if (chosen === undefined || chosen === null || chosen.section === null) return null;
  const { doc, map, section } = chosen;
  const entries = overrideEntries(locator, to, context, section);
  if (entries === null) return null;
  const layout = layoutOf(source, doc);
  const block = get(map, section, doc);
  if (block === undefined) {
    if (map.flow) {
      return [appendPairs(source, map, [[section, `{${entries.list}: [${entries.items.map(flowItem).join(", ")}]}`]], context)];
    }
    if (!map.range) return null;
    return [
      appendAfter(source, map, blockLines(section, entries.list, entries.items, columnOf(source.text, map.range[0]), layout), context),
    ];
  }
  if (!isMap(block) || block.items.length === 0) return null; // `helm:` with no map (or an empty one): left to a person
  const list = getSeq(block, entries.list, doc);
  if (list !== undefined) {
    const items = section === "helm" ? newParameters(source, list, doc, entries.items, locator, context) : entries.items;
    const inserts = items.map((item) => appendItem(source, list, item.lines, flowItem(item), context));
    const first = inserts[0];
    return first === undefined ? null : [{ ...first, text: inserts.map((insert) => insert.text).join("") }];
  }
  if (get(block, entries.list, doc) !== undefined) return null; // `images:` that is not a list
  if (block.flow) return [appendPairs(source, block, [[entries.list, `[${entries.items.map(flowItem).join(", ")}]`]], context)];
  if (!block.range) return null;
  return [
    appendAfter(source, block, listLines(entries.list, entries.items, columnOf(source.text, block.range[0]), layout.seqIndent), context),
  ];
}

export const applicationEditor: Editor = {
  kind: "application",
  find(source, locator, context) {
    return applicationSources(source, locator).flatMap(({ doc, map }) => findInSource(source, map, doc, locator, context));
  },
  explainMissing(source, locator) {
    for (const { doc, map } of applicationSources(source, locator)) {
      const helm = getMap(map, "helm", doc);
      const valuesObject = get(helm, "valuesObject", doc);
      const reason = valuesObject === undefined ? null : explainInValues(source, valuesObject, doc, locator);
      if (reason !== null) return reason;
      const values = getScalar(helm, "values", doc);
      if (values !== undefined && typeof values.value === "string" && values.value.trim() !== "" && values.range) {
        return {
          message: `${source.file} gives its Helm values as a string (helm.values, line ${lineOf(source.text, values.range[0])}), which this app does not edit`,
          hint: "move them to helm.valuesObject (a map this app edits in place), or set the image with helm.parameters",
        };
      }
    }
    return null;
  },
  create(source, locator, to, context) {
    // Values that name the image without a tag to write are a person's to fix, not to override.
    if (applicationEditor.explainMissing(source, locator) !== null) return null;
    return createInApplication(source, locator, to, context);
  },
};

/** The overrides to add for an image, as image-updater writes them (block lines, 2-space indent). */
interface OverrideItem {
  /** The Helm parameter's name; null for a kustomize image string. */
  readonly param: string | null;
  readonly lines: readonly string[];
}

function overrideEntries(
  locator: ImageLocator,
  to: ImageVersion,
  context: ErrorContext,
  section: "helm" | "kustomize" = locator.helm === null ? "kustomize" : "helm",
): { section: "helm" | "kustomize"; list: string; items: OverrideItem[] } | null {
  const image = familiarName(locator.image);
  if (section === "helm") {
    const keys = locator.helm ?? { imageName: null, imageTag: null, imageSpec: null };
    const param = (name: string, value: string): OverrideItem => ({
      param: name,
      lines: [`name: ${renderScalar(null, name, context)}`, `value: ${renderScalar(null, value, context)}`, "forcestring: true"],
    });
    if (keys.imageSpec !== null) {
      const spec = formatImageString({ alias: "", name: image, tag: to.tag, digest: to.digest });
      return { section: "helm", list: "parameters", items: [param(keys.imageSpec, spec)] };
    }
    if (to.tag === null) return null;
    const tag = to.digest === null ? to.tag : `${to.tag}@${to.digest}`;
    return {
      section: "helm",
      list: "parameters",
      items: [param(keys.imageName ?? DEFAULT_NAME_PARAMS[0] ?? "image.name", image), param(keys.imageTag ?? DEFAULT_TAG_PARAM, tag)],
    };
  }
  // Argo CD applies the string with `kustomize edit set image`, whose entry matches the name as the
  // resources spell it: that spelling is written, as the image or (another name) as the alias.
  const spelled = locator.newEntryName ?? null;
  const asImage = spelled !== null && sameRepository(spelled, repositoryKey(locator.image));
  const aliasName = locator.kustomizeImageName ?? (spelled !== null && !asImage ? spelled : null);
  const alias = aliasName !== null && aliasName !== image ? `${aliasName}=` : "";
  const value = formatImageString({ alias, name: asImage ? spelled : image, tag: to.tag, digest: to.digest });
  return { section: "kustomize", list: "images", items: [{ param: null, lines: [renderScalar(null, value, context)] }] };
}

/**
 * The parameters still to add to an existing `helm.parameters`: one already naming this image is
 * kept, and one already set for another image is refused (a second would be a duplicate Argo CD
 * resolves by order, and the image would not read back).
 */
function newParameters(
  source: Source,
  list: YAMLSeq,
  doc: Document.Parsed,
  items: readonly OverrideItem[],
  locator: ImageLocator,
  context: ErrorContext,
): OverrideItem[] {
  const existing = new Map<string, string | null>();
  for (const item of list.items) {
    const param = deref(item, doc);
    const name = isMap(param) ? stringOf(getScalar(param, "name", doc), source) : null;
    if (isMap(param) && name !== null) existing.set(name, stringOf(getScalar(param, "value", doc), source));
  }
  const image = repositoryKey(locator.image);
  const kept: OverrideItem[] = [];
  const taken: { name: string; value: string }[] = [];
  for (const item of items) {
    const name = item.param;
    if (name === null || !existing.has(name)) {
      kept.push(item);
      continue;
    }
    const value = existing.get(name) ?? null;
    if (name !== locator.helm?.imageTag && name !== DEFAULT_TAG_PARAM && value !== null && sameRepository(value, image)) continue;
    taken.push({ name, value: value ?? "" });
  }
  if (taken.length > 0) {
    throw conflict(
      `${source.file} already sets the Helm parameters ${taken.map((each) => `${each.name}=${each.value}`).join(", ")} for another image`,
      { ...context, key: taken.map((each) => each.name).join(", ") },
      "point the target at its own parameters with the helm.image-name and helm.image-tag annotations (e.g. app.image.name, app.image.tag)",
    );
  }
  return kept;
}

export const argocdSourceEditor: Editor = {
  kind: "argocd-source",
  find(source, locator, context) {
    return source.docs.flatMap((doc) => findInSource(source, doc.contents, doc, locator, context));
  },
  explainMissing() {
    return null;
  },
  create(source, locator, to, context) {
    const entries = overrideEntries(locator, to, context);
    if (entries === null || source.docs.length > 1) return null;
    const doc = source.docs[0];
    const root = doc?.contents ?? null;
    const sectionLines = (): string[] => [
      `${entries.section}:`,
      `  ${entries.list}:`,
      ...entries.items.flatMap(({ lines }) => lines.map((line, index) => `  ${index === 0 ? "- " : "  "}${line}`)),
    ];
    if (doc === undefined || root === null || (isScalar(root) && root.value === null)) {
      return [appendAtEnd(source, sectionLines())];
    }
    if (!isMap(root) || root.flow) return null;
    const list = getSeq(getMap(root, entries.section, doc), entries.list, doc);
    if (list !== undefined) {
      const items = entries.section === "helm" ? newParameters(source, list, doc, entries.items, locator, context) : entries.items;
      // Every item goes at the same offset: one insertion keeps them in order.
      const inserts = items.map(({ lines }) =>
        appendItem(source, list, lines, lines.length === 1 ? (lines[0] ?? "") : `{${lines.join(", ")}}`, context),
      );
      const first = inserts[0];
      return first === undefined ? null : [{ ...first, text: inserts.map((insert) => insert.text).join("") }];
    }
    if (get(root, entries.section, doc) !== undefined) return null;
    return [appendAtEnd(source, sectionLines())];
  },
};
