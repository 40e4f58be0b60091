import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WRITE_OPERATIONS } from '../../core/connector';
import type { AuditEventRecord, AuditOutcome } from '../../store/types';
import { FHIR_RULES, validateAuditEvent, validateBundle, type FhirRule, type FhirViolation } from './fhir-r4-auditevent';
import { FHIR_SYSTEMS, toFhirAuditEvent, toFhirBundle } from './fhir';

// Unit tier: the R4 rules first (each must be able to fail), then the mapping against them.

type Json = Record<string, any>;

/** A conforming R4 AuditEvent, written by hand from the R4 spec (not by the mapper). */
function validResource(): Json {
  return {
    resourceType: 'AuditEvent',
    id: 'example-1',
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'update' }],
    action: 'U',
    recorded: '2024-05-01T10:00:00.123+02:00',
    outcome: '0',
    agent: [{ who: { identifier: { system: 'urn:example', value: 'x' }, display: 'X' }, requestor: true, network: { address: '10.0.0.1', type: '2' } }],
    source: { observer: { display: 'example' }, type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4' }] },
    entity: [{ what: { identifier: { value: 'u1' } }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2' }, detail: [{ type: 'changedField', valueString: 'email' }] }],
  };
}

function rules(violations: FhirViolation[]): FhirRule[] {
  return [...new Set(violations.map((v) => v.rule))].sort();
}

interface Case {
  name: string;
  mutate: (r: Json) => void;
  /** Every rule the resulting resource breaks, and one path that must be named. */
  rules: FhirRule[];
  path: string;
}

const AUDIT_EVENT_CASES: Case[] = [
  { name: 'wrong resourceType', mutate: (r) => (r.resourceType = 'Observation'), rules: ['resourceType'], path: 'AuditEvent.resourceType' },
  { name: 'no resourceType', mutate: (r) => delete r.resourceType, rules: ['cardinality-min', 'resourceType'], path: 'AuditEvent.resourceType' },
  { name: 'unknown top-level element', mutate: (r) => (r.actor = { id: 'x' }), rules: ['unknown-element'], path: 'AuditEvent.actor' },
  { name: 'unknown element in an agent', mutate: (r) => (r.agent[0].userAgent = 'curl'), rules: ['unknown-element'], path: 'AuditEvent.agent[0].userAgent' },
  { name: 'unknown element in a Coding', mutate: (r) => (r.type.label = 'x'), rules: ['unknown-element'], path: 'AuditEvent.type.label' },
  { name: 'no type (1..1)', mutate: (r) => delete r.type, rules: ['cardinality-min'], path: 'AuditEvent.type' },
  { name: 'no recorded (1..1)', mutate: (r) => delete r.recorded, rules: ['cardinality-min'], path: 'AuditEvent.recorded' },
  { name: 'no agent (1..*)', mutate: (r) => delete r.agent, rules: ['cardinality-min'], path: 'AuditEvent.agent' },
  { name: 'agent without requestor (1..1)', mutate: (r) => delete r.agent[0].requestor, rules: ['cardinality-min'], path: 'AuditEvent.agent[0].requestor' },
  { name: 'no source (1..1)', mutate: (r) => delete r.source, rules: ['cardinality-min'], path: 'AuditEvent.source' },
  { name: 'source without observer (1..1)', mutate: (r) => delete r.source.observer, rules: ['cardinality-min'], path: 'AuditEvent.source.observer' },
  { name: 'detail without value[x] (1..1)', mutate: (r) => delete r.entity[0].detail[0].valueString, rules: ['cardinality-min'], path: 'AuditEvent.entity[0].detail[0].value[x]' },
  { name: 'agent as an object, not an array', mutate: (r) => (r.agent = r.agent[0]), rules: ['cardinality-max'], path: 'AuditEvent.agent' },
  { name: 'type as an array (0..1)', mutate: (r) => (r.type = [r.type]), rules: ['cardinality-max'], path: 'AuditEvent.type' },
  { name: 'recorded without a time zone', mutate: (r) => (r.recorded = '2024-05-01T10:00:00'), rules: ['datatype'], path: 'AuditEvent.recorded' },
  { name: 'recorded without seconds', mutate: (r) => (r.recorded = '2024-05-01T10:00Z'), rules: ['datatype'], path: 'AuditEvent.recorded' },
  { name: 'recorded as a date only', mutate: (r) => (r.recorded = '2024-05-01'), rules: ['datatype'], path: 'AuditEvent.recorded' },
  { name: 'requestor as a string', mutate: (r) => (r.agent[0].requestor = 'true'), rules: ['datatype'], path: 'AuditEvent.agent[0].requestor' },
  { name: 'outcome as a number', mutate: (r) => (r.outcome = 0), rules: ['datatype'], path: 'AuditEvent.outcome' },
  { name: 'id with a slash', mutate: (r) => (r.id = 'a/b'), rules: ['datatype'], path: 'AuditEvent.id' },
  { name: 'uri with a space', mutate: (r) => (r.type.system = 'urn:a b'), rules: ['datatype'], path: 'AuditEvent.type.system' },
  { name: 'Reference as a string', mutate: (r) => (r.source.observer = 'staffgraph'), rules: ['datatype'], path: 'AuditEvent.source.observer' },
  { name: 'identifier as a string', mutate: (r) => (r.entity[0].what.identifier = 'u1'), rules: ['datatype'], path: 'AuditEvent.entity[0].what.identifier' },
  { name: 'action outside C R U D E', mutate: (r) => (r.action = 'X'), rules: ['binding'], path: 'AuditEvent.action' },
  { name: 'outcome outside 0 4 8 12', mutate: (r) => (r.outcome = '1'), rules: ['binding'], path: 'AuditEvent.outcome' },
  { name: 'network type outside 1–5', mutate: (r) => (r.agent[0].network.type = '6'), rules: ['binding'], path: 'AuditEvent.agent[0].network.type' },
  { name: 'identifier use outside its value set', mutate: (r) => (r.entity[0].what.identifier.use = 'primary'), rules: ['binding'], path: 'AuditEvent.entity[0].what.identifier.use' },
  { name: 'detail with two value types', mutate: (r) => (r.entity[0].detail[0].valueBase64Binary = 'ZW1haWw='), rules: ['choice'], path: 'AuditEvent.entity[0].detail[0].value[x]' },
  { name: 'detail with a value type R4 does not allow', mutate: (r) => (r.entity[0].detail[0] = { type: 'n', valueInteger: 1 }), rules: ['choice'], path: 'AuditEvent.entity[0].detail[0].valueInteger' },
  { name: 'a null', mutate: (r) => (r.outcomeDesc = null), rules: ['ele-1'], path: 'AuditEvent.outcomeDesc' },
  { name: 'an empty string', mutate: (r) => (r.agent[0].who.display = ''), rules: ['ele-1'], path: 'AuditEvent.agent[0].who.display' },
  { name: 'an empty array', mutate: (r) => (r.entity = []), rules: ['ele-1'], path: 'AuditEvent.entity' },
  { name: 'an empty object', mutate: (r) => (r.agent[0].who = {}), rules: ['ele-1'], path: 'AuditEvent.agent[0].who' },
  { name: 'Coding without system', mutate: (r) => delete r.type.system, rules: ['coding-system-code'], path: 'AuditEvent.type' },
  { name: 'Coding without code', mutate: (r) => delete r.source.type[0].code, rules: ['coding-system-code'], path: 'AuditEvent.source.type[0]' },
  { name: 'local reference without a contained resource', mutate: (r) => (r.agent[0].who = { reference: '#me' }), rules: ['ref-1'], path: 'AuditEvent.agent[0].who.reference' },
  { name: 'entity with both name and query', mutate: (r) => Object.assign(r.entity[0], { name: 'q', query: 'ZW1haWw=' }), rules: ['sev-1'], path: 'AuditEvent.entity[0]' },
];

function validBundle(): Json {
  const a = validResource();
  const b = { ...validResource(), id: 'example-2' };
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: 'urn:uuid:5f0c1e0e-9a4f-4b8e-8d7a-0b6c2f3e4d5a', resource: a },
      { fullUrl: 'urn:uuid:6a1d2f1f-0b5a-4c9f-9e8b-1c7d3a4f5e6b', resource: b },
    ],
  };
}

