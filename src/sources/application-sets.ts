/**
 * ApplicationSets kept in the repository, rendered into the Applications they generate, as Argo
 * CD's ApplicationSet controller would: the `list` generator, the `git` directories and files
 * generators read from the repository itself (through the reader, at the checkout's revision), and
 * `matrix` / `merge` of those; templates in both styles Argo CD supports — fasttemplate
 * (`{{path.basename}}`, the default) and `goTemplate: true` (go-template.ts), with `templatePatch`
 * and per-generator `template` overrides. Every other generator (clusters, scmProvider,
 * pullRequest, clusterDecisionResource, plugin) reads what only Argo CD knows: its ApplicationSet
 * gets a message saying what to do instead. Bounded in entries walked and Applications made.
 */
import posix from "node:path/posix";

import { parseAllDocuments } from "yaml";

import type { TargetProblem } from "../model/index.js";
import type { RepoReader } from "../plan/index.js";
import { GoTemplateError, renderGoTemplate, sanitizeName } from "./go-template.js";
import { isSelectorOperator, meetsRequirement } from "./label-selector.js";
import { classifyResource, qualifiedName, type Application } from "./resources.js";

/** An ApplicationSet as read from a file, unvalidated. */
export interface RawApplicationSet {
  readonly value: Readonly<Record<string, unknown>>;
  readonly file: string | null;
}

export interface ApplicationSetOptions {
  /** Whether a git generator's `repoURL` is the repository `reader` reads. */
  readonly inReader: (repoURL: string) => boolean;
}

export interface ApplicationSetResult {
  readonly applications: Application[];
  readonly problems: TargetProblem[];
}

/** At most this many Applications per ApplicationSet, entries walked per repository, matrix depth. */
const MAX_APPLICATIONS = 1000;
const MAX_ENTRIES = 20_000;
const MAX_NESTING = 3;

type Params = Record<string, unknown>;

class AppSetError extends Error {}

interface Context {
  readonly goTemplate: boolean;
  readonly missingKeyError: boolean;
  readonly reader: RepoReader;
  readonly options: ApplicationSetOptions;
  readonly tree: () => Promise<Tree>;
}

