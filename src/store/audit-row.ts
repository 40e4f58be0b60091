import type { CallerKind } from '../auth/caller';
import type { AuditEventRecord, AuditOutcome, AuditStep } from './types';
import { MAX_CHANGED_FIELDS, MAX_CODE, MAX_STEPS, MAX_TEXT, MAX_USER_IDS, boundList, boundText, boundTextOrNull, oneOf, validDate } from './bounds';
import type { SqlParam } from './sql';

export const CALLER_KINDS: readonly CallerKind[] = ['JWT', 'API_KEY', 'NONE'];
export const OUTCOMES: readonly AuditOutcome[] = ['PENDING', 'SUCCESS', 'FAILURE', 'DENIED', 'UNKNOWN'];

/** audit_events columns in insert order; `insertParams` returns values in the same order. */
export const AUDIT_COLUMNS = [
  'id', 'at', 'request_id', 'actor_kind', 'actor_id', 'actor_name', 'action', 'source_id', 'target_id', 'target_native_id',
  'changed_fields', 'outcome', 'error_code', 'steps', 'client_ip', 'client_user_agent', 'replayed', 'user_ids',
] as const;

/** How each column is read back: jsonb columns arrive parsed from both drivers, timestamptz as Date. */
export interface AuditRow {
  id: string;
  at: Date;
  request_id: string;
  actor_kind: CallerKind;
  actor_id: string;
  actor_name: string;
  action: string;
  source_id: string | null;
  target_id: string | null;
  target_native_id: string | null;
  changed_fields: string[];
  outcome: AuditOutcome;
  error_code: string | null;
  steps: AuditStep[];
  client_ip: string | null;
  client_user_agent: string | null;
  replayed: boolean;
  user_ids: string[];
}

/** Steps bounded: method and route as text, a status that is not an HTTP status becomes null. */
export function boundSteps(steps: unknown): AuditStep[] {
  if (!Array.isArray(steps)) return [];
  return steps.slice(0, MAX_STEPS).map((s: Partial<AuditStep> | null) => ({
    method: boundText(s?.method ?? '', MAX_CODE),
    route: boundText(s?.route ?? '', MAX_TEXT),
    status: Number.isInteger(s?.status) && (s?.status as number) >= 100 && (s?.status as number) <= 999 ? (s?.status as number) : null,
  }));
}

/** The bounded column values of an event, in AUDIT_COLUMNS order; throws INVALID_RECORD for an unknown enum or a bad date. */
export function insertParams(e: AuditEventRecord): SqlParam[] {
  return [
    boundText(e.id, MAX_TEXT),
    validDate(e.at, 'at'),
    boundText(e.requestId, MAX_TEXT),
    oneOf(e.actor?.kind, CALLER_KINDS, 'actor.kind'),
    boundText(e.actor?.id ?? '', MAX_TEXT),
    boundText(e.actor?.name ?? '', MAX_TEXT),
    boundText(e.action, MAX_CODE),
    boundTextOrNull(e.sourceId, MAX_TEXT),
    boundTextOrNull(e.target?.id, MAX_TEXT),
    boundTextOrNull(e.target?.nativeId, MAX_TEXT),
    // Field names are identifiers of the unified schema ("email", "roles"): code-sized.
    JSON.stringify(boundList(e.changedFields, MAX_CHANGED_FIELDS, MAX_CODE)),
    oneOf(e.outcome, OUTCOMES, 'outcome'),
    boundTextOrNull(e.errorCode, MAX_CODE),
    JSON.stringify(boundSteps(e.steps)),
    // An IPv6 address with a zone is at most ~50 characters.
    boundTextOrNull(e.client?.ip, MAX_CODE),
    boundTextOrNull(e.client?.userAgent, MAX_TEXT),
    e.replayed === true,
    JSON.stringify(boundList(e.userIds, MAX_USER_IDS, MAX_TEXT)),
  ];
}

export function fromRow(r: AuditRow): AuditEventRecord {
  return {
    id: r.id,
    at: r.at,
    requestId: r.request_id,
    actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
    action: r.action,
    sourceId: r.source_id,
    target: { id: r.target_id, nativeId: r.target_native_id },
    changedFields: r.changed_fields,
    outcome: r.outcome,
    errorCode: r.error_code,
    steps: r.steps,
    client: { ip: r.client_ip, userAgent: r.client_user_agent },
    replayed: r.replayed,
    userIds: r.user_ids,
  };
}
