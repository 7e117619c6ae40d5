/**
 * scheduler/: the only module importing node-cron. A cron tick for every installed repository, and
 * a per-repository debounce so a burst of webhooks becomes one pass.
 */
import cron from "node-cron";
import { ConfigError } from "../errors/index.js";

/** argocd-image-updater's interval: every 2 minutes. */
export const DEFAULT_SCHEDULE = "*/2 * * * *";

export interface Schedule {
  stop(): void;
}

/** Throws a ConfigError naming SCHEDULE when `expression` is not a cron expression node-cron runs. */
export function checkSchedule(expression: string): void {
  if (!cron.validate(expression)) {
    throw new ConfigError(`SCHEDULE "${expression}" is not a cron expression`, {
      context: { key: "SCHEDULE" },
      hint: 'write five fields, e.g. "*/2 * * * *" for every two minutes; "off" for webhooks only',
    });
  }
}

/** Run `tick` on `expression` (never two ticks at once). Throws a ConfigError naming SCHEDULE for a bad expression. */
export function startSchedule(expression: string, tick: () => Promise<void>): Schedule {
  checkSchedule(expression);
  const task = cron.schedule(expression, tick, { noOverlap: true, name: "argocd-image-pr reconcile" });
  return {
    stop() {
      void task.stop();
    },
  };
}

export interface Debouncer {
  /** Run `key`'s work after `delayMs` of quiet; calls meanwhile push the run back. */
  trigger(key: string, work: () => Promise<void>): void;
  /** Resolves when nothing is pending or running. */
  idle(): Promise<void>;
  stop(): void;
}

export function createDebouncer(delayMs: number): Debouncer {
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let waiters: (() => void)[] = [];
  const settle = (): void => {
    if (timers.size > 0 || running.size > 0) return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };
  return {
    trigger(key, work) {
      const pending = timers.get(key);
      if (pending !== undefined) clearTimeout(pending);
      timers.set(
        key,
        setTimeout(() => {
          timers.delete(key);
          const run = work()
            .catch(() => undefined)
            .finally(() => {
              running.delete(run);
              settle();
            });
          running.add(run);
        }, delayMs),
      );
    },
    idle() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
    stop() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      settle();
    },
  };
}
