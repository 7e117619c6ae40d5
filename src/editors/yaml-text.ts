/**
 * The text-level toolkit every editor shares: parse a file into documents whose nodes carry
 * source ranges, find nodes by key, render a scalar in the style it was written in, and splice
 * replacements into the original text. Nothing here re-serialises a document.
 */
import {
  parse,
  parseAllDocuments,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import { EditConflictError, type ErrorContext } from "../errors/index.js";
import { describeYamlError } from "../text/index.js";

export interface Source {
  readonly text: string;
  readonly file: string;
  readonly docs: readonly Document.Parsed[];
  /** The file's line ending, for inserted lines. */
  readonly eol: "\n" | "\r\n";
}

/** A change to the original text: bytes [start, end) become `text`. `expected` guards the span. */
export interface Replacement {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly expected: string;
}

export function conflict(message: string, context: ErrorContext, hint: string, cause?: unknown): EditConflictError {
  return new EditConflictError(message, cause === undefined ? { context, hint } : { context, hint, cause });
}

/**
 * Parsed files, most recently used last. A pass reads a file, edits it, re-reads the edit to
 * confirm it and checks the file again with every target's edit applied: the same texts, parsed
 * once each. Sources are never mutated, so sharing one is invisible to callers; bounded by the
 * text it holds (a parsed document takes some 30 times its text), so memory stays small.
 */
const parsed = new Map<string, Source>();
const PARSED_MAX_TEXT = 512 * 1024;
const PARSED_MAX_FILE = 64 * 1024;
let parsedText = 0;

/** Parse every document of a file; a file that is not valid YAML is an EditConflictError naming it. */
export function parseSource(text: string, file: string): Source {
  if (text.length > PARSED_MAX_FILE) return parseUncached(text, file);
  const key = `${file}\u0000${text}`;
  const kept = parsed.get(key);
  if (kept !== undefined) {
    parsed.delete(key);
    parsed.set(key, kept);
    return kept;
  }
  const source = parseUncached(text, file);
  parsed.set(key, source);
  parsedText += key.length;
  for (const [oldest] of parsed) {
    if (parsedText <= PARSED_MAX_TEXT) break;
    parsed.delete(oldest);
    parsedText -= oldest.length;
  }
  return source;
}

function parseUncached(text: string, file: string): Source {
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false }) as Document.Parsed[];
  } catch (error) {
    throw conflict(`${file} is not valid YAML`, { file }, "fix the file's syntax, then retry", error);
  }
  if (!Array.isArray(docs)) {
    // parseAllDocuments returns an EmptyStream for an empty file: no documents.
    docs = [];
  }
  for (const doc of docs) {
    const first = doc.errors[0];
    if (first !== undefined) {
      throw conflict(`${file} is not valid YAML: ${describeYamlError(first, text)}`, { file }, "fix the file's syntax, then retry");
    }
  }
  return { text, file, docs, eol: text.includes("\r\n") ? "\r\n" : "\n" };
}

/** Follow an alias to the node it names (one hop is all YAML allows). */
export function deref(node: unknown, doc: Document.Parsed): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function keyOf(pair: Pair): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

