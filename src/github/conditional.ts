/**
 * Conditional GETs: each answer is kept with its ETag and the next identical request sends
 * `If-None-Match`; a 304 (free of rate limit) returns the kept answer. One cache per repository
 * port, kept across passes.
 */
import type { GitHubClient } from "./client.js";
import { isStatus } from "./errors.js";

interface Entry {
  readonly etag: string;
  readonly data: unknown;
}

export class ConditionalCache {
  readonly #entries = new Map<string, Entry>();
  readonly #limit: number;

  constructor(limit = 2_000) {
    this.#limit = limit;
  }

  /** `GET route` with `params`, answered from the cache on 304. */
  async get<T>(client: GitHubClient, route: string, params: Record<string, unknown>): Promise<T> {
    const key = `${route}\u0000${JSON.stringify(params)}`;
    const kept = this.#entries.get(key);
    try {
      const response = await client.request(route, { ...params, headers: kept === undefined ? {} : { "if-none-match": kept.etag } });
      const etag = response.headers.etag;
      if (typeof etag === "string") this.#remember(key, { etag, data: response.data });
      return response.data as T;
    } catch (error) {
      if (kept !== undefined && isStatus(error, 304)) {
        // Refresh its place: a recently used entry is the last evicted.
        this.#entries.delete(key);
        this.#entries.set(key, kept);
        return kept.data as T;
      }
      throw error;
    }
  }

  #remember(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#limit) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
