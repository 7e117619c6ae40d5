/**
 * The part of Go's text/template (with the Sprig functions) that ApplicationSet templates use with
 * `goTemplate: true`: field paths (`.path.basename`, `$.values.env`), literals, pipelines, `if` /
 * `else if` / `else` / `end`, `index`, and the string functions people write in Application names
 * and paths. Bounded: a template longer than 64 KiB, nested deeper than 32, or producing more than
 * 256 KiB fails, and anything outside the subset (`range`, `with`, variables, `define`…) is an error
 * that names it, never a silent guess. Pure.
 */

export class GoTemplateError extends Error {}

type Value = unknown;
type Expr =
  | { readonly op: "field"; readonly root: "dot" | "dollar"; readonly path: readonly string[] }
  | { readonly op: "literal"; readonly value: Value }
  | { readonly op: "call"; readonly name: string; readonly args: readonly Expr[] }
  | { readonly op: "pipe"; readonly stages: readonly Expr[] };
type Node =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "action"; readonly expr: Expr }
  | { readonly kind: "if"; readonly branches: readonly { readonly cond: Expr | null; readonly body: readonly Node[] }[] };

const MAX_SOURCE = 64 * 1024;
const MAX_OUTPUT = 256 * 1024;
const MAX_DEPTH = 32;

export interface GoTemplateOptions {
  /** `goTemplateOptions: ["missingkey=error"]`: a missing key fails instead of rendering `<no value>`. */
  readonly missingKeyError?: boolean;
}

/** Render `source` with `data` as `.` (and `$`). Throws GoTemplateError naming what is wrong. */
export function renderGoTemplate(source: string, data: Value, options: GoTemplateOptions = {}): string {
  if (!source.includes("{{")) return source;
  if (source.length > MAX_SOURCE) throw new GoTemplateError(`template is longer than ${MAX_SOURCE} characters`);
  const nodes = parse(source);
  const out: string[] = [];
  let size = 0;
  const emit = (text: string): void => {
    size += text.length;
    if (size > MAX_OUTPUT) throw new GoTemplateError(`template output is longer than ${MAX_OUTPUT} characters`);
    out.push(text);
  };
  const run = (list: readonly Node[]): void => {
    for (const node of list) {
      switch (node.kind) {
        case "text":
          emit(node.text);
          break;
        case "action":
          emit(printValue(evaluate(node.expr, data, options)));
          break;
        case "if": {
          const branch = node.branches.find((b) => b.cond === null || truthy(evaluate(b.cond, data, options)));
          if (branch !== undefined) run(branch.body);
          break;
        }
      }
    }
  };
  run(nodes);
  return out.join("");
}

// ---- parsing ---------------------------------------------------------------------------------

