/**
 * `.github/argocd-image-pr.yml`: targets declared in the GitOps repo, for users without cluster
 * access. Same concepts as argocd-image-updater, our own names. One schema gives the type, the
 * validation and the JSON Schema editors complete against.
 */
import { parseDocument } from "yaml";
import { z } from "zod";

import type { GitHubRepo, HelmKeys, Target, WriteKind } from "../model/index.js";
import { describeError } from "../errors/index.js";
import { fileTooLarge, MAX_FILE_BYTES } from "../files/index.js";
import { describeYamlError } from "../text/index.js";
import { isValidTag } from "../image-ref/index.js";
import { defaultAlias, parseImageSpec } from "./image-spec.js";
import { buildPolicy, STRATEGY_NAMES } from "./policy.js";
import type { SourceResult } from "./targets.js";

const StringOrList = z.union([z.string(), z.array(z.string())]);

const Strategy = z
  .enum(STRATEGY_NAMES as [string, ...string[]])
  .describe("How the tag is chosen: semver (default), newest-build (alias latest), alphabetical (alias name), digest.");

const Policy = {
  strategy: Strategy.optional(),
  allowTags: z.string().optional().describe('"any" or "regexp:<pattern>" (unanchored search). Tags that do not match are never proposed.'),
  ignoreTags: StringOrList.optional().describe("Globs (*, ?, [...]) of tags never to propose, e.g. latest."),
  platforms: StringOrList.optional().describe("os/arch[/variant] every proposed tag must offer, e.g. linux/amd64."),
  keepSuffix: z.boolean().optional().describe("1.27.0-alpine only moves to other -alpine tags."),
  maxUpdate: z.enum(["patch", "minor", "major"]).optional().describe("Largest semver step proposed."),
  automerge: z.boolean().optional().describe("Enable auto-merge on the pull request."),
  branch: z.string().min(1).optional().describe("Base branch of the pull requests (default: the repository's default branch)."),
  pullSecret: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Where the image's registry credentials come from, over registries.conf: env:VAR, ext:/path/to/script, pullsecret:namespace/name or secret:namespace/name#field (the last two need cluster access).",
    ),
};

export const RepoConfigDefaults = z.strictObject(Policy).describe("Settings every target inherits unless it sets its own.");

export const RepoConfigPin = z.strictObject({
  tag: z.string().min(1).describe("Hold the image at this tag: plan and the app propose exactly it, even when older, and nothing else."),
  reason: z.string().optional().describe("Why, for the people reading the pull requests."),
});

export const RepoConfigTarget = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "use letters, digits, '.', '_' and '-'")
      .describe("Unique name; branch names and ids are derived from it."),
    path: z.string().min(1).optional().describe("Directory of a kustomization (kind kustomize). Give path or file."),
    file: z.string().min(1).optional().describe("File to edit, relative to the repository root. Give path or file."),
    kind: z
      .enum(["kustomize", "helm", "manifest", "application", "argocd-source"])
      .optional()
      .describe(
        "How the file is edited; inferred when absent: path → kustomize; kustomization.yaml → kustomize; .argocd-source-*.yaml → argocd-source; values*.yaml or a helm: key → helm; else manifest (containers of any workload, and a Flux HelmRelease's spec.values).",
      ),
    image: z.string().min(1).describe("registry/repository[:constraint], e.g. ghcr.io/nginxinc/nginx-unprivileged:>=1.27.0 <1.28.0"),
    alias: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9-._]*$/)
      .optional()
      .describe("Name of the image within the target (default: the image's last path component); the target's id is <name>/<alias>."),
    constraint: z.string().min(1).optional().describe("Semver constraint (Masterminds syntax), or for digest the tag to follow."),
    ...Policy,
    helm: z
      .strictObject({
        imageName: z.string().min(1).optional().describe("Dotted key of the repository value, e.g. image.repository."),
        imageTag: z.string().min(1).optional().describe("Dotted key of the tag value, e.g. image.tag."),
        imageSpec: z.string().min(1).optional().describe("Dotted key of a single repo:tag value."),
      })
      .optional()
      .describe(
        "Where a Helm values file holds the image; without it, the conventional keys (image.repository/tag, repository+tag pairs, image: repo:tag) anywhere in the file.",
      ),
    kustomize: z
      .strictObject({ imageName: z.string().min(1).describe("images[].name in the kustomization.") })
      .optional()
      .describe("For a kustomization whose images[] entry is named differently from the image."),
    pins: z.array(RepoConfigPin).optional().describe("At most one pin: the tag plan and the GitHub App hold the image at."),
    group: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe(
        "Pull-request group: targets with the same group share one PR (branch argocd-image-pr/<group>). Default: the target's name.",
      ),
  })
  .refine((t) => (t.path === undefined) !== (t.file === undefined), { message: "give exactly one of path or file" })
  .refine((t) => !(t.helm && t.kustomize), { message: "give helm or kustomize, not both" });
