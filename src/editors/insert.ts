/**
 * Insertions in the file's own layout: a key appended to a mapping, an item appended to a
 * sequence, a top-level key appended to the file. Block or flow, indented or not, CRLF or LF:
 * each is measured from the file, never assumed.
 */
import { isMap, isScalar, isSeq, type Document, type YAMLMap, type YAMLSeq } from "yaml";
import type { ErrorContext } from "../errors/index.js";
import { columnOf, conflict, endOfLine, type Replacement, type Source } from "./yaml-text.js";

function insertion(at: number, text: string): Replacement {
  return { start: at, end: at, text, expected: "" };
}

/** End offset of the last bytes of content in a node (a scalar's or a flow collection's end). */
export function contentEnd(node: unknown, context: ErrorContext): number {
  if (isMap(node) && !node.flow) {
    const last = node.items.at(-1);
    if (last !== undefined) return contentEnd(last.value ?? last.key, context);
  } else if (isSeq(node) && !node.flow) {
    const last = node.items.at(-1);
    if (last !== undefined) return contentEnd(last, context);
  } else if (isScalar(node) || isMap(node) || isSeq(node)) {
    if (node.range) return node.range[1];
  } else if (node !== null && typeof node === "object" && "range" in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    if (range) return range[1];
  }
  throw conflict("cannot find where a value ends in the file", context, "report this as a bug with the file");
}

/** Append `key: value` pairs (values already rendered) to a mapping, in its own style. */
export function appendPairs(
  source: Source,
  map: YAMLMap,
  pairs: readonly (readonly [string, string])[],
  context: ErrorContext,
): Replacement {
  if (map.flow) {
    const text = pairs.map(([key, value]) => `${key}: ${value}`).join(", ");
    const last = map.items.at(-1);
    if (last === undefined) {
      if (!map.range) throw conflict("an empty mapping has no position", context, "report this as a bug");
      return insertion(map.range[0] + 1, text);
    }
    return insertion(contentEnd(last.value ?? last.key, context), `, ${text}`);
  }
  if (!map.range || map.items.length === 0) throw conflict("cannot add a key to an empty mapping", context, "add the key by hand");
  const indent = " ".repeat(columnOf(source.text, map.range[0]));
  const at = endOfLine(source.text, contentEnd(map, context));
  return insertion(at, pairs.map(([key, value]) => `${source.eol}${indent}${key}: ${value}`).join(""));
}

/**
 * Append an item to a sequence. `lines` are the item's lines (first after `- `, the rest aligned
 * with it); `flow` is the same item in flow style.
 */
export function appendItem(source: Source, seq: YAMLSeq, lines: readonly string[], flow: string, context: ErrorContext): Replacement {
  if (seq.flow) {
    const last = seq.items.at(-1);
    if (last === undefined) {
      if (!seq.range) throw conflict("an empty sequence has no position", context, "report this as a bug");
      return insertion(seq.range[0] + 1, flow);
    }
    return insertion(contentEnd(last, context), `, ${flow}`);
  }
  const first = seq.items[0];
  if (!seq.range || first === undefined) throw conflict("cannot add to an empty sequence", context, "add the entry by hand");
  const dashColumn = columnOf(source.text, seq.range[0]);
  const firstRange = isMap(first) || isSeq(first) || isScalar(first) ? first.range : null;
  const itemColumn = firstRange ? columnOf(source.text, firstRange[0]) : dashColumn + 2;
  const dash = `${" ".repeat(dashColumn)}-${" ".repeat(Math.max(1, itemColumn - dashColumn - 1))}`;
  const rest = " ".repeat(Math.max(itemColumn, dashColumn + 2));
  const at = endOfLine(source.text, contentEnd(seq, context));
  const text = lines.map((line, index) => `${source.eol}${index === 0 ? dash : rest}${line}`).join("");
  return insertion(at, text);
}

/** How far the file indents a block sequence under its key (0 for `key:\n- a`), and its map indent. */
export function layoutOf(source: Source, doc: Document.Parsed | undefined): { seqIndent: number; mapIndent: number } {
  let seqIndent: number | null = null;
  let mapIndent: number | null = null;
  const visit = (node: unknown): void => {
    if (!isMap(node) || node.flow) return;
    for (const pair of node.items) {
      const keyRange = isScalar(pair.key) ? pair.key.range : null;
      const value = pair.value;
      if (keyRange && (isMap(value) || isSeq(value)) && !value.flow && value.range) {
        const offset = columnOf(source.text, value.range[0]) - columnOf(source.text, keyRange[0]);
        if (isSeq(value)) seqIndent ??= offset;
        else if (offset > 0) mapIndent ??= offset;
      }
      if (isSeq(value)) value.items.forEach(visit);
      else visit(value);
    }
  };
  visit(doc?.contents);
  return { seqIndent: seqIndent ?? 0, mapIndent: mapIndent ?? 2 };
}

