import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import type { BreakerState } from '../core/connector';
import { raceAbort } from './race-abort';

const STATE_NAME: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

export interface BreakerOptions {
  /** Consecutive vendor failures that open the breaker. */
  failures: number;
  /** How long it stays open before one probe is let through. */
  cooldownMs: number;
  /** Whether an error is the vendor's fault (counted); a caller's cancellation is not. */
  isFailure(err: Error): boolean;
  /** Whether a response is the vendor's fault (counted): 5xx. */
  isFailedResponse(res: unknown): boolean;
  onStateChange(state: BreakerState): void;
}

/**
 * One source's circuit breaker (cockatiel's ConsecutiveBreaker): after `failures` vendor failures
 * in a row it answers at once, with no vendor call, for `cooldownMs`; then one probe goes through,
 * and its outcome closes or re-opens it. Created once per source and shared by every request.
 *
 * Calls that arrive while the probe is out wait for it (cockatiel's half-open behaviour), but
 * each under its own signal: a cancelled or timed-out caller stops waiting at once.
 */
export class SourceBreaker {
  private readonly policy: CircuitBreakerPolicy;

  constructor(private readonly options: BreakerOptions) {
    const counts = handleWhen((err) => options.isFailure(err)).orWhenResult((res) => options.isFailedResponse(res));
    this.policy = circuitBreaker(counts, { halfOpenAfter: options.cooldownMs, breaker: new ConsecutiveBreaker(options.failures) });
    this.policy.onStateChange((s) => options.onStateChange(STATE_NAME[s]));
  }

  get state(): BreakerState {
    return STATE_NAME[this.policy.state];
  }

  /** Runs `call` through the breaker; throws BreakerOpen (no call made) while it is open. */
  async run<T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> {
    try {
      // Closed, cockatiel calls at once and there is no wait to cut short: no listener on the
      // signal (one per vendor call otherwise). Only a half-open breaker makes callers wait.
      if (this.policy.state === CircuitState.Closed) return await this.policy.execute(call, signal);
      return await raceAbort(this.policy.execute(call, signal), signal);
    } catch (err) {
      if (err instanceof BrokenCircuitError) throw new BreakerOpen();
      throw err;
    }
  }
}

/** The breaker refused the call: nothing was sent. */
export class BreakerOpen extends Error {
  readonly code = 'STAFFGRAPH_BREAKER_OPEN';
  constructor() {
    super('circuit breaker open');
  }
}