export type RepoConfigTarget = z.infer<typeof RepoConfigTarget>;

const UpdateType = z.enum(["patch", "minor", "major", "other"]);

export const RepoConfigAutomergeRule = z
  .strictObject({
    applications: z.string().min(1).optional().describe("Glob over the Application name (or the repo-config target name), e.g. *-dev."),
    labels: z.record(z.string(), z.string()).optional().describe("Application labels: each key's value must match the glob."),
    paths: z.string().min(1).optional().describe("Glob over the edited file, e.g. overlays/dev/**."),
    updateTypes: z
      .array(UpdateType)
      .min(1)
      .optional()
      .describe("Update types this rule merges (default patch and minor; other: tags that are not versions)."),
  })
  .describe("Auto-merge the update PRs this rule matches (every field given must match).");
export type RepoConfigAutomergeRule = z.infer<typeof RepoConfigAutomergeRule>;

export const RepoConfig = z
  .strictObject({
    $schema: z.string().optional().describe("The JSON Schema, for editors: schema/argocd-image-pr.schema.json."),
    version: z.literal(1).optional().describe("The file format's version: 1."),
    defaults: RepoConfigDefaults.optional(),
    applications: z
      .array(z.string().min(1))
      .optional()
      .describe(
        "Files or directories of Application / ImageUpdater manifests kept in this repository (app-of-apps), read as plan --apps reads them.",
      ),
    labels: z.array(z.string().min(1).max(50)).optional().describe("Labels every update PR gets, besides argocd-image-pr."),
    title: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Title of a one-image PR: {image}, {from}, {to}, {group}, {app}. Default: Update {image} to {to} ({group})."),
    commitPrefix: z.string().min(1).max(50).optional().describe("Conventional-commit prefix for titles and commits, e.g. chore(deps)."),
    rebase: z
      .enum(["conflicted", "behind", "never"])
      .optional()
      .describe(
        "When an update PR gets a fresh commit on its base: when the base changed its files (default), whenever it is behind, or never.",
      ),
    mergeMethod: z.enum(["merge", "squash", "rebase"]).optional().describe("How auto-merge merges (default squash)."),
    automerge: z.array(RepoConfigAutomergeRule).optional().describe("Rules that auto-merge update PRs (label argocd-image-pr:automerge)."),
    holdUntil: z
      .enum(["newer", "unpin"])
      .optional()
      .describe(
        "After a rollback (a revert of an update PR, /rollback, any commit setting an older tag): propose only newer tags (default), or nothing until /unpin.",
      ),
    dashboard: z
      .boolean()
      .optional()
      .describe("Keep one dashboard issue listing every target, its tags, PR, pin, hold and errors (default true)."),
    targets: z.array(RepoConfigTarget).default([]).describe("One entry per image in one place of the repository."),
  })
  .describe("argocd-image-pr repository configuration (.github/argocd-image-pr.yml)");
export type RepoConfig = z.infer<typeof RepoConfig>;

/** The JSON Schema of `.github/argocd-image-pr.yml`, generated from the zod schema. */
export function generateRepoConfigJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(RepoConfig, { io: "input", unrepresentable: "any" }),
    $id: "https://github.com/argocd-image-pr/argocd-image-pr/schema/argocd-image-pr.schema.json",
    title: "argocd-image-pr configuration",
  };
}

// The top level is checked first with targets left open, so one bad target never hides the rest.
const TopLevel = RepoConfig.extend({ targets: z.array(z.unknown()).default([]) });

function issuesText(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const at = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
      return `${at || "(root)"}: ${issue.message}`;
    })
    .join("; ");
}

function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : value.split(",")).map((v) => v.trim()).filter((v) => v !== "");
}

/** `version` is checked alone first: zod's "expected 1" does not say what to write. */
function versionProblem(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null || !("version" in raw)) return null;
  const version = raw.version;
  if (version === undefined || version === 1) return null;
  if (typeof version === "string" && version.trim() === "1") return `version: "${version}" is a string; write the number 1, unquoted`;
  if (typeof version === "number") return `version ${version} is not supported; this argocd-image-pr reads version 1`;
  return "version: write the number 1 (or leave version out)";
}

