/**
 * Per-registry politeness: a token bucket (`limit` requests/s, bursts up to one second's worth)
 * and a cap on requests in flight. The clock and sleep are injectable for tests.
 */

export interface LimiterOptions {
  readonly requestsPerSecond: number;
  readonly concurrency: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export class Limiter {
  readonly #options: LimiterOptions;
  readonly #capacity: number;
  #tokens: number;
  #refilledAt: number;
  #queue: Promise<void> = Promise.resolve();
  #active = 0;
  readonly #waiting: (() => void)[] = [];
  #closed = false;

  constructor(options: LimiterOptions) {
    this.#options = options;
    this.#capacity = Math.max(1, options.requestsPerSecond);
    this.#tokens = this.#capacity;
    this.#refilledAt = options.now();
  }

  /**
   * Run `task` once a rate token and a concurrency slot are free. After `close()`, queued tasks
   * never run: `run` rejects with `closedError()` as soon as they reach the front.
   */
  async run<T>(task: () => Promise<T>, closedError: () => Error): Promise<T> {
    if (this.#closed) throw closedError();
    await this.#acquireSlot();
    try {
      if (this.#closed) throw closedError();
      await this.#takeToken();
      if (this.#closed) throw closedError();
      return await task();
    } finally {
      this.#releaseSlot();
    }
  }

  #takeToken(): Promise<void> {
    // Serialised so waiters are served in order and never overdraw the bucket.
    const next = this.#queue.then(async () => {
      for (;;) {
        if (this.#closed) return;
        const now = this.#options.now();
        this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#refilledAt) * this.#options.requestsPerSecond) / 1000);
        this.#refilledAt = now;
        if (this.#tokens >= 1) {
          this.#tokens -= 1;
          return;
        }
        await this.#options.sleep(Math.ceil(((1 - this.#tokens) * 1000) / this.#options.requestsPerSecond));
      }
    });
    this.#queue = next;
    return next;
  }

  /** Stop: tasks still waiting for a slot or a token are released and rejected, not run. */
  close(): void {
    this.#closed = true;
    for (const wake of this.#waiting.splice(0)) {
      this.#active += 1; // each woken waiter releases a slot in its finally
      wake();
    }
  }

  async #acquireSlot(): Promise<void> {
    if (this.#active < this.#options.concurrency) {
      this.#active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #releaseSlot(): void {
    const next = this.#waiting.shift();
    if (next)
      next(); // the slot passes directly to the next waiter
    else this.#active -= 1;
  }
}
