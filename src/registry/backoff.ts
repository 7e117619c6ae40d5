/**
 * Retry timing: exponential backoff with jitter, and `Retry-After`. Pure: the clock and the
 * random source are arguments.
 */

export interface BackoffOptions {
  /** Delay scale of the first retry, in ms. */
  readonly baseMs: number;
  /** No single delay is longer than this. */
  readonly capMs: number;
  /** A number in [0, 1). */
  readonly random: () => number;
}

export const DEFAULT_BACKOFF = { baseMs: 500, capMs: 30_000 } as const;

/**
 * Delay before retry number `attempt` (0 for the first retry): "equal jitter", half of the
 * exponential step fixed and half random, so retries of many clients spread out but never
 * fire immediately.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const step = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt));
  const half = step / 2;
  return Math.round(half + options.random() * half);
}

/**
 * `Retry-After` in ms from `now`: delta-seconds or an HTTP date. Null when absent or unreadable;
 * never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/[a-z]/i.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}
