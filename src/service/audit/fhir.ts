import type { AuditEventRecord } from '../../store/types';

/**
 * Audit events as FHIR R4 `AuditEvent` resources (docs/store-and-audit.md, `audit export --format fhir`),
 * the shape hospital audit repositories ingest. Pure: one record in, one resource out, and
 * nothing in the resource that is not in the record — an absent value (null ip, unknown native
 * id, no error code) leaves its element out, as FHIR requires (no nulls, no empty strings).
 * The validator in fhir-r4-auditevent.ts holds the R4 rules the output is tested against.
 *
 * Where R4 has no element for a record field, it is not sent: `steps`, `client.userAgent`,
 * `replayed` and the global `target.id` (it encodes source + native id, which are sent).
 */

export const FHIR_SYSTEMS = {
  eventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  restfulInteraction: 'http://hl7.org/fhir/restful-interaction',
  mutation: 'urn:staffgraph:mutation',
  sourceType: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  entityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  /** IHE BALP's entity type for the X-Request-Id of the request (profiles.ihe.net/ITI/BALP). */
  balpEntityType: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType',
  /** Global user ids of an `audit.reads` access event. */
  user: 'urn:staffgraph:user',
} as const;

export const actorSystem = (kind: string) => `urn:staffgraph:actor:${kind}`;
export const sourceSystem = (sourceId: string) => `urn:staffgraph:source:${sourceId}`;

/** Error codes of a failure the caller can fix (bad input, missing record, lost race, vendor gap): R4 "minor failure". */
const MINOR_FAILURES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'UNSUPPORTED_BY_VENDOR']);

type Json = Record<string, unknown>;

/** restful-interaction code and AuditEvent.action (C/R/U/D/E) of a record's action. */
export function interactionOf(action: string): { code: string; action: 'C' | 'U' | 'D' | 'E' } {
  if (action === 'createUser') return { code: 'create', action: 'C' };
  if (action === 'deleteUser') return { code: 'delete', action: 'D' };
  // An `audit.reads` access event is a query: BALP records queries as E(xecute) + search.
  if (action === 'read') return { code: 'search', action: 'E' };
  // Every other mutation changes an existing account (setUserActive, assign/remove, grant/update/revoke…).
  return { code: 'update', action: 'U' };
}

/** AuditEvent.outcome: 0 success, 4 minor, 8 serious, 12 major failure (required binding). */
export function outcomeCodeOf(e: Pick<AuditEventRecord, 'outcome' | 'errorCode'>): '0' | '4' | '8' | '12' {
  switch (e.outcome) {
    case 'SUCCESS':
      return '0';
    case 'FAILURE':
      return e.errorCode !== null && MINOR_FAILURES.has(e.errorCode) ? '4' : '8';
    case 'DENIED':
      return '8';
    default:
      // UNKNOWN (the vendor never confirmed) and PENDING (still in flight, or a crash not yet recovered).
      return '12';
  }
}

export function toFhirAuditEvent(e: AuditEventRecord): Json {
  const interaction = interactionOf(e.action);
  const subtype: Json[] = [{ system: FHIR_SYSTEMS.restfulInteraction, code: interaction.code, display: interaction.code }];
  if (e.action !== 'read') subtype.push({ system: FHIR_SYSTEMS.mutation, code: e.action });
  const outcomeDesc = e.errorCode ?? (e.outcome === 'PENDING' ? 'PENDING' : null);
  return compact({
    resourceType: 'AuditEvent',
    id: e.id,
    type: { system: FHIR_SYSTEMS.eventType, code: 'rest', display: 'RESTful Operation' },
    subtype,
    action: interaction.action,
    recorded: e.at.toISOString(),
    outcome: outcomeCodeOf(e),
    outcomeDesc,
    agent: [
      {
        who: { identifier: { system: actorSystem(e.actor.kind), value: e.actor.id }, display: e.actor.name },
        requestor: true,
        network: e.client.ip ? { address: e.client.ip, type: '2' } : null,
      },
    ],
    source: {
      observer: { display: 'staffgraph' },
      type: [{ system: FHIR_SYSTEMS.sourceType, code: '4', display: 'Application Server' }],
    },
    entity: [...targetEntities(e), requestEntity(e)],
  });
}

/** A Bundle of type `collection` with each event as an entry, fullUrl `urn:uuid:<id>`. */
export function toFhirBundle(events: readonly AuditEventRecord[]): Json {
  return compact({ resourceType: 'Bundle', type: 'collection', entry: events.map(toBundleEntry) });
}

export function toBundleEntry(e: AuditEventRecord): Json {
  return { fullUrl: `urn:uuid:${e.id}`, resource: toFhirAuditEvent(e) };
}

/** The account the attempt was about (with the names of the fields it changed), or each user a read returned. */
function targetEntities(e: AuditEventRecord): Json[] {
  const systemObject = { system: FHIR_SYSTEMS.entityType, code: '2', display: 'System Object' };
  if (e.action === 'read') {
    return e.userIds.map((id) => ({ what: { identifier: { system: FHIR_SYSTEMS.user, value: id } }, type: systemObject }));
  }
  const identifier = { system: e.sourceId ? sourceSystem(e.sourceId) : null, value: e.target.nativeId };
  const detail = e.changedFields.map((name) => ({ type: 'changedField', valueString: name }));
  // Refused before its source was known and changing nothing: there is nothing to say about a target.
  if (identifier.system === null && identifier.value === null && detail.length === 0) return [];
  return [{ what: { identifier }, type: systemObject, detail }];
}

function requestEntity(e: AuditEventRecord): Json {
  return { what: { identifier: { value: e.requestId } }, type: { system: FHIR_SYSTEMS.balpEntityType, code: 'XrequestId' } };
}

/**
 * Drops null, undefined, '' and empty arrays/objects, recursively: FHIR JSON has no nulls and no
 * empty elements (ele-1), so an absent record value simply has no element.
 */
function compact<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(compact).filter((v) => !isEmpty(v)) as T;
  }
  if (typeof value === 'object' && value !== null) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) {
      const c = compact(v);
      if (!isEmpty(c)) out[k] = c;
    }
    return out as T;
  }
  return value;
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}