interface Tree {
  readonly dirs: readonly string[];
  readonly files: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const CLUSTER_GENERATORS = new Set(["clusters", "scmProvider", "pullRequest", "clusterDecisionResource", "plugin"]);
const INSTEAD =
  "plan against the cluster (--kubeconfig), where the Applications it generated are read, or declare the targets in .github/argocd-image-pr.yml";

/** Render every ApplicationSet; each one that cannot be rendered is a problem naming it, and the others go on. */
export async function renderApplicationSets(
  sets: readonly RawApplicationSet[],
  reader: RepoReader,
  options: ApplicationSetOptions,
): Promise<ApplicationSetResult> {
  const result: ApplicationSetResult = { applications: [], problems: [] };
  let tree: Promise<Tree> | null = null;
  const walkOnce = (): Promise<Tree> => (tree ??= walk(reader));
  for (const set of sets) {
    const metadata = isRecord(set.value["metadata"]) ? set.value["metadata"] : {};
    const name = typeof metadata["name"] === "string" ? metadata["name"] : "(unnamed)";
    const namespace = typeof metadata["namespace"] === "string" ? metadata["namespace"] : undefined;
    const label = `ApplicationSet ${qualifiedName({ name, namespace })}`;
    const problem = (message: string, severity: "error" | "warning" = "error"): void => {
      result.problems.push({ app: null, image: null, file: set.file, message: `${label}: ${message}`, severity });
    };
    try {
      const apps = await renderOne(set, label, namespace, { reader, options, tree: walkOnce }, problem);
      result.applications.push(...apps);
    } catch (error) {
      if (error instanceof AppSetError || error instanceof GoTemplateError) problem(`${error.message}; no Application was read from it`);
      else throw error;
    }
  }
  return result;
}

async function renderOne(
  set: RawApplicationSet,
  label: string,
  namespace: string | undefined,
  base: Omit<Context, "goTemplate" | "missingKeyError">,
  problem: (message: string, severity?: "error" | "warning") => void,
): Promise<Application[]> {
  const spec = isRecord(set.value["spec"]) ? set.value["spec"] : null;
  if (spec === null) throw new AppSetError("has no spec");
  const goTemplate = spec["goTemplate"] === true;
  const templateOptions = Array.isArray(spec["goTemplateOptions"]) ? spec["goTemplateOptions"] : [];
  const context: Context = { ...base, goTemplate, missingKeyError: templateOptions.includes("missingkey=error") };
  const template = isRecord(spec["template"]) ? spec["template"] : null;
  if (template === null) throw new AppSetError("has no spec.template");
  const generators = Array.isArray(spec["generators"]) ? spec["generators"] : [];
  if (generators.length === 0) throw new AppSetError("has no spec.generators");
  const patch = spec["templatePatch"];
  if (patch !== undefined && (typeof patch !== "string" || !goTemplate)) {
    throw new AppSetError("templatePatch needs goTemplate: true and a string, as in Argo CD");
  }

  const apps: Application[] = [];
  for (const [index, generator] of generators.entries()) {
    if (!isRecord(generator)) throw new AppSetError(`spec.generators[${index}] is not a generator`);
    const sets = await generate(generator, `spec.generators[${index}]`, context, {}, 0);
    const own = isRecord(generator["template"]) ? deepMerge(template, generator["template"]) : template;
    for (const params of sets) {
      if (apps.length >= MAX_APPLICATIONS) throw new AppSetError(`generates more than ${MAX_APPLICATIONS} Applications`);
      let rendered = renderValue(own, params, context);
      if (typeof patch === "string") {
        const text = renderGoTemplate(patch, params, { missingKeyError: context.missingKeyError });
        const docs = parseAllDocuments(text);
        const first = Array.isArray(docs) ? docs[0] : undefined;
        if (first === undefined || first.errors.length > 0) throw new AppSetError("templatePatch does not render to YAML");
        const value: unknown = first.toJS({ maxAliasCount: 100 });
        if (value !== null && !isRecord(value)) throw new AppSetError("templatePatch does not render to a map");
        if (isRecord(value)) rendered = deepMerge(rendered as Record<string, unknown>, value);
      }
      const app = toApplication(rendered, namespace, set.file, label);
      if (typeof app === "string") {
        problem(app);
        continue;
      }
      apps.push(app);
    }
  }
  return apps;
}

function toApplication(rendered: unknown, namespace: string | undefined, file: string | null, label: string): Application | string {
  const template = isRecord(rendered) ? rendered : {};
  const metadata = isRecord(template["metadata"]) ? template["metadata"] : {};
  const name = typeof metadata["name"] === "string" ? metadata["name"] : "";
  if (name.includes("{{"))
    return `template metadata.name renders to "${name}": a parameter there is not produced by the generators; check its spelling`;
  // The controller creates each Application in the ApplicationSet's own namespace.
  const value = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { ...metadata, ...(namespace === undefined ? {} : { namespace }) },
    spec: template["spec"],
  };
  const classified = classifyResource(value, file);
  switch (classified.kind) {
    case "application":
      return { ...classified.value, generatedBy: label };
    case "problem":
      return `generates ${classified.problem.message}`;
    case "image-updater":
    case "application-set":
    case "ignored":
      return `generates something that is not an Application`;
  }
}

// ---- generators ------------------------------------------------------------------------------

async function generate(
  generator: Record<string, unknown>,
  where: string,
  context: Context,
  outer: Params,
  depth: number,
): Promise<Params[]> {
  if (depth > MAX_NESTING) throw new AppSetError(`${where}: generators nest deeper than ${MAX_NESTING}`);
  const kinds = Object.keys(generator).filter((key) => key !== "selector" && key !== "template");
  if (kinds.length !== 1)
    throw new AppSetError(`${where} must have exactly one generator (has ${kinds.length === 0 ? "none" : kinds.join(", ")})`);
  const kind = kinds[0] as string;
  // A child of a matrix may use the parameters of the generator before it.
  const config = depth > 0 && Object.keys(outer).length > 0 ? renderValue(generator[kind], outer, context) : generator[kind];
  if (!isRecord(config)) throw new AppSetError(`${where}.${kind} is not a map`);
  let sets: Params[];
  switch (kind) {
    case "list":
      sets = listParams(config, `${where}.list`, context);
      break;
    case "git":
      sets = await gitParams(config, `${where}.git`, context);
      break;
    case "matrix":
      sets = await matrixParams(config, `${where}.matrix`, context, depth);
      break;
    case "merge":
      sets = await mergeParams(config, `${where}.merge`, context, depth);
      break;
    default:
      throw new AppSetError(
        CLUSTER_GENERATORS.has(kind)
          ? `${where} is a ${kind} generator, which reads what only Argo CD knows (clusters, SCM repositories, pull requests, plugins), not the repository; ${INSTEAD}`
          : `${where}: "${kind}" is not a generator argocd-image-pr renders (list, git, matrix, merge); ${INSTEAD}`,
      );
  }
  return applySelector(sets, generator["selector"], where);
}

