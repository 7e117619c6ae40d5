/**
 * The two Kubernetes resources sources/ reads — Argo CD `Application` and argocd-image-updater's
 * `ImageUpdater` — as zod schemas. Only the fields we use are declared; everything else is
 * dropped. A resource is validated once here; a malformed one becomes a problem naming it.
 */
import { z } from "zod";

import type { TargetProblem } from "../model/index.js";
import { closestName } from "../text/index.js";
import type { RawApplicationSet } from "./application-sets.js";

const StringMap = z.record(z.string(), z.string());

/**
 * An optional field that may also be written as YAML null (`kustomize:` with nothing after it).
 * The API server drops null fields, so null here means the same as absent.
 */
function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

export const ObjectMeta = z.object({
  name: z.string().min(1),
  namespace: optional(z.string().min(1)),
  annotations: optional(StringMap),
  labels: optional(StringMap),
});

export const ApplicationSource = z.object({
  repoURL: z.string().min(1),
  path: optional(z.string()),
  targetRevision: optional(z.string()),
  chart: optional(z.string()),
  ref: optional(z.string()),
  helm: optional(z.object({ valueFiles: optional(z.array(z.string())) })),
  kustomize: optional(z.object({})),
  directory: optional(z.object({ recurse: optional(z.boolean()), include: optional(z.string()), exclude: optional(z.string()) })),
  plugin: optional(z.object({})),
});
export type ApplicationSource = z.infer<typeof ApplicationSource>;

export const SourceType = z.enum(["Helm", "Kustomize", "Directory", "Plugin"]);
export type SourceType = z.infer<typeof SourceType>;

export const Application = z
  .object({
    apiVersion: z.string().startsWith("argoproj.io/"),
    kind: z.literal("Application"),
    metadata: ObjectMeta,
    spec: z.object({
      source: optional(ApplicationSource),
      sources: optional(z.array(ApplicationSource)),
      /** Where it deploys: a cluster by `name` or `server`, and a namespace (shown in the PR body). */
      destination: optional(z.object({ server: optional(z.string()), name: optional(z.string()), namespace: optional(z.string()) })),
    }),
    status: optional(
      z.object({
        sourceType: optional(z.string()),
        sourceTypes: optional(z.array(z.string())),
        summary: optional(z.object({ images: optional(z.array(z.string())) })),
      }),
    ),
  })
  .refine((app) => app.spec.source !== undefined || (app.spec.sources?.length ?? 0) > 0, {
    message: "spec.source or spec.sources is required",
    path: ["spec"],
  });

/**
 * A parsed Application, plus the file it was read from (null when it came from the cluster) and,
 * for one rendered from an ApplicationSet in the repository, which (`ApplicationSet argocd/envs`).
 */
export type Application = z.infer<typeof Application> & { readonly file: string | null; readonly generatedBy?: string };

const CommonUpdateSettings = z.object({
  updateStrategy: optional(z.string()),
  forceUpdate: optional(z.boolean()),
  allowTags: optional(z.string()),
  ignoreTags: optional(z.array(z.string())),
  pullSecret: optional(z.string()),
  platforms: optional(z.array(z.string())),
});
export type CommonUpdateSettings = z.infer<typeof CommonUpdateSettings>;

const WriteBackConfig = z.object({
  method: optional(z.string()),
  gitConfig: optional(
    z.object({
      repository: optional(z.string()),
      branch: optional(z.string()),
      writeBackTarget: optional(z.string()),
      /** image-updater v1's PR mode: one provider (github / gitlab) and `labels` for the PR; the app reads the labels. */
      pullRequest: optional(
        z.object({ github: optional(z.object({})), gitlab: optional(z.object({})), labels: optional(z.array(z.string())) }),
      ),
    }),
  ),
});
export type WriteBackConfig = z.infer<typeof WriteBackConfig>;

const ManifestTarget = z
  .object({
    helm: optional(z.object({ name: optional(z.string()), tag: optional(z.string()), spec: optional(z.string()) })),
    kustomize: optional(z.object({ name: z.string() })),
  })
  .refine((t) => !(t.helm && t.kustomize), { message: "give either helm or kustomize in manifestTargets, not both" });

const ImageConfig = z.object({
  alias: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9-._]*$/, "alias must match ^[a-zA-Z0-9][a-zA-Z0-9-._]*$"),
  imageName: z.string().min(1),
  commonUpdateSettings: optional(CommonUpdateSettings),
  /** Older v1 alphas put platforms on the image itself. */
  platforms: optional(z.array(z.string())),
  manifestTargets: optional(ManifestTarget),
});
export type ImageConfig = z.infer<typeof ImageConfig>;

