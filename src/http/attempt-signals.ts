import type { AttemptTimeouts } from '../core/context';
import { REQUEST_ENDED } from './cancel';
import { timeoutSignal, type TimeoutSignal } from './timeout-signal';

/**
 * The per-call timeout signals of one request (or one mirror refresh), shared between the calls
 * that would time out at about the same moment (docs/resilience.md, "Deadlines").
 *
 * Why: one AbortController, timer and parent listener per vendor attempt was ~9 % of the CPU of a
 * 200-call CorEMR page. Calls started within a short window of each other get one signal that
 * fires at the end of their window: a call's timeout is never shorter than configured and at most
 * 1 % (and 50 ms) longer. When the request's own deadline comes first, the request's signal is
 * the budget and nothing is created at all.
 *
 * Created with the request; `dispose()` when it ends cancels what still runs under a window and
 * clears every timer and listener.
 */
export class AttemptSignals implements AttemptTimeouts {
  private readonly windows = new Map<number, TimeoutSignal>();
  private disposed = false;

  /** `parent` aborts at `deadlineAt` (or before, when the request is cancelled). */
  constructor(
    private readonly parent: AbortSignal,
    private readonly deadlineAt: number,
  ) {}

  /**
   * A signal that aborts no sooner than `timeoutMs` from `now` with a TimeoutError, or with the
   * parent's reason when the parent aborts. The parent itself when it aborts first anyway.
   */
  signalFor(timeoutMs: number, now = Date.now()): AbortSignal {
    const due = now + timeoutMs;
    if (this.disposed || this.parent.aborted || due >= this.deadlineAt) return this.parent;
    const width = windowMs(timeoutMs);
    const at = Math.ceil(due / width) * width;
    if (at >= this.deadlineAt) return this.parent;
    let window = this.windows.get(at);
    if (!window) {
      window = this.open(at, now);
      this.windows.set(at, window);
    }
    return window.signal;
  }

  /** Open windows (for tests). */
  get size(): number {
    return this.windows.size;
  }

  /** The request ended: whatever still runs under a window is cancelled with it. */
  dispose(): void {
    this.disposed = true;
    const reason = this.parent.aborted ? this.parent.reason : REQUEST_ENDED;
    for (const window of [...this.windows.values()]) window.cancel(reason);
    this.windows.clear();
  }

  /** One window: a timeout signal that follows the parent (it holds the timer and the listener), forgotten once it aborts. */
  private open(at: number, now: number): TimeoutSignal {
    const window = timeoutSignal(at - now, this.parent);
    window.signal.addEventListener('abort', () => this.windows.delete(at), { once: true });
    return window;
  }
}

/** 1 % of the timeout, between 1 and 50 ms: how much later than configured a shared timeout may fire. */
function windowMs(timeoutMs: number): number {
  return Math.max(1, Math.min(50, Math.floor(timeoutMs / 100)));
}
