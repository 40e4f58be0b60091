import { cancelled } from './cancel';

/**
 * Settles with `work`, or rejects the moment `signal` aborts. For library waits that do not watch
 * a signal themselves (cockatiel's retry back-off, a breaker's half-open wait): the caller is
 * answered at once while the library's timer runs out on its own, harmlessly — the next attempt
 * checks the same signal before it sends anything.
 */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(cancelled(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined);
      reject(cancelled(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
