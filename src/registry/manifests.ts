/**
 * Manifest, index and image config documents (OCI image spec, Docker schema2), parsed once at the
 * edge into typed values. Pure.
 */
import { z } from "zod";

export const MediaType = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;

/** Accept header for manifest requests: all four kinds, indexes first. */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.dockerList, MediaType.ociManifest, MediaType.dockerManifest].join(", ");

const Descriptor = z.object({
  mediaType: z.string().optional(),
  digest: z.string(),
  size: z.number().optional(),
});

const PlatformSchema = z.object({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
});

const IndexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(Descriptor.extend({ platform: PlatformSchema.optional() })),
});

const ImageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor).optional(),
});

const ImageConfigSchema = z.object({
  created: z.string().optional(),
  os: z.string().optional(),
  architecture: z.string().optional(),
  variant: z.string().optional(),
  config: z
    .object({ Labels: z.record(z.string(), z.unknown()).nullable().optional() })
    .nullable()
    .optional(),
});

export interface IndexEntry {
  readonly digest: string;
  /** `os/arch[/variant]`. */
  readonly platform: string;
}

export type Manifest =
  { readonly kind: "index"; readonly manifests: readonly IndexEntry[] } | { readonly kind: "image"; readonly configDigest: string };

export interface ImageConfig {
  readonly created: string | null;
  readonly platform: string | null;
  readonly labels: Readonly<Record<string, string>>;
}

export function formatPlatform(p: { os: string; architecture: string; variant?: string | undefined }): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/**
 * containerd's normalisation: `linux/arm64` ≡ `linux/arm64/v8`, `linux/arm` ≡ `linux/arm/v7`,
 * `linux/amd64/v1` ≡ `linux/amd64`, and the uname spellings `aarch64`, `x86_64`, `armhf`, `armel`.
 */
export function normalisePlatform(platform: string): string {
  const [os = "", rawArch = "", rawVariant, ...rest] = platform.toLowerCase().split("/");
  let arch = rawArch;
  let variant = rawVariant;
  if (arch === "aarch64") arch = "arm64";
  if (arch === "x86_64" || arch === "x86-64") arch = "amd64";
  if (arch === "armhf") [arch, variant] = ["arm", variant ?? "v7"];
  if (arch === "armel") [arch, variant] = ["arm", variant ?? "v6"];
  if (variant !== undefined && /^\d+$/.test(variant) && (arch === "arm" || arch === "arm64")) variant = `v${variant}`;
  if (arch === "arm64" && variant === undefined) variant = "v8";
  if (arch === "arm" && variant === undefined) variant = "v7";
  if (arch === "amd64" && variant === "v1") variant = undefined;
  return [os, arch, ...(variant === undefined ? [] : [variant]), ...rest].join("/");
}

export function samePlatform(a: string, b: string): boolean {
  return normalisePlatform(a) === normalisePlatform(b);
}

export const SCHEMA1_UNSUPPORTED = "the registry served a Docker schema 1 manifest, which is not supported";

/**
 * Docker schema 1 (`…manifest.v1+json` / `+prettyjws`). Checked before any digest: a signed
 * schema 1 manifest's digest covers its payload without the signatures, never the body.
 */
export function isSchema1(body: unknown, contentType: string | null): boolean {
  const declared = contentType?.split(";")[0]?.trim() ?? "";
  return (
    /distribution\.manifest\.v1\+/.test(declared) ||
    (typeof body === "object" && body !== null && "schemaVersion" in body && body.schemaVersion === 1)
  );
}

/** Parse a manifest or index body. Returns an error message instead of throwing. */
export function parseManifest(body: unknown, contentType: string | null): Manifest | string {
  const declared = contentType?.split(";")[0]?.trim() ?? "";
  const bodyType =
    typeof body === "object" && body !== null && "mediaType" in body && typeof body.mediaType === "string" ? body.mediaType : "";
  const type = [declared, bodyType].find((t) => Object.values(MediaType).includes(t as never)) ?? "";
  if (isSchema1(body, contentType)) return SCHEMA1_UNSUPPORTED;
  const isIndex =
    type === MediaType.ociIndex ||
    type === MediaType.dockerList ||
    (type === "" && typeof body === "object" && body !== null && "manifests" in body);
  if (isIndex) {
    const parsed = IndexSchema.safeParse(body);
    if (!parsed.success) return `malformed image index: ${parsed.error.issues[0]?.message ?? "invalid"}`;
    const manifests = parsed.data.manifests
      .filter((m) => m.platform !== undefined && m.platform.os !== "unknown" && m.platform.architecture !== "unknown")
      .map((m) => ({ digest: m.digest, platform: formatPlatform(m.platform ?? { os: "", architecture: "" }) }));
    return { kind: "index", manifests };
  }
  const parsed = ImageManifestSchema.safeParse(body);
  if (!parsed.success) return `malformed image manifest: ${parsed.error.issues[0]?.message ?? "invalid"}`;
  return { kind: "image", configDigest: parsed.data.config.digest };
}

/** Parse an image config blob. */
export function parseImageConfig(body: unknown): ImageConfig | string {
  const parsed = ImageConfigSchema.safeParse(body);
  if (!parsed.success) return `malformed image config: ${parsed.error.issues[0]?.message ?? "invalid"}`;
  const c = parsed.data;
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(c.config?.Labels ?? {})) {
    if (typeof value === "string") labels[key] = value;
  }
  return {
    created: normaliseCreated(c.created),
    platform: c.os && c.architecture ? formatPlatform({ os: c.os, architecture: c.architecture, variant: c.variant }) : null,
    labels,
  };
}

/**
 * `org.opencontainers.image.source` and `…revision`, safe to show a reviewer: label values are the
 * image author's free text, so a source must be a plain http(s) URL without credentials and a
 * revision a short token (a commit SHA, a tag); anything else is left out as null.
 */
export function imageSourceLabels(labels: Readonly<Record<string, string>>): { sourceUrl: string | null; revision: string | null } {
  const source = labels["org.opencontainers.image.source"]?.trim();
  const revision = labels["org.opencontainers.image.revision"]?.trim();
  return {
    sourceUrl: source !== undefined && isPlainUrl(source) ? source : null,
    revision: revision !== undefined && /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/.test(revision) ? revision : null,
  };
}

function isPlainUrl(text: string): boolean {
  if (text.length > 2048 || !/^[\x21-\x7e]+$/.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === "";
  } catch {
    return false;
  }
}

/** RFC 3339 with any fraction → ISO 8601 with milliseconds (sortable); null when unreadable or zero. */
export function normaliseCreated(value: string | undefined): string | null {
  // RFC 3339 only, as Go's time.Parse(RFC3339Nano) that image-updater uses: a date without a zone
  // (`2026-03-01 10:00:00`) would otherwise be read in this machine's local time.
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value)) return null;
  const trimmed = value.replace(/(\.\d{3})\d+/, "$1");
  const time = Date.parse(trimmed);
  if (Number.isNaN(time) || time <= 0) return null;
  return new Date(time).toISOString();
}

/** The platform whose config describes the tag: the requested one, else linux/amd64, else the first. */
export function choosePlatform(entries: readonly IndexEntry[], requested: string | undefined): IndexEntry | null {
  const find = (p: string): IndexEntry | undefined => entries.find((e) => samePlatform(e.platform, p));
  return (requested ? find(requested) : undefined) ?? find("linux/amd64") ?? entries[0] ?? null;
}
