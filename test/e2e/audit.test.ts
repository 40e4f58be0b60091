import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import { makeCallers, type TestCallers } from '../support/callers';
import type { AuditEventRecord } from '../../src/store/types';

// End-to-end tier: docs/store-and-audit.md audit events from the write pipeline's single exit, against the
// running simulators and a real (embedded PostgreSQL) store.
let stack: Stack;
let callers: TestCallers;
const someone: Record<string, string> = {};
const CANARY_PASSWORD = 'Canary-Pa55word!xyzQ';
const CANARY_SSN = '987654321';

before(async () => {
  callers = await makeCallers([
    { name: 'admin', scopes: ['users:read', 'users:pii', 'users:write', 'audit:read'] },
    { name: 'reader', scopes: ['users:read'] },
    { name: 'auditor', scopes: ['audit:read'] },
  ]);
  stack = await startStack({ users: 6, auth: callers.auth });
  const res = await stack.gql(`{ users(first: 100) { nodes { id source { id } } } }`, {}, callers.key('admin'));
  for (const n of res.body.data!.users.nodes) someone[n.source.id] ??= n.id;
});
after(() => stack.close());
afterEach(() => stack.resetAll());

/** The events written since `mark` (newest first in the store; returned oldest first). */
async function eventsSince(mark: number): Promise<AuditEventRecord[]> {
  const page = await stack.store.audit.list({}, 100, null);
  return page.events.slice(0, (await stack.store.audit.count()) - mark).reverse();
}

async function attempt(query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  const mark = await stack.store.audit.count();
  const res = await stack.gql(query, variables, headers);
  const events = await eventsSince(mark);
  assert.equal(events.length, 1, `exactly one event: ${JSON.stringify(events.map((e) => e.outcome))} ${res.text.slice(0, 200)}`);
  return { res, event: events[0]! };
}

const SET_ACTIVE = `mutation($id: ID!, $active: Boolean!) { setUserActive(id: $id, active: $active) { userErrors { code field } steps { method route status } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { userErrors { code field } } }`;

