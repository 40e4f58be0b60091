import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/core/logger';
import { VENDORS } from '../../src/vendors/registry';
import { configForSimulators, startApp } from '../../src/app';
import { startStack, type Stack } from '../support/stack';
import { makeCallers, type TestCallers } from '../support/callers';

/**
 * The access log (docs/observability.md): exactly one `request` line per /graphql request —
 * answered, failed in part, or refused before Apollo — with the operation, status, error codes and
 * the vendor calls per source as the simulators saw them; and never the query text, the variables
 * or anything a result held (a user's e-mail, name, username).
 */
let stack: Stack;
let callers: TestCallers;
let auth: Record<string, string>;

before(async () => {
  callers = await makeCallers([{ name: 'reader', scopes: ['users:read', 'users:pii'] }]);
  stack = await startStack({ users: 30, auth: callers.auth, server: { limits: { maxBodyBytes: 4096 } } });
  auth = callers.key('reader');
  // Warm every source: a token or login is fetched once per connector, shared by all requests,
  // so it is nobody's vendor call (it carries no request context) and the counts below exclude it.
  for (const id of Object.keys(stack.sims)) await stack.gql(`{ users(first: 1, sources: ["${id}"]) { edges { node { id } } } }`, {}, auth);
});
after(() => stack.close());

type Line = Record<string, string | number | boolean | null>;

const parsed = () => stack.logLines.map((l) => JSON.parse(l) as Line);

/**
 * The request lines for one request id. The line is written when the response closes, which may be
 * a moment after the client has read the body, so this waits briefly for it (and a little longer,
 * so a second line for the same request would be seen too).
 */
async function linesFor(requestId: string): Promise<Line[]> {
  const deadline = Date.now() + 2_000;
  while (Date.now() < deadline && !parsed().some((l) => l.event === 'request' && l.requestId === requestId)) await sleep(5);
  await sleep(20);
  return parsed().filter((l) => l.event === 'request' && l.requestId === requestId);
}

async function oneLine(requestId: string | null): Promise<Line> {
  assert.ok(requestId, 'the answer has an x-request-id');
  const lines = await linesFor(requestId);
  assert.equal(lines.length, 1, `exactly one request line for ${requestId}: ${JSON.stringify(lines)}`);
  return lines[0]!;
}

/** The `vendorCalls` field as a map, next to the simulators' own request logs. */
function callsOf(line: Line): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of String(line.vendorCalls).split(',').filter(Boolean)) {
    const [id, n] = part.split('=');
    out[id!] = Number(n);
  }
  return out;
}

async function simulatorCalls(): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await stack.vendorCalls()).filter(([, n]) => n > 0));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const STAFF = `query StaffList($first: Int!) {
  users(first: $first) { edges { node { id username email displayName firstName lastName } } }
}`;

