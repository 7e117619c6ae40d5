/**
 * Versions as Masterminds/semver v3 `NewVersion` reads them, because argocd-image-updater decides
 * with that library: an optional lowercase `v`, one to three numeric parts (`1`, `1.27`, `1.27.4`;
 * missing parts are 0), an optional pre-release and build metadata. Node's `semver` rejects partial
 * versions and so cannot be used here (see constraint.test.ts for every difference).
 */

export interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** Pre-release without the dash, "" when none. */
  readonly pre: string;
  /** Build metadata without the plus, "" when none. Ignored when comparing. */
  readonly build: string;
  /** The tag as written, used to break ties. */
  readonly original: string;
}

const VERSION_RE =
  /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;
const UINT64_MAX = 2n ** 64n - 1n;
const NUMERIC_RE = /^[0-9]+$/;

function uint64(digits: string | undefined): bigint | null {
  if (digits === undefined) return 0n;
  const value = BigInt(digits);
  // Masterminds parses each part with strconv.ParseUint(…, 64): larger values are not versions.
  return value > UINT64_MAX ? null : value;
}

/** Parse like Masterminds `NewVersion`; null when the tag is not a version. */
export function parseVersion(tag: string): Version | null {
  const m = VERSION_RE.exec(tag);
  if (m === null) return null;
  const major = uint64(m[1]);
  const minor = uint64(m[2]);
  const patch = uint64(m[3]);
  if (major === null || minor === null || patch === null) return null;
  const pre = m[4] ?? "";
  // Masterminds rejects numeric pre-release identifiers with a leading zero (`1.0.0-01`).
  if (pre !== "" && pre.split(".").some((part) => NUMERIC_RE.test(part) && part.length > 1 && part.startsWith("0"))) {
    return null;
  }
  return { major, minor, patch, pre, build: m[5] ?? "", original: tag };
}

function cmp(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === "") return -1; // fewer identifiers sort first
  if (o === "") return 1;
  const sNum = NUMERIC_RE.test(s);
  const oNum = NUMERIC_RE.test(o);
  if (!sNum && !oNum) return s > o ? 1 : -1;
  if (!sNum) return 1; // alphanumeric identifiers sort after numeric ones
  if (!oNum) return -1;
  return cmp(BigInt(s), BigInt(o));
}

function comparePrerelease(a: string, b: string): number {
  const as = a.split(".");
  const bs = b.split(".");
  const n = Math.max(as.length, bs.length);
  for (let i = 0; i < n; i++) {
    const d = comparePrePart(as[i] ?? "", bs[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

/** Masterminds `Compare`: precedence only, build metadata ignored (`1.2` equals `1.2.0`). */
export function compareVersions(a: Version, b: Version): number {
  const core = cmp(a.major, b.major) || cmp(a.minor, b.minor) || cmp(a.patch, b.patch);
  if (core !== 0) return core;
  if (a.pre === b.pre) return 0;
  if (a.pre === "") return 1;
  if (b.pre === "") return -1;
  return comparePrerelease(a.pre, b.pre);
}

/**
 * Descending order, best first; equal versions (`1.2` / `1.2.0`, `v1.2.0` / `1.2.0`) are ordered by
 * the greater original string first, which is the one argocd-image-updater's semverCollection picks.
 */
export function compareVersionsDescending(a: Version, b: Version): number {
  const d = compareVersions(b, a);
  if (d !== 0) return d;
  return a.original > b.original ? -1 : a.original < b.original ? 1 : 0;
}

export function formatCore(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/**
 * A keep-suffix tag's suffix, split as Bitnami writes rebuilds (`1.27.3-debian-12-r9`): the variant
 * (`debian-12`), which an update keeps, and the revision (`9`), which moves with every rebuild of
 * the same version. Renovate treats such suffixes the same way with a regex versioning
 * (`compatibility` kept, `-r<build>` compared as a number): compared as a semver pre-release,
 * `r12` would sort below `r9`.
 */
export interface Suffix {
  readonly variant: string;
  readonly revision: bigint | null;
}

const REVISION_RE = /^(?:(.*)-)?r([0-9]+)$/;

export function suffixOf(version: Version): Suffix {
  const m = REVISION_RE.exec(version.pre);
  if (m === null) return { variant: version.pre, revision: null };
  return { variant: m[1] ?? "", revision: BigInt(m[2] ?? "0") };
}

/** Same variant, and a revision on both or on neither: `-debian-12-r9` moves to `-debian-12-r12`, not to `-debian-12`. */
export function sameSuffix(a: Version, b: Version): boolean {
  const sa = suffixOf(a);
  const sb = suffixOf(b);
  return sa.variant === sb.variant && (sa.revision === null) === (sb.revision === null);
}

/** keep-suffix order: the version without its suffix, then the revision as a number. */
export function compareSuffixed(a: Version, b: Version): number {
  const core = compareVersions({ ...a, pre: "" }, { ...b, pre: "" });
  if (core !== 0) return core;
  const ra = suffixOf(a).revision ?? -1n;
  const rb = suffixOf(b).revision ?? -1n;
  return cmp(ra, rb);
}

/** Descending keep-suffix order, ties by the greater original string (as compareVersionsDescending). */
export function compareSuffixedDescending(a: Version, b: Version): number {
  const d = compareSuffixed(b, a);
  if (d !== 0) return d;
  return a.original > b.original ? -1 : a.original < b.original ? 1 : 0;
}