function applySelector(sets: Params[], selector: unknown, where: string): Params[] {
  if (selector === undefined) return sets;
  if (!isRecord(selector) || (selector["matchExpressions"] !== undefined && !Array.isArray(selector["matchExpressions"]))) {
    throw new AppSetError(`${where}.selector is not a label selector`);
  }
  const labels = isRecord(selector["matchLabels"]) ? selector["matchLabels"] : {};
  const expressions = Array.isArray(selector["matchExpressions"]) ? selector["matchExpressions"] : [];
  const lookup = (params: Params, key: string): string | undefined => {
    const value = key in params ? params[key] : key.split(".").reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), params);
    return value === undefined ? undefined : String(value);
  };
  return sets.filter((params) => {
    for (const [key, value] of Object.entries(labels)) if (lookup(params, key) !== String(value)) return false;
    for (const expression of expressions) {
      if (!isRecord(expression) || typeof expression["key"] !== "string")
        throw new AppSetError(`${where}.selector.matchExpressions has an entry without a key`);
      const value = lookup(params, expression["key"]);
      const values = Array.isArray(expression["values"]) ? expression["values"].map(String) : [];
      const operator = expression["operator"];
      if (!isSelectorOperator(operator))
        throw new AppSetError(`${where}.selector: operator ${String(operator)} is not In, NotIn, Exists or DoesNotExist`);
      if (!meetsRequirement(operator, value, values)) return false;
    }
    return true;
  });
}

function listParams(config: Record<string, unknown>, where: string, context: Context): Params[] {
  if (config["elementsYaml"] !== undefined)
    throw new AppSetError(`${where}.elementsYaml is not rendered by argocd-image-pr; write the elements as elements: [...], or ${INSTEAD}`);
  const elements = config["elements"];
  if (!Array.isArray(elements)) throw new AppSetError(`${where} has no elements list`);
  return elements.map((element, index) => {
    if (!isRecord(element)) throw new AppSetError(`${where}.elements[${index}] is not a map`);
    if (context.goTemplate) return { ...element };
    // fasttemplate: strings as they are, `values` flattened to values.<key>, anything else as JSON.
    const params: Params = {};
    for (const [key, value] of Object.entries(element)) {
      if (key === "values" && isRecord(value))
        for (const [k, v] of Object.entries(value)) params[`values.${k}`] = typeof v === "string" ? v : JSON.stringify(v);
      else params[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return params;
  });
}

async function gitParams(config: Record<string, unknown>, where: string, context: Context): Promise<Params[]> {
  const repoURL = typeof config["repoURL"] === "string" ? config["repoURL"] : "";
  if (repoURL === "") throw new AppSetError(`${where} has no repoURL`);
  if (!context.options.inReader(repoURL))
    throw new AppSetError(`${where} reads ${repoURL}, not this checkout; run argocd-image-pr on that repository's checkout, or ${INSTEAD}`);
  const prefix = typeof config["pathParamPrefix"] === "string" && config["pathParamPrefix"] !== "" ? config["pathParamPrefix"] : null;
  const values = isRecord(config["values"]) ? config["values"] : {};
  const tree = await context.tree();
  let sets: Params[];
  if (Array.isArray(config["directories"])) {
    const patterns = patternsOf(config["directories"], `${where}.directories`);
    const dirs = tree.dirs.filter((dir) => selected(dir, patterns, false));
    sets = dirs.map((dir) => pathParams(dir, null, prefix, context.goTemplate));
  } else if (Array.isArray(config["files"])) {
    const patterns = patternsOf(config["files"], `${where}.files`);
    sets = [];
    for (const file of tree.files.filter((f) => selected(f, patterns, true))) {
      const text = (await context.reader.read(file)) ?? "";
      const docs = parseAllDocuments(text);
      const first = Array.isArray(docs) ? docs[0] : undefined;
      if (first !== undefined && first.errors.length > 0) throw new AppSetError(`${where}: ${file} is not valid YAML or JSON`);
      const content: unknown = first?.toJS({ maxAliasCount: 100 }) ?? {};
      const items = Array.isArray(content) ? content : [content];
      for (const item of items) {
        if (!isRecord(item))
          throw new AppSetError(`${where}: ${file} holds ${Array.isArray(content) ? "a list entry" : "a value"} that is not a map`);
        const own = context.goTemplate ? { ...item } : flatten(item);
        sets.push({ ...own, ...pathParams(posix.dirname(file) === "." ? "" : posix.dirname(file), file, prefix, context.goTemplate) });
      }
    }
  } else throw new AppSetError(`${where} needs directories or files`);
  if (Object.keys(values).length === 0) return sets;
  // `values` are templated with the set's own parameters, then added as values.<key>.
  return sets.map((params) => {
    const rendered = Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key, typeof value === "string" ? renderString(value, params, context) : value]),
    );
    return context.goTemplate
      ? { ...params, values: rendered }
      : { ...params, ...Object.fromEntries(Object.entries(rendered).map(([k, v]) => [`values.${k}`, String(v)])) };
  });
}

