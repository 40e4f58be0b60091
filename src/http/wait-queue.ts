/**
 * A FIFO queue of callers waiting for something (a slot, a start time) that give up the moment
 * their signal aborts: an aborted waiter leaves the queue at once and is never granted, so
 * abandoned work holds nothing up (docs/resilience.md, "Every wait gives its place back").
 * Shared by the semaphore, the adaptive limit and the rate limiter; each decides when to grant.
 */
export class WaitQueue {
  private readonly waiting: Array<() => void> = [];

  get length(): number {
    return this.waiting.length;
  }

  /**
   * Resolves when granted. When `signal` aborts first, leaves the queue, calls `onLeave` and
   * rejects with `rejection()`. A grant is a hand-over: the granter does its own bookkeeping
   * (a slot count, the next start time) synchronously, before the waiter's code resumes.
   */
  wait(signal: AbortSignal | undefined, rejection: () => unknown, onLeave?: () => void): Promise<void> {
    if (signal?.aborted) return Promise.reject(rejection());
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        onLeave?.();
        reject(rejection());
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.waiting.push(grant);
    });
  }

  /** Grants the oldest waiter; false when there is none. */
  grantNext(): boolean {
    const grant = this.waiting.shift();
    grant?.();
    return grant !== undefined;
  }
}
