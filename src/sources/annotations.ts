/**
 * argocd-image-updater's legacy (v0.x) Application annotations, the whole key set, read the way
 * image-updater reads them: per-alias keys win over application-wide ones, which win over defaults.
 * Unknown keys under the prefix are reported, since image-updater silently ignores them. Pure.
 */
import { closestName } from "../text/index.js";
import type { ImageDecl, WriteBackDecl } from "./declarations.js";
import { splitImageSpec } from "./image-spec.js";
import { mergeSettings, splitList, type RawSettings } from "./policy.js";

export const PREFIX = "argocd-image-updater.argoproj.io/";
export const IMAGE_LIST = `${PREFIX}image-list`;

const APP_SETTING_KEYS = ["update-strategy", "allow-tags", "ignore-tags", "force-update", "pull-secret"] as const;
const APP_KEYS = new Set<string>([
  "image-list",
  "write-back-method",
  "write-back-target",
  "git-branch",
  "git-repository",
  ...APP_SETTING_KEYS,
]);
const ALIAS_KEYS = new Set<string>([
  "update-strategy",
  "allow-tags",
  "ignore-tags",
  "force-update",
  "pull-secret",
  "platforms",
  "helm.image-name",
  "helm.image-tag",
  "helm.image-spec",
  "kustomize.image-name",
  "tag-match",
  "registry-prefix",
]);
/** Keys people write for a version constraint that image-updater does not know. */
const CONSTRAINT_LOOKALIKES = new Set(["semver", "constraint", "version", "version-constraint", "tag", "semver-constraint"]);

export interface AnnotationIssue {
  readonly key: string;
  /**
   * The value as written, or null for a key image-updater does not read (unknown, or naming no
   * alias): such a value may be anything, a pasted credential included, so it is never echoed.
   */
  readonly value: string | null;
  readonly message: string;
  readonly severity: "error" | "warning";
}

export interface AnnotationConfig {
  readonly images: ImageDecl[];
  readonly writeBack: WriteBackDecl;
  readonly issues: AnnotationIssue[];
}

function settingsFor(annotations: Readonly<Record<string, string>>, scope: string, issues: AnnotationIssue[]): RawSettings {
  const get = (suffix: string): string | undefined => {
    const value = annotations[`${PREFIX}${scope}${suffix}`];
    return value === undefined ? undefined : value.trim();
  };
  const settings: { -readonly [K in keyof RawSettings]: RawSettings[K] } = {};
  const strategy = get("update-strategy");
  if (strategy) settings.updateStrategy = strategy;
  const allow = get("allow-tags") || (scope !== "" ? get("tag-match") : undefined);
  if (allow) settings.allowTags = allow;
  if (scope !== "" && !get("allow-tags") && get("tag-match")) {
    issues.push({
      key: `${PREFIX}${scope}tag-match`,
      value: get("tag-match") ?? "",
      message: `"${scope}tag-match" is deprecated; rename it to "${scope}allow-tags"`,
      severity: "warning",
    });
  }
  const ignore = get("ignore-tags");
  if (ignore !== undefined) settings.ignoreTags = splitList(ignore);
  const force = get("force-update");
  if (force !== undefined) {
    const parsed = parseGoBool(force);
    if (parsed === null) {
      issues.push({
        key: `${PREFIX}${scope}force-update`,
        value: force,
        message: `force-update must be true or false; "${force}" was ignored (force-update stays off)`,
        severity: "error",
      });
    } else settings.forceUpdate = parsed;
  }
  const pullSecret = get("pull-secret");
  if (pullSecret) settings.pullSecret = pullSecret;
  if (scope !== "") {
    const platforms = get("platforms");
    // Empty entries are dropped by buildPolicy, which warns when none is left (`platforms: ","`).
    if (platforms !== undefined) settings.platforms = platforms.split(",").map((item) => item.trim());
  }
  return settings;
}

/** Go's strconv.ParseBool, which image-updater uses. */
function parseGoBool(value: string): boolean | null {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return null;
}

/**
 * Read an Application's annotations. Returns null when it has no `image-list` (not managed by
 * annotations). Issues name the key, the value and the fix.
 */
