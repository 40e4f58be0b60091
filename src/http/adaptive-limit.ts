import { SourceError, isSourceError } from '../core/errors';
import type { Slots } from './semaphore';
import { WaitQueue } from './wait-queue';

export interface AdaptiveLimitOptions {
  /** Where the limit starts (the source's configured `maxConcurrency`). */
  initial: number;
  /** Never below this. */
  min: number;
  /** Never above this (the source's `maxConcurrencyCeiling`). */
  max: number;
  /** A call slower than `latencyTolerance` × the best latency seen counts as "latency rising". */
  latencyTolerance?: number;
  /** Named in the SOURCE_TIMEOUT a cancelled waiter is rejected with. */
  sourceId?: string;
}

/** Vendor answers that say "you are overloading me": the limit halves. */
const OVERLOAD = new Set(['SOURCE_UNAVAILABLE', 'SOURCE_TIMEOUT', 'SOURCE_RATE_LIMITED']);
const overloaded = (r: { ok: true } | { ok: false; error: unknown }) => !r.ok && (!isSourceError(r.error) || OVERLOAD.has(r.error.code));

/**
 * A concurrency limit that finds the vendor's capacity instead of guessing it (AIMD, as TCP does):
 *
 * - **additive increase:** each call that comes back fast (within `latencyTolerance` × the best
 *   latency seen lately) while others were waiting adds one slot, up to `max`. Growth per call
 *   rather than per round trip is deliberate: one GraphQL request on CorEMR is a single burst of
 *   200 calls, and the limit has to find its level within that burst.
 * - **multiplicative decrease:** a failure (5xx, 429, reset, timeout) halves the limit; a slow
 *   call (latency rising: the vendor is queueing) takes 10 % off. Never below `min`. Once per
 *   window, as TCP cuts once per loss window: only a call started after the last cut can cut
 *   again. Calls that were in flight together share one cause — a vendor hiccup, or a garbage
 *   collection pausing this process while 32 answers wait to be read — and cutting for each of
 *   them took the limit from 32 to 1 in one burst (32 × 0.9³²), which one pause then cost the
 *   rest of the page.
 *
 * The best latency decays slowly towards recent ones, so a vendor that became slower for good
 * sets a new baseline instead of being throttled for ever. Same `run(task, signal)` contract as
 * Semaphore: a cancelled waiter leaves the queue at once and takes no slot.
 */
export class AdaptiveLimit implements Slots {
  private current: number;
  private running = 0;
  private readonly waiting = new WaitQueue();
  private bestMs = Infinity;
  private readonly tolerance: number;
  /** When the limit was last cut (performance.now()): calls started before it cannot cut it again. */
  private cutAt = -Infinity;

  constructor(private readonly o: AdaptiveLimitOptions) {
    if (!(o.min >= 1 && o.min <= o.initial && o.initial <= o.max)) throw new RangeError(`need 1 ≤ min ≤ initial ≤ max, got ${o.min}, ${o.initial}, ${o.max}`);
    this.current = o.initial;
    this.tolerance = o.latencyTolerance ?? 2;
  }

  get limit(): number {
    return Math.floor(this.current);
  }

  get inUse(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Runs `task` in a slot. `isFailure` says whether its outcome tells of an overloaded vendor
   * (default: it threw); the limit adapts to the outcome and the time it took.
   */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal, isFailure: (result: { ok: true; value: T } | { ok: false; error: unknown }) => boolean = overloaded): Promise<T> {
    await this.acquire(signal);
    const started = performance.now();
    const contended = this.waiting.length > 0;
    try {
      const value = await task();
      this.adapt(isFailure({ ok: true, value }), started, contended);
      return value;
    } catch (error) {
      // A cancellation by the caller says nothing about the vendor.
      if (!signal?.aborted) this.adapt(isFailure({ ok: false, error }), started, contended);
      throw error;
    } finally {
      this.running--;
      this.pump();
    }
  }

  private adapt(failed: boolean, startedAt: number, contended: boolean): void {
    const now = performance.now();
    if (failed) return this.cut(0.5, startedAt, now);
    const ms = now - startedAt;
    // Drift the baseline up by 1 % of the gap per call, so it follows a lasting change.
    this.bestMs = ms < this.bestMs ? ms : this.bestMs + (ms - this.bestMs) * 0.01;
    if (ms > this.tolerance * this.bestMs + 1) this.cut(0.9, startedAt, now);
    else if (contended || this.waiting.length > 0) this.current = Math.min(this.o.max, this.current + 1);
  }

  /** Multiplies the limit by `factor`, unless the call started before the last cut (its window was cut already). */
  private cut(factor: number, startedAt: number, now: number): void {
    if (startedAt < this.cutAt) return;
    this.current = Math.max(this.o.min, this.current * factor);
    this.cutAt = now;
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (!signal?.aborted && this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return this.waiting.wait(signal, () => this.timedOut());
  }

  private timedOut(): SourceError {
    return new SourceError('SOURCE_TIMEOUT', this.o.sourceId ?? '', undefined, { requestSent: false });
  }

  private pump(): void {
    while (this.running < this.limit && this.waiting.grantNext()) this.running++;
  }
}
