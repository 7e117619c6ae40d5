/**
 * The hidden metadata block of an update PR's body: `<!-- argocd-image-pr:metadata v1 <base64url JSON> -->`.
 * Base64 keeps the JSON from ever closing the comment. Parsed back with a schema; a missing,
 * doubled, undecodable or invalid block means "not ours": the app keeps its hands off the PR.
 */
import { z } from "zod";
import { isValidDigest, isValidTag } from "../image-ref/index.js";
import type { PrMetadata } from "./pr-types.js";

const MARKER = "argocd-image-pr:metadata";
const BLOCK = /<!-- argocd-image-pr:metadata v(\d+) ([A-Za-z0-9_-]*) -->/g;
/** A body bigger than GitHub allows (65,536 characters) is not one the app wrote. */
const MAX_BODY = 65_536;

const Tag = z.string().refine(isValidTag, "not a valid tag");
const Digest = z.string().refine(isValidDigest, "not a valid digest");

export const PrMetadataSchema = z.strictObject({
  version: z.literal(1),
  key: z.string().min(1).max(256),
  base: z.string().min(1).max(256),
  targets: z
    .array(
      z.strictObject({
        id: z.string().min(1).max(512),
        image: z.string().min(1).max(512),
        from: Tag.nullable(),
        to: Tag,
        digest: Digest.nullable(),
        file: z.string().min(1).max(1024),
      }),
    )
    .min(1)
    .max(500),
  handsOff: z.literal(true).optional(),
  closedByApp: z.literal(true).optional(),
});

export function renderPrMetadata(metadata: PrMetadata): string {
  const json = JSON.stringify(metadata);
  return `<!-- ${MARKER} v${metadata.version} ${Buffer.from(json, "utf8").toString("base64url")} -->`;
}

/** The metadata of a PR body, or null when the body holds none that is exactly one valid block. */
export function parsePrMetadata(body: string | null | undefined): PrMetadata | null {
  if (typeof body !== "string" || body.length > MAX_BODY) return null;
  const blocks = [...body.matchAll(BLOCK)];
  if (blocks.length !== 1 || body.split(MARKER).length !== 2) return null;
  const [, version, payload] = blocks[0] ?? [];
  if (version !== "1" || payload === undefined) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = PrMetadataSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { handsOff, closedByApp, ...rest } = parsed.data;
  return { ...rest, ...(handsOff === true ? { handsOff } : {}), ...(closedByApp === true ? { closedByApp } : {}) };
}

/** `body` with its metadata block replaced by `metadata`'s (appended when it had none). */
export function withPrMetadata(body: string, metadata: PrMetadata): string {
  const block = renderPrMetadata(metadata);
  const replaced = body.replace(BLOCK, () => block);
  return replaced === body && !body.includes(block) ? `${body}\n\n${block}` : replaced;
}