export function readAnnotations(annotations: Readonly<Record<string, string>>): AnnotationConfig | null {
  const imageList = annotations[IMAGE_LIST];
  if (imageList === undefined) return null;
  const issues: AnnotationIssue[] = [];
  const appSettings = settingsFor(annotations, "", issues);

  const entries = imageList
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  if (entries.length === 0) {
    issues.push({
      key: IMAGE_LIST,
      value: imageList,
      message: "image-list is empty; list images as alias=registry/image[:constraint]",
      severity: "error",
    });
  }
  const aliases = new Set<string>();
  const images: ImageDecl[] = [];
  for (const entry of entries) {
    const { alias } = splitImageSpec(entry);
    if (alias !== null && alias !== "") aliases.add(alias);
    const scope = alias ? `${alias}.` : null;
    const helm = scope === null ? null : helmFor(annotations, scope);
    const kustomizeName = scope === null ? null : annotations[`${PREFIX}${scope}kustomize.image-name`]?.trim() || null;
    if (helm !== null && kustomizeName !== null) {
      issues.push({
        key: `${PREFIX}${scope}kustomize.image-name`,
        value: kustomizeName,
        message: `both helm.* and kustomize.image-name are set for alias "${alias}"; keep only the one matching how the app is built`,
        severity: "error",
      });
    }
    images.push({
      spec: entry,
      settings: scope === null ? appSettings : mergeSettings(appSettings, settingsFor(annotations, scope, issues)),
      helm,
      kustomizeName,
      key: IMAGE_LIST,
    });
  }

  const writeBack: { -readonly [K in keyof WriteBackDecl]: WriteBackDecl[K] } = {};
  const method = annotations[`${PREFIX}write-back-method`]?.trim();
  if (method) writeBack.method = method;
  const target = annotations[`${PREFIX}write-back-target`]?.trim();
  if (target) writeBack.target = target;
  const branch = annotations[`${PREFIX}git-branch`]?.trim();
  if (branch) writeBack.branch = branch;
  const repository = annotations[`${PREFIX}git-repository`]?.trim();
  if (repository) writeBack.repository = repository;

  issues.push(...unknownKeys(annotations, aliases));
  return { images, writeBack, issues };
}

function helmFor(annotations: Readonly<Record<string, string>>, scope: string): ImageDecl["helm"] {
  const name = annotations[`${PREFIX}${scope}helm.image-name`]?.trim();
  const tag = annotations[`${PREFIX}${scope}helm.image-tag`]?.trim();
  const spec = annotations[`${PREFIX}${scope}helm.image-spec`]?.trim();
  if (!name && !tag && !spec) return null;
  return { ...(name ? { name } : {}), ...(tag ? { tag } : {}), ...(spec ? { spec } : {}) };
}

/** The known key (without prefix) `written` was meant as. */
function closestKey(written: string): string | null {
  const dot = written.indexOf(".");
  return closestName(written, [...APP_KEYS, ...(dot === -1 ? [] : [...ALIAS_KEYS].map((key) => `${written.slice(0, dot)}.${key}`))]);
}

/** What the prefix of a key meant as image-updater's was written as: `argocd-image-updater.argoproj.com/`, `…argoproj.io.`, any case. */
const PREFIX_LOOKALIKE = /^(?:argocd-)?image-?updater\.argoproj\.[a-z]+[./]/i;

/**
 * The annotation `fullKey` was meant as, when it is not one image-updater reads but close to one:
 * a wrong prefix (case, `.com`, a `.` for the `/`) or a misspelled key. Null for keys of other
 * tools and for keys that are right.
 */
export function meantAnnotation(fullKey: string): string | null {
  let rest: string;
  if (fullKey.startsWith(PREFIX)) rest = fullKey.slice(PREFIX.length);
  else {
    const match = PREFIX_LOOKALIKE.exec(fullKey);
    if (match === null) return null;
    rest = fullKey.slice(match[0].length);
  }
  const dot = rest.indexOf(".");
  const known = APP_KEYS.has(rest) || (dot !== -1 && ALIAS_KEYS.has(rest.slice(dot + 1)));
  const meant = known ? rest : closestKey(rest);
  if (meant === null) return null;
  const full = `${PREFIX}${meant}`;
  return full === fullKey ? null : full;
}

