import { cancelled, sleep } from './cancel';
import { WaitQueue } from './wait-queue';

/**
 * Spaces the starts of calls at least `minIntervalMs` apart: a client-side rate limit such as
 * Open Dental's documented 1 request/s per customer key. 0 turns spacing off.
 *
 * Waiters queue in FIFO order and a slot is handed out only when it is due, to a waiter that is
 * still there: one whose signal aborted has already left the queue and consumed nothing. (The
 * earlier version reserved a slot before sleeping and never gave it back, so 16 abandoned queries
 * pushed every later call 16 s into the future.)
 */
export class IntervalLimiter {
  /** Epoch ms at which the next call may start. */
  private nextAt = 0;
  private readonly waiting = new WaitQueue();
  /** Background work (a mirror refresh): served only when no live request waits. */
  private readonly background = new WaitQueue();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly minIntervalMs: number,
    /**
     * Spacing shared with other gateway instances (src/coordination): after this process's own
     * turn, a reservation of the next slot across every instance, and how long to wait for it.
     * Null from it (no Redis, or Redis down) leaves the process's own spacing as the only one.
     */
    private readonly shared?: () => Promise<number | null>,
  ) {
    if (!Number.isFinite(minIntervalMs) || minIntervalMs < 0) throw new RangeError(`minIntervalMs must be ≥ 0, got ${minIntervalMs}`);
  }

  get queued(): number {
    return this.waiting.length + this.background.length;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal, background = false): Promise<T> {
    await this.acquire(signal, background);
    return task();
  }

  /**
   * Resolves when this caller may start: its turn in this process, then (when shared) its slot
   * across instances. Rejects at once, taking nothing locally, when `signal` aborts.
   */
  acquire(signal?: AbortSignal, background = false): Promise<void> {
    // No extra promise per call when nothing is shared (the common, per-user-call path).
    const local = this.localTurn(signal, background);
    return this.shared && this.minIntervalMs > 0 ? local.then(() => this.sharedTurn(signal)) : local;
  }

  /** Waits for the slot reserved across instances; a cancelled caller stops waiting at once. */
  private async sharedTurn(signal?: AbortSignal): Promise<void> {
    const wait = await this.shared!();
    if (wait && wait > 0) await sleep(wait, signal);
  }

  /** This process's turn. A `background` caller is granted a slot only when no live caller is waiting for it. */
  private localTurn(signal?: AbortSignal, background = false): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelled(signal));
    if (this.minIntervalMs === 0) return Promise.resolve();
    const now = Date.now();
    if (this.queued === 0 && now >= this.nextAt) {
      this.nextAt = now + this.minIntervalMs;
      return Promise.resolve();
    }
    const queue = background ? this.background : this.waiting;
    const granted = queue.wait(signal, () => cancelled(signal), () => {
      if (this.queued === 0) this.stopTimer();
    });
    this.schedule();
    return granted;
  }

  private schedule(): void {
    if (this.timer || this.queued === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      const now = Date.now();
      if (now >= this.nextAt) {
        // The start time is taken before the waiter resumes (grantNext hands over synchronously).
        if (this.waiting.grantNext() || this.background.grantNext()) this.nextAt = now + this.minIntervalMs;
      }
      this.schedule();
    }, Math.max(0, this.nextAt - Date.now()));
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
