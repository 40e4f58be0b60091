/**
 * The error a wait rejects with when its signal aborts: the signal's own reason (a TimeoutError
 * from AbortSignal.timeout, or what the request scope aborted with), or a plain AbortError.
 * Vendor HTTP maps both to SOURCE_TIMEOUT with requestSent: false.
 */
export function cancelled(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * The abort reason of a request that ended (response sent or client gone), and of what still ran
 * under it. One shared value: `abort()` without a reason builds a DOMException with a stack trace
 * each time (1.5 % of the CPU of a one-call answer), and no one reads a reason after the response.
 */
export const REQUEST_ENDED = new DOMException('The request ended.', 'AbortError');

/** Waits `ms`, or rejects at once when `signal` aborts (the timer is cleared, nothing is left behind). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled(signal));
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