function typoIssue(fullKey: string, meant: string): AnnotationIssue {
  return {
    key: fullKey,
    value: null,
    message: `"${fullKey}" is not an argocd-image-updater annotation and is ignored; did you mean "${meant}"? (keys are case-sensitive, under exactly ${PREFIX})${meant === IMAGE_LIST ? ". Without it the Application is not managed" : ""}`,
    severity: "warning",
  };
}

/**
 * For an Application without `image-list`: the keys that were probably meant as image-updater's
 * (`imagelist`, `Image-List`, `argoproj.com/…`). Image-updater ignores them without a word.
 */
export function misspelledAnnotations(annotations: Readonly<Record<string, string>>): AnnotationIssue[] {
  return Object.keys(annotations).flatMap((key) => {
    const meant = meantAnnotation(key);
    return meant === null ? [] : [typoIssue(key, meant)];
  });
}

/** Digits, version letters (v, x) and constraint operators only: `>=1.27.0 <1.28.0`, `~1.4`, `1.x`. */
const CONSTRAINT_SHAPE = /^[0-9vVxX.*^~<>=!|,\s-]{1,64}$/;

/** Issues name the key only: the value of a key nobody reads may be a credential (see AnnotationIssue). */
function unknownKeys(annotations: Readonly<Record<string, string>>, aliases: ReadonlySet<string>): AnnotationIssue[] {
  const issues: AnnotationIssue[] = [];
  const imageList = annotations[IMAGE_LIST] ?? "";
  for (const [fullKey, value] of Object.entries(annotations)) {
    if (!fullKey.startsWith(PREFIX)) {
      const meant = meantAnnotation(fullKey);
      if (meant !== null) issues.push(typoIssue(fullKey, meant));
      continue;
    }
    const key = fullKey.slice(PREFIX.length);
    if (APP_KEYS.has(key)) continue;
    const dot = key.indexOf(".");
    const alias = dot === -1 ? null : key.slice(0, dot);
    const suffix = dot === -1 ? key : key.slice(dot + 1);
    if (alias !== null && ALIAS_KEYS.has(suffix)) {
      if (!aliases.has(alias)) {
        issues.push({
          key: fullKey,
          value: null,
          message: `"${key}" is set but image-list has no alias "${alias}", so image-updater ignores it; add "${alias}=<image>" to image-list or fix the alias`,
          severity: "warning",
        });
      }
      continue;
    }
    if (alias !== null && CONSTRAINT_LOOKALIKES.has(suffix)) {
      const entry = imageList
        .split(",")
        .map((item) => item.trim())
        .find((item) => splitImageSpec(item).alias === alias);
      const image = entry === undefined ? "<image>" : splitImageSpec(entry).name;
      // Echo the value only when it is shaped like a constraint (a credential is not).
      const constraint = CONSTRAINT_SHAPE.test(value.trim()) ? value.trim() : "<constraint>";
      issues.push({
        key: fullKey,
        value: null,
        message: `"${key}" is not an argocd-image-updater annotation and is ignored; a version constraint belongs in image-list after the image: "image-list: ${alias}=${image}:${constraint}"`,
        severity: "warning",
      });
      continue;
    }
    const meant = meantAnnotation(fullKey);
    if (meant !== null) {
      issues.push(typoIssue(fullKey, meant));
      continue;
    }
    const hint =
      alias === null && key === "platforms"
        ? `platforms is only read per image; use "<alias>.platforms"`
        : alias === null && ALIAS_KEYS.has(key)
          ? `"${key}" is only read per image; use "<alias>.${key}"`
          : `known keys are image-list, write-back-method, write-back-target, git-branch, git-repository, update-strategy, allow-tags, ignore-tags, force-update, pull-secret and <alias>.{${[...ALIAS_KEYS].join(",")}}`;
    issues.push({
      key: fullKey,
      value: null,
      message: `"${key}" is not an argocd-image-updater annotation and is ignored (${hint})`,
      severity: "warning",
    });
  }
  return issues;
}
