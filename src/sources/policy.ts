/**
 * Turning raw settings (annotation strings, ImageUpdater fields, repo config values) into an
 * ImagePolicy, with argocd-image-updater's names and semantics. Pure.
 */
import type { AllowTags, ImagePolicy, UpdateLevel, UpdateStrategy } from "../model/index.js";
import { compileGoRegexp } from "../strategy/index.js";
import { quoteForMessage } from "../text/index.js";

/** Settings as configured, before defaults; the shape of image-updater's CommonUpdateSettings. */
export interface RawSettings {
  readonly updateStrategy?: string;
  readonly forceUpdate?: boolean;
  readonly allowTags?: string;
  readonly ignoreTags?: readonly string[];
  readonly pullSecret?: string;
  readonly platforms?: readonly string[];
}

/** Later (more specific) layers win, field by field: `mergeSettings(spec, ref, image)`. */
export function mergeSettings(...layers: (RawSettings | undefined)[]): RawSettings {
  const merged: { -readonly [K in keyof RawSettings]: RawSettings[K] } = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const key of Object.keys(layer) as (keyof RawSettings)[]) {
      const value = layer[key];
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
  }
  return merged;
}

const STRATEGY_ALIASES: Readonly<Record<string, UpdateStrategy>> = {
  semver: "semver",
  "newest-build": "newest-build",
  latest: "newest-build",
  alphabetical: "alphabetical",
  name: "alphabetical",
  digest: "digest",
};

/** Canonical strategy for an image-updater name or alias, or null when unknown. */
export function parseStrategy(value: string): UpdateStrategy | null {
  return STRATEGY_ALIASES[value.trim().toLowerCase()] ?? null;
}

export const STRATEGY_NAMES = Object.keys(STRATEGY_ALIASES);

/** The `regexp:` prefix in any case, as image-updater's ParseMatchfunc lower-cases the function name. */
const REGEXP_PREFIX = /^regexp:/i;

/**
 * `any`, `regexp:<re>` (compiled here to validate), anything else invalid. The keywords are
 * case-insensitive (`Any`, `Regexp:`), as in image-updater; the pattern is taken as written.
 */