/** Lines (each on its own line, indentation included) right after the line where `node` ends. */
export function appendAfter(source: Source, node: unknown, lines: readonly string[], context: ErrorContext): Replacement {
  const at = endOfLine(source.text, contentEnd(node, context));
  return insertion(at, lines.map((line) => `${source.eol}${line}`).join(""));
}

/** Append top-level lines at the end of the file (its own line ending, its trailing newline or none). */
export function appendAtEnd(source: Source, lines: readonly string[]): Replacement {
  const { text, eol } = source;
  const body = lines.join(eol);
  if (text.trim() === "" || text.replace(/^\uFEFF/, "") === "") {
    return insertion(text.length, `${body}${eol}`);
  }
  return text.endsWith("\n") ? insertion(text.length, `${body}${eol}`) : insertion(text.length, `${eol}${body}`);
}

/**
 * Remove a `key: value` pair from a mapping: its whole line in a block mapping; its bytes and one
 * comma in a flow mapping; and, when it opens a sequence entry (`- key: value`, the order
 * `kustomize edit set image` writes), the bytes up to the next key, so that key opens the entry.
 */
export function removePairLine(source: Source, map: YAMLMap, key: string, context: ErrorContext): Replacement {
  const index = map.items.findIndex((item) => isScalar(item.key) && item.key.value === key);
  const pair = map.items[index];
  const keyRange = pair !== undefined && isScalar(pair.key) ? pair.key.range : null;
  const value = pair?.value;
  const hint = `remove the ${key} key by hand, or write a ${key}`;
  if (!keyRange || !isScalar(value) || !value.range) throw conflict(`cannot remove ${key} here`, context, hint);
  const { text } = source;
  const cut = (start: number, end: number): Replacement => ({ start, end, text: "", expected: text.slice(start, end) });
  const next = map.items[index + 1];
  const nextKey = next !== undefined && isScalar(next.key) ? next.key.range : null;
  if (map.flow) {
    // `{a: 1, key: v}` loses `, key: v`; `{key: v, a: 1}` loses `key: v, `. Only commas and spaces
    // may sit in between: anything else (a comment) is left to a person.
    const previous = map.items[index - 1];
    const previousEnd = previous === undefined ? null : contentEnd(previous.value ?? previous.key, context);
    if (previousEnd !== null && /^\s*,\s*$/.test(text.slice(previousEnd, keyRange[0]))) return cut(previousEnd, value.range[1]);
    if (nextKey && /^\s*,\s*$/.test(text.slice(value.range[1], nextKey[0]))) return cut(keyRange[0], nextKey[0]);
    if (previous === undefined && next === undefined) return cut(keyRange[0], value.range[1]);
    throw conflict(`cannot remove ${key} here`, context, hint);
  }
  const lineStart = text.lastIndexOf("\n", keyRange[0] - 1) + 1;
  const lineEnd = endOfLine(text, value.range[1]);
  if (text.slice(keyRange[0], lineEnd).includes("\n")) throw conflict(`cannot remove a multi-line ${key}`, context, hint);
  const before = text.slice(lineStart, keyRange[0]);
  if (before.trim() !== "") {
    // `- key: v` opening an entry: the next key must start the very next line, at the key's column.
    const nextLine = lineEnd + (text.startsWith("\r\n", lineEnd) ? 2 : 1);
    const opensEntry = /^[ \t]*-[ \t]+$/.test(before) && index === 0;
    if (
      opensEntry &&
      nextKey &&
      nextKey[0] >= nextLine &&
      text.slice(nextLine, nextKey[0]).trim() === "" &&
      columnOf(text, nextKey[0]) === columnOf(text, keyRange[0])
    ) {
      return cut(keyRange[0], nextKey[0]);
    }
    throw conflict(`cannot remove ${key}: it shares a line`, context, hint);
  }
  const newlineEnd = text.startsWith("\r\n", lineEnd) ? lineEnd + 2 : text.startsWith("\n", lineEnd) ? lineEnd + 1 : lineEnd;
  if (newlineEnd === lineEnd) {
    // The last line of a file without a trailing newline: take the newline before it instead.
    const previousLine = text.charAt(lineStart - 2) === "\r" ? lineStart - 2 : lineStart - 1;
    return cut(Math.max(0, previousLine), lineEnd);
  }
  return cut(lineStart, newlineEnd);
}