describe('access line of an answered request', () => {
  test('a named query: one line with its operation, 200, no errors, and the vendor calls each simulator logged', async () => {
    await stack.clearLogs();
    // 100 users walk past the 30 of each of the first sources, so several are asked.
    const res = await stack.gql(STAFF, { first: 100 }, auth);
    assert.equal(res.status, 200);
    assert.equal(res.body.errors, undefined);
    const line = await oneLine(res.headers.get('x-request-id'));
    assert.equal(line.level, 'info');
    assert.equal(line.operation, 'StaffList');
    assert.equal(line.operationType, 'query');
    assert.equal(line.status, 200);
    assert.equal(line.errors, '');
    assert.equal(line.outcome, 'ok');
    assert.equal(typeof line.ms, 'number');
    assert.ok((line.ms as number) >= 0);
    const sims = await simulatorCalls();
    assert.ok(Object.keys(sims).length >= 3, `several sources were asked: ${JSON.stringify(sims)}`);
    assert.deepEqual(callsOf(line), sims);
    assert.equal(line.vendorCallsTotal, Object.values(sims).reduce((a, b) => a + b, 0));
    // The field is one sorted scalar, not an object.
    assert.equal(line.vendorCalls, Object.keys(sims).sort().map((id) => `${id}=${sims[id]}`).join(','));
  });

  test('a source answering 503: the partial error code, outcome error, and its retries counted as calls', async () => {
    await stack.clearLogs();
    await stack.sims.icure!.control.fault({ kind: 'status', status: 503, method: 'GET' });
    try {
      const res = await stack.gql('query Partial { users(first: 3, sources: ["icure", "coremr"]) { edges { node { id } } } }', {}, auth);
      assert.equal(res.status, 200);
      const line = await oneLine(res.headers.get('x-request-id'));
      assert.equal(line.operation, 'Partial');
      assert.equal(line.errors, 'SOURCE_UNAVAILABLE');
      assert.equal(line.outcome, 'error');
      const sims = await simulatorCalls();
      assert.ok(sims.icure! >= 2, `the read was retried (${sims.icure})`);
      assert.deepEqual(callsOf(line), sims);
    } finally {
      await stack.sims.icure!.control.clearFaults();
    }
  });

  test('a vendor refusing the gateway’s credentials: a vendor_auth_failed warning with the source and status', async () => {
    await stack.clearLogs();
    const before = stack.logLines.length;
    await stack.sims.opendental!.control.fault({ kind: 'status', status: 401, method: 'GET' });
    try {
      const res = await stack.gql('query Od { users(first: 3, sources: ["opendental"]) { edges { node { id } } } }', {}, auth);
      const line = await oneLine(res.headers.get('x-request-id'));
      assert.equal(line.errors, 'SOURCE_AUTH_FAILED', res.text);
      assert.deepEqual(callsOf(line), await simulatorCalls());
      const warnings = stack.logLines.slice(before).map((l) => JSON.parse(l) as Line).filter((l) => l.event === 'vendor_auth_failed');
      assert.ok(warnings.length >= 1);
      assert.equal(warnings[0]!.level, 'warn');
      assert.equal(warnings[0]!.source, 'opendental');
      assert.equal(warnings[0]!.status, 401);
    } finally {
      await stack.sims.opendental!.control.clearFaults();
    }
  });

  test('errors without vendor calls: NOT_FOUND, a validation failure (400); nothing reached a simulator', async () => {
    await stack.clearLogs();
    const notFound = await stack.gql('query Types { userTypes(source: "no-such-source") { name } }', {}, auth);
    const a = await oneLine(notFound.headers.get('x-request-id'));
    assert.equal(a.errors, 'NOT_FOUND', notFound.text);
    assert.equal(a.outcome, 'error');
    assert.equal(a.vendorCalls, '');
    assert.equal(a.vendorCallsTotal, 0);

    const invalid = await stack.gql('query Bad { nope }', {}, auth);
    assert.equal(invalid.status, 400);
    const b = await oneLine(invalid.headers.get('x-request-id'));
    assert.equal(b.operation, 'Bad');
    assert.equal(b.operationType, 'query', 'as the document says, though it did not validate');
    assert.equal(b.status, 400);
    assert.equal(b.errors, 'GRAPHQL_VALIDATION_FAILED');
    assert.deepEqual(await simulatorCalls(), {});
  });

  test('a mutation is logged with its type', async () => {
    const res = await stack.gql('mutation Nope { deleteUser(id: "x") { id } }', {}, auth);
    const line = await oneLine(res.headers.get('x-request-id'));
    assert.equal(line.operation, 'Nope');
    assert.equal(line.operationType, 'mutation');
    assert.ok(line.errors !== '', 'refused or invalid');
  });
});