function patternsOf(list: unknown[], where: string): { path: string; exclude: boolean }[] {
  return list.map((entry, index) => {
    if (!isRecord(entry) || typeof entry["path"] !== "string") throw new AppSetError(`${where}[${index}] has no path`);
    return { path: entry["path"].replace(/^\.?\/+/, ""), exclude: entry["exclude"] === true };
  });
}

function selected(path: string, patterns: readonly { path: string; exclude: boolean }[], files: boolean): boolean {
  const matches = (pattern: string): boolean => globRegExp(pattern, files).test(path);
  return patterns.some((p) => !p.exclude && matches(p.path)) && !patterns.some((p) => p.exclude && matches(p.path));
}

/** Go's path.Match for directories (`*` stays within a segment); files also take `**` across segments, as Argo CD's doublestar does. */
function globRegExp(pattern: string, doubleStar: boolean): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "*") {
      if (doubleStar && pattern[i + 1] === "*") {
        const slash = pattern[i + 2] === "/";
        out += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end === -1) throw new AppSetError(`path pattern "${pattern}" has an unclosed [`);
      out += `[${pattern
        .slice(i + 1, end)
        .replace(/^\^|^!/, "^")
        .replace(/\\/g, "\\\\")}]`;
      i = end;
    } else if (c === "\\" && i + 1 < pattern.length) out += `\\${pattern[++i] as string}`;
    else out += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

/** The `path…` parameters Argo CD gives a directory (and, for the files generator, its file). */
function pathParams(dir: string, file: string | null, prefix: string | null, goTemplate: boolean): Params {
  const basename = dir === "" ? "." : posix.basename(dir);
  const segments = dir === "" ? [] : dir.split("/");
  const own: Record<string, unknown> = { path: dir === "" ? "." : dir, basename, basenameNormalized: sanitizeName(basename), segments };
  if (file !== null) Object.assign(own, { filename: posix.basename(file), filenameNormalized: sanitizeName(posix.basename(file)) });
  if (goTemplate) return prefix === null ? { path: own } : { [prefix]: { path: own } };
  const key = prefix === null ? "path" : `${prefix}.path`;
  const flat: Params = { [key]: own["path"], [`${key}.basename`]: basename, [`${key}.basenameNormalized`]: own["basenameNormalized"] };
  if (file !== null)
    Object.assign(flat, { [`${key}.filename`]: own["filename"], [`${key}.filenameNormalized`]: own["filenameNormalized"] });
  segments.forEach((segment, index) => {
    if (segment !== "") flat[`${key}[${index}]`] = segment;
  });
  return flat;
}

function flatten(value: Record<string, unknown>, prefix = "", out: Params = {}): Params {
  for (const [key, item] of Object.entries(value)) {
    const name = prefix === "" ? key : `${prefix}.${key}`;
    if (isRecord(item)) flatten(item, name, out);
    else if (Array.isArray(item))
      item.forEach((entry, index) =>
        isRecord(entry) ? flatten(entry, `${name}.${index}`, out) : (out[`${name}.${index}`] = String(entry)),
      );
    else out[name] = item === null ? "" : String(item);
  }
  return out;
}

