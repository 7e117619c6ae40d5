/**
 * Never two passes at once for one repository in this process: passes for the same key run one
 * after the other, and callers that arrive while one runs and another waits share the waiting one
 * (a burst of webhooks becomes at most one more pass).
 */
export interface RepoLock {
  run<T>(key: string, pass: () => Promise<T>): Promise<T>;
  /** Keys with a pass running or waiting. */
  busy(): string[];
}

export function createRepoLock(): RepoLock {
  const running = new Map<string, Promise<unknown>>();
  const waiting = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, pass: () => Promise<T>): Promise<T> {
      const id = key.toLowerCase();
      const queued = waiting.get(id);
      if (queued !== undefined) return queued as Promise<T>;
      const current = running.get(id);
      const start = (): Promise<T> => {
        waiting.delete(id);
        const promise = pass().finally(() => {
          if (running.get(id) === promise) running.delete(id);
        });
        running.set(id, promise);
        return promise;
      };
      if (current === undefined) return start();
      const next = current.then(start, start);
      waiting.set(id, next);
      return next;
    },
    busy() {
      return [...new Set([...running.keys(), ...waiting.keys()])];
    },
  };
}
