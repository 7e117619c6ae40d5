/**
 * Tag details (digest, build date, platforms, labels) kept across passes. In argocd-image-updater's
 * model a tag is immutable — except the one the `digest` strategy follows, which the client checks
 * with one HEAD before trusting what is kept — so a process that has looked a tag up never needs to
 * again: a second pass over the same repo asks the registries only for tag lists.
 *
 * Keys are opaque digests of (registry endpoint, repository, tag, platform, whose credentials), so
 * two registries, two credentials or two platforms never share an entry, and neither a key nor a
 * value holds a secret: values are what any puller of the image can read.
 *
 * One cache can be shared by every client of a long-lived process (the app makes one per pass);
 * `plan --cache-dir` keeps one on disk between runs (tag-cache-file.ts).
 */
import { createHash } from "node:crypto";
import type { TagDetails } from "../model/index.js";

export interface TagDetailsCache {
  /** The details kept under `key`, marked as just used; undefined when none. */
  get(key: string): TagDetails | undefined;
  set(key: string, details: TagDetails): void;
  delete(key: string): void;
  readonly size: number;
  /** Every entry, least recently used first (what a bounded copy keeps the end of). */
  entries(): IterableIterator<[string, TagDetails]>;
}

export const DEFAULT_TAG_CACHE_ENTRIES = 50_000;

/** A bounded in-memory cache: the least recently used entry goes first when it is full. */
export function createTagDetailsCache(
  options: { maxEntries?: number; entries?: Iterable<readonly [string, TagDetails]> } = {},
): TagDetailsCache {
  const max = Math.max(1, options.maxEntries ?? DEFAULT_TAG_CACHE_ENTRIES);
  const map = new Map<string, TagDetails>();
  const cache: TagDetailsCache = {
    get(key) {
      const found = map.get(key);
      if (found !== undefined) {
        map.delete(key);
        map.set(key, found);
      }
      return found;
    },
    set(key, details) {
      map.delete(key);
      map.set(key, details);
      while (map.size > max) {
        const oldest = map.keys().next();
        if (oldest.done) break;
        map.delete(oldest.value);
      }
    },
    delete(key) {
      map.delete(key);
    },
    get size() {
      return map.size;
    },
    entries() {
      return map.entries();
    },
  };
  for (const [key, details] of options.entries ?? []) cache.set(key, details);
  return cache;
}

/** What a cache key is made of. `access` names whose credentials ask (a description, never a secret). */
export interface TagCacheKeyParts {
  /** The endpoint actually spoken to (`https://ghcr.io`, an `api_url`). */
  readonly baseUrl: string;
  /** The repository path on that endpoint (`library/nginx`, after `defaultns`). */
  readonly repository: string;
  readonly tag: string;
  /** The platform asked for (`linux/arm64`), or "" for the default choice. */
  readonly platform: string;
  readonly access: string;
}

/** A fixed-length, opaque key: nothing of the parts (a user name included) can be read back from it. */
export function tagCacheKey(parts: TagCacheKeyParts): string {
  return createHash("sha256")
    .update(JSON.stringify(["tag-details/v1", parts.baseUrl, parts.repository, parts.tag, parts.platform, parts.access]))
    .digest("hex");
}
