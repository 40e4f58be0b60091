import { setMaxListeners } from 'node:events';

/**
 * A signal that aborts after `ms` with a TimeoutError, or as soon as any `parent` aborts (with the
 * parent's reason). `dispose()` clears the timer and the listeners; call it when the work is done.
 *
 * Why not `AbortSignal.any([AbortSignal.timeout(ms), parent])`: on Node 20, `AbortSignal.any` holds
 * its source signals weakly and a pending `AbortSignal.timeout` is not otherwise referenced, so a
 * garbage collection can drop the timeout and the combined signal then never fires — a hung vendor
 * call ran to undici's own 10 s timeout instead of the 1 s configured. Here the timer closure holds
 * the controller, and the event loop holds the timer.
 */
export interface TimeoutSignal {
  signal: AbortSignal;
  /** Clears the timer and the listeners; the signal stays as it is. */
  dispose(): void;
  /** Disposes and aborts the signal with `reason`: the work under it is cut short. */
  cancel(reason: unknown): void;
}

export function timeoutSignal(ms: number, ...parents: Array<AbortSignal | undefined>): TimeoutSignal {
  const controller = new AbortController();
  // A background refresh's signal is the parent of hundreds of attempts; each detaches when done.
  setMaxListeners(0, controller.signal);
  const listeners: Array<[AbortSignal, () => void]> = [];
  const dispose = () => {
    clearTimeout(timer);
    for (const [p, l] of listeners) p.removeEventListener('abort', l);
    listeners.length = 0;
  };
  const timer = setTimeout(() => {
    dispose();
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
  }, Math.max(0, ms));
  for (const parent of parents) {
    if (!parent) continue;
    if (parent.aborted) {
      dispose();
      controller.abort(parent.reason);
      break;
    }
    const onAbort = () => {
      dispose();
      controller.abort(parent.reason);
    };
    parent.addEventListener('abort', onAbort, { once: true });
    listeners.push([parent, onAbort]);
  }
  const cancel = (reason: unknown) => {
    dispose();
    controller.abort(reason);
  };
  return { signal: controller.signal, dispose, cancel };
}