/**
 * A target's path relative to the repository root, or null when it is absolute or climbs out
 * with `..` (a leading `/` must not quietly become a repo path, nor `../` leave the checkout).
 */
function normalizePath(value: string): string | null {
  const slashed = value.replace(/\\/g, "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) return null;
  if (slashed.split("/").includes("..")) return null;
  return slashed.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
}

function inferKind(target: RepoConfigTarget): WriteKind {
  if (target.kind !== undefined) return target.kind;
  if (target.path !== undefined) return "kustomize";
  const file = target.file ?? "";
  const base = file.split("/").pop() ?? "";
  if (/^(kustomization\.ya?ml|Kustomization)$/.test(base)) return "kustomize";
  if (/^\.argocd-source-.*\.ya?ml$/.test(base)) return "argocd-source";
  if (target.helm !== undefined || /^values.*\.ya?ml$/.test(base)) return "helm";
  return "manifest";
}

/** Parse `.github/argocd-image-pr.yml`; `repo` is the repository the file belongs to. */
export function parseRepoConfig(text: string, file: string, repo: GitHubRepo | null): SourceResult {
  const result: SourceResult = { targets: [], problems: [], skipped: [] };
  const fail = (message: string, image: string | null = null): void => {
    result.problems.push({ app: null, image, file, message: `${file}: ${message}` });
  };
  const warn = (message: string, image: string | null = null): void => {
    result.problems.push({ app: null, image, file, message: `${file}: ${message}`, severity: "warning" });
  };
  if (text.length > MAX_FILE_BYTES) {
    fail(`${describeError(fileTooLarge(file, Buffer.byteLength(text)))} (no target was read)`);
    return result;
  }
  const doc = parseDocument(text);
  const first = doc.errors[0];
  if (first !== undefined) {
    fail(
      /Maximum call stack/.test(first.message)
        ? `${describeYamlError(first)} (no target was read)`
        : `not valid YAML: ${first.message.split("\n")[0] ?? "parse error"}; fix the syntax (no target was read)`,
    );
    return result;
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    // An alias bomb, or nesting too deep for the stack.
    fail(`${describeYamlError(error)} (no target was read)`);
    return result;
  }
  const version = versionProblem(raw);
  if (version !== null) {
    fail(`${version} (no target was read)`);
    return result;
  }
  const top = TopLevel.safeParse(raw);
  if (!top.success) {
    fail(`${issuesText(top.error, "")} (see schema/argocd-image-pr.schema.json; no target was read)`);
    return result;
  }
  const defaults = top.data.defaults ?? {};
  const names = new Set<string>();
  top.data.targets.forEach((rawTarget, index) => {
    const parsed = RepoConfigTarget.safeParse(rawTarget);
    const label =
      typeof rawTarget === "object" && rawTarget !== null && typeof (rawTarget as { name?: unknown }).name === "string"
        ? `targets[${index}] (${(rawTarget as { name: string }).name})`
        : `targets[${index}]`;
    if (!parsed.success) {
      fail(`${issuesText(parsed.error, label)}; this target was skipped`);
      return;
    }
    const t = parsed.data;
    if (names.has(t.name)) {
      fail(`${label}: the name "${t.name}" is used twice; give each target its own name. This one was skipped`);
      return;
    }
    names.add(t.name);
    const spec = parseImageSpec(t.image);
    if (!spec.ok) {
      switch (spec.problem) {
        case "digest":
          fail(
            `${label}.image "${t.image}": a digest is not a constraint; write a tag constraint (e.g. ~1.27) and use strategy: digest to follow a tag by digest. This target was skipped`,
            t.image,
          );
          break;
        case "invalid":
          fail(`${label}.image "${t.image}" is not a valid image: ${spec.reason}; write registry/repository[:constraint]`, t.image);
          break;
      }
      return;
    }
    if (spec.spec.alias !== null) {
      fail(`${label}.image "${t.image}" has an alias before "="; use the alias field instead`, t.image);
      return;
    }
    if (spec.spec.constraint !== null && t.constraint !== undefined) {
      fail(`${label}: the constraint is given twice (in image "${t.image}" and in constraint "${t.constraint}"); keep one`, t.image);
      return;
    }
    const strategy = t.strategy ?? defaults.strategy;
    const allowTags = t.allowTags ?? defaults.allowTags;
    const ignoreTags = list(t.ignoreTags ?? defaults.ignoreTags);
    const platforms = list(t.platforms ?? defaults.platforms);
    const { policy, issues } = buildPolicy(
      {
        ...(strategy === undefined ? {} : { updateStrategy: strategy }),
        ...(allowTags === undefined ? {} : { allowTags }),
        ...(ignoreTags === undefined ? {} : { ignoreTags }),
        ...(platforms === undefined ? {} : { platforms }),
      },
      {
        constraint: t.constraint ?? spec.spec.constraint,
        keepSuffix: t.keepSuffix ?? defaults.keepSuffix ?? false,
        maxUpdate: t.maxUpdate ?? defaults.maxUpdate ?? null,
      },
    );
    const imageName = `${spec.spec.image.registry}/${spec.spec.image.repository}`;
    for (const issue of issues) {
      const field =
        issue.key === "allow-tags"
          ? "allowTags"
          : issue.key === "platforms"
            ? "platforms"
            : issue.key === "ignore-tags"
              ? "ignoreTags"
              : "strategy";
      (issue.severity === "warning" ? warn : fail)(`${label}.${field}: ${issue.message}`, imageName);
    }
    if (policy === null) return;
    const pathKey = t.path === undefined ? "file" : "path";
    const written = t.path ?? t.file ?? "";
    const relativePath = normalizePath(written);
    if (relativePath === null) {
      fail(
        `${label}.${pathKey} "${written}" is absolute or contains ".."; paths are relative to the repository root (e.g. apps/web/values.yaml). This target was skipped`,
        imageName,
      );
      return;
    }
    const alias = t.alias ?? defaultAlias(spec.spec.image);
    const helm: HelmKeys | null =
      t.helm === undefined
        ? null
        : { imageName: t.helm.imageName ?? null, imageTag: t.helm.imageTag ?? null, imageSpec: t.helm.imageSpec ?? null };
    // A pin reviewed in the repo config: plan and the app propose exactly this tag (see strategy/).
    let pin: Target["pin"];
    if (t.pins !== undefined && t.pins.length > 0) {
      const [first] = t.pins;
      if (t.pins.length > 1 || first === undefined) {
        fail(
          `${label}.pins: give at most one pin (the tag to hold the image at); found ${t.pins.length}. This target was skipped`,
          imageName,
        );
        return;
      }
      if (!isValidTag(first.tag)) {
        fail(
          `${label}.pins[0].tag "${first.tag}" is not a tag; a pin names one tag the registry has, e.g. 1.27.3. This target was skipped`,
          imageName,
        );
        return;
      }
      pin = { tag: first.tag, reason: first.reason ?? null };
    }
    const branch = t.branch ?? defaults.branch ?? null;
    const target: Target = {
      id: `${t.name}/${alias}`,
      origin: "repo-config",
      app: null,
      alias,
      image: spec.spec.image,
      git: { repoURL: repo === null ? "" : `https://github.com/${repo.owner}/${repo.name}`, repo, branch },
      write: {
        kind: inferKind(t),
        path: relativePath,
        kustomizeImageName: t.kustomize?.imageName ?? null,
        helm,
      },
      policy,
      forceUpdate: true,
      pullSecret: t.pullSecret ?? defaults.pullSecret ?? null,
      liveImages: null,
      declaredIn: `${file} ${label}`,
      deploysFrom: null,
      ...(pin === undefined ? {} : { pin }),
    };
    result.targets.push(target);
  });
  return result;
}

/** The typed config, for modules that need automerge and pins (later issues). Null when invalid. */
export function readRepoConfig(text: string): RepoConfig | null {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return null;
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch {
    return null; // an alias bomb: parseRepoConfig says so
  }
  const parsed = RepoConfig.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/**
 * The typed config for the GitHub app's settings: null only when the file or its top level is
 * invalid (then the app changes no PR); a target that is invalid is left out here (parseRepoConfig
 * reports it), so one bad target never stops the PRs of the others.
 */
export function readRepoSettings(text: string): RepoConfig | null {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return null;
  const raw: unknown = doc.toJS() ?? {};
  if (versionProblem(raw) !== null) return null;
  const top = TopLevel.safeParse(raw);
  if (!top.success) return null;
  const targets = top.data.targets.flatMap((target) => {
    const parsed = RepoConfigTarget.safeParse(target);
    return parsed.success ? [parsed.data] : [];
  });
  return { ...top.data, targets };
}
