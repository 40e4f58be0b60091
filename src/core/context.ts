/**
 * What lives for one GraphQL request. Built by the gateway per HTTP request; connectors receive it
 * so that every upstream call honours the same deadline and is cancelled when the client goes away.
 */
export interface RequestContext {
  /** Random id echoed in masked errors and logs, so an operator can correlate them. */
  requestId: string;
  /** Absolute deadline (epoch ms) for all upstream work of this request. */
  deadlineAt: number;
  /** Aborted when the deadline passes or the client disconnects. */
  signal: AbortSignal;
  /**
   * Vendor calls this request sent, by source id (every attempt, retries included). Filled by the
   * vendor HTTP stack, read by the access log line; absent for work outside a request.
   */
  vendorCalls?: Map<string, number>;
  /**
   * Work nobody is waiting for (a mirror refresh): it queues behind live requests in the source's
   * rate limiter, so live traffic keeps the vendor's budget first.
   */
  background?: boolean;
  /**
   * Where vendor attempts get their timeout signals, shared by the attempts that time out together
   * (src/http/attempt-signals.ts); absent: one signal per attempt.
   */
  attempts?: AttemptTimeouts;
}

/** A signal that aborts no sooner than `timeoutMs` from now, or when the request's own signal aborts. */
export interface AttemptTimeouts {
  signalFor(timeoutMs: number, now?: number): AbortSignal;
}

/** A context for work outside a GraphQL request (health checks, CLI, tests). */
export function backgroundContext(timeoutMs = 10_000): RequestContext {
  return {
    requestId: 'background',
    deadlineAt: Date.now() + timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  };
}