export function parseAllowTags(value: string): AllowTags {
  const trimmed = value.trim();
  if (trimmed.toLowerCase() === "any") return { kind: "any" };
  if (REGEXP_PREFIX.test(trimmed)) {
    const pattern = trimmed.slice("regexp:".length);
    // Validated with the engine the strategy matches with (RE2, as argocd-image-updater).
    const compiled = compileGoRegexp(pattern);
    return compiled.ok ? { kind: "regexp", pattern } : { kind: "invalid", value: trimmed, reason: compiled.reason };
  }
  return { kind: "invalid", value: trimmed };
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;

export function isValidPlatform(value: string): boolean {
  return PLATFORM.test(value);
}

/** What an unreadable platform was probably meant to be (`linux-amd64` → `linux/amd64`), or null. */
function platformGuess(value: string): string | null {
  const slashed = value.toLowerCase().replace(/[-:\s]+/g, "/");
  const guess = slashed.includes("/") ? slashed : slashed.replace("_", "/");
  return isValidPlatform(guess) ? guess : null;
}

/** Split a comma-separated annotation value, trimming, dropping empty entries. */
export function splitList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

export interface PolicyIssue {
  readonly key: "update-strategy" | "allow-tags" | "ignore-tags" | "platforms";
  readonly value: string;
  readonly message: string;
  /** A warning works as written (as in image-updater) but cannot do what it says. Default error. */
  readonly severity?: "warning";
}

export interface PolicyExtras {
  readonly constraint: string | null;
  /**
   * The settings are an ImageUpdater's fields, which image-updater reads as written (it trims only
   * annotations): blanks around a strategy or allow-tags change its meaning there, so they warn.
   */
  readonly verbatim?: boolean;
  readonly keepSuffix?: boolean;
  readonly maxUpdate?: UpdateLevel | null;
}

/**
 * Build the policy. An unknown strategy returns `policy: null` (the image cannot be decided as
 * configured); so does an invalid allow-tags (it would match nothing), reported once, here.
 * An invalid platform also returns `policy: null`: image-updater keeps it so that no tag matches
 * ("so we don't end up updating to the wrong architecture"); dropping it would lift the restriction.
 */
export function buildPolicy(settings: RawSettings, extras: PolicyExtras): { policy: ImagePolicy | null; issues: PolicyIssue[] } {
  const issues: PolicyIssue[] = [];
  if (extras.verbatim === true) {
    const blanks = (key: "update-strategy" | "allow-tags", value: string | undefined, there: string): void => {
      if (value === undefined || value === value.trim() || value.trim() === "") return;
      issues.push({
        key,
        value,
        message: `${key === "update-strategy" ? "update strategy" : "allow-tags"} "${quoteForMessage(value)}" has blanks around it; argocd-image-updater reads ImageUpdater fields as written (${there}), argocd-image-pr trims them: remove the blanks`,
        severity: "warning",
      });
    };
    blanks("update-strategy", settings.updateStrategy, "for it this is no known strategy, so it uses semver");
    blanks("allow-tags", settings.allowTags, "for it no tag matches");
  }
  const strategyValue = settings.updateStrategy?.trim() || "semver";
  const strategy = parseStrategy(strategyValue);
  if (strategy === null) {
    issues.push({
      key: "update-strategy",
      value: strategyValue,
      message: `unknown update strategy "${strategyValue}"; use one of semver, newest-build (or latest), alphabetical (or name), digest`,
    });
  }
  const allowTags =
    settings.allowTags === undefined || settings.allowTags.trim() === "" ? ({ kind: "any" } as const) : parseAllowTags(settings.allowTags);
  if (allowTags.kind === "invalid") {
    issues.push({
      key: "allow-tags",
      value: allowTags.value,
      message: REGEXP_PREFIX.test(allowTags.value)
        ? `allow-tags "${allowTags.value}" is not a valid regular expression${allowTags.reason === undefined ? "" : ` (${allowTags.reason})`}, so no tag matches; fix the pattern after "${allowTags.value.slice(0, "regexp:".length)}"`
        : `allow-tags "${allowTags.value}" is neither "any" nor "regexp:<pattern>", so no tag matches; write it as regexp:${allowTags.value}`,
    });
  }
  const platforms: string[] = [];
  let platformsValid = true;
  for (const platform of settings.platforms ?? []) {
    const trimmed = platform.trim();
    if (trimmed === "") continue;
    if (isValidPlatform(trimmed)) {
      platforms.push(trimmed);
      continue;
    }
    platformsValid = false;
    const guess = platformGuess(trimmed);
    issues.push({
      key: "platforms",
      value: trimmed,
      message: `platform "${trimmed}" is not os/arch[/variant]; write it as ${guess ?? "os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8"} (until then the image is not updated, rather than risk a tag built for the wrong platform)`,
    });
  }
  if (settings.platforms !== undefined && platforms.length === 0 && platformsValid) {
    const written = settings.platforms.join(",");
    issues.push({
      key: "platforms",
      value: written,
      message: `platforms "${quoteForMessage(written)}" lists no platform, so no platform restriction applies (argocd-image-updater would restrict the image to its own platform); list os/arch[/variant] values or remove the key`,
      severity: "warning",
    });
  }
  const ignoreTags = (settings.ignoreTags ?? []).map((tag) => tag.trim()).filter((tag) => tag !== "");
  for (const tag of ignoreTags) {
    // Image-updater keeps such a glob too; it can never match, as no tag holds a control character.
    if (/[\u0000-\u001f\u007f]/.test(tag)) {
      issues.push({
        key: "ignore-tags",
        value: tag,
        message: `ignore-tags entry "${quoteForMessage(tag)}" contains a control character, which no tag can hold, so it ignores nothing; remove the character`,
        severity: "warning",
      });
    }
  }
  // An allow-tags that cannot be applied allows no tag (as in image-updater): the image is not
  // planned, and the issue above is its one report (the strategy would otherwise report it again).
  if (strategy === null || !platformsValid || allowTags.kind === "invalid") return { policy: null, issues };
  return {
    policy: {
      strategy,
      constraint: extras.constraint,
      allowTags,
      ignoreTags,
      platforms,
      keepSuffix: extras.keepSuffix ?? false,
      maxUpdate: extras.maxUpdate ?? null,
    },
    issues,
  };
}