const BUNDLE_CASES: Case[] = [
  { name: 'wrong resourceType', mutate: (b) => (b.resourceType = 'List'), rules: ['resourceType'], path: 'Bundle.resourceType' },
  { name: 'no type (1..1)', mutate: (b) => delete b.type, rules: ['cardinality-min'], path: 'Bundle.type' },
  { name: 'type outside its value set', mutate: (b) => (b.type = 'bag'), rules: ['binding'], path: 'Bundle.type' },
  { name: 'unknown element', mutate: (b) => (b.events = []), rules: ['unknown-element'], path: 'Bundle.events' },
  { name: 'total in a collection', mutate: (b) => (b.total = 2), rules: ['bdl-1'], path: 'Bundle.total' },
  { name: 'entry.search in a collection', mutate: (b) => (b.entry[0].search = { mode: 'match' }), rules: ['bdl-2'], path: 'Bundle.entry[0].search' },
  { name: 'entry.request in a collection', mutate: (b) => (b.entry[0].request = { method: 'POST', url: 'AuditEvent' }), rules: ['bdl-3'], path: 'Bundle.entry[0].request' },
  { name: 'entry.response in a collection', mutate: (b) => (b.entry[0].response = { status: '201' }), rules: ['bdl-4'], path: 'Bundle.entry[0].response' },
  { name: 'entry without a resource', mutate: (b) => delete b.entry[1].resource, rules: ['bdl-5'], path: 'Bundle.entry[1]' },
  { name: 'duplicate fullUrl', mutate: (b) => (b.entry[1].fullUrl = b.entry[0].fullUrl), rules: ['bdl-7'], path: 'Bundle.entry[1].fullUrl' },
  { name: 'version-specific fullUrl', mutate: (b) => (b.entry[0].fullUrl = 'https://example.org/fhir/AuditEvent/1/_history/2'), rules: ['bdl-8'], path: 'Bundle.entry[0].fullUrl' },
  { name: 'urn:uuid: that is not a UUID', mutate: (b) => (b.entry[0].fullUrl = 'urn:uuid:not-a-uuid'), rules: ['uuid'], path: 'Bundle.entry[0].fullUrl' },
  { name: 'urn:uuid: in upper case', mutate: (b) => (b.entry[0].fullUrl = b.entry[0].fullUrl.toUpperCase().replace('URN:UUID:', 'urn:uuid:')), rules: ['uuid'], path: 'Bundle.entry[0].fullUrl' },
  { name: 'an AuditEvent entry that breaks a rule', mutate: (b) => delete b.entry[1].resource.recorded, rules: ['cardinality-min'], path: 'Bundle.entry[1].resource.recorded' },
];

