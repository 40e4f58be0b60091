/**
 * A counting semaphore: at most `limit` tasks run at once, the rest wait in FIFO order.
 * Used per source (created once at start) to cap parallel per-user calls, e.g. CorEMR which has
 * no batch endpoint.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`Semaphore limit must be a positive integer, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * Spaces the start of tasks at least `minIntervalMs` apart (a client-side rate limit such as
 * Open Dental's documented 1 request/s per customer key). 0 disables spacing.
 */
export class IntervalLimiter {
  private nextStartAt = 0;

  constructor(readonly minIntervalMs: number) {}

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.minIntervalMs > 0) {
      const now = Date.now();
      const startAt = Math.max(now, this.nextStartAt);
      this.nextStartAt = startAt + this.minIntervalMs;
      if (startAt > now) await sleep(startAt - now, signal);
    }
    return task();
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Awaits a promise shared by many requests (a vendor login or token in flight) under one caller's
 * signal: the caller gives up when its own request is cancelled or past its deadline, while the
 * shared work goes on for the others. `onAbort` builds the caller's error.
 */
export function awaitWithin<T>(shared: Promise<T>, signal: AbortSignal | undefined, onAbort: () => Error): Promise<T> {
  if (!signal) return shared;
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
