import type { WriteOperation } from '../core/connector';
import type { PayloadRecord } from './payload';
import type { RequestScope } from './request-scope';

/**
 * What the write pipeline knows about one account-changing attempt, filled in as checks pass.
 * The audit trail (DESIGN.md §12) will be written from here; today the attempt is one log line.
 */
export interface WriteAttempt {
  op: WriteOperation;
  /** Null when the attempt was refused before its source was known (or the source is not visible to the caller). */
  sourceId: string | null;
  nativeId: string | null;
  /** Field names only, never values. */
  changedFields: string[];
}

export type AttemptOutcome = 'SUCCESS' | 'FAILURE' | 'DENIED' | 'UNKNOWN';

/** SUCCESS, or why not: DENIED (scope), UNKNOWN (the vendor never confirmed), FAILURE (anything else). */
export function outcomeOf(payload: PayloadRecord): { outcome: AttemptOutcome; errorCode: string | null } {
  const first = payload.userErrors[0];
  if (!first) return { outcome: 'SUCCESS', errorCode: null };
  if (payload.userErrors.some((e) => e.code === 'FORBIDDEN')) return { outcome: 'DENIED', errorCode: 'FORBIDDEN' };
  if (payload.userErrors.some((e) => e.code === 'OUTCOME_UNKNOWN')) return { outcome: 'UNKNOWN', errorCode: 'OUTCOME_UNKNOWN' };
  return { outcome: 'FAILURE', errorCode: first.code };
}

/** One line per attempt, with ids and names only: no field values, no credentials. */
export function recordAttempt(scope: RequestScope, attempt: WriteAttempt, payload: PayloadRecord): void {
  const { outcome, errorCode } = outcomeOf(payload);
  scope.logger.info('write_attempt', {
    requestId: scope.request.requestId,
    actorKind: scope.caller.kind,
    actorId: scope.caller.id,
    action: attempt.op,
    source: attempt.sourceId,
    outcome,
    errorCode,
    changedFields: attempt.changedFields.join(','),
    vendorCalls: payload.steps.length,
    replayed: payload.replayed,
  });
}