describe('FHIR R4 AuditEvent rules (the validator)', () => {
  test('the hand-made R4 AuditEvent and Bundle conform', () => {
    assert.deepEqual(validateAuditEvent(validResource()), []);
    assert.deepEqual(validateBundle(validBundle()), []);
  });

  for (const c of AUDIT_EVENT_CASES) {
    test(`AuditEvent: ${c.name} → ${c.rules.join(', ')}`, () => {
      const r = validResource();
      c.mutate(r);
      const violations = validateAuditEvent(r);
      assert.deepEqual(rules(violations), [...c.rules].sort(), JSON.stringify(violations));
      assert.ok(violations.some((v) => v.path === c.path), `a violation at ${c.path}: ${JSON.stringify(violations)}`);
    });
  }

  for (const c of BUNDLE_CASES) {
    test(`Bundle: ${c.name} → ${c.rules.join(', ')}`, () => {
      const b = validBundle();
      c.mutate(b);
      const violations = validateBundle(b);
      assert.deepEqual(rules(violations), [...c.rules].sort(), JSON.stringify(violations));
      assert.ok(violations.some((v) => v.path === c.path), `a violation at ${c.path}: ${JSON.stringify(violations)}`);
    });
  }

  test('every rule the validator knows fails in at least one case above', () => {
    const exercised = new Set([...AUDIT_EVENT_CASES, ...BUNDLE_CASES].flatMap((c) => c.rules));
    assert.deepEqual(FHIR_RULES.filter((r) => !exercised.has(r)), []);
  });

  test('reports every violation, not just the first', () => {
    const r = validResource();
    delete r.recorded;
    r.action = 'X';
    r.agent[0].requestor = 'yes';
    r.extra = 1;
    const violations = validateAuditEvent(r);
    assert.deepEqual(
      violations.map((v) => `${v.rule} ${v.path}`).sort(),
      ['binding AuditEvent.action', 'cardinality-min AuditEvent.recorded', 'datatype AuditEvent.agent[0].requestor', 'unknown-element AuditEvent.extra'],
    );
  });

  test('not an object at all', () => {
    assert.deepEqual(rules(validateAuditEvent('AuditEvent')), ['datatype']);
    assert.deepEqual(rules(validateBundle([])), ['datatype']);
  });
});