/** The pair whose key is `key` in `map`, looking through `<<` merge keys when absent. */
export function findPair(map: YAMLMap, key: string, doc: Document.Parsed, depth = 0): Pair | undefined {
  const direct = map.items.find((pair) => keyOf(pair) === key);
  if (direct !== undefined || depth > 8) return direct;
  for (const pair of map.items) {
    if (keyOf(pair) !== "<<") continue;
    const target = deref(pair.value, doc);
    const sources = isSeq(target) ? target.items.map((item) => deref(item, doc)) : [target];
    for (const source of sources) {
      if (!isMap(source)) continue;
      const found = findPair(source, key, doc, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** 1-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf("\n"); index !== -1 && index < offset; index = text.indexOf("\n", index + 1)) line += 1;
  return line;
}

/**
 * Refuse a mapping that writes one of `keys` twice. Readers disagree on which one counts (Helm and
 * Argo CD keep the last, this parser finds the first), so editing either would be a guess.
 */
export function refuseDuplicateKeys(source: Source, map: YAMLMap, keys: readonly string[], context: ErrorContext): void {
  for (const key of keys) {
    const lines = map.items
      .filter((pair) => keyOf(pair) === key)
      .map((pair) => (isScalar(pair.key) && pair.key.range ? lineOf(source.text, pair.key.range[0]) : 0));
    if (lines.length > 1) {
      throw conflict(
        `${source.file} has the key "${key}" ${lines.length} times in one mapping (lines ${lines.join(", ")})`,
        { ...context, key },
        `remove the duplicate key "${key}", keeping the one you mean (Helm reads the last, this app the first), then retry`,
      );
    }
  }
}

/** The value under `key`, aliases resolved; undefined when absent. */
export function get(map: unknown, key: string, doc: Document.Parsed): unknown {
  const target = deref(map, doc);
  if (!isMap(target)) return undefined;
  const pair = findPair(target, key, doc);
  return pair === undefined ? undefined : deref(pair.value, doc);
}

export function getMap(map: unknown, key: string, doc: Document.Parsed): YAMLMap | undefined {
  const value = get(map, key, doc);
  return isMap(value) ? value : undefined;
}

export function getSeq(map: unknown, key: string, doc: Document.Parsed): YAMLSeq | undefined {
  const value = get(map, key, doc);
  return isSeq(value) ? value : undefined;
}

export function getScalar(map: unknown, key: string, doc: Document.Parsed): Scalar | undefined {
  const value = get(map, key, doc);
  return isScalar(value) ? value : undefined;
}

/**
 * Parse a Helm-style dotted path: `image.tag`, `images[0].tag`, `app.image.tag`.
 * Returns null for an unusable path.
 */
export function parsePath(path: string): (string | number)[] | null {
  const segments: (string | number)[] = [];
  for (const part of path.split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (match === null) return null;
    const [, key = "", indexes = ""] = match;
    if (key !== "") segments.push(key);
    else if (indexes === "") return null;
    for (const index of indexes.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments.length === 0 ? null : segments;
}

/** The node at a parsed path, aliases and merge keys followed; undefined when absent. */
export function getPath(root: unknown, path: readonly (string | number)[], doc: Document.Parsed): unknown {
  let node = deref(root, doc);
  for (const segment of path) {
    if (typeof segment === "number") {
      if (!isSeq(node)) return undefined;
      node = deref(node.items[segment], doc);
    } else {
      node = get(node, segment, doc);
    }
    if (node === undefined) return undefined;
  }
  return node;
}

/** The string a scalar holds as written: plain scalars keep their source text (`1.10` stays `1.10`). */
export function scalarString(node: Scalar, text: string): string | null {
  if (node.value === null || node.value === undefined) return null;
  if (node.type === "PLAIN" && node.range) {
    const raw = text.slice(node.range[0], node.range[1]).trim();
    if (!raw.includes("\n")) return raw;
  }
  if (typeof node.value === "string") return node.value;
  if (typeof node.value === "number" || typeof node.value === "boolean" || typeof node.value === "bigint") {
    return String(node.value);
  }
  return null;
}

/**
 * Plain scalars Go's YAML (yaml.v2/v3, which Helm, kustomize and Argo CD use) reads as numbers
 * where JS `yaml` reads strings: strconv.ParseInt base 0 (`0X1F`, `0B1`, `0O17`, `1_000`, `+1`)
 * and ParseFloat (`1.`, `.5`, `1e3`), plus `.inf` / `.NaN` in any case. Generous on purpose: a
 * needless quote is harmless, a missing one changes the value.
 */
const GO_NUMBER = [
  /^[-+]?(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*)$/,
  /^[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?\.(?:inf|nan)$/i,
];

/** True when every YAML reader (1.2, 1.1 and Go's) takes the plain scalar `value` as that string. */
export function readsAsString(value: string): boolean {
  if (GO_NUMBER.some((pattern) => pattern.test(value))) return false;
  for (const version of ["1.2", "1.1"] as const) {
    try {
      if (parse(value, { version }) !== value) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** True when `value` may be written as a plain scalar and every YAML reader takes it as that string. */
export function isPlainSafe(value: string): boolean {
  if (!/^[A-Za-z0-9_][\w./:@=+-]*$/.test(value) || /:$/.test(value)) return false;
  return readsAsString(value);
}

/**
 * True when a plain scalar's text is not what some reader sees (`tag: 1.20` renders 1.2 in Helm):
 * such a value differs from every tag, even one spelled the same, and is rewritten quoted.
 */
export function isMisreadPlain(node: Scalar, text: string): boolean {
  if (node.type !== "PLAIN" || !node.range || node.value === null || node.value === undefined) return false;
  const raw = text.slice(node.range[0], node.range[1]).trim();
  return raw !== "" && !raw.includes("\n") && !readsAsString(raw);
}

/** A new scalar in the quote style of `old` (plain stays plain unless YAML would mistype it). */
export function renderScalar(old: Scalar | null, value: string, context: ErrorContext): string {
  switch (old?.type ?? "PLAIN") {
    case "QUOTE_DOUBLE":
      return JSON.stringify(value);
    case "QUOTE_SINGLE":
      return `'${value.replaceAll("'", "''")}'`;
    case "PLAIN":
      return isPlainSafe(value) ? value : JSON.stringify(value);
    case "BLOCK_LITERAL":
    case "BLOCK_FOLDED":
      throw conflict(
        "the value is a block scalar (| or >), which this app does not rewrite",
        context,
        'write the value on one line, e.g. tag: "1.2.3"',
      );
  }
  return JSON.stringify(value);
}

/** Replace a scalar's bytes with `value`, in its own style. Handles the empty `key:` scalar. */
export function replaceScalar(source: Source, node: Scalar, value: string, context: ErrorContext): Replacement {
  const range = node.range;
  if (!range) throw conflict("a value has no source position", context, "report this as a bug");
  const [start, end] = range;
  const expected = source.text.slice(start, end);
  let rendered = renderScalar(node, value, context);
  if (expected === "" && !/[ \t]/.test(source.text.charAt(start - 1))) rendered = ` ${rendered}`;
  // `key: # comment`: the empty value sits just before the `#`; without a space the comment
  // would become part of the value.
  if (expected === "" && source.text.charAt(end) === "#") rendered = `${rendered} `;
  return { start, end, text: rendered, expected };
}

/** Column (in characters) of `offset` within its line. */
export function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf("\n", offset - 1) + 1);
}

/** Offset of the end of the line holding `offset`, before its `\r\n` or `\n`. */
export function endOfLine(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  if (newline === -1) return text.length;
  return text.charAt(newline - 1) === "\r" ? newline - 1 : newline;
}

/** Apply replacements to the original text; overlapping or moved spans are an EditConflictError. */
export function applyReplacements(source: Source, replacements: readonly Replacement[], context: ErrorContext): string {
  const unique = new Map<string, Replacement>();
  for (const replacement of replacements) {
    unique.set(`${replacement.start}:${replacement.end}:${replacement.text}`, replacement);
  }
  const sorted = [...unique.values()].sort((a, b) => b.start - a.start || b.end - a.end);
  const clash = sorted.find((each, index) => {
    const next = sorted[index + 1];
    return next !== undefined && next.start === each.start && next.end === each.end;
  });
  if (clash !== undefined) {
    // One scalar shared through an anchor by occurrences that need different edits (one has a
    // digest key beside it, another must carry tag@digest): no single value satisfies both.
    throw conflict(
      `${source.file} shares one value (line ${lineOf(source.text, clash.start)}) between occurrences of the image that need different edits, through a YAML anchor`,
      context,
      "give each occurrence its own value instead of an alias (*name), or the same keys (e.g. a digest: key beside each tag)",
    );
  }
  let text = source.text;
  let limit = Number.POSITIVE_INFINITY;
  for (const { start, end, text: replacement, expected } of sorted) {
    if (end > limit || source.text.slice(start, end) !== expected) {
      throw conflict(`the edit of ${source.file} overlaps another or its span moved`, context, "re-read the file and retry");
    }
    text = text.slice(0, start) + replacement + text.slice(end);
    limit = start;
  }
  return text;
}

/** Every map of a document, in document order, aliases not followed (an anchored map is visited once). */
export function* walkMaps(node: unknown): Generator<YAMLMap> {
  if (isMap(node)) {
    yield node;
    for (const pair of node.items) yield* walkMaps(pair.value);
  } else if (isSeq(node)) {
    for (const item of node.items) yield* walkMaps(item);
  }
}
