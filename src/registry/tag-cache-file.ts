/**
 * The tag cache on disk (`plan --cache-dir DIR`), between runs of the CLI. One JSON file per
 * directory, written whole to a temporary file and renamed over the old one, so a reader never sees
 * a torn file, and two runs at once lose at most each other's newest entries, never the file. A file
 * that is not ours or does not parse is ignored with a warning and rebuilt. Bounded in entries and
 * bytes, least recently used dropped first. Keys are opaque digests and values are what any puller
 * can read (tag-cache.ts): no secret is ever written.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ConfigError, describeError } from "../errors/index.js";
import { isValidTag } from "../image-ref/index.js";
import type { TagDetails } from "../model/index.js";
import { createTagDetailsCache, DEFAULT_TAG_CACHE_ENTRIES, type TagDetailsCache } from "./tag-cache.js";

export const TAG_CACHE_FILE = "tag-details.v1.json";
const FORMAT = "argocd-image-pr/tag-details";
const VERSION = 1;
/** Default bound on the file: 16 MiB (a tag's entry is a few hundred bytes). */
export const DEFAULT_TAG_CACHE_BYTES = 16 * 1024 * 1024;

export interface TagCacheFileOptions {
  readonly maxEntries?: number;
  readonly maxBytes?: number;
}

const TagDetailsEntry = z.object({
  tag: z.string().refine(isValidTag, "not a valid tag"),
  digest: z
    .string()
    .regex(/^sha256:[a-f0-9]{64}$/)
    .nullable(),
  created: z.string().max(64).nullable(),
  platforms: z.array(z.string().max(128)).max(256),
  labels: z.record(z.string(), z.string()),
});

const TagCacheFileSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  entries: z.array(z.tuple([z.string().regex(/^[a-f0-9]{64}$/), TagDetailsEntry])),
});

export interface LoadedTagCache {
  readonly cache: TagDetailsCache;
  /** The file that was read (or would have been), for messages. */
  readonly file: string;
  /** Why the file on disk was not used; it is rebuilt when the cache is saved. */
  readonly warnings: readonly string[];
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "ENOTDIR");
}

type Entries = [string, TagDetails][];

/** The entries of the file in `dir`: null when there is none; a string saying why when it cannot be used. */
async function readEntries(file: string, maxBytes: number): Promise<Entries | null | string> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) return "it is not a regular file";
    // Twice the bound, so a file written under a larger --cache-dir bound still loads.
    if (info.size > 2 * maxBytes) return `it is larger than ${2 * maxBytes} bytes`;
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isNotFound(error)) return null;
    return `it cannot be read (${describeError(error)})`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "it is not valid JSON (a torn or foreign file)";
  }
  const parsed = TagCacheFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `it is not an argocd-image-pr tag cache of version ${VERSION} (${issue === undefined ? "invalid" : `${issue.path.join(".") || "file"}: ${issue.message}`})`;
  }
  return parsed.data.entries;
}

/** Read the cache kept in `dir`. Never throws: a missing file is an empty cache, an unusable one a warning. */
export async function loadTagCacheFile(dir: string, options: TagCacheFileOptions = {}): Promise<LoadedTagCache> {
  const file = path.join(dir, TAG_CACHE_FILE);
  const maxEntries = options.maxEntries ?? DEFAULT_TAG_CACHE_ENTRIES;
  const read = await readEntries(file, options.maxBytes ?? DEFAULT_TAG_CACHE_BYTES);
  if (typeof read === "string") {
    return {
      cache: createTagDetailsCache({ maxEntries }),
      file,
      warnings: [`tag cache ${file} was ignored: ${read}; it is rebuilt when this run saves the cache`],
    };
  }
  return { cache: createTagDetailsCache({ maxEntries, entries: read ?? [] }), file, warnings: [] };
}

/**
 * Write `cache` to `dir`, merged over what another run may have saved meanwhile (its entries are
 * kept, as older), bounded, through a temporary file renamed into place. Throws a ConfigError
 * naming the directory when it cannot be written.
 */
export async function saveTagCacheFile(dir: string, cache: TagDetailsCache, options: TagCacheFileOptions = {}): Promise<void> {
  const file = path.join(dir, TAG_CACHE_FILE);
  const maxEntries = options.maxEntries ?? DEFAULT_TAG_CACHE_ENTRIES;
  const maxBytes = options.maxBytes ?? DEFAULT_TAG_CACHE_BYTES;
  const fail = (error: unknown): ConfigError =>
    new ConfigError(`cannot save the tag cache in "${dir}": ${describeError(error)}`, {
      context: { file },
      hint: "give --cache-dir a directory this user can write, or leave it out (the plan itself is not affected)",
      cause: error,
    });
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw fail(error);
  }
  // Least recently used first: what another run saved and this one did not touch, then this run's.
  const merged = new Map<string, TagDetails>();
  const onDisk = await readEntries(file, maxBytes);
  if (Array.isArray(onDisk)) for (const [key, details] of onDisk) merged.set(key, details);
  for (const [key, details] of cache.entries()) {
    merged.delete(key);
    merged.set(key, details);
  }
  // Keep the most recent entries that fit both bounds.
  const lines: string[] = [];
  let bytes = 0;
  for (const [key, details] of [...merged].reverse()) {
    if (lines.length >= maxEntries) break;
    const line = JSON.stringify([
      key,
      { tag: details.tag, digest: details.digest, created: details.created, platforms: details.platforms, labels: details.labels },
    ]);
    bytes += Buffer.byteLength(line) + 2;
    if (bytes > maxBytes) break;
    lines.push(line);
  }
  lines.reverse();
  const text = `{"format":${JSON.stringify(FORMAT)},"version":${VERSION},"entries":[\n${lines.join(",\n")}\n]}\n`;
  const temporary = path.join(dir, `.${TAG_CACHE_FILE}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, text, { encoding: "utf8", mode: 0o600 });
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw fail(error);
  }
}