function parse(source: string): Node[] {
  const pieces: ({ text: string } | { action: string })[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf("{{", at);
    if (open === -1) {
      pieces.push({ text: source.slice(at) });
      break;
    }
    const close = source.indexOf("}}", open + 2);
    if (close === -1) throw new GoTemplateError(`unclosed action at offset ${open}`);
    let text = source.slice(at, open);
    let inner = source.slice(open + 2, close);
    if (/^-\s/.test(inner)) {
      text = text.replace(/\s+$/, "");
      inner = inner.slice(1);
    }
    let next = close + 2;
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      const rest = source.slice(next);
      next += rest.length - rest.replace(/^\s+/, "").length;
    }
    if (text !== "") pieces.push({ text });
    pieces.push({ action: inner.trim() });
    at = next;
  }
  let index = 0;
  const block = (depth: number, inIf: boolean): { nodes: Node[]; ended: "end" | "else" | "eof"; elseCond?: string } => {
    if (depth > MAX_DEPTH) throw new GoTemplateError(`template nests deeper than ${MAX_DEPTH}`);
    const nodes: Node[] = [];
    while (index < pieces.length) {
      const piece = pieces[index++] as { text: string } | { action: string };
      if ("text" in piece) {
        nodes.push({ kind: "text", text: piece.text });
        continue;
      }
      const action = piece.action;
      if (action.startsWith("/*")) continue; // a comment
      const word = /^[a-z]+/.exec(action)?.[0] ?? "";
      if (word === "end" && action === "end") {
        if (!inIf) throw new GoTemplateError("{{end}} without {{if}}");
        return { nodes, ended: "end" };
      }
      if (word === "else") {
        if (!inIf) throw new GoTemplateError("{{else}} without {{if}}");
        const rest = action.slice(4).trim();
        if (rest === "") return { nodes, ended: "else" };
        if (rest.startsWith("if ")) return { nodes, ended: "else", elseCond: rest.slice(3) };
        throw new GoTemplateError(`{{${action}}} is not supported; only {{else}} and {{else if …}}`);
      }
      if (word === "if" && /^if\s/.test(action)) {
        const branches: { cond: Expr | null; body: Node[] }[] = [];
        let cond: Expr | null = parseExpr(action.slice(3));
        for (;;) {
          const inner = block(depth + 1, true);
          branches.push({ cond, body: inner.nodes });
          if (inner.ended === "end") break;
          if (inner.ended === "eof") throw new GoTemplateError("{{if}} without {{end}}");
          cond = inner.elseCond === undefined ? null : parseExpr(inner.elseCond);
          if (cond === null) {
            const last = block(depth + 1, true);
            if (last.ended !== "end") throw new GoTemplateError("{{else}} must be followed by {{end}}");
            branches.push({ cond: null, body: last.nodes });
            break;
          }
        }
        nodes.push({ kind: "if", branches });
        continue;
      }
      if (["range", "with", "define", "template", "block", "break", "continue"].includes(word) && new RegExp(`^${word}\\b`).test(action)) {
        throw new GoTemplateError(`{{${word}}} is not supported (only field paths, functions, pipelines and if/else)`);
      }
      if (/^\$[A-Za-z_]\w*\s*:?=/.test(action))
        throw new GoTemplateError(`template variables ({{${action.slice(0, 40)}}}) are not supported`);
      nodes.push({ kind: "action", expr: parseExpr(action) });
    }
    if (inIf) return { nodes, ended: "eof" };
    return { nodes, ended: "eof" };
  };
  return block(0, false).nodes;
}

type Token =
  { t: "field"; v: string } | { t: "lit"; v: Value } | { t: "ident"; v: string } | { t: "pipe" } | { t: "open" } | { t: "close" };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "|") {
      tokens.push({ t: "pipe" });
      i++;
      continue;
    }
    if (c === "(") {
      tokens.push({ t: "open" });
      i++;
      continue;
    }
    if (c === ")") {
      tokens.push({ t: "close" });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let value = "";
      while (j < text.length && text[j] !== '"') {
        if (text[j] === "\\") {
          const e = text[j + 1];
          value += e === "n" ? "\n" : e === "t" ? "\t" : (e ?? "");
          j += 2;
        } else value += text[j++];
      }
      if (j >= text.length) throw new GoTemplateError(`unterminated string in {{${text}}}`);
      tokens.push({ t: "lit", v: value });
      i = j + 1;
      continue;
    }
    if (c === "`") {
      const j = text.indexOf("`", i + 1);
      if (j === -1) throw new GoTemplateError(`unterminated string in {{${text}}}`);
      tokens.push({ t: "lit", v: text.slice(i + 1, j) });
      i = j + 1;
      continue;
    }
    const word = /^[^\s|()]+/.exec(text.slice(i))?.[0] ?? c;
    i += word.length;
    if (word.startsWith(".") || word.startsWith("$")) tokens.push({ t: "field", v: word });
    else if (/^-?\d+(\.\d+)?$/.test(word)) tokens.push({ t: "lit", v: Number(word) });
    else if (word === "true" || word === "false") tokens.push({ t: "lit", v: word === "true" });
    else if (word === "nil") tokens.push({ t: "lit", v: null });
    else if (/^[A-Za-z_]\w*$/.test(word)) tokens.push({ t: "ident", v: word });
    else throw new GoTemplateError(`cannot read "${word}" in {{${text}}}`);
  }
  return tokens;
}