const LabelSelector = z.object({
  matchLabels: optional(StringMap),
  matchExpressions: optional(
    z.array(
      z.object({
        key: z.string(),
        operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
        values: optional(z.array(z.string())),
      }),
    ),
  ),
});
export type LabelSelector = z.infer<typeof LabelSelector>;

const ApplicationRef = z.object({
  namePattern: z.string().min(1),
  labelSelectors: optional(LabelSelector),
  useAnnotations: optional(z.boolean()),
  commonUpdateSettings: optional(CommonUpdateSettings),
  writeBackConfig: optional(WriteBackConfig),
  images: optional(z.array(ImageConfig)),
});
export type ApplicationRef = z.infer<typeof ApplicationRef>;

export const ImageUpdater = z.object({
  apiVersion: z.literal("argocd-image-updater.argoproj.io/v1alpha1"),
  kind: z.literal("ImageUpdater"),
  metadata: ObjectMeta,
  spec: z.object({
    /** Deprecated in image-updater v1: metadata.namespace is used instead. */
    namespace: optional(z.string()),
    commonUpdateSettings: optional(CommonUpdateSettings),
    writeBackConfig: optional(WriteBackConfig),
    applicationRefs: z.array(ApplicationRef).min(1),
    /** Some v1 alphas declared images at spec level for every applicationRef. */
    images: optional(z.array(ImageConfig)),
  }),
});
export type ImageUpdater = z.infer<typeof ImageUpdater> & { readonly file: string | null };

/** Where applications and ImageUpdaters come from before they become targets. */
export interface Resources {
  applications: Application[];
  imageUpdaters: ImageUpdater[];
  problems: TargetProblem[];
  /** ApplicationSets read from files, to render (application-sets.ts); absent for the cluster. */
  applicationSets?: RawApplicationSet[];
}

/** Default namespace for a manifest that names none (Argo CD's own). */
export const DEFAULT_NAMESPACE = "argocd";

