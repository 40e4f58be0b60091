import { unfilteredPageRows } from './loaders';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Connector, SourceConfig, StartedSimulator } from '../../core/connector';
import { backgroundContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import { createLogger, silentLogger } from '../../core/logger';
import type { UserRecord } from '../../core/model';
import { SimControl } from '../../sim/control';
import type { LoggedRequest } from '../../sim/types';
import { createIcureConnector } from './connector';
import examples from './fixtures/users.json';
import { vendor } from './index';

/**
 * The iCure connector (reader and writer) against a running simulator: values, the exact vendor
 * requests (method, path, query, body, Authorization) and the requests that must not happen.
 */

const AWKWARD = "o'brien+ward 7&x=1%#é/?@example.org";
let sim: StartedSimulator;
let control: SimControl;
let connector: Connector;

interface Dto {
  id: string;
  rev?: string;
  login?: string;
  deletionDate?: number;
  status?: string;
  [k: string]: unknown;
}

function sourceConfig(auth: Record<string, unknown>): SourceConfig {
  const parsed = vendor.parseSourceConfig({ auth, options: sim.options }, '.');
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return { id: 'icure-test', vendor: 'icure', name: 'iCure test', baseUrl: sim.baseUrl, auth: parsed.auth, http: sim.http, options: parsed.options };
}

const ctx = () => backgroundContext(10_000);
const basicHeader = () => 'Basic ' + Buffer.from(`${sim.auth.username}:${sim.auth.password}`).toString('base64');
const everyUser = { userTypes: false, facilityAccess: false };

/** Every stored user in vendor order, read directly (the log is cleared afterwards). */
async function vendorUsers(): Promise<Dto[]> {
  const res = await fetch(`${sim.origin}/rest/v2/user?limit=100000`, { headers: { authorization: basicHeader() } });
  const rows = ((await res.json()) as { rows: Dto[] }).rows;
  await control.clearRequests();
  return rows;
}
const live = (rows: Dto[]) => rows.filter((u) => u.deletionDate === undefined);

async function vendorCall(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(sim.origin + path, {
    method,
    headers: { authorization: basicHeader(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  await control.clearRequests();
  return text ? JSON.parse(text) : undefined;
}

async function stored(id: string): Promise<Dto> {
  return (await control.call('GET', `/__sim/users/${id}`)).body as Dto;
}

const line = (r: LoggedRequest) => `${r.method} ${r.path}${Object.keys(r.query).length ? '?' + new URLSearchParams(r.query as Record<string, string>).toString() : ''} ${r.status}`;

before(async () => {
  sim = await vendor.startSimulator({ port: 0, users: 300, seed: 3 });
  control = new SimControl(sim.origin);
  connector = vendor.createConnector(sourceConfig(sim.auth), { logger: silentLogger });
});
after(async () => {
  await connector.close();
  await sim.close();
});
beforeEach(async () => control.reset());

describe('reader: listUsers', () => {
  it('users(first:100){userTypes facilityAccess} is exactly one request: GET /rest/v2/user?limit=111 (10% over for soft-deleted rows)', async () => {
    const expected = live(await vendorUsers()).slice(0, 100);
    const reader = connector.reader(ctx());
    const page = await reader.listUsers({ filter: {}, after: null, first: 100, include: { userTypes: true, facilityAccess: true } });
    for (const u of page.users) {
      await reader.userTypesOf(u);
      assert.deepEqual(await reader.facilityAccessOf(u), []);
      assert.equal((await reader.user(u.nativeId))?.nativeId, u.nativeId, 'primed by the list');
    }
    const log = await control.requests();
    assert.equal(log.length, 1);
    assert.equal(log[0]!.method, 'GET');
    assert.equal(log[0]!.path, '/rest/v2/user');
    assert.deepEqual(log[0]!.query, { limit: '111' });
    assert.equal(log[0]!.headers.authorization, basicHeader());
    assert.deepEqual(page.users.map((u) => u.nativeId), expected.map((u) => u.id));
    assert.notEqual(page.next, null);
  });

  it('maps values and user types from roles', async () => {
    const reader = connector.reader(ctx());
    const emma = (await reader.user(examples.full.id))!;
    assert.equal(emma.displayName, 'Dr. Emma Janssens');
    assert.equal(emma.username, 'emma.janssens@example.org');
    assert.equal(emma.phone, '+32 475 12 34 56');
    assert.equal(emma.createdAt?.toISOString(), '2020-05-14T13:20:00.000Z');
    assert.equal(emma.identifiers.healthcarePartyId, examples.full.healthcarePartyId);
    assert.deepEqual((await reader.userTypesOf(emma)).map((t) => [t.nativeId, t.name]), [['HCP', 'HCP'], ['ADMIN', 'ADMIN']]);
    const lucas = (await reader.user(examples.disabled.id))!;
    assert.deepEqual([lucas.status, lucas.active], ['INACTIVE', false]);
    const amelia = (await reader.user(examples.registering.id))!;
    assert.deepEqual([amelia.status, amelia.active], ['PENDING_ACTIVATION', true]);
    assert.equal((await control.requests()).length, 3, 'userTypesOf made no request');
  });

  it('walks every page to the end, resuming from the cursor in a new request, without duplicates or gaps', async () => {
    const expected = live(await vendorUsers()).map((u) => u.id);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await connector.reader(ctx()).listUsers({ filter: {}, after, first: 50, include: everyUser });
      seen.push(...page.users.map((u) => u.nativeId));
      after = page.next;
      pages++;
    } while (after !== null);
    assert.deepEqual(seen, expected);
    const log = await control.requests();
    // Each gateway page starts with limit=unfilteredPageRows(50)=59; a top-up page (rare: only when more
    // soft-deleted rows than the margin fall inside a page) asks only for the rest.
    assert.equal(log.filter((r) => r.query.limit === String(unfilteredPageRows(50))).length, pages);
    assert.ok(log.every((r) => Number(r.query.limit) <= unfilteredPageRows(50)));
    const deletedRows = (await vendorUsers()).length - expected.length;
    assert.ok(log.length <= pages + deletedRows, 'at most one top-up page per soft-deleted row');
    assert.equal(log[0]!.query.startKey, undefined);
    assert.ok(log.slice(1).every((r) => typeof r.query.startKey === 'string' && typeof r.query.startDocumentId === 'string'));
  });

  it('resumes mid-page at a login that needs percent-encoding (startKey is the raw login)', async () => {
    const created = (await vendorCall('POST', '/rest/v2/user', { id: crypto.randomUUID(), login: AWKWARD })) as Dto;
    const ids = live(await vendorUsers()).map((u) => u.id);
    const at = ids.indexOf(created.id);
    assert.ok(at > 0);
    const first = await connector.reader(ctx()).listUsers({ filter: {}, after: null, first: at, include: everyUser });
    assert.deepEqual(JSON.parse(first.next!), { startKey: AWKWARD, startDocumentId: created.id });
    await control.clearRequests();
    const second = await connector.reader(ctx()).listUsers({ filter: {}, after: first.next, first: 3, include: everyUser });
    assert.deepEqual(second.users.map((u) => u.nativeId), ids.slice(at, at + 3));
    const [req] = await control.requests();
    assert.deepEqual(req!.query, { startKey: AWKWARD, startDocumentId: created.id, limit: String(unfilteredPageRows(3)) });
  });

  it('skips soft-deleted rows; the page margin absorbs them, and a top-up asks only for the rest', async () => {
    const before = live(await vendorUsers());
    // More deletions (12) than the margin of a 5-user page (8) so that a top-up page is needed.
    for (const u of before.slice(0, 12)) await vendorCall('DELETE', `/rest/v2/user/${u.id}`);
    const rows = await vendorUsers();
    const firstLimit = unfilteredPageRows(5);
    const liveInFirstPage = rows.slice(0, firstLimit).filter((u) => u.deletionDate === undefined).length;
    assert.ok(liveInFirstPage < 5, 'the seed puts enough deleted rows in the first page');
    const page = await connector.reader(ctx()).listUsers({ filter: {}, after: null, first: 5, include: everyUser });
    assert.deepEqual(page.users.map((u) => u.nativeId), live(rows).slice(0, 5).map((u) => u.id));
    const log = await control.requests();
    assert.equal(log.length, 2);
    assert.deepEqual(log[0]!.query, { limit: String(firstLimit) });
    assert.deepEqual(log[1]!.query, { startKey: rows[firstLimit]!.login, startDocumentId: rows[firstLimit]!.id, limit: String(unfilteredPageRows(5 - liveInFirstPage)) });
    assert.ok(page.users.every((u) => !before.slice(0, 12).some((d) => d.id === u.nativeId)));
  });

  it('pushes an email filter down to GET /rest/v2/user/byEmail/{email} and re-applies the filter', async () => {
    const reader = connector.reader(ctx());
    const page = await reader.listUsers({ filter: { email: 'Emma.Janssens@EXAMPLE.org' }, after: null, first: 50, include: everyUser });
    assert.deepEqual(page, { users: [page.users[0]], next: null });
    assert.equal(page.users[0]!.nativeId, examples.full.id);
    const log = await control.requests();
    assert.deepEqual(log.map(line), ['GET /rest/v2/user/byEmail/Emma.Janssens%40EXAMPLE.org 200']);
    assert.ok(log[0]!.headers.authorization);

    // Other filter fields still apply; a soft-deleted match and an unknown email give nothing.
    assert.deepEqual((await reader.listUsers({ filter: { email: 'emma.janssens@example.org', active: false }, after: null, first: 5, include: everyUser })).users, []);
    assert.deepEqual((await reader.listUsers({ filter: { email: examples.deleted.email }, after: null, first: 5, include: everyUser })).users, []);
    assert.deepEqual((await reader.listUsers({ filter: { email: 'nobody@example.org' }, after: null, first: 5, include: everyUser })).users, []);
    assert.equal((await control.requests()).filter((r) => r.path === '/rest/v2/user').length, 0, 'never a list scan');
  });

  it('applies other filters in the gateway with the same result as filtering everything', async () => {
    const rows = live(await vendorUsers());
    const page = await connector.reader(ctx()).listUsers({ filter: { status: 'PENDING_ACTIVATION' }, after: null, first: 1000, include: everyUser });
    assert.deepEqual(page.users.map((u) => u.nativeId), rows.filter((u) => u.status === 'REGISTERING').map((u) => u.id));
    assert.equal(page.next, null);
    assert.ok((await control.requests()).every((r) => r.path === '/rest/v2/user'));
  });

  it('rejects a cursor it did not make', async () => {
    await assert.rejects(connector.reader(ctx()).listUsers({ filter: {}, after: 'garbage', first: 5, include: everyUser }), (e: unknown) => e instanceof SourceError && e.code === 'BAD_USER_INPUT');
    assert.equal((await control.requests()).length, 0);
  });
});

describe('reader: user(id) and catalogs', () => {
  it('loads ids in parallel through the DataLoader, once each per request', async () => {
    const reader = connector.reader(ctx());
    const ids = [examples.full.id, examples.disabled.id, examples.registering.id];
    const users = await Promise.all([...ids, ids[0]!, ids[1]!].map((id) => reader.user(id)));
    assert.deepEqual(users.map((u) => u?.nativeId), [...ids, ids[0], ids[1]]);
    await reader.user(ids[2]!);
    const log = await control.requests();
    assert.deepEqual(log.map(line).sort(), ids.map((id) => `GET /rest/v2/user/${id} 200`).sort());
    assert.ok(log.every((r) => r.headers.authorization === basicHeader()));
  });

  it('answers null for a soft-deleted, unknown or path-unsafe id', async () => {
    const reader = connector.reader(ctx());
    assert.equal(await reader.user(examples.deleted.id), null);
    assert.equal(await reader.user('no-such-user'), null);
    assert.equal(await reader.user('..'), null);
    assert.deepEqual((await control.requests()).map(line), [`GET /rest/v2/user/${examples.deleted.id} 200`, 'GET /rest/v2/user/no-such-user 404']);
  });

  it('has no catalogs: userTypes() and facilities() are UNSUPPORTED_BY_VENDOR; a role resolves as a user type', async () => {
    const reader = connector.reader(ctx());
    await assert.rejects(reader.userTypes(), (e: unknown) => e instanceof SourceError && e.code === 'UNSUPPORTED_BY_VENDOR');
    await assert.rejects(reader.facilities(), (e: unknown) => e instanceof SourceError && e.code === 'UNSUPPORTED_BY_VENDOR');
    assert.deepEqual(await reader.userType('HCP'), { sourceId: 'icure-test', nativeId: 'HCP', name: 'HCP', description: null });
    assert.equal(await reader.facility('x'), null);
    assert.equal((await control.requests()).length, 0);
  });

  it('declares its capabilities', () => {
    const c = connector.capabilities;
    assert.deepEqual([c.userTypeCatalog, c.facilityCatalog, c.multipleUserTypes, c.multipleFacilities], [false, false, true, false]);
    assert.deepEqual(c.pushdownFilters, ['email']);
    for (const op of ['grantFacilityAccess', 'updateFacilityAccess', 'revokeFacilityAccess'] as const) {
      const w = c.writes[op];
      assert.equal(w.supported, false);
      assert.equal(!w.supported && w.alternative, 'iCure users have no facility access; use the healthcare party or group instead.');
    }
  });
});

describe('vendor failures', () => {
  it('maps 401 to SOURCE_AUTH_FAILED and reports health DOWN, without leaking the host or credentials', async () => {
    const bad = vendor.createConnector(sourceConfig({ username: sim.auth.username, password: 'wrong-password' }), { logger: silentLogger });
    try {
      await assert.rejects(bad.reader(ctx()).listUsers({ filter: {}, after: null, first: 5, include: everyUser }), (e: unknown) => {
        assert.ok(e instanceof SourceError);
        assert.equal(e.code, 'SOURCE_AUTH_FAILED');
        assert.equal(e.message.includes('127.0.0.1'), false);
        assert.equal(e.message.includes('wrong-password'), false);
        return true;
      });
      const health = await bad.health(ctx());
      assert.deepEqual([health.status, health.errorCode], ['DOWN', 'SOURCE_AUTH_FAILED']);
    } finally {
      await bad.close();
    }
    const ok = await connector.health(ctx());
    assert.equal(ok.status, 'UP');
    assert.deepEqual((await control.requests()).slice(-1).map(line), ['GET /rest/v2/user/current 200']);
  });

  it('maps malformed JSON to SOURCE_BAD_RESPONSE and 503 to SOURCE_UNAVAILABLE', async () => {
    await control.fault({ kind: 'malformed-json', method: 'GET', path: '^/rest/v2/user$', times: 1 });
    await assert.rejects(connector.reader(ctx()).listUsers({ filter: {}, after: null, first: 5, include: everyUser }), (e: unknown) => e instanceof SourceError && e.code === 'SOURCE_BAD_RESPONSE');
    await control.fault({ kind: 'status', status: 503, method: 'GET', path: '^/rest/v2/user/', times: 3 });
    const reader = connector.reader(ctx());
    await assert.rejects(reader.user(examples.full.id), (e: unknown) => e instanceof SourceError && e.code === 'SOURCE_UNAVAILABLE');
    // The failure was not cached: the next load in the same request asks again and succeeds.
    assert.equal((await reader.user(examples.full.id))?.nativeId, examples.full.id);
  });

  it('one malformed row in a page costs only itself: the others are listed, it is counted, and no cursor points at it', async () => {
    const row = (id: string, login: string) => ({ id, rev: '1-a', login, name: login, status: 'ACTIVE', roles: ['BASIC_USER'] });
    const body = { rows: [row('a1', 'alpha'), row('b1', 'bravo'), { id: 42, login: 'carol-private', roles: 'admin' }, row('d1', 'delta')] };
    await control.fault({ kind: 'status', status: 200, method: 'GET', path: '^/rest/v2/user$', body, times: 2 });
    const all = await connector.reader(ctx()).listUsers({ filter: {}, after: null, first: 10, include: everyUser });
    assert.deepEqual([all.users.map((u) => u.nativeId), all.skipped, all.next], [['a1', 'b1', 'd1'], 1, null]);
    assert.ok(!JSON.stringify(all).includes('carol-private'));
    // Stopping right before the bad row: the next position is the next good row.
    const two = await connector.reader(ctx()).listUsers({ filter: {}, after: null, first: 2, include: everyUser });
    assert.deepEqual([two.users.map((u) => u.nativeId), two.skipped], [['a1', 'b1'], 1]);
    assert.deepEqual(JSON.parse(two.next!), { startKey: 'delta', startDocumentId: 'd1' });
  });
});

describe('JWT mode', () => {
  let jwt: Connector;
  let clockOffsetMs = 0;
  const lines: string[] = [];
  before(() => {
    jwt = createIcureConnector(sourceConfig({ ...sim.auth, mode: 'jwt' }), { logger: createLogger('debug', (l) => lines.push(l)) }, () => Date.now() + clockOffsetMs);
  });
  after(async () => {
    await jwt.close();
    // Nothing secret reached a log line: no password, no token.
    assert.ok(lines.length > 0);
    for (const l of lines) {
      assert.equal(l.includes(String(sim.auth.password)), false);
      assert.equal(l.includes('eyJ'), false);
    }
  });
  beforeEach(() => {
    clockOffsetMs = 0;
  });

  const bearerOf = (r: LoggedRequest) => String(r.headers.authorization);

  it('logs in once per connector, shared by concurrent requests, and sends Bearer tokens', async () => {
    const ids = [examples.full.id, examples.disabled.id, examples.registering.id, examples.minimal.id];
    await Promise.all(ids.map((id) => jwt.reader(ctx()).user(id)));
    await jwt.reader(ctx()).user(examples.full.id);
    const log = await control.requests();
    const logins = log.filter((r) => r.path === '/rest/v2/auth/login');
    assert.equal(logins.length, 1);
    assert.deepEqual(JSON.parse(logins[0]!.body), { username: sim.auth.username, password: sim.auth.password });
    assert.equal(logins[0]!.headers.authorization, undefined);
    const gets = log.filter((r) => r.method === 'GET');
    assert.equal(gets.length, 5);
    assert.ok(gets.every((r) => /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/.test(bearerOf(r))));
    assert.equal(new Set(gets.map(bearerOf)).size, 1);
  });

  it('re-logs in once after a 401 and retries the call once', async () => {
    await jwt.reader(ctx()).user(examples.full.id);
    await control.clearRequests();
    await control.call('POST', '/__sim/tokens/expire');
    assert.equal((await jwt.reader(ctx()).user(examples.disabled.id))?.nativeId, examples.disabled.id);
    const log = await control.requests();
    assert.deepEqual(log.map(line), [`GET /rest/v2/user/${examples.disabled.id} 401`, 'POST /rest/v2/auth/login 200', `GET /rest/v2/user/${examples.disabled.id} 200`]);
    assert.notEqual(bearerOf(log[0]!), bearerOf(log[2]!));
  });

  it('refreshes with the Refresh-Token header shortly before the token expires', async () => {
    await jwt.reader(ctx()).user(examples.full.id);
    const before = (await control.requests()).filter((r) => r.method === 'GET').pop()!;
    await control.clearRequests();
    clockOffsetMs = 3_590_000; // 10 s before the one-hour token expires
    await jwt.reader(ctx()).user(examples.disabled.id);
    const log = await control.requests();
    assert.deepEqual(log.map(line), ['POST /rest/v2/auth/refresh 200', `GET /rest/v2/user/${examples.disabled.id} 200`]);
    assert.match(String(log[0]!.headers['refresh-token']), /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.notEqual(bearerOf(log[1]!), bearerOf(before));
  });

  it('logs in again when the refresh token is refused', async () => {
    await jwt.reader(ctx()).user(examples.full.id);
    await control.call('POST', '/__sim/tokens/expire', { refresh: true });
    await control.clearRequests();
    clockOffsetMs = 3_590_000;
    await jwt.reader(ctx()).user(examples.disabled.id);
    assert.deepEqual((await control.requests()).map(line), ['POST /rest/v2/auth/refresh 401', 'POST /rest/v2/auth/login 200', `GET /rest/v2/user/${examples.disabled.id} 200`]);
  });

  it('retries a write after a 401 (a 401 is not applied), without a token call among the steps', async () => {
    await jwt.reader(ctx()).user(examples.full.id);
    await control.call('POST', '/__sim/tokens/expire');
    await control.clearRequests();
    const r = jwt.reader(ctx());
    const out = await jwt.writer(ctx(), r).setUserActive!(examples.full.id, false);
    assert.deepEqual(out.userErrors, []);
    assert.equal(out.user?.active, false);
    assert.deepEqual((await control.requests()).map(line), [
      `GET /rest/v2/user/${examples.full.id} 401`,
      'POST /rest/v2/auth/login 200',
      `GET /rest/v2/user/${examples.full.id} 200`,
      'PUT /rest/v2/user 200',
    ]);
    assert.deepEqual(out.steps.map((s) => `${s.method} ${s.route} ${s.status}`), ['GET /rest/v2/user/{id} 401', 'GET /rest/v2/user/{id} 200', 'PUT /rest/v2/user 200']);
  });
});

describe('writer: validation (no request)', () => {
  const CASES: Array<[string, Parameters<NonNullable<ReturnType<Connector['writer']>['validate']>>[0], string]> = [
    ['create without username or email', { op: 'createUser', input: { firstName: 'A' } }, 'input.email'],
    ['create with a malformed email', { op: 'createUser', input: { email: 'not-an-email@' } }, 'input.email'],
    ['create with a title', { op: 'createUser', input: { email: 'a@example.org', title: 'RN' } }, 'input.title'],
    ['create with facilities', { op: 'createUser', input: { email: 'a@example.org', facilityIds: ['f1'] } }, 'input.facilityIds'],
    ['create with a blank role', { op: 'createUser', input: { email: 'a@example.org', userTypeIds: ['HCP', ' '] } }, 'input.userTypeIds'],
    ['create with a hash-shaped password', { op: 'createUser', input: { email: 'a@example.org', password: 'a'.repeat(64) } }, 'input.password'],
    ['update with half a name', { op: 'updateUser', nativeId: 'u1', input: { firstName: 'Ann' } }, 'input.lastName'],
    ['update with a malformed email', { op: 'updateUser', nativeId: 'u1', input: { email: 'x@@y' } }, 'input.email'],
    ['an id that is not a path segment', { op: 'deleteUser', nativeId: '..' }, 'userId'],
    ['a blank role', { op: 'assignUserType', nativeId: 'u1', userTypeId: '  ' }, 'userTypeId'],
  ];
  for (const [name, write, field] of CASES) {
    it(`refuses ${name} on ${field}, without echoing the value`, async () => {
      const errors = await connector.writer(ctx(), connector.reader(ctx())).validate(write);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0]!.field, field);
      assert.equal(errors[0]!.code, 'BAD_USER_INPUT');
      for (const v of ['not-an-email@', 'x@@y', 'RN', 'a'.repeat(64)]) assert.equal(errors[0]!.message.includes(v), false);
      assert.equal((await control.requests()).length, 0);
    });
  }

  it('accepts valid writes', async () => {
    const w = connector.writer(ctx(), connector.reader(ctx()));
    assert.deepEqual(await w.validate({ op: 'createUser', input: { username: 'ann', firstName: 'Ann', lastName: 'Lee', userTypeIds: ['HCP'], title: null } }), []);
    assert.deepEqual(await w.validate({ op: 'updateUser', nativeId: 'u1', input: { firstName: 'Ann', lastName: null, email: null } }), []);
    assert.deepEqual(await w.validate({ op: 'removeUserType', nativeId: 'u1', userTypeId: 'HCP' }), []);
  });
});

describe('writer: createUser and deleteUser', () => {
  it('creates with one POST /rest/v2/user, primes the loader, and is readable afterwards', async () => {
    const reader = connector.reader(ctx());
    const out = await connector.writer(ctx(), reader).createUser!({ email: 'nina.nurse@example.org', firstName: 'Nina', lastName: 'Nurse', phone: '+32 470 00 00 01', userTypeIds: ['HCP', 'PATIENT_MANAGER'], password: 'Nurse-pass-1' });
    assert.deepEqual(out.userErrors, []);
    const log = await control.requests();
    assert.deepEqual(log.map(line), ['POST /rest/v2/user 200']);
    assert.equal(log[0]!.headers.authorization, basicHeader());
    assert.match(String(log[0]!.headers['content-type']), /^application\/json/);
    const body = JSON.parse(log[0]!.body) as Record<string, unknown>;
    assert.match(String(body.id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual({ ...body, id: 'x' }, { id: 'x', login: 'nina.nurse@example.org', email: 'nina.nurse@example.org', name: 'Nina Nurse', mobilePhone: '+32 470 00 00 01', roles: ['HCP', 'PATIENT_MANAGER'], status: 'ACTIVE', passwordHash: 'Nurse-pass-1' });
    assert.equal('healthcarePartyId' in body, false);

    const user = out.user!;
    assert.deepEqual([user.nativeId, user.username, user.displayName, user.status, user.active], [body.id, 'nina.nurse@example.org', 'Nina Nurse', 'ACTIVE', true]);
    assert.deepEqual(out.steps, [{ method: 'POST', route: '/rest/v2/user', status: 200, ok: true }]);
    assert.equal(JSON.stringify(out).includes('Nurse-pass-1'), false);

    // Read-after-write: same request from the loader, a new request from the vendor.
    assert.equal((await reader.user(user.nativeId))?.displayName, 'Nina Nurse');
    assert.equal((await control.requests()).length, 1);
    assert.equal((await connector.reader(ctx()).user(user.nativeId))?.email, 'nina.nurse@example.org');
  });

  it('uses the username as login when given', async () => {
    const out = await connector.writer(ctx(), connector.reader(ctx())).createUser!({ username: 'ward7.desk', active: false });
    assert.deepEqual(out.userErrors, []);
    assert.deepEqual(JSON.parse((await control.requests())[0]!.body).login, 'ward7.desk');
    assert.deepEqual([out.user?.username, out.user?.status], ['ward7.desk', 'INACTIVE']);
  });

  it('reports a duplicate email as BAD_USER_INPUT on input.email without the vendor text', async () => {
    const out = await connector.writer(ctx(), connector.reader(ctx())).createUser!({ email: examples.disabled.email });
    assert.equal(out.user, null);
    assert.deepEqual(out.userErrors.map((e) => [e.field, e.code]), [['input.email', 'BAD_USER_INPUT']]);
    assert.equal(out.userErrors[0]!.message.includes(examples.disabled.email), false);
    assert.deepEqual(out.steps, [{ method: 'POST', route: '/rest/v2/user', status: 400, ok: false }]);
  });

  it('reports OUTCOME_UNKNOWN when the connection drops after the POST was handled', async () => {
    await control.fault({ kind: 'drop', when: 'after', method: 'POST', path: '^/rest/v2/user$', times: 1 });
    const out = await connector.writer(ctx(), connector.reader(ctx())).createUser!({ email: 'dropped@example.org' });
    assert.deepEqual(out.userErrors.map((e) => e.code), ['OUTCOME_UNKNOWN']);
    assert.deepEqual(out.steps, [{ method: 'POST', route: '/rest/v2/user', status: null, ok: false }]);
    const log = await control.requests();
    assert.equal(log.length, 1, 'never retried');
    assert.ok(live(await vendorUsers()).some((u) => u.email === 'dropped@example.org'), 'it was applied');
  });

  it('deletes with DELETE /rest/v2/user/{id} (soft), then the user is absent for the gateway', async () => {
    const reader = connector.reader(ctx());
    assert.ok(await reader.user(examples.full.id));
    await control.clearRequests();
    const out = await connector.writer(ctx(), reader).deleteUser!(examples.full.id);
    assert.deepEqual(out, { user: null, userErrors: [], steps: [{ method: 'DELETE', route: '/rest/v2/user/{id}', status: 200, ok: true }] });
    assert.equal(await reader.user(examples.full.id), null);
    assert.deepEqual((await control.requests()).map(line), [`DELETE /rest/v2/user/${examples.full.id} 200`]);
    assert.equal(typeof (await stored(examples.full.id)).deletionDate, 'number');
    const page = await connector.reader(ctx()).listUsers({ filter: {}, after: null, first: 1000, include: everyUser });
    assert.equal(page.users.some((u) => u.nativeId === examples.full.id), false);
  });

  it('answers NOT_FOUND for deleting an unknown user', async () => {
    const out = await connector.writer(ctx(), connector.reader(ctx())).deleteUser!('no-such-user');
    assert.deepEqual(out.userErrors.map((e) => [e.field, e.code]), [['userId', 'NOT_FOUND']]);
  });
});

describe('writer: read-modify-write with rev', () => {
  it('updateUser: GET then PUT of the whole document with its current rev, every other field preserved', async () => {
    const before = await stored(examples.full.id);
    const reader = connector.reader(ctx());
    const out = await connector.writer(ctx(), reader).updateUser!(examples.full.id, { phone: '+32 499 99 99 99', firstName: 'Emma', lastName: 'Janssens-Peeters' });
    assert.deepEqual(out.userErrors, []);
    const log = await control.requests();
    assert.deepEqual(log.map(line), [`GET /rest/v2/user/${examples.full.id} 200`, 'PUT /rest/v2/user 200']);
    assert.ok(log.every((r) => r.headers.authorization === basicHeader()));
    const sent = JSON.parse(log[1]!.body) as Dto;
    assert.deepEqual(sent, { ...before, mobilePhone: '+32 499 99 99 99', name: 'Emma Janssens-Peeters' });
    assert.equal(sent.rev, examples.full.rev);

    const after = await stored(examples.full.id);
    assert.match(after.rev!, /^4-[0-9a-f]{32}$/);
    for (const k of ['properties', 'permissions', 'identifier', 'autoDelegations', 'roles', 'healthcarePartyId', 'created', 'termsOfUseDate', 'email', 'login']) assert.deepEqual(after[k], before[k], k);
    assert.deepEqual([out.user?.displayName, out.user?.phone], ['Emma Janssens-Peeters', '+32 499 99 99 99']);
    assert.deepEqual(out.steps.map((s) => `${s.method} ${s.route} ${s.status}`), ['GET /rest/v2/user/{id} 200', 'PUT /rest/v2/user 200']);
    // Read-after-write from the loader (no request).
    assert.equal((await reader.user(examples.full.id))?.phone, '+32 499 99 99 99');
    assert.equal((await control.requests()).length, 2);
  });

  it('setUserActive(false) PUTs status DISABLED; re-enabling an active user sends no PUT', async () => {
    const w = connector.writer(ctx(), connector.reader(ctx()));
    const off = await w.setUserActive!(examples.full.id, false);
    assert.deepEqual([off.user?.status, off.user?.active], ['INACTIVE', false]);
    assert.equal((JSON.parse((await control.requests())[1]!.body) as Dto).status, 'DISABLED');
    await control.clearRequests();
    const on = await w.setUserActive!(examples.registering.id, true);
    assert.deepEqual([on.user?.status, on.user?.active], ['PENDING_ACTIVATION', true]);
    assert.deepEqual((await control.requests()).map(line), [`GET /rest/v2/user/${examples.registering.id} 200`]);
  });

  it('assignUserType / removeUserType PUT the roles; assigning a held role sends no PUT', async () => {
    const reader = connector.reader(ctx());
    const w = connector.writer(ctx(), reader);
    const added = await w.assignUserType!(examples.full.id, 'PATIENT_MANAGER');
    assert.deepEqual(added.user?.refs.userTypeIds, ['HCP', 'ADMIN', 'PATIENT_MANAGER']);
    assert.deepEqual((JSON.parse((await control.requests())[1]!.body) as Dto).roles, ['HCP', 'ADMIN', 'PATIENT_MANAGER']);
    await control.clearRequests();
    const same = await w.assignUserType!(examples.full.id, 'HCP');
    assert.deepEqual(same.userErrors, []);
    assert.deepEqual((await control.requests()).map((r) => r.method), ['GET'], 'no PUT');
    const removed = await w.removeUserType!(examples.full.id, 'ADMIN');
    assert.deepEqual((await reader.userTypesOf(removed.user as UserRecord)).map((t) => t.nativeId), ['HCP', 'PATIENT_MANAGER']);
    assert.deepEqual((await stored(examples.full.id)).roles, ['HCP', 'PATIENT_MANAGER']);
  });

  it('on a stale rev (409) re-reads once and retries once, keeping the concurrent change', async () => {
    await control.call('POST', `/__sim/users/${examples.full.id}/concurrent-writes`, { times: 1, patch: { name: 'Changed Elsewhere' } });
    const out = await connector.writer(ctx(), connector.reader(ctx())).updateUser!(examples.full.id, { phone: '+32 411 11 11 11' });
    assert.deepEqual(out.userErrors, []);
    const log = await control.requests();
    assert.deepEqual(log.map(line), [`GET /rest/v2/user/${examples.full.id} 200`, 'PUT /rest/v2/user 409', `GET /rest/v2/user/${examples.full.id} 200`, 'PUT /rest/v2/user 200']);
    const [first, second] = [JSON.parse(log[1]!.body) as Dto, JSON.parse(log[3]!.body) as Dto];
    assert.notEqual(first.rev, second.rev, 'the retry carries the fresh rev');
    assert.equal(second.name, 'Changed Elsewhere');
    const after = await stored(examples.full.id);
    assert.deepEqual([after.name, after.mobilePhone], ['Changed Elsewhere', '+32 411 11 11 11']);
    assert.deepEqual([out.user?.displayName, out.user?.phone], ['Changed Elsewhere', '+32 411 11 11 11']);
  });

  it('a second conflict gives CONFLICT, with no third attempt', async () => {
    await control.call('POST', `/__sim/users/${examples.full.id}/concurrent-writes`, { times: 5 });
    const out = await connector.writer(ctx(), connector.reader(ctx())).setUserActive!(examples.full.id, false);
    assert.equal(out.user, null);
    assert.deepEqual(out.userErrors.map((e) => e.code), ['CONFLICT']);
    assert.deepEqual((await control.requests()).map(line), [`GET /rest/v2/user/${examples.full.id} 200`, 'PUT /rest/v2/user 409', `GET /rest/v2/user/${examples.full.id} 200`, 'PUT /rest/v2/user 409']);
    assert.equal(out.steps.length, 4);
    assert.equal((await stored(examples.full.id)).status, 'ACTIVE');
  });

  it('answers NOT_FOUND for a soft-deleted or unknown user without any PUT', async () => {
    const w = connector.writer(ctx(), connector.reader(ctx()));
    for (const id of [examples.deleted.id, 'no-such-user']) {
      const out = await w.updateUser!(id, { phone: '+32 1' });
      assert.deepEqual(out.userErrors.map((e) => [e.field, e.code]), [['userId', 'NOT_FOUND']]);
    }
    assert.ok((await control.requests()).every((r) => r.method === 'GET'));
  });

  it('maps a duplicate email on update to input.email', async () => {
    const out = await connector.writer(ctx(), connector.reader(ctx())).updateUser!(examples.full.id, { email: examples.disabled.email });
    assert.deepEqual(out.userErrors.map((e) => [e.field, e.code]), [['input.email', 'BAD_USER_INPUT']]);
  });

  it('reports OUTCOME_UNKNOWN when the connection drops after the PUT was applied, and does not retry', async () => {
    await control.fault({ kind: 'drop', when: 'after', method: 'PUT', path: '^/rest/v2/user$', times: 1 });
    const out = await connector.writer(ctx(), connector.reader(ctx())).updateUser!(examples.full.id, { phone: '+32 422 22 22 22' });
    assert.deepEqual(out.userErrors.map((e) => e.code), ['OUTCOME_UNKNOWN']);
    assert.deepEqual(out.steps.map((s) => `${s.method} ${s.route} ${s.status}`), ['GET /rest/v2/user/{id} 200', 'PUT /rest/v2/user null']);
    assert.deepEqual((await control.requests()).map((r) => r.method), ['GET', 'PUT']);
    assert.equal((await stored(examples.full.id)).mobilePhone, '+32 422 22 22 22', 'it was applied');
  });
});