describe('access line of a refused request (answered before any resolver ran)', () => {
  test('401 without a credential, 413 over maxBodyBytes, 400 over maxDepth (8), 400 not JSON, 400 no query: one line each, refused, no vendor call', async () => {
    await stack.clearLogs();
    const cases: Array<{ init: RequestInit; status: number; code: string }> = [
      { init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ sources { id } }' }) }, status: 401, code: 'UNAUTHENTICATED' },
      { init: { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query: `{ sources { id } } # ${'x'.repeat(5000)}` }) }, status: 413, code: 'QUERY_TOO_COMPLEX' },
      { init: { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ query: 'query Deep { users(first: 1) { edges { node { facilityAccess { facility { source { capabilities { operations { operation } } } } } } } } }' }) }, status: 400, code: 'QUERY_TOO_COMPLEX' },
      { init: { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"query": ' }, status: 400, code: 'BAD_REQUEST' },
      // JSON but no query: Apollo answers before any plugin hook runs.
      { init: { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"variables": {}}' }, status: 400, code: 'BAD_REQUEST' },
    ];
    for (const c of cases) {
      const res = await fetch(stack.url, c.init);
      await res.text();
      assert.equal(res.status, c.status, c.code);
      const line = await oneLine(res.headers.get('x-request-id'));
      assert.equal(line.status, c.status);
      assert.equal(line.errors, c.code);
      assert.equal(line.outcome, 'refused');
      assert.equal(line.vendorCallsTotal, 0);
    }
    assert.deepEqual(await simulatorCalls(), {}, 'no refused request reached a vendor');
  });

  test('the IDE page (GET /graphql from a browser) is not a GraphQL request: no line', async () => {
    const before = parsed().filter((l) => l.event === 'request').length;
    const page = await fetch(stack.url, { headers: { accept: 'text/html' } });
    await page.text();
    await sleep(50);
    assert.equal(parsed().filter((l) => l.event === 'request').length, before);
  });

  test('503 while draining: one refused line with SHUTTING_DOWN', async () => {
    const lines: string[] = [];
    const sims = Object.entries(stack.sims).map(([id, s]) => ({ id, sim: s.sim }));
    const app = await startApp(configForSimulators(sims), VENDORS, createLogger('info', (l) => lines.push(l)), { store: stack.store });
    const coremr = stack.sims.coremr!.control;
    try {
      // The server stops listening once nothing is in flight, so one slow request keeps it open.
      await coremr.clearRequests();
      await coremr.fault({ kind: 'latency', latencyMs: 600, method: 'GET' });
      const slow = fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query Slow { users(first: 2, sources: ["coremr"]) { edges { node { id } } } }' }) });
      while ((await coremr.requests()).length === 0) await sleep(10);
      const drained = app.drain(5_000);
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ sources { id } }' }) });
      await res.text();
      assert.equal(res.status, 503);
      assert.equal((await slow).status, 200);
      await drained;
      await sleep(20);
      const request = lines.map((l) => JSON.parse(l) as Line).filter((l) => l.event === 'request' && l.status === 503);
      assert.equal(request.length, 1);
      assert.equal(request[0]!.status, 503);
      assert.equal(request[0]!.errors, 'SHUTTING_DOWN');
      assert.equal(request[0]!.outcome, 'refused');
      assert.equal(request[0]!.requestId, res.headers.get('x-request-id'));
    } finally {
      await coremr.clearFaults();
      await app.close();
    }
  });
});

describe('what an access line never holds', () => {
  test('no query text, no variable value, no e-mail, name or username from a result — in any log line', async () => {
    const listed = await stack.gql<{ users: { edges: Array<{ node: Record<string, string | null> }> } }>(STAFF, { first: 30 }, auth);
    const users = listed.body.data!.users.edges.map((e) => e.node);
    const someone = users.find((u) => u.email && u.lastName && u.lastName.length >= 4 && u.username && u.username.length >= 4);
    assert.ok(someone, 'a seeded user with an e-mail, a last name and a username');
    // Look that user up by e-mail in a variable: the value the caller sent, and what came back.
    const query = `query FindByEmail($filter: UserFilter) { users(first: 2, filter: $filter) { edges { node { id displayName email } } } }`;
    const found = await stack.gql(query, { filter: { email: someone.email } }, auth);
    await oneLine(found.headers.get('x-request-id'));
    const text = stack.logLines.join('\n');
    assert.ok(!text.toLowerCase().includes(someone.email!.toLowerCase()), 'no log line holds the e-mail, in any case');
    const forbidden = [someone.lastName!, someone.username!, someone.displayName!, someone.id!, 'users(first:', 'FindByEmail($filter', 'displayName', ...callers.secrets()];
    for (const f of forbidden) assert.ok(!text.includes(f), `no log line holds ${JSON.stringify(f)}`);
    // And the request lines carry only the documented fields.
    const fields = new Set(parsed().filter((l) => l.event === 'request').flatMap((l) => Object.keys(l)));
    assert.deepEqual([...fields].sort(), ['errors', 'event', 'level', 'ms', 'operation', 'operationType', 'outcome', 'requestId', 'status', 'time', 'vendorCalls', 'vendorCallsTotal']);
  });
});
