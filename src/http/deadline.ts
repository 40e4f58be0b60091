import type { RequestContext } from '../core/context';
import { timeoutSignal } from './timeout-signal';

/**
 * The signal and time budget of one attempt of a vendor call: the source's per-call timeout,
 * further capped by the GraphQL request's deadline, and cancelled with the request.
 * Returns null when no time is left (the call is not sent). Within a request the signal is shared
 * with the attempts that time out at about the same moment (src/http/attempt-signals.ts).
 */
export function attemptBudget(ctx: RequestContext | undefined, callTimeoutMs: number, now = Date.now()): { signal: AbortSignal; timeoutMs: number; dispose(): void } | null {
  const timeoutMs = Math.min(callTimeoutMs, (ctx?.deadlineAt ?? Infinity) - now);
  if (timeoutMs <= 0) return null;
  if (ctx?.attempts) return { signal: ctx.attempts.signalFor(timeoutMs, now), timeoutMs, dispose: noop };
  return { ...timeoutSignal(timeoutMs, ctx?.signal), timeoutMs };
}

/** Milliseconds left before the request's deadline (Infinity outside a request). */
export function remainingMs(ctx: RequestContext | undefined, now = Date.now()): number {
  return (ctx?.deadlineAt ?? Infinity) - now;
}

function noop(): void {}
