/**
 * Semver constraints with Masterminds/semver v3 semantics (what argocd-image-updater uses), written
 * here because node's `semver` ranges differ on several points (comma means AND, `!=`, partial
 * versions, the pre-release rule). constraint.test.ts lists the differences case by case.
 */
import { RE2JS } from "re2js";
import { compareVersions, parseVersion, type Version } from "./version.js";

type Op = "" | "=" | "!=" | ">" | "<" | ">=" | "=>" | "<=" | "=<" | "~" | "~>" | "^";

interface Comparator {
  readonly op: Op;
  readonly con: Version;
  readonly dirty: boolean;
  readonly minorDirty: boolean;
  readonly patchDirty: boolean;
}

export interface Constraint {
  /** The constraint as the user wrote it. */
  readonly source: string;
  /** OR of AND groups. */
  readonly groups: readonly (readonly Comparator[])[];
  /** Per group: does one of its comparators carry a pre-release (then pre-releases may match)? */
  readonly includePre: readonly boolean[];
}

export type ConstraintResult = { readonly ok: true; readonly constraint: Constraint } | { readonly ok: false; readonly reason: string };

// Masterminds' grammar, kept verbatim (including the odd `|` inside the character classes) so
// that exactly the same strings are accepted.
const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
// Compiled with RE2 (re2js), as Go compiles them for Masterminds: JavaScript's backtracking engine
// takes seconds to minutes on a constraint of 20,000 spaces or digits; RE2 is linear.
const CONSTRAINT_RE = RE2JS.compile(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const RANGE_RE = RE2JS.compile(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`);
const FIND_RE = RE2JS.compile(String.raw`(${OPS})\s*(${CV})`);
const VALID_RE = RE2JS.compile(String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`);

/** Longer constraints are refused (Masterminds has no limit; no real constraint comes near it). */
export const MAX_CONSTRAINT_LENGTH = 1024;

/** Masterminds' `ReplaceAllString(c, ">= $1, <= $11 ")`: each `a - b` range becomes `>= a, <= b`. */
function rewriteRanges(source: string): string {
  let out = "";
  let last = 0;
  for (const m of RANGE_RE.matchAll(source)) {
    const index = m.index ?? 0;
    out += `${source.slice(last, index)}>= ${m[1] ?? ""}, <= ${m[11] ?? ""} `;
    last = index + m[0].length;
  }
  return out + source.slice(last);
}

function isX(part: string): boolean {
  const l = part.toLowerCase();
  return l === "x" || l === "*";
}

function parseComparator(text: string): Comparator | string {
  const m = CONSTRAINT_RE.exec(text);
  if (m === null) return `improper constraint: ${text}`;
  const op = (m[1] ?? "") as Op;
  const major = m[3] ?? "";
  const minor = (m[4] ?? "").replace(/^\./, "");
  const patch = (m[5] ?? "").replace(/^\./, "");
  const pre = m[6] ?? "";
  let ver = m[2] ?? "";
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major) || major === "") {
    ver = `0.0.0${pre}`;
    dirty = true;
  } else if (isX(minor) || minor === "") {
    ver = `${major}.0.0${pre}`;
    dirty = true;
    minorDirty = true;
  } else if (isX(patch) || patch === "") {
    ver = `${major}.${minor}.0${pre}`;
    dirty = true;
    patchDirty = true;
  }
  const con = parseVersion(ver);
  if (con === null) return `improper constraint: ${text}`;
  return { op, con, dirty, minorDirty, patchDirty };
}

/** Parse like Masterminds `NewConstraint`: `||` separates alternatives, spaces or commas separate ANDs. */
export function parseConstraint(source: string): ConstraintResult {
  // Whitespace appears in the grammar only as runs (\s*, \s+), so one space per run parses the same;
  // RE2's \s is [\t\n\f\r ], as Go's.
  const collapsed = source.replace(/[\t\n\f\r ]+/g, " ");
  // Linear, but RE2's captures cost ~50 µs a character: a bound keeps a hostile value cheap.
  if (collapsed.length > MAX_CONSTRAINT_LENGTH)
    return { ok: false, reason: `the constraint is ${collapsed.length} characters long; at most ${MAX_CONSTRAINT_LENGTH} are read` };
  const rewritten = rewriteRanges(collapsed);
  const groups: Comparator[][] = [];
  const includePre: boolean[] = [];
  for (const alternative of rewritten.split("||")) {
    if (!VALID_RE.test(alternative)) return { ok: false, reason: `improper constraint: ${alternative.trim() || "(empty)"}` };
    const found = [...FIND_RE.matchAll(alternative)].map((m) => m[0]);
    const parts = found.length > 0 ? found : [alternative];
    const group: Comparator[] = [];
    for (const part of parts) {
      const c = parseComparator(part);
      if (typeof c === "string") return { ok: false, reason: c };
      group.push(c);
    }
    groups.push(group);
    includePre.push(group.some((c) => c.con.pre !== ""));
  }
  return { ok: true, constraint: { source, groups, includePre } };
}

function tilde(v: Version, c: Comparator): boolean {
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  return v.minor === c.con.minor || c.minorDirty;
}

function caret(v: Version, c: Comparator): boolean {
  if (compareVersions(v, c.con) < 0) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  return v.minor === 0n && v.patch === c.con.patch;
}

function notEqual(v: Version, c: Comparator): boolean {
  if (c.dirty) {
    if (c.con.major !== v.major) return true;
    if (c.con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (c.con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) return v.pre !== c.con.pre && (v.pre !== "" || c.con.pre !== "");
  }
  return compareVersions(v, c.con) !== 0;
}

function greaterThan(v: Version, c: Comparator): boolean {
  if (!c.dirty) return compareVersions(v, c.con) > 0;
  if (v.major > c.con.major) return true;
  if (v.major < c.con.major) return false;
  if (c.minorDirty) return false; // `>11` needs 12 or higher
  if (c.patchDirty) return v.minor > c.con.minor; // `>11.1` needs 11.2 or higher
  return compareVersions(v, c.con) > 0;
}

function lessThanEqual(v: Version, c: Comparator): boolean {
  if (!c.dirty) return compareVersions(v, c.con) <= 0;
  if (v.major > c.con.major) return false;
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
}

function check(v: Version, c: Comparator, includePre: boolean): boolean {
  if (v.pre !== "" && !includePre) return false;
  switch (c.op) {
    case "":
    case "=":
      return c.dirty ? tilde(v, c) : compareVersions(v, c.con) === 0;
    case "!=":
      return notEqual(v, c);
    case ">":
      return greaterThan(v, c);
    case "<":
      return compareVersions(v, c.con) < 0;
    case ">=":
    case "=>":
      return compareVersions(v, c.con) >= 0;
    case "<=":
    case "=<":
      return lessThanEqual(v, c);
    case "~":
    case "~>":
      return tilde(v, c);
    case "^":
      return caret(v, c);
  }
}

/** Masterminds `Check`: some alternative whose every comparator holds. */
export function satisfies(v: Version, constraint: Constraint): boolean {
  return constraint.groups.some((group, i) => group.every((c) => check(v, c, constraint.includePre[i] ?? false)));
}