// ---- The mapping ----

const AT = new Date('2024-05-01T08:00:00.123Z');
let seq = 0;

function record(overrides: Partial<AuditEventRecord> = {}): AuditEventRecord {
  seq += 1;
  return {
    id: `3f2b8c1a-5d4e-4f6a-8b7c-${String(seq).padStart(12, '0')}`,
    at: AT,
    requestId: 'req-7f3a',
    actor: { kind: 'API_KEY', id: 'hr-offboarding', name: 'HR offboarding' },
    action: 'setUserActive',
    sourceId: 'coremr',
    target: { id: 'WyJVc2VyIiwiY29yZW1yIiwiamRvZSJd', nativeId: 'jdoe' },
    changedFields: ['active'],
    outcome: 'SUCCESS',
    errorCode: null,
    steps: [{ method: 'PUT', route: '/users/{username}', status: 200 }],
    client: { ip: '127.0.0.1', userAgent: 'hr-job/1.0' },
    replayed: false,
    userIds: [],
    ...overrides,
  };
}

const OUTCOMES: Array<{ outcome: AuditOutcome; errorCode: string | null; code: string }> = [
  { outcome: 'SUCCESS', errorCode: null, code: '0' },
  { outcome: 'FAILURE', errorCode: 'BAD_USER_INPUT', code: '4' },
  { outcome: 'FAILURE', errorCode: 'NOT_FOUND', code: '4' },
  { outcome: 'FAILURE', errorCode: 'CONFLICT', code: '4' },
  { outcome: 'FAILURE', errorCode: 'UNSUPPORTED_BY_VENDOR', code: '4' },
  { outcome: 'FAILURE', errorCode: 'SOURCE_UNAVAILABLE', code: '8' },
  { outcome: 'FAILURE', errorCode: 'AUDIT_UNAVAILABLE', code: '8' },
  { outcome: 'DENIED', errorCode: 'FORBIDDEN', code: '8' },
  { outcome: 'UNKNOWN', errorCode: 'OUTCOME_UNKNOWN', code: '12' },
  { outcome: 'PENDING', errorCode: null, code: '12' },
];

const ACTIONS: Array<{ action: string; code: string; interaction: string }> = [
  ...WRITE_OPERATIONS.map((op) => ({
    action: op,
    code: op === 'createUser' ? 'C' : op === 'deleteUser' ? 'D' : 'U',
    interaction: op === 'createUser' ? 'create' : op === 'deleteUser' ? 'delete' : 'update',
  })),
  { action: 'read', code: 'E', interaction: 'search' },
];

