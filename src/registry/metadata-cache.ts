/**
 * Manifests and image configs by digest. Content-addressed, hence immutable: one cache can live
 * for the whole process and be shared by every pass and every client.
 */

export interface MetadataCache {
  get(digest: string): unknown;
  set(digest: string, value: unknown): void;
}

/** A bounded in-memory cache; the oldest entries go first when full. */
export function createMetadataCache(options: { maxEntries?: number } = {}): MetadataCache {
  const max = options.maxEntries ?? 20_000;
  const entries = new Map<string, unknown>();
  return {
    get(digest) {
      return entries.get(digest);
    },
    set(digest, value) {
      if (entries.has(digest)) return;
      if (entries.size >= max) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(digest, value);
    },
  };
}
