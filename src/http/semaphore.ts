import { SourceError } from '../core/errors';
import { WaitQueue } from './wait-queue';

/**
 * What per-user calls run under: at most so many at once, a cancelled waiter leaving at once.
 * The source's VendorHttp hands out one (`concurrency`): an AdaptiveLimit by default, a fixed
 * Semaphore when `http.adaptiveConcurrency` is off.
 */
export interface Slots {
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/**
 * A counting semaphore: at most `limit` tasks run at once, the rest wait in FIFO order. Created
 * once per source to cap parallel per-user calls on vendors without batch routes (CorEMR).
 *
 * A waiter whose `signal` aborts leaves the queue at once and never takes a slot, so requests a
 * client gave up on (or that passed their deadline) do not hold up the ones behind them
 * (docs/resilience.md, "Every wait gives its place back").
 */
export class Semaphore implements Slots {
  private running = 0;
  private readonly waiting = new WaitQueue();

  /**
   * @param sourceId named in the SOURCE_TIMEOUT a cancelled waiter is rejected with: the wait runs
   * outside the vendor HTTP stack (which maps its own), so the semaphore says it itself — a raw
   * AbortError here used to surface as INTERNAL_SERVER_ERROR.
   */
  constructor(
    readonly limit: number,
    private readonly sourceId = '',
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`Semaphore limit must be a positive integer, got ${limit}`);
  }

  /** Tasks running now (for tests and metrics). */
  get inUse(): number {
    return this.running;
  }

  /** Tasks waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (!signal?.aborted && this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return this.waiting.wait(signal, () => this.timedOut());
  }

  private timedOut(): SourceError {
    return new SourceError('SOURCE_TIMEOUT', this.sourceId, undefined, { requestSent: false });
  }

  private release(): void {
    // A waiter granted here takes over this slot, so `running` stays as it is.
    if (!this.waiting.grantNext()) this.running--;
  }
}