/** Every record shape the mapper must handle: each outcome × each action, plus the edge cases of absent values. */
function sample(): AuditEventRecord[] {
  const events: AuditEventRecord[] = [];
  for (const o of OUTCOMES) for (const a of ACTIONS) {
    const read = a.action === 'read';
    events.push(record({ action: a.action, outcome: o.outcome, errorCode: o.errorCode, ...(read ? { sourceId: null, target: { id: null, nativeId: null }, changedFields: [], userIds: ['WyJVc2VyIiwiY29yZW1yIiwiamRvZSJd'] } : {}) }));
  }
  events.push(record({ action: 'createUser', outcome: 'FAILURE', errorCode: 'BAD_USER_INPUT', target: { id: null, nativeId: null }, changedFields: ['email', 'username'] }));
  events.push(record({ action: 'updateUser', outcome: 'DENIED', errorCode: 'FORBIDDEN', sourceId: null, target: { id: null, nativeId: null }, changedFields: [] }));
  events.push(record({ actor: { kind: 'NONE', id: 'anonymous', name: 'anonymous' }, client: { ip: null, userAgent: null }, steps: [], replayed: true }));
  events.push(record({ actor: { kind: 'JWT', id: 'auth0|abc', name: 'Dr. \\u000aEve' }, client: { ip: '::1', userAgent: null } }));
  events.push(record({ action: 'read', sourceId: null, target: { id: null, nativeId: null }, changedFields: [], userIds: [] }));
  return events;
}