export function qualifiedName(meta: { name: string; namespace?: string | undefined }): string {
  return `${meta.namespace ?? DEFAULT_NAMESPACE}/${meta.name}`;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

const IMAGE_UPDATER_PREFIX = "argocd-image-updater.argoproj.io/";

const KINDS = [
  { name: "Application", group: "argoproj.io/" },
  { name: "ApplicationSet", group: "argoproj.io/" },
  { name: "ImageUpdater", group: "argocd-image-updater.argoproj.io/" },
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether an ApplicationSet's template (or templatePatch) carries argocd-image-updater annotations. */
export function generatesAnnotated(appSet: Readonly<Record<string, unknown>>): boolean {
  const spec = isRecord(appSet["spec"]) ? appSet["spec"] : {};
  const template = isRecord(spec["template"]) ? spec["template"] : {};
  const metadata = isRecord(template["metadata"]) ? template["metadata"] : {};
  const annotations = isRecord(metadata["annotations"]) ? metadata["annotations"] : {};
  const patch = spec["templatePatch"];
  return (
    Object.keys(annotations).some((key) => key.startsWith(IMAGE_UPDATER_PREFIX)) ||
    (typeof patch === "string" && patch.includes(IMAGE_UPDATER_PREFIX))
  );
}

/**
 * Validate one object as an Application / ImageUpdater; other kinds return `ignored`, except an
 * ApplicationSet generating annotated Applications (a warning: they cannot be read from files)
 * and a miscased kind of ours (an error).
 */
export function classifyResource(
  value: unknown,
  file: string | null,
):
  | { kind: "application"; value: Application }
  | { kind: "image-updater"; value: ImageUpdater; warnings: TargetProblem[] }
  | { kind: "application-set"; value: RawApplicationSet }
  | { kind: "ignored" }
  | { kind: "problem"; problem: TargetProblem } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { kind: "ignored" };
  const record = value as Record<string, unknown>;
  const kind = record["kind"];
  const apiVersion = typeof record["apiVersion"] === "string" ? record["apiVersion"] : "";
  const isArgo = apiVersion.startsWith("argoproj.io/");
  const isApplication = kind === "Application" && isArgo;
  const isImageUpdater = kind === "ImageUpdater" && apiVersion.startsWith("argocd-image-updater.argoproj.io/");

  const meta = record["metadata"];
  const metaRecord = isRecord(meta) ? meta : {};
  const name = typeof metaRecord["name"] === "string" ? metaRecord["name"] : "(unnamed)";
  const namespace = typeof metaRecord["namespace"] === "string" ? metaRecord["namespace"] : undefined;
  const qualified = qualifiedName({ name, namespace });

  if (!isApplication && !isImageUpdater) {
    if (kind === "ApplicationSet" && isArgo) return { kind: "application-set", value: { value: record, file } };
    // A kind Kubernetes would reject (kinds are case-sensitive) but that was surely meant as ours.
    const meant =
      typeof kind === "string"
        ? KINDS.find((k) => k.name.toLowerCase() === kind.toLowerCase() && apiVersion.startsWith(k.group))
        : undefined;
    if (meant !== undefined && kind !== meant.name) {
      return {
        kind: "problem",
        problem: {
          app: meant.name === "Application" ? qualified : null,
          image: null,
          file,
          message: `${String(kind)} ${qualified}: kind must be ${meant.name} (kinds are case-sensitive); it was skipped`,
        },
      };
    }
    return { kind: "ignored" };
  }
  const label = `${String(kind)} ${qualified}`;

  const malformed = (error: z.ZodError) =>
    ({
      kind: "problem",
      problem: {
        app: isApplication ? qualifiedName({ name, namespace }) : null,
        image: null,
        file,
        message: `${label} is malformed and was skipped: ${describeIssues(error)} (fix the resource so it matches the ${String(kind)} schema)`,
      },
    }) as const;
  if (isApplication) {
    const parsed = Application.safeParse(value);
    return parsed.success ? { kind: "application", value: { ...parsed.data, file } } : malformed(parsed.error);
  }
  const parsed = ImageUpdater.safeParse(value);
  if (!parsed.success) return malformed(parsed.error);
  return {
    kind: "image-updater",
    value: { ...parsed.data, file },
    warnings: unknownFields(record["spec"], SPEC_FIELDS, "spec").map((unknown) => ({
      app: null,
      image: null,
      file,
      message: `${label}: ${unknown}`,
      severity: "warning" as const,
    })),
  };
}

/**
 * The fields of argocd-image-updater's ImageUpdater spec (api/v1alpha1/imageupdater_types.go), as
 * a tree: `true` is a leaf or a block read whole (label selectors, pull requests, verification),
 * an object its fields, a one-element array a list of such objects.
 */
type FieldTree = { readonly [field: string]: true | FieldTree | readonly [FieldTree] };
const SETTINGS_FIELDS: FieldTree = {
  updateStrategy: true,
  forceUpdate: true,
  allowTags: true,
  ignoreTags: true,
  pullSecret: true,
  platforms: true,
};
const WRITE_BACK_FIELDS: FieldTree = {
  method: true,
  gitConfig: { repository: true, branch: true, writeBackTarget: true, pullRequest: true },
};
const IMAGE_FIELDS: FieldTree = {
  alias: true,
  imageName: true,
  commonUpdateSettings: SETTINGS_FIELDS,
  manifestTargets: { helm: { name: true, tag: true, spec: true }, kustomize: { name: true }, plugin: true },
  imagesVerification: true,
  platforms: true,
};
const SPEC_FIELDS: FieldTree = {
  namespace: true,
  commonUpdateSettings: SETTINGS_FIELDS,
  writeBackConfig: WRITE_BACK_FIELDS,
  imagesVerification: true,
  images: [IMAGE_FIELDS],
  applicationRefs: [
    {
      namePattern: true,
      labelSelectors: true,
      useAnnotations: true,
      imagesVerification: true,
      commonUpdateSettings: SETTINGS_FIELDS,
      writeBackConfig: WRITE_BACK_FIELDS,
      images: [IMAGE_FIELDS],
    },
  ],
};

/**
 * Fields of `value` the tree does not know, as messages with their path and the field probably
 * meant: the API server prunes unknown fields of a custom resource, so such a setting (a typo,
 * a field of another version) is silently not applied.
 */
function unknownFields(value: unknown, tree: FieldTree, at: string): string[] {
  if (!isRecord(value)) return [];
  const out: string[] = [];
  for (const [field, item] of Object.entries(value)) {
    const known = tree[field];
    const where = `${at}.${field}`;
    if (known === undefined) {
      const meant = closestName(field, Object.keys(tree));
      out.push(
        `${where} is not an ImageUpdater field and is ignored (the API server drops it)${meant === null ? "" : `; did you mean ${meant}?`}`,
      );
    } else if (Array.isArray(known)) {
      const [element] = known as readonly [FieldTree];
      if (Array.isArray(item)) item.forEach((entry: unknown, index) => out.push(...unknownFields(entry, element, `${where}[${index}]`)));
    } else if (known !== true) out.push(...unknownFields(item, known as FieldTree, where));
  }
  return out;
}