async function matrixParams(config: Record<string, unknown>, where: string, context: Context, depth: number): Promise<Params[]> {
  const children = Array.isArray(config["generators"]) ? config["generators"] : [];
  if (children.length !== 2) throw new AppSetError(`${where} must combine exactly two generators, as in Argo CD`);
  const [first, second] = children as [unknown, unknown];
  if (!isRecord(first) || !isRecord(second)) throw new AppSetError(`${where}.generators holds something that is not a generator`);
  const out: Params[] = [];
  for (const left of await generate(first, `${where}.generators[0]`, context, {}, depth + 1)) {
    for (const right of await generate(second, `${where}.generators[1]`, context, left, depth + 1)) {
      out.push(context.goTemplate ? deepMerge(left, right) : { ...left, ...right });
      if (out.length > MAX_APPLICATIONS) throw new AppSetError(`${where} generates more than ${MAX_APPLICATIONS} parameter sets`);
    }
  }
  return out;
}

async function mergeParams(config: Record<string, unknown>, where: string, context: Context, depth: number): Promise<Params[]> {
  const children = Array.isArray(config["generators"]) ? config["generators"] : [];
  const keys = Array.isArray(config["mergeKeys"]) ? config["mergeKeys"].filter((k): k is string => typeof k === "string") : [];
  if (children.length < 2 || keys.length === 0) throw new AppSetError(`${where} needs two or more generators and mergeKeys`);
  const keyOf = (params: Params): string =>
    JSON.stringify(
      keys.map(
        (key) => (key in params ? params[key] : key.split(".").reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), params)) ?? null,
      ),
    );
  const [base, ...others] = children;
  if (!isRecord(base)) throw new AppSetError(`${where}.generators[0] is not a generator`);
  let sets = await generate(base, `${where}.generators[0]`, context, {}, depth + 1);
  for (const [index, other] of others.entries()) {
    if (!isRecord(other)) throw new AppSetError(`${where}.generators[${index + 1}] is not a generator`);
    const overrides = new Map<string, Params>();
    for (const params of await generate(other, `${where}.generators[${index + 1}]`, context, {}, depth + 1))
      overrides.set(keyOf(params), params);
    sets = sets.map((params) => {
      const override = overrides.get(keyOf(params));
      return override === undefined ? params : context.goTemplate ? deepMerge(params, override) : { ...params, ...override };
    });
  }
  return sets;
}

// ---- templates -------------------------------------------------------------------------------

function renderString(text: string, params: Params, context: Context): string {
  if (!text.includes("{{")) return text;
  if (context.goTemplate) return renderGoTemplate(text, params, { missingKeyError: context.missingKeyError });
  // fasttemplate as Argo CD uses it: {{ key }} with spaces trimmed; an unknown key stays as written.
  return text.replace(/\{\{([^{}]*)\}\}/g, (whole, key: string) => {
    const value = params[key.trim()];
    return value === undefined ? whole : String(value);
  });
}

function renderValue(value: unknown, params: Params, context: Context): unknown {
  if (typeof value === "string") return renderString(value, params, context);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, params, context));
  if (isRecord(value))
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [renderString(key, params, context), renderValue(item, params, context)]),
    );
  return value;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return out;
}

// ---- the repository's tree -------------------------------------------------------------------

/** Every directory and file of the repository (hidden entries left out, as Argo CD's git generator does), bounded. */
async function walk(reader: RepoReader): Promise<Tree> {
  const dirs: string[] = [];
  const files: string[] = [];
  const queue = [""];
  let seen = 0;
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    const entries = (await reader.list(dir)) ?? [];
    for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name.startsWith(".")) continue;
      if (++seen > MAX_ENTRIES)
        throw new AppSetError(`the repository has more than ${MAX_ENTRIES} entries to match git generator paths against`);
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.type === "dir") {
        dirs.push(path);
        queue.push(path);
      } else if (entry.type === "file" || entry.type === "symlink") files.push(path);
    }
  }
  return { dirs: dirs.sort(), files: files.sort() };
}