describe('toFhirAuditEvent / toFhirBundle', () => {
  test('every outcome × every action maps to a conforming R4 AuditEvent', () => {
    const events = sample();
    assert.equal(events.length, OUTCOMES.length * ACTIONS.length + 5);
    for (const e of events) {
      assert.deepEqual(validateAuditEvent(toFhirAuditEvent(e)), [], `${e.action} ${e.outcome} ${e.errorCode}`);
    }
  });

  test('the Bundle of them all conforms, one entry per event, fullUrl urn:uuid:<id>', () => {
    const events = sample();
    const bundle = toFhirBundle(events) as Json;
    assert.deepEqual(validateBundle(bundle), []);
    assert.equal(bundle.type, 'collection');
    assert.deepEqual(bundle.entry.map((x: Json) => x.fullUrl), events.map((e) => `urn:uuid:${e.id}`));
    assert.deepEqual(bundle.entry.map((x: Json) => x.resource.id), events.map((e) => e.id));
  });

  test('an empty Bundle has no entry element (no empty arrays) and conforms', () => {
    assert.deepEqual(toFhirBundle([]), { resourceType: 'Bundle', type: 'collection' });
    assert.deepEqual(validateBundle(toFhirBundle([])), []);
  });

  for (const o of OUTCOMES) {
    test(`outcome ${o.outcome}${o.errorCode ? ` ${o.errorCode}` : ''} → ${o.code}`, () => {
      const r = toFhirAuditEvent(record({ outcome: o.outcome, errorCode: o.errorCode })) as Json;
      assert.equal(r.outcome, o.code);
      assert.equal(r.outcomeDesc, o.errorCode ?? (o.outcome === 'PENDING' ? 'PENDING' : undefined));
      if (o.outcome === 'SUCCESS') assert.ok(!('outcomeDesc' in r), 'no outcomeDesc on success');
    });
  }

  for (const a of ACTIONS) {
    test(`action ${a.action} → ${a.code}, subtype ${a.interaction}`, () => {
      const r = toFhirAuditEvent(record({ action: a.action })) as Json;
      assert.equal(r.action, a.code);
      assert.deepEqual(r.type, { system: FHIR_SYSTEMS.eventType, code: 'rest', display: 'RESTful Operation' });
      const expected: Json[] = [{ system: FHIR_SYSTEMS.restfulInteraction, code: a.interaction, display: a.interaction }];
      if (a.action !== 'read') expected.push({ system: 'urn:staffgraph:mutation', code: a.action });
      assert.deepEqual(r.subtype, expected);
    });
  }

  test('agent, source and target entity carry the record', () => {
    const e = record({ changedFields: ['email', 'phone'] });
    const r = toFhirAuditEvent(e) as Json;
    assert.equal(r.id, e.id);
    assert.equal(r.recorded, '2024-05-01T08:00:00.123Z');
    assert.deepEqual(r.agent, [
      {
        who: { identifier: { system: 'urn:staffgraph:actor:API_KEY', value: 'hr-offboarding' }, display: 'HR offboarding' },
        requestor: true,
        network: { address: '127.0.0.1', type: '2' },
      },
    ]);
    assert.deepEqual(r.source, { observer: { display: 'staffgraph' }, type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }] });
    assert.deepEqual(r.entity[0], {
      what: { identifier: { system: 'urn:staffgraph:source:coremr', value: 'jdoe' } },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
      detail: [
        { type: 'changedField', valueString: 'email' },
        { type: 'changedField', valueString: 'phone' },
      ],
    });
    assert.deepEqual(r.entity[1], { what: { identifier: { value: 'req-7f3a' } }, type: { system: FHIR_SYSTEMS.balpEntityType, code: 'XrequestId' } });
    assert.equal(r.entity.length, 2);
  });

  test('absent values leave their elements out: no ip → no network; unknown target → no entity for it', () => {
    const r = toFhirAuditEvent(record({ sourceId: null, target: { id: null, nativeId: null }, changedFields: [], client: { ip: null, userAgent: null }, errorCode: null })) as Json;
    assert.ok(!('network' in r.agent[0]));
    assert.equal(r.entity.length, 1, 'only the request id');
    assert.equal(r.entity[0].type.code, 'XrequestId');
    const created = toFhirAuditEvent(record({ action: 'createUser', outcome: 'FAILURE', errorCode: 'BAD_USER_INPUT', target: { id: null, nativeId: null }, changedFields: ['email'] })) as Json;
    assert.deepEqual(created.entity[0].what, { identifier: { system: 'urn:staffgraph:source:coremr' } }, 'the source is known, the native id is not');
  });

  test('a read (audit.reads access event) lists the users it returned as entities', () => {
    const ids = ['WyJVc2VyIiwiY29yZW1yIiwiYSJd', 'WyJVc2VyIiwiY29yZW1yIiwiYiJd'];
    const r = toFhirAuditEvent(record({ action: 'read', sourceId: null, target: { id: null, nativeId: null }, changedFields: [], userIds: ids })) as Json;
    assert.deepEqual(r.entity.slice(0, 2).map((x: Json) => x.what.identifier), ids.map((value) => ({ system: 'urn:staffgraph:user', value })));
  });

  test('nothing that is not in the record: every string is a record value or a fixed code of the mapping', () => {
    const FIXED = new Set<string>([
      'AuditEvent', 'rest', 'RESTful Operation', 'create', 'update', 'delete', 'search', 'C', 'U', 'D', 'E', '0', '4', '8', '12', 'PENDING',
      '2', 'staffgraph', '4', 'Application Server', 'System Object', 'changedField', 'XrequestId', ...Object.values(FHIR_SYSTEMS),
    ]);
    for (const e of sample()) {
      const fromRecord = new Set<string>([
        e.id, e.at.toISOString(), e.requestId, e.actor.id, e.actor.name, `urn:staffgraph:actor:${e.actor.kind}`, e.action,
        ...(e.sourceId ? [`urn:staffgraph:source:${e.sourceId}`] : []), ...(e.target.nativeId ? [e.target.nativeId] : []),
        ...e.changedFields, ...e.userIds, ...(e.errorCode ? [e.errorCode] : []), ...(e.client.ip ? [e.client.ip] : []),
      ]);
      for (const s of strings(toFhirAuditEvent(e))) assert.ok(FIXED.has(s) || fromRecord.has(s), `"${s}" is neither in the record nor a fixed code`);
      const text = JSON.stringify(toFhirAuditEvent(e));
      assert.ok(!text.includes('null') && !text.includes('undefined'));
      if (e.client.userAgent) assert.ok(!text.includes(e.client.userAgent), 'no user agent: R4 has no element for it');
      for (const step of e.steps) assert.ok(!text.includes(step.route), 'no vendor routes');
    }
  });
});

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (typeof v === 'object' && v !== null) return Object.values(v).flatMap(strings);
  return [];
}
