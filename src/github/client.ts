/**
 * The one GitHub client: Probot's Octokit (throttling and retry built in), authenticated by a
 * token or as the app's installation. Every request is counted (reads, writes, 304s) so a pass can
 * say what it cost. Never a second, unthrottled client.
 */
import Bottleneck from "bottleneck";
import { ProbotOctokit } from "probot";
import type { Logger } from "../log/index.js";

export type GitHubClient = InstanceType<typeof ProbotOctokit>;

export interface RequestStats {
  reads: number;
  writes: number;
  /** Conditional reads GitHub answered 304 Not Modified (they do not count against the rate limit). */
  notModified: number;
}

export interface ClientTuning {
  /** Milliseconds per retry-after unit (1000 in production; tests make waits short). */
  readonly retryAfterBaseValue?: number;
  /** Minimum milliseconds between two writes of one installation (GitHub asks for 1000). */
  readonly writeSpacingMs?: number;
}

export interface CreateClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly log: Logger;
  /** Throttling key: writes are serialised per installation (or per token). */
  readonly throttleId?: string;
  readonly tuning?: ClientTuning;
}

const stats = new WeakMap<object, RequestStats>();

/** The request counters of a client made by `createGitHubClient` or `countRequests`. */
export function requestStats(client: GitHubClient): RequestStats {
  let counters = stats.get(client);
  if (counters === undefined) {
    counters = { reads: 0, writes: 0, notModified: 0 };
    stats.set(client, counters);
  }
  return counters;
}

/** Count every request `client` makes from now on (idempotent per client). */
export function countRequests(client: GitHubClient): GitHubClient {
  if (stats.has(client)) return client;
  const counters = requestStats(client);
  client.hook.wrap("request", async (request, options) => {
    const write = options.method !== "GET" && options.method !== "HEAD" && !String(options.url).endsWith("/graphql");
    const graphql = String(options.url).endsWith("/graphql");
    try {
      const response = await request(options);
      if (write || graphql) counters.writes += 1;
      else counters.reads += 1;
      return response;
    } catch (error) {
      if (typeof error === "object" && error !== null && "status" in error && error.status === 304) counters.notModified += 1;
      else if (write || graphql) counters.writes += 1;
      else counters.reads += 1;
      throw error;
    }
  });
  return client;
}

/** Probot's pino logger has `warn(message)`; ours is `warn(metadata, message)`: adapt for Octokit's `log`. */
function octokitLog(log: Logger): {
  debug: (m: string) => void;
  info: (m: string) => void;
  warn: (m: string) => void;
  error: (m: string) => void;
} {
  return {
    debug: (message) => log.debug({}, message),
    info: (message) => log.debug({}, message),
    warn: (message) => log.warn({}, message),
    error: (message) => log.error({}, message),
  };
}

/** A client authenticated by a token (GITHUB_TOKEN, an installation token). */
export function createGitHubClient(options: CreateClientOptions): GitHubClient {
  const tuning = options.tuning ?? {};
  return countRequests(
    new ProbotOctokit({
      auth: { token: options.token },
      baseUrl: options.baseUrl,
      log: octokitLog(options.log),
      throttle: {
        id: options.throttleId ?? "token",
        ...(tuning.retryAfterBaseValue === undefined ? {} : { retryAfterBaseValue: tuning.retryAfterBaseValue }),
        // GitHub asks for a second between writes and three before content that notifies people (PRs, comments).
        ...(tuning.writeSpacingMs === undefined
          ? {}
          : { write: writeGroup(tuning.writeSpacingMs), notifications: writeGroup(tuning.writeSpacingMs, "notifications") }),
      },
      retry: tuning.retryAfterBaseValue === undefined ? {} : { retryAfterBaseValue: tuning.retryAfterBaseValue },
    }),
  );
}

const groups = new Map<string, Bottleneck.Group>();

/** Writes of one throttle id one at a time, `spacing` ms apart (shared by every client with that spacing). */
export function writeGroup(spacing: number, kind: "write" | "notifications" = "write"): Bottleneck.Group {
  const key = `${kind}-${spacing}`;
  let group = groups.get(key);
  if (group === undefined) {
    group = new Bottleneck.Group({ id: `argocd-image-pr-${key}`, maxConcurrent: 1, minTime: spacing });
    groups.set(key, group);
  }
  return group;
}