describe('one audit event per account-changing attempt', () => {
  test('SUCCESS: actor, action, source, target, changed field names, steps, client', async () => {
    const { event, res } = await attempt(SET_ACTIVE, { id: someone.coremr, active: true }, { ...callers.key('admin'), 'user-agent': 'hr-job/1.0' });
    assert.deepEqual(res.body.data!.setUserActive.userErrors, []);
    assert.equal(event.outcome, 'SUCCESS');
    assert.equal(event.errorCode, null);
    assert.deepEqual(event.actor, { kind: 'API_KEY', id: 'admin', name: 'admin' });
    assert.equal(event.action, 'setUserActive');
    assert.equal(event.sourceId, 'coremr');
    assert.equal(event.target.id, someone.coremr);
    assert.ok(event.target.nativeId);
    assert.deepEqual(event.changedFields, ['active']);
    assert.deepEqual(event.steps.map((s) => s.method), res.body.data!.setUserActive.steps.map((s: any) => s.method));
    assert.ok(event.steps.every((s) => s.route.startsWith('/') && !s.route.includes(event.target.nativeId!)), 'route templates only');
    assert.equal(event.client.userAgent, 'hr-job/1.0');
    assert.match(event.client.ip ?? '', /127\.0\.0\.1/);
    assert.ok(event.requestId === res.headers.get('x-request-id'));
    assert.ok(Date.now() - event.at.getTime() < 60_000);
  });

  test('FAILURE on validation (class-validator, before the resolver) and on a vendor rule: no vendor call', async () => {
    await stack.clearLogs();
    const invalid = await attempt(UPDATE, { id: someone.coremr, input: { email: 'not-an-email' } }, callers.key('admin'));
    assert.equal(invalid.res.body.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
    assert.equal(invalid.event.outcome, 'FAILURE');
    assert.equal(invalid.event.errorCode, 'BAD_USER_INPUT');
    assert.equal(invalid.event.action, 'updateUser');
    assert.deepEqual(invalid.event.changedFields, ['email']);
    // PresentationServices passwords are 6–19 characters: the vendor's own rule, checked before any call.
    const vendorRule = await attempt(UPDATE, { id: someone.presentationservices, input: { password: 'abc' } }, callers.key('admin'));
    assert.equal(vendorRule.event.outcome, 'FAILURE');
    assert.equal(vendorRule.event.errorCode, 'BAD_USER_INPUT');
    for (const [id, n] of Object.entries(await stack.vendorCalls())) assert.equal(n, 0, `no ${id} call`);
  });

  test('FAILURE on a vendor 500, with the step that failed', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'status', status: 500, method: 'PUT' });
    const { event } = await attempt(SET_ACTIVE, { id: someone.coremr, active: true }, callers.key('admin'));
    assert.equal(event.outcome, 'FAILURE');
    assert.equal(event.errorCode, 'SOURCE_UNAVAILABLE');
    assert.ok(event.steps.some((s) => s.method === 'PUT' && s.status === 500));
  });

  test('DENIED without users:write: no vendor call', async () => {
    await stack.clearLogs();
    const { event } = await attempt(SET_ACTIVE, { id: someone.coremr, active: false }, callers.key('reader'));
    assert.equal(event.outcome, 'DENIED');
    assert.equal(event.errorCode, 'FORBIDDEN');
    assert.deepEqual(event.actor, { kind: 'API_KEY', id: 'reader', name: 'reader' });
    assert.deepEqual(Object.values(await stack.vendorCalls()).filter((n) => n > 0), []);
  });

  test('UNKNOWN when the connection drops after the vendor applied the write', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'drop', when: 'after', method: 'PUT' });
    const { event } = await attempt(SET_ACTIVE, { id: someone.coremr, active: true }, callers.key('admin'));
    assert.equal(event.outcome, 'UNKNOWN');
    assert.equal(event.errorCode, 'OUTCOME_UNKNOWN');
  });

  test('an idempotent replay is an event too (replayed, no steps); createUser records the new user as target', async () => {
    const create = `mutation($input: CreateUserInput!, $key: String) { createUser(input: $input, idempotencyKey: $key) { user { id } userErrors { code field message } } }`;
    const input = { source: 'icure', username: 'audit.canary', email: 'audit.canary@example.org', firstName: 'Audit', lastName: 'Canary', password: CANARY_PASSWORD };
    const first = await attempt(create, { input, key: 'k-audit-1' }, callers.key('admin'));
    assert.deepEqual(first.res.body.data!.createUser.userErrors, []);
    assert.equal(first.event.outcome, 'SUCCESS');
    assert.equal(first.event.target.id, first.res.body.data!.createUser.user.id);
    assert.ok(first.event.changedFields.includes('password'), 'the name of a write-only field is recorded');
    const again = await attempt(create, { input, key: 'k-audit-1' }, callers.key('admin'));
    assert.equal(again.event.replayed, true);
    assert.equal(again.event.outcome, 'SUCCESS');
    assert.deepEqual(again.event.steps, []);
  });

  test('no password, SSN or credential value in the store, the stream or the log (canaries)', async () => {
    await attempt(UPDATE, { id: someone.coremr, input: { password: CANARY_PASSWORD, ssn: CANARY_SSN } }, callers.key('admin'));
    const all: AuditEventRecord[] = [];
    await stack.store.audit.scan(null, (batch) => void all.push(...batch));
    const stored = JSON.stringify(all);
    const log = stack.logLines.join('\n');
    for (const canary of [CANARY_PASSWORD, CANARY_SSN, ...callers.secrets()]) {
      assert.ok(!stored.includes(canary), 'not in the store');
      assert.ok(!log.includes(canary), 'not in the log');
    }
  });

  test('strings are bounded and control characters escaped (a name cannot forge a stream line)', async () => {
    const forged = await callers.token({ scope: 'users:write', sub: 'svc\n{"level":"info","forged":true}', name: 'x'.repeat(5000) });
    const { event } = await attempt(SET_ACTIVE, { id: someone.coremr, active: true }, { authorization: `Bearer ${forged}` });
    assert.ok(!event.actor.id.includes('\n'));
    assert.match(event.actor.id, /\\u000a/);
    assert.ok(event.actor.name.length <= 256);
  });
});