function parseExpr(text: string): Expr {
  const tokens = tokenize(text);
  let at = 0;
  const pipeline = (): Expr => {
    const stages: Expr[] = [command()];
    while (tokens[at]?.t === "pipe") {
      at++;
      stages.push(command());
    }
    return stages.length === 1 ? (stages[0] as Expr) : { op: "pipe", stages };
  };
  const operand = (): Expr => {
    const token = tokens[at++];
    if (token === undefined) throw new GoTemplateError(`missing value in {{${text}}}`);
    switch (token.t) {
      case "field": {
        const root = token.v.startsWith("$") ? "dollar" : "dot";
        const rest = token.v.replace(/^\$/, "");
        const path = rest === "." || rest === "" ? [] : rest.replace(/^\./, "").split(".");
        if (path.some((p) => !/^[A-Za-z_]\w*$/.test(p))) throw new GoTemplateError(`"${token.v}" is not a field path`);
        return { op: "field", root, path };
      }
      case "lit":
        return { op: "literal", value: token.v };
      case "ident":
        return { op: "call", name: token.v, args: [] };
      case "open": {
        const inner = pipeline();
        if (tokens[at++]?.t !== "close") throw new GoTemplateError(`missing ) in {{${text}}}`);
        return inner;
      }
      default:
        throw new GoTemplateError(`unexpected "${token.t === "pipe" ? "|" : ")"}" in {{${text}}}`);
    }
  };
  const command = (): Expr => {
    const head = operand();
    const args: Expr[] = [];
    while (at < tokens.length && tokens[at]?.t !== "pipe" && tokens[at]?.t !== "close") args.push(operand());
    if (head.op === "call") {
      if (!Object.hasOwn(FUNCTIONS, head.name)) throw new GoTemplateError(`function "${head.name}" is not supported`);
      return { op: "call", name: head.name, args };
    }
    if (args.length > 0) throw new GoTemplateError(`{{${text}}}: only a function takes arguments`);
    return head;
  };
  const expr = pipeline();
  if (at !== tokens.length) throw new GoTemplateError(`cannot read {{${text}}}`);
  return expr;
}

// ---- evaluation ------------------------------------------------------------------------------

const NO_VALUE = Symbol("no value");

function evaluate(expr: Expr, data: Value, options: GoTemplateOptions, piped?: { value: Value }): Value {
  switch (expr.op) {
    case "literal":
      return expr.value;
    case "field": {
      let value: Value = data;
      for (const [i, key] of expr.path.entries()) {
        const at = `.${expr.path.slice(0, i + 1).join(".")}`;
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
          throw new GoTemplateError(
            `cannot evaluate ${at}: ${i === 0 ? "." : `.${expr.path.slice(0, i).join(".")}`} is ${value === NO_VALUE || value === null || value === undefined ? "missing" : "not a map"}`,
          );
        }
        if (!Object.hasOwn(value, key)) {
          if (options.missingKeyError === true) throw new GoTemplateError(`map has no entry for key "${key}" (${at})`);
          if (i < expr.path.length - 1)
            throw new GoTemplateError(`cannot evaluate ${at}: .${expr.path.slice(0, i + 1).join(".")} is missing`);
          return NO_VALUE;
        }
        value = (value as Record<string, Value>)[key];
      }
      return value;
    }
    case "pipe": {
      let value: Value = evaluate(expr.stages[0] as Expr, data, options);
      for (const stage of expr.stages.slice(1)) value = evaluate(stage, data, options, { value });
      return value;
    }
    case "call": {
      const args = expr.args.map((arg) => evaluate(arg, data, options));
      if (piped !== undefined) args.push(piped.value);
      const fn = FUNCTIONS[expr.name] as (...args: Value[]) => Value;
      return fn(...args);
    }
  }
}

function truthy(value: Value): boolean {
  if (value === NO_VALUE || value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

function printValue(value: Value): string {
  if (value === NO_VALUE || value === undefined) return "<no value>";
  if (value === null) return "<nil>";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(printValue).join(" ")}]`;
  return `map[${Object.entries(value as Record<string, Value>)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}:${printValue(v)}`)
    .join(" ")}]`;
}

function str(value: Value): string {
  return value === NO_VALUE || value === undefined || value === null ? "" : printValue(value);
}

function int(value: Value, name: string): number {
  const n = typeof value === "number" ? value : Number(str(value));
  if (!Number.isInteger(n)) throw new GoTemplateError(`${name}: "${str(value)}" is not a whole number`);
  return n;
}

/** Argo CD's `normalize` / name sanitising: lowercase, [^-a-z0-9.] → -, trimmed. */
export function sanitizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-a-z0-9.]/g, "-")
    .slice(0, 253)
    .replace(/^[-.]+|[-.]+$/g, "");
}

function compare(a: Value, b: Value): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return str(a) < str(b) ? -1 : str(a) > str(b) ? 1 : 0;
}

