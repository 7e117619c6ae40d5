/**
 * argocd-image-updater's image specification, `[<alias>=]<image>[:<constraint>]`, as it appears in
 * the `image-list` annotation and in an ImageUpdater's `imageName`. Pure.
 */
import { parseImageRef } from "../image-ref/index.js";
import type { ImageRef } from "../model/index.js";

export interface ImageSpec {
  readonly alias: string | null;
  /** The repository, validated with Docker's grammar; tag and digest are always null. */
  readonly image: ImageRef;
  /** Everything after the first `:` past the registry: a semver constraint or, for digest, a tag. */
  readonly constraint: string | null;
}

/** `digest`: the spec pins `@sha256:…`, which names one image and constrains nothing. */
export type ImageSpecResult = { ok: true; spec: ImageSpec } | { ok: false; problem: "invalid" | "digest"; reason: string };

export const DIGEST_NOT_A_CONSTRAINT =
  "a digest is not a constraint; write a tag constraint (e.g. ~1.27) and use update-strategy digest to follow a tag by digest";

/**
 * image-updater takes the first `/`-separated component as the registry when it contains a `.`,
 * then splits the rest at its first `:` (so a constraint may itself contain `:`). We also accept a
 * `host:port` or `localhost` registry (Docker's rule), where image-updater would mis-split.
 */
export function splitImageSpec(value: string): { alias: string | null; name: string; constraint: string | null; digest: string | null } {
  let rest = value.trim();
  let alias: string | null = null;
  // The first `=` separates an alias only when nothing before it could belong to an image
  // (`:` or `/`): `nginx:>=1.27` has no alias. image-updater splits at any first `=`.
  const eq = rest.indexOf("=");
  if (eq !== -1 && !/[:/]/.test(rest.slice(0, eq))) {
    alias = rest.slice(0, eq).trim();
    rest = rest.slice(eq + 1).trim();
  }
  let registry = "";
  const slash = rest.indexOf("/");
  if (slash !== -1) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || /^[^:]+:\d+$/.test(first) || first === "localhost") {
      registry = `${first}/`;
      rest = rest.slice(slash + 1);
    }
  }
  const at = rest.indexOf("@");
  if (at !== -1) {
    return { alias, name: `${registry}${rest.slice(0, at)}`, constraint: null, digest: rest.slice(at + 1) };
  }
  const colon = rest.indexOf(":");
  if (colon === -1) return { alias, name: `${registry}${rest}`, constraint: null, digest: null };
  const constraint = rest.slice(colon + 1).trim();
  return { alias, name: `${registry}${rest.slice(0, colon)}`, constraint: constraint === "" ? null : constraint, digest: null };
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const YAML_TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?)?$/;
const HOST_ONLY = /^(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})$/i;

/**
 * Entries Docker's grammar would read as a Docker Hub repository although nobody meant one — a
 * URL (`https://host/img` → `docker.io/library/https`), a registry host alone (`127.0.0.1:`,
 * `ghcr.io`), a date — so the pass never asks registry-1.docker.io about them. Null for the rest.
 */
function notAnImage(body: string, name: string, constraint: string | null): string | null {
  if (URL_SCHEME.test(body)) return `"${body}" is a URL; an image is written without a scheme: ${body.replace(URL_SCHEME, "")}`;
  const stamp = YAML_TIMESTAMP.exec(body);
  if (stamp !== null)
    return `"${body}" is a ${/[Tt \t]/.test(body) ? "date and time" : "date"} (a YAML timestamp), not an image; write alias=registry/repository[:constraint]`;
  if (!name.includes("/") && HOST_ONLY.test(name)) {
    const host = constraint !== null && /^\d+$/.test(constraint) ? `${name}:${constraint}` : name;
    return `"${host}" is a registry host, not an image; add the repository: ${host}/<repository>`;
  }
  return null;
}

/**
 * A digest (`image@sha256:…`, or `image:tag@sha256:…`) is refused: image-updater reads it as an
 * empty constraint, so the image would follow every tag, which is never what pinning meant.
 */
export function parseImageSpec(value: string): ImageSpecResult {
  const { alias, name, constraint, digest } = splitImageSpec(value);
  const invalid = (reason: string): ImageSpecResult => ({ ok: false, problem: "invalid", reason });
  if (alias !== null && alias === "") return invalid(`"${value.trim()}" has an empty alias before "="`);
  if (alias !== null && !/^[a-zA-Z0-9][a-zA-Z0-9-._]*$/.test(alias)) {
    return invalid(`alias "${alias}" may only contain letters, digits, "-", "." and "_"`);
  }
  if (name.trim() === "") return invalid(`"${value.trim()}" names no image`);
  const notImage = notAnImage(
    alias === null
      ? value.trim()
      : value
          .trim()
          .slice(value.trim().indexOf("=") + 1)
          .trim(),
    name,
    constraint,
  );
  if (notImage !== null) return invalid(notImage);
  if (digest !== null) return { ok: false, problem: "digest", reason: DIGEST_NOT_A_CONSTRAINT };
  let image: ImageRef;
  try {
    image = parseImageRef(name);
  } catch (error) {
    return invalid(error instanceof Error ? error.message : String(error));
  }
  return { ok: true, spec: { alias, image: { ...image, tag: null, digest: null }, constraint } };
}

/** The alias used when none is given: the last path component of the repository. */
export function defaultAlias(image: ImageRef): string {
  const parts = image.repository.split("/");
  return parts[parts.length - 1] ?? image.repository;
}