describe('reading the trail', () => {
  const AUDIT = `query($filter: AuditEventFilter, $first: Int, $after: String) { auditEvents(filter: $filter, first: $first, after: $after) {
    nodes { id at actor { kind id name } action sourceId target { id nativeId } changedFields outcome errorCode steps { method route status } }
    edges { cursor } pageInfo { hasNextPage endCursor } } }`;

  test('auditEvents needs audit:read (an auditor needs nothing else); newest first; filters; cursor paging without loss or repeats', async () => {
    const denied = await stack.gql(AUDIT, {}, callers.key('reader'));
    assert.equal(denied.status, 403);
    assert.equal(denied.body.errors![0]!.extensions!.scope, 'audit:read');
    const auditorOnly = await stack.gql(AUDIT, { first: 1 }, callers.key('auditor'));
    assert.equal(auditorOnly.status, 200, 'audit:read alone is enough');
    assert.equal(auditorOnly.body.data!.auditEvents.nodes.length, 1);
    const auditorReadsUsers = await stack.gql(`{ users(first: 1) { nodes { id } } }`, {}, callers.key('auditor'));
    assert.equal(auditorReadsUsers.status, 403, 'but reading users still needs users:read');
    for (let i = 0; i < 3; i++) await stack.gql(SET_ACTIVE, { id: someone.presentationservices, active: true }, callers.key('admin'));
    const all = await stack.gql(AUDIT, { filter: { source: 'presentationservices', action: 'setUserActive' }, first: 100 }, callers.key('admin'));
    assert.equal(all.body.errors, undefined);
    const nodes = all.body.data!.auditEvents.nodes;
    assert.ok(nodes.length >= 3);
    const times = nodes.map((n: any) => Date.parse(n.at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    assert.ok(nodes.every((n: any) => n.sourceId === 'presentationservices' && n.action === 'setUserActive'));
    const paged: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page: any = await stack.gql(AUDIT, { filter: { source: 'presentationservices', action: 'setUserActive' }, first: 2, after }, callers.key('admin'));
      paged.push(...page.body.data.auditEvents.nodes.map((n: any) => n.id));
      if (!page.body.data.auditEvents.pageInfo.hasNextPage) break;
      after = page.body.data.auditEvents.pageInfo.endCursor;
    }
    assert.deepEqual(paged, nodes.map((n: any) => n.id), 'paging gives the same events, no loss or repeat');
    const denials = await stack.gql(AUDIT, { filter: { outcome: 'DENIED' } }, callers.key('admin'));
    assert.ok(denials.body.data!.auditEvents.nodes.every((n: any) => n.outcome === 'DENIED'));
    assert.ok(denials.body.data!.auditEvents.nodes.length >= 1);
  });
});

describe('audit.stream and audit.reads', () => {
  test('the JSON-lines stream has one parseable line per event; reads write one access event per request with the user ids', async () => {
    const dir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'sg-stream-'));
    const file = require('node:path').join(dir, 'audit.jsonl');
    const s = await startStack({ users: 3, audit: { stream: `file:${file}`, reads: true } });
    try {
      const users = await s.gql(`{ users(sources: ["coremr"], first: 2) { nodes { id } } }`);
      const ids = users.body.data!.users.nodes.map((n: any) => n.id);
      await s.gql(`mutation($id: ID!) { setUserActive(id: $id, active: true) { user { id } } }`, { id: ids[0] });
      const lines = require('node:fs').readFileSync(file, 'utf8').trim().split('\n').map((l: string) => JSON.parse(l));
      const reads = lines.filter((l: any) => l.action === 'read');
      assert.equal(reads.length, 2, 'the users query and the mutation payload each returned users');
      assert.deepEqual(reads[0].userIds, ids);
      assert.deepEqual(reads[1].userIds, [ids[0]]);
      const writes = lines.filter((l: any) => l.action === 'setUserActive');
      assert.equal(writes.length, 1);
      assert.equal(writes[0].outcome, 'SUCCESS');
      assert.equal(writes[0].kind, 'audit');
      assert.equal(await s.store.audit.count(), lines.length, 'every stored event is in the stream');
    } finally {
      await s.close();
    }
  });
});
