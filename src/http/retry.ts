import { DelegateBackoff, handleWhen, retry } from 'cockatiel';
import { cancelled } from './cancel';

/** The statuses after which a read is sent again (docs/resilience.md): a GET is safe to repeat, and a 500 is as often a blip as a 502–504. */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export interface ReadRetryOptions {
  /** Extra attempts after the first. */
  retries: number;
  baseMs: number;
  /** Epoch ms the whole call must be answered by (the request deadline). */
  deadlineAt: number;
  /** Whether a thrown error is worth another attempt (a reset, a timeout before headers). */
  isRetryableError(err: Error): boolean;
  /** The status of a response (a retried one is 429/502/503/504). */
  statusOf(res: unknown): number;
  /** The response's Retry-After in seconds, if it has one. */
  retryAfterSecondsOf(res: unknown): number | undefined;
  onRetry(): void;
  signal: AbortSignal;
  /** For tests: the jitter draw in [0, 1). */
  random?: () => number;
}

/**
 * Runs a read with cockatiel's retry policy. The delay before attempt n is baseMs·2^(n−1), jittered
 * to 50–150 %, or the vendor's Retry-After on a 429. An attempt is only made if its delay plus
 * one more base interval fits before the deadline: otherwise the last answer stands (a 429 becomes
 * SOURCE_RATE_LIMITED with retryAfterSeconds at once, instead of sleeping past the deadline).
 * Built per call because the deadline is per request; cockatiel objects are cheap.
 */
export function runRead<T>(attempt: () => Promise<T>, o: ReadRetryOptions): Promise<T> {
  if (o.retries <= 0) return attempt();
  const random = o.random ?? Math.random;
  let tries = 0;
  let nextDelay = 0;
  const fits = (delay: number) => Date.now() + delay + o.baseMs < o.deadlineAt;
  const plan = (delay: number): boolean => {
    if (tries >= o.retries || o.signal.aborted || !fits(delay)) return false;
    nextDelay = delay;
    tries++;
    return true;
  };
  const backoff = () => o.baseMs * 2 ** tries * (0.5 + random());
  const policy = retry(
    handleWhen((err) => o.isRetryableError(err) && plan(backoff())).orWhenResult((res) => {
      const status = o.statusOf(res);
      if (!RETRIED_STATUSES.has(status)) return false;
      const after = status === 429 ? o.retryAfterSecondsOf(res) : undefined;
      return plan(after !== undefined ? after * 1000 : backoff());
    }),
    { maxAttempts: o.retries, backoff: new DelegateBackoff(() => nextDelay) },
  );
  // cockatiel's back-off timer does not watch the signal: from the first retry on, the caller is
  // answered at once when the signal aborts, and the attempt the timer would start afterwards is
  // refused here, unsent. Until a retry is planned nothing waits but the attempt, which watches
  // the signal itself: no listener is added for the calls that succeed at once (nearly all).
  const guarded = () => (o.signal.aborted ? Promise.reject(cancelled(o.signal)) : attempt());
  return new Promise<T>((resolve, reject) => {
    let onAbort: (() => void) | null = null;
    policy.onRetry(() => {
      o.onRetry();
      if (onAbort) return;
      onAbort = () => reject(cancelled(o.signal));
      o.signal.addEventListener('abort', onAbort, { once: true });
    });
    policy.execute(guarded, o.signal).then(resolve, reject).finally(() => {
      if (onAbort) o.signal.removeEventListener('abort', onAbort);
    });
  });
}