const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  lower: (s) => str(s).toLowerCase(),
  upper: (s) => str(s).toUpperCase(),
  title: (s) => str(s).replace(/\b[a-z]/g, (c) => c.toUpperCase()),
  trim: (s) => str(s).trim(),
  trimAll: (cut, s) => {
    const chars = [...str(cut)];
    let value = str(s);
    while (value !== "" && chars.includes(value[0] as string)) value = value.slice(1);
    while (value !== "" && chars.includes(value[value.length - 1] as string)) value = value.slice(0, -1);
    return value;
  },
  trimPrefix: (prefix, s) => (str(s).startsWith(str(prefix)) ? str(s).slice(str(prefix).length) : str(s)),
  trimSuffix: (suffix, s) => (str(suffix) !== "" && str(s).endsWith(str(suffix)) ? str(s).slice(0, -str(suffix).length) : str(s)),
  replace: (from, to, s) => str(s).split(str(from)).join(str(to)),
  trunc: (n, s) => {
    const count = int(n, "trunc");
    return count >= 0 ? str(s).slice(0, count) : str(s).slice(count);
  },
  substr: (start, end, s) => str(s).slice(int(start, "substr"), int(end, "substr")),
  default: (fallback, value) => (truthy(value) ? value : fallback),
  empty: (value) => !truthy(value),
  coalesce: (...values) => values.find(truthy) ?? null,
  ternary: (yes, no, cond) => (truthy(cond) ? yes : no),
  quote: (...values) => values.map((v) => JSON.stringify(str(v))).join(" "),
  squote: (...values) => values.map((v) => `'${str(v)}'`).join(" "),
  printf: (format, ...args) => {
    let i = 0;
    return str(format).replace(/%([-+ 0#]*\d*)?([svdq%])/g, (_m, _flags, verb: string) => {
      if (verb === "%") return "%";
      const arg = args[i++];
      if (verb === "q") return JSON.stringify(str(arg));
      if (verb === "d") return String(int(arg, "printf %d"));
      return str(arg);
    });
  },
  print: (...values) => values.map(str).join(""),
  join: (sep, list) => (Array.isArray(list) ? list.map(str).join(str(sep)) : str(list)),
  splitList: (sep, s) => str(s).split(str(sep)),
  list: (...values) => values,
  first: (list) => (Array.isArray(list) ? (list[0] ?? null) : null),
  last: (list) => (Array.isArray(list) ? (list[list.length - 1] ?? null) : null),
  index: (collection, ...keys) => {
    let value = collection;
    for (const key of keys) {
      if (Array.isArray(value)) {
        const i = int(key, "index");
        if (i < 0 || i >= value.length) throw new GoTemplateError(`index out of range: ${i}`);
        value = value[i];
      } else if (typeof value === "object" && value !== null) value = (value as Record<string, Value>)[str(key)] ?? NO_VALUE;
      else throw new GoTemplateError(`cannot index ${printValue(value)} with ${str(key)}`);
    }
    return value;
  },
  len: (value) =>
    Array.isArray(value) ? value.length : typeof value === "object" && value !== null ? Object.keys(value).length : str(value).length,
  eq: (a, ...bs) => bs.some((b) => compare(a, b) === 0 && typeof a === typeof b),
  ne: (a, b) => !(compare(a, b) === 0 && typeof a === typeof b),
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
  and: (...values) => values.find((v) => !truthy(v)) ?? values[values.length - 1] ?? null,
  or: (...values) => values.find(truthy) ?? values[values.length - 1] ?? null,
  not: (value) => !truthy(value),
  hasPrefix: (prefix, s) => str(s).startsWith(str(prefix)),
  hasSuffix: (suffix, s) => str(s).endsWith(str(suffix)),
  contains: (sub, s) => str(s).includes(str(sub)),
  base: (s) =>
    str(s)
      .split("/")
      .filter((p) => p !== "")
      .pop() ?? ".",
  dir: (s) => {
    const parts = str(s).split("/");
    parts.pop();
    return parts.join("/") || ".";
  },
  normalize: (s) => sanitizeName(str(s)),
  slugify: (...args) => sanitizeName(str(args[args.length - 1])).replace(/\./g, "-"),
  toString: (value: Value) => str(value),
  toJson: (value) => JSON.stringify(value === NO_VALUE ? null : value),
};
