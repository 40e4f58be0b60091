import { randomUUID } from 'node:crypto';
import type { WriteOperation } from '../core/connector';
import { encodeId } from '../core/ids';
import type { AuditEventRecord, AuditOutcome } from '../store/types';
import { auditString, auditStringOrNull } from './audit/sanitize';
import type { PayloadRecord } from './payload';
import type { RequestScope } from './request-scope';

/**
 * What the write pipeline knows about one account-changing attempt, filled in as checks pass, and
 * turned into its one audit event at the pipeline's exit (docs/store-and-audit.md).
 */
export interface WriteAttempt {
  id: string;
  at: Date;
  op: WriteOperation;
  /** Null when the attempt was refused before its source was known (or the source is not visible to the caller). */
  sourceId: string | null;
  nativeId: string | null;
  /** Field names only, never values. */
  changedFields: string[];
  /** True once the PENDING row is in the store (then the exit completes it). */
  begun: boolean;
}

export function newAttempt(op: WriteOperation, changedFields: string[]): WriteAttempt {
  return { id: randomUUID(), at: new Date(), op, sourceId: null, nativeId: null, changedFields, begun: false };
}

/** SUCCESS, or why not: DENIED (scope), UNKNOWN (the vendor never confirmed), FAILURE (anything else). */
export function outcomeOf(payload: PayloadRecord): { outcome: Exclude<AuditOutcome, 'PENDING'>; errorCode: string | null } {
  const first = payload.userErrors[0];
  if (!first) return { outcome: 'SUCCESS', errorCode: null };
  if (payload.userErrors.some((e) => e.code === 'FORBIDDEN')) return { outcome: 'DENIED', errorCode: 'FORBIDDEN' };
  if (payload.userErrors.some((e) => e.code === 'OUTCOME_UNKNOWN')) return { outcome: 'UNKNOWN', errorCode: 'OUTCOME_UNKNOWN' };
  return { outcome: 'FAILURE', errorCode: first.code };
}

/** Who asked, from where, in which request: the part every audit event of a request shares, bounded and escaped. */
export function eventOrigin(scope: RequestScope): Pick<AuditEventRecord, 'requestId' | 'actor' | 'client'> {
  return {
    requestId: auditString(scope.request.requestId, 128),
    actor: { kind: scope.caller.kind, id: auditString(scope.caller.id), name: auditString(scope.caller.name) },
    client: { ip: auditStringOrNull(scope.client.ip, 64), userAgent: auditStringOrNull(scope.client.userAgent) },
  };
}

/** The audit event of an attempt; `payload` null while it is still PENDING. Every string is bounded and escaped. */
export function attemptEvent(scope: RequestScope, attempt: WriteAttempt, payload: PayloadRecord | null): AuditEventRecord {
  const { outcome, errorCode } = payload ? outcomeOf(payload) : { outcome: 'PENDING' as const, errorCode: null };
  // A created user's native id is known only from the vendor's answer.
  const nativeId = attempt.nativeId ?? (attempt.sourceId && payload?.user?.sourceId === attempt.sourceId ? payload.user.nativeId : null);
  return {
    id: attempt.id,
    at: attempt.at,
    ...eventOrigin(scope),
    action: attempt.op,
    sourceId: attempt.sourceId,
    target: {
      id: attempt.sourceId && nativeId ? encodeId('User', attempt.sourceId, nativeId) : null,
      nativeId: auditStringOrNull(nativeId),
    },
    changedFields: attempt.changedFields.slice(0, 64).map((f) => auditString(f, 64)),
    outcome,
    errorCode,
    // A replay made no vendor call in this attempt: the stored steps belong to the first one's event.
    steps: (payload && !payload.replayed ? payload.steps : []).map((s) => ({ method: auditString(s.method, 16), route: auditString(s.route, 256), status: s.status })),
    replayed: payload?.replayed ?? false,
    userIds: [],
  };
}

/** One log line per attempt too, with ids and names only: no field values, no credentials. */
export function logAttempt(scope: RequestScope, event: AuditEventRecord, vendorCalls: number): void {
  scope.logger.info('write_attempt', {
    requestId: scope.request.requestId,
    auditId: event.id,
    actorKind: event.actor.kind,
    actorId: event.actor.id,
    action: event.action,
    source: event.sourceId,
    outcome: event.outcome,
    errorCode: event.errorCode,
    changedFields: event.changedFields.join(','),
    vendorCalls,
    replayed: event.replayed,
  });
}
