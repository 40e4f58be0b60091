import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Connector, SourceReader, StartedSimulator } from '../../core/connector';
import { backgroundContext } from '../../core/context';
import { createLogger, silentLogger } from '../../core/logger';
import { SimControl, summarize } from '../../sim/control';
import type { LoggedRequest } from '../../sim/types';
import { vendor } from './index';
import { DOC_ACCOUNTS, DOC_TARGET_USER_ID } from './simulator/seed';

/** Reader and writer against a running simulator: values, exact vendor requests and counts. */

const FORM = 'application/x-www-form-urlencoded; charset=UTF-8';
const ALL = { userTypes: true, facilityAccess: true };
const NONE = { userTypes: false, facilityAccess: false };

let sim: StartedSimulator;
let ctl: SimControl;
let open: Connector[] = [];

function connect(options: Record<string, unknown> = {}, auth: Record<string, unknown> = sim.auth, logger = silentLogger): Connector {
  const parsed = vendor.parseSourceConfig({ auth, options }, '.');
  assert.ok(parsed.ok);
  const c = vendor.createConnector(
    { id: 'bedside', vendor: 'presentationservices', name: 'Bedside', baseUrl: sim.baseUrl, auth: parsed.auth, options: parsed.options, http: sim.http },
    { logger },
  );
  open.push(c);
  return c;
}
const reader = (c: Connector) => c.reader(backgroundContext());
const writer = (c: Connector, r: SourceReader = reader(c)) => c.writer(backgroundContext(), r);
const P = (p: string) => `/PresentationServices${p}`;
const form = (r: LoggedRequest) => Object.fromEntries(new URLSearchParams(r.body));
/** The simulator's API account: its accountFact userId, sent as `userId` on every call. */
const API_USER_ID = 'staffgraph';

before(async () => {
  sim = await startSim();
  ctl = new SimControl(sim.origin);
});
after(() => sim.close());
beforeEach(async () => {
  await Promise.all(open.map((c) => c.close()));
  open = [];
  await ctl.reset();
});

function startSim(): Promise<StartedSimulator> {
  return vendor.startSimulator({ port: 0 });
}

/** Every logged request carries the session's token and the API account's userId (query or form). */
function assertAuthParams(requests: LoggedRequest[]): void {
  for (const r of requests.filter((x) => !x.path.endsWith('/validateAccount'))) {
    const params = r.method === 'POST' ? form(r) : r.query;
    assert.match(String(params.token), /^[0-9a-f-]{36}$/, `${r.method} ${r.path} token`);
    assert.equal(params.userId, API_USER_ID, `${r.method} ${r.path} userId`);
  }
}

describe('presentationservices connector: reads', () => {
  it('users(first:100){userTypes facilityAccess}: login + list + roles + facilities, nothing twice', async () => {
    const c = connect();
    const r = reader(c);
    const page = await r.listUsers({ filter: {}, after: null, first: 100, include: ALL });
    await Promise.all(page.users.map((u) => Promise.all([r.userTypesOf(u), r.facilityAccessOf(u)])));
    const log = await ctl.requests();
    assert.deepEqual(summarize(log).sort(), [
      `GET ${P('/organizations/UNC/facilities')}`,
      `GET ${P('/organizations/UNC/roles')}`,
      `GET ${P('/users')}`,
      `GET ${P('/validateAccount')}`,
    ]);
    const login = log.find((x) => x.path === P('/validateAccount'))!;
    assert.deepEqual(login.query, { username: sim.auth.username, password: sim.auth.password, deviceId: 'staffgraph' });
    for (const x of log.filter((y) => y !== login)) {
      assert.deepEqual(Object.keys(x.query).sort(), ['token', 'userId'], 'no other query parameters');
      assert.equal(x.body, '');
    }
    assertAuthParams(log);
    assert.equal(page.users.length, 100);
    assert.ok(page.next);

    const poda = page.users.find((u) => u.nativeId === 'poda')!;
    assert.equal(poda.username, '3');
    assert.equal(poda.displayName, 'Pod Account');
    assert.deepEqual(await r.userTypesOf(poda), [{ sourceId: 'bedside', nativeId: '2', name: 'pod', description: null }]);
    assert.deepEqual(await r.facilityAccessOf(poda), [{ facility: { sourceId: 'bedside', nativeId: 'UNC/UNC', code: 'UNC', name: 'UNC Medical Center' }, primary: true }]);
    const e = page.users.find((u) => u.nativeId === DOC_TARGET_USER_ID)!;
    assert.deepEqual([e.status, e.active, e.displayName], ['INACTIVE', false, 'e e']);
    assert.ok(page.users.every((u) => u.phone === null && u.allFacilities === null));
    assert.equal((await ctl.requests()).length, 4, 'reading relations again adds nothing');
  });

  it('starts the catalogs together with the list, not after it', async () => {
    const c = connect();
    await ctl.fault({ kind: 'latency', method: 'GET', path: '/users$', latencyMs: 1500 });
    const listing = reader(c).listUsers({ filter: {}, after: null, first: 10, include: ALL });
    // While the list call is still unanswered, both catalog calls have been answered.
    let log: LoggedRequest[] = [];
    for (let i = 0; i < 100; i++) {
      log = await ctl.requests();
      if (log.filter((x) => x.path.includes('/organizations/') && x.status === 200).length === 2) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    assert.equal(log.find((x) => x.path === P('/users'))?.status, null, 'list still pending');
    assert.equal(log.filter((x) => x.path.includes('/organizations/') && x.status === 200).length, 2);
    await listing;
  });

  it('pages in memory from one list call per request, resumable mid-page, with the filter re-applied', async () => {
    const c = connect();
    const full = await reader(c).listUsers({ filter: {}, after: null, first: 1000, include: NONE });
    assert.equal(full.next, null);
    await ctl.clearRequests();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await reader(c).listUsers({ filter: {}, after: cursor, first: 40, include: NONE });
      seen.push(...page.users.map((u) => u.nativeId));
      cursor = page.next;
    } while (cursor);
    assert.deepEqual(seen, full.users.map((u) => u.nativeId));
    assert.deepEqual(summarize(await ctl.requests()), Array(Math.ceil(full.users.length / 40)).fill(`GET ${P('/users')}`), 'one list per request, token cached');

    const suspended = full.users.filter((u) => !u.active).map((u) => u.nativeId);
    const r = reader(c);
    const p1 = await r.listUsers({ filter: { active: false }, after: null, first: 3, include: NONE });
    const p2 = await r.listUsers({ filter: { active: false }, after: p1.next, first: 100, include: NONE });
    assert.deepEqual([...p1.users, ...p2.users].map((u) => u.nativeId), suspended);
    assert.equal(p2.next, null);
    await assert.rejects(r.listUsers({ filter: {}, after: 'garbage', first: 1, include: NONE }), { code: 'BAD_USER_INPUT' });
  });

  it('user(id): from the list when read, else GET /users/{id} once; unknown and other organizations are null', async () => {
    const c = connect();
    const r = reader(c);
    const [a, b, none, other] = await Promise.all([r.user('poda'), r.user('poda'), r.user('no-such-user'), r.user(DOC_ACCOUNTS.piedmontAdmin.userId)]);
    assert.equal(a?.username, '3');
    assert.equal(b, a);
    assert.equal(none, null);
    assert.equal(other, null);
    assert.deepEqual(summarize(await ctl.requests()).sort(), [
      `GET ${P('/users/no-such-user')}`,
      `GET ${P('/users/pm-admin')}`,
      `GET ${P('/users/poda')}`,
      `GET ${P('/validateAccount')}`,
    ]);
    assert.equal(await r.user('..'), null);

    const r2 = reader(c);
    await r2.listUsers({ filter: {}, after: null, first: 1, include: NONE });
    await ctl.clearRequests();
    assert.equal((await r2.user('sigal'))?.displayName, 'Sigal Example');
    assert.equal(await r2.user('no-such-user'), null);
    assert.deepEqual(await ctl.requests(), [], 'the list answers: no GET /users/{id}');
  });

  it('catalogs: roles and facilities of the organization, once per request', async () => {
    const c = connect();
    const r = reader(c);
    const [types, facilities, admin, hb, none] = await Promise.all([r.userTypes(), r.facilities(), r.userType('1'), r.facility('UNC/HILLSBOROUGH'), r.facility('PIEDMONT/MAIN')]);
    assert.deepEqual(types.map((t) => [t.nativeId, t.name, t.description]), [
      ['1', 'admin', null], ['2', 'pod', null], ['3', 'nurse', 'Bedside nurse'], ['4', 'physician', 'Attending or resident physician'], ['5', 'charge_nurse', 'Charge nurse of a unit'],
    ]);
    assert.deepEqual(facilities.map((f) => f.nativeId), ['UNC/UNC', 'UNC/HILLSBOROUGH']);
    assert.equal(admin?.name, 'admin');
    assert.equal(hb?.code, 'HILLSBOROUGH');
    assert.equal(none, null);
    assert.equal((await ctl.requests()).length, 3);
  });

  it('options.organization picks the organization: its catalogs, and only its users', async () => {
    const c = connect({ organization: 'PIEDMONT' });
    const r = reader(c);
    const page = await r.listUsers({ filter: {}, after: null, first: 100, include: ALL });
    assert.deepEqual(page, { users: [], next: null }, 'the UNC admin account reads no PIEDMONT user');
    assert.deepEqual((await r.userTypes()).map((t) => t.nativeId), ['6', '7', '8']);
    assert.deepEqual(summarize(await ctl.requests()).sort(), [
      `GET ${P('/organizations/PIEDMONT/facilities')}`, `GET ${P('/organizations/PIEDMONT/roles')}`, `GET ${P('/users')}`, `GET ${P('/validateAccount')}`,
    ]);
  });

  it('reads GET /organizations only when the login names no organization', async () => {
    const c = connect();
    const fact = { token: 'x', userId: 'staffgraph', organizationId: null };
    // Pass the real login through, but answer it without organizationId.
    const res = await fetch(`${sim.baseUrl}/validateAccount?${new URLSearchParams(sim.auth as Record<string, string>)}`);
    fact.token = (((await res.json()) as { validateAccountFact: { accountFact: { token: string } } }).validateAccountFact.accountFact.token);
    await ctl.fault({ kind: 'status', path: '/validateAccount$', status: 200, body: { validateAccountFact: { statusFact: { success: true }, accountFact: fact } }, times: 1 });
    await ctl.clearRequests();
    const r = reader(c);
    await r.listUsers({ filter: {}, after: null, first: 5, include: ALL });
    const facilities = await r.facilities();
    assert.deepEqual(facilities.map((f) => f.nativeId), ['UNC/UNC', 'UNC/HILLSBOROUGH', 'PIEDMONT/MAIN', 'PIEDMONT/BIRTH']);
    assert.deepEqual(summarize(await ctl.requests()).sort(), [
      `GET ${P('/organizations')}`,
      `GET ${P('/organizations/PIEDMONT/facilities')}`, `GET ${P('/organizations/PIEDMONT/roles')}`,
      `GET ${P('/organizations/UNC/facilities')}`, `GET ${P('/organizations/UNC/roles')}`,
      `GET ${P('/users')}`, `GET ${P('/validateAccount')}`,
    ]);
  });

  it('logs in again once when the tokens expire, and retries the call once', async () => {
    const c = connect();
    await reader(c).listUsers({ filter: {}, after: null, first: 1, include: NONE });
    await ctl.call('POST', '/__sim/tokens/expire');
    await ctl.clearRequests();
    const r = reader(c);
    const page = await r.listUsers({ filter: {}, after: null, first: 5, include: ALL });
    assert.equal(page.users.length, 5);
    const log = await ctl.requests();
    assert.equal(log.filter((x) => x.path === P('/validateAccount')).length, 1, 'one shared re-login for three rejected calls');
    assert.equal(log.filter((x) => x.status === 401).length, 3);
    assert.equal(log.filter((x) => x.status === 200).length, 4);
    // The retries carry the new token.
    const newToken = log.find((x) => x.path === P('/users') && x.status === 200)!.query.token;
    assert.notEqual(newToken, log.find((x) => x.status === 401)!.query.token);
  });

  it('maps failures: bad credentials, persistent 401, 5xx, malformed JSON', async () => {
    const bad = connect({}, { ...sim.auth, password: 'wrong-password' });
    await assert.rejects(reader(bad).listUsers({ filter: {}, after: null, first: 1, include: NONE }), { code: 'SOURCE_AUTH_FAILED' });
    assert.deepEqual(summarize(await ctl.requests()), [`GET ${P('/validateAccount')}`], 'no list call, no retry loop');

    await ctl.reset();
    const c = connect();
    await ctl.fault({ kind: 'status', method: 'GET', path: '/users$', status: 401 });
    await assert.rejects(reader(c).listUsers({ filter: {}, after: null, first: 1, include: NONE }), { code: 'SOURCE_AUTH_FAILED' });
    assert.deepEqual(summarize(await ctl.requests()), [`GET ${P('/validateAccount')}`, `GET ${P('/users')}`, `GET ${P('/validateAccount')}`, `GET ${P('/users')}`]);

    await ctl.reset();
    await ctl.fault({ kind: 'status', path: '/users$', status: 503, times: 3 });
    await assert.rejects(reader(c).listUsers({ filter: {}, after: null, first: 1, include: NONE }), { code: 'SOURCE_UNAVAILABLE' });
    await ctl.fault({ kind: 'malformed-json', path: '/users$', times: 1 });
    await assert.rejects(reader(c).listUsers({ filter: {}, after: null, first: 1, include: NONE }), { code: 'SOURCE_BAD_RESPONSE' });
    await ctl.fault({ kind: 'status', path: '/users$', status: 200, body: { data: { nope: 1 }, statusFact: { success: true } }, times: 1 });
    await assert.rejects(reader(c).listUsers({ filter: {}, after: null, first: 1, include: NONE }), { code: 'SOURCE_BAD_RESPONSE' });
    // A malformed record is not a malformed list: it is left out and counted (the walk reports it).
    await ctl.fault({ kind: 'status', path: '/users$', status: 200, body: { data: [{ nope: 1 }], statusFact: { success: true } }, times: 1 });
    assert.deepEqual(await reader(c).listUsers({ filter: {}, after: null, first: 1, include: NONE }), { users: [], next: null, skipped: 1 });
  });

  it('one malformed record in the list costs only itself: the others are listed, it is counted', async () => {
    const c = connect();
    const { organizationId } = await c.reader(backgroundContext()).listUsers({ filter: {}, after: null, first: 1, include: NONE }).then((p) => ({ organizationId: p.users[0]?.refs.facilities?.[0]?.facilityId.split('/')[0] }));
    const person = (userId: string) => ({ userId, username: userId, firstName: 'A', lastName: userId, email: `${userId}@example.org`, organizationId, facilityId: 'f1', role: { id: '2', name: 'Nurse' }, status: 'ACTIVE' });
    const data = [person('u1'), { userId: { secret: 'private-value' }, firstName: 'Hidden' }, person('u3')];
    await ctl.fault({ kind: 'status', path: '/users$', status: 200, body: { data, statusFact: { success: true } }, times: 1 });
    const page = await reader(c).listUsers({ filter: {}, after: null, first: 10, include: NONE });
    assert.deepEqual([page.users.map((u) => u.nativeId), page.skipped, page.next], [['u1', 'u3'], 1, null]);
    assert.ok(!JSON.stringify(page).includes('private-value'));
  });

  it('health is UP through GET /organizations, and never logs the password or the token', async () => {
    const lines: string[] = [];
    const c = connect({}, sim.auth, createLogger('debug', (l) => lines.push(l)));
    assert.equal((await c.health(backgroundContext())).status, 'UP');
    await reader(c).listUsers({ filter: {}, after: null, first: 1, include: ALL });
    const token = (await ctl.requests()).find((x) => x.path === P('/users'))!.query.token as string;
    const text = lines.join('\n');
    assert.ok(lines.length >= 4);
    assert.ok(!text.includes(sim.auth.password as string));
    assert.ok(!text.includes(token));
    assert.ok(text.includes('"route":"/validateAccount"'));
  });
});

describe('presentationservices connector: writes', () => {
  it('declares single role and single facility, with alternatives for what it cannot do', () => {
    const c = connect();
    assert.equal(c.capabilities.multipleUserTypes, false);
    assert.equal(c.capabilities.multipleFacilities, false);
    assert.deepEqual(c.capabilities.pushdownFilters, []);
    for (const op of ['removeUserType', 'updateFacilityAccess', 'revokeFacilityAccess'] as const) {
      const cap = c.capabilities.writes[op];
      assert.equal(cap.supported, false);
      assert.match((cap as { alternative: string }).alternative, /grantFacilityAccess|assignUserType/);
    }
  });

  it('validates before any call, naming fields and rules, never values', async () => {
    const w = writer(connect());
    const fields = async (write: Parameters<typeof w.validate>[0]) => (await w.validate(write)).map((e) => e.field);
    assert.deepEqual(await fields({ op: 'createUser', input: {} }), [
      'input.firstName', 'input.lastName', 'input.username', 'input.email', 'input.password', 'input.userTypeIds', 'input.facilityIds',
    ]);
    const good = { firstName: 'A', lastName: 'B', username: 'ab', email: 'a@b.org', password: 'secret1', userTypeIds: ['3'], facilityIds: ['UNC/UNC'] };
    assert.deepEqual(await fields({ op: 'createUser', input: good }), []);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ password: '12345' }, 'input.password'],
      [{ password: '12345678901234567890' }, 'input.password'],
      [{ tagId: 'ABCDE' }, 'input.tagId'],
      [{ email: 'no-at-sign' }, 'input.email'],
      [{ userTypeIds: ['1', '2'] }, 'input.userTypeIds'],
      [{ facilityIds: ['UNC'] }, 'input.facilityIds'],
      [{ facilityIds: ['UNC/UNC', 'UNC/HILLSBOROUGH'] }, 'input.facilityIds'],
      [{ primaryFacilityId: 'UNC/HILLSBOROUGH' }, 'input.primaryFacilityId'],
      [{ phone: '555-0100' }, 'input.phone'],
    ];
    for (const [change, field] of cases) {
      const errors = await w.validate({ op: 'createUser', input: { ...good, ...change } });
      assert.deepEqual(errors.map((e) => [e.field, e.code]), [[field, 'BAD_USER_INPUT']], JSON.stringify(change));
      for (const v of Object.values(change)) for (const e of errors) assert.ok(!e.message.includes(String(v)), 'value not echoed');
    }
    assert.deepEqual(await fields({ op: 'updateUser', nativeId: 'poda', input: { email: null, firstName: '' } }), ['input.firstName', 'input.email']);
    assert.deepEqual(await fields({ op: 'updateUser', nativeId: '..', input: { tagId: '123456' } }), ['userId']);
    assert.deepEqual(await fields({ op: 'grantFacilityAccess', nativeId: 'poda', facilityId: 'UNC', primary: true }), ['facilityId']);
    assert.deepEqual((await fields({ op: 'assignUserType', nativeId: '.', userTypeId: '' })).sort(), ['userId', 'userTypeId']);
    assert.deepEqual(await ctl.requests(), [], 'validation makes no call');
  });

  it('createUser: one form POST with token and userId; the answer is the user, read-after-write without a call', async () => {
    const c = connect();
    const r = reader(c);
    await r.listUsers({ filter: {}, after: null, first: 1, include: NONE });
    await ctl.clearRequests();
    const out = await writer(c, r).createUser!({
      firstName: 'Nia', lastName: 'Okafor', username: 'nokafor', email: 'nia@unc.example.org', password: 'secret-12',
      tagId: 'TAG-123456', userTypeIds: ['3'], facilityIds: ['UNC/HILLSBOROUGH'], active: false,
    });
    assert.deepEqual(out.userErrors, []);
    assert.deepEqual(out.steps, [{ method: 'POST', route: '/users', status: 200, ok: true }]);
    const [req] = await ctl.requests();
    assert.equal(req!.headers['content-type'], FORM);
    assert.deepEqual(req!.query, {});
    const body = form(req!);
    assert.deepEqual({ ...body, token: 't' }, {
      firstName: 'Nia', lastName: 'Okafor', username: 'nokafor', email: 'nia@unc.example.org', password: 'secret-12',
      organization: 'UNC', facility: 'HILLSBOROUGH', role: '3', status: 'SUSPENDED', tagId: 'TAG-123456', token: 't', userId: 'staffgraph',
    });
    assertAuthParams([req!]);
    const user = out.user!;
    assert.deepEqual([user.username, user.status, user.refs.userTypeIds, user.refs.facilities], ['nokafor', 'INACTIVE', ['3'], [{ facilityId: 'UNC/HILLSBOROUGH', primary: true }]]);
    assert.deepEqual(await r.user(user.nativeId), user);
    assert.ok((await r.listUsers({ filter: { username: 'nokafor' }, after: null, first: 5, include: NONE })).users.length === 1);
    assert.equal((await ctl.requests()).length, 1, 'no read-back');
  });

  it('createUser: a vendor rejection names the unified field, not the vendor text', async () => {
    const w = writer(connect());
    const out = await w.createUser!({
      firstName: 'A', lastName: 'B', username: 'dup', email: DOC_ACCOUNTS.poda.email, password: 'secret-12', userTypeIds: ['3'], facilityIds: ['UNC/UNC'],
    });
    assert.deepEqual(out.userErrors, [{ field: 'input.email', code: 'BAD_USER_INPUT', message: 'The vendor rejected input.email.' }]);
    assert.equal(out.user, null);
    // The login this write started is a step too; the rejected POST is not ok despite its 200.
    assert.deepEqual(out.steps, [
      { method: 'GET', route: '/validateAccount', status: 200, ok: true },
      { method: 'POST', route: '/users', status: 200, ok: false },
    ]);
  });

  it('updateUser: GET then a form POST re-sending the mandatory fields; unchanged email is not sent', async () => {
    const c = connect();
    const w = writer(c);
    await c.reader(backgroundContext()).user('poda'); // log in first, so the log below is the write only
    await ctl.clearRequests();
    const out = await w.updateUser!('poda', { firstName: 'Podrick', email: DOC_ACCOUNTS.poda.email });
    assert.deepEqual(out.userErrors, []);
    assert.deepEqual(out.steps.map((s) => `${s.method} ${s.route} ${s.status}`), ['GET /users/{userId} 200', 'POST /users/{userId} 200']);
    const log = await ctl.requests();
    assert.deepEqual(summarize(log), [`GET ${P('/users/poda')}`, `POST ${P('/users/poda')}`]);
    assert.equal(log[1]!.headers['content-type'], FORM);
    assert.deepEqual({ ...form(log[1]!), token: 't' }, {
      firstName: 'Podrick', lastName: 'Account', organization: 'UNC', facility: 'UNC', role: '2', token: 't', userId: 'staffgraph',
    });
    assertAuthParams(log);
    assert.equal(out.user?.displayName, 'Podrick Account');

    await ctl.clearRequests();
    const out2 = await w.updateUser!('poda', { email: 'podrick@unc.example.org', password: 'new-pass-9', tagId: 'NEWTAG001', active: false });
    assert.deepEqual(out2.userErrors, []);
    const body = form((await ctl.requests())[1]!);
    assert.deepEqual([body.email, body.password, body.tagId, body.status, body.firstName, body.passwordValidation], ['podrick@unc.example.org', 'new-pass-9', 'NEWTAG001', 'SUSPENDED', 'Podrick', undefined]);
    assert.equal(out2.user?.email, 'podrick@unc.example.org');
  });

  it("updateUser of the gateway's own account proves the old password (passwordValidation)", async () => {
    const c = connect();
    const out = await writer(c).updateUser!('staffgraph', { email: 'gateway@unc.example.org' });
    assert.deepEqual(out.userErrors, []);
    const post = (await ctl.requests()).find((x) => x.method === 'POST')!;
    assert.equal(form(post).passwordValidation, sim.auth.password);
    assert.equal(out.user?.email, 'gateway@unc.example.org');
    assert.ok(!JSON.stringify(out).includes(sim.auth.password as string), 'the outcome never carries it');
  });

  it('setUserActive, assignUserType, grantFacilityAccess: GET + POST with the one changed field', async () => {
    const c = connect();
    const r = reader(c);
    const w = writer(c, r);
    const cases: Array<[() => Promise<{ user: unknown; userErrors: unknown[] }>, Record<string, string>]> = [
      [() => w.setUserActive!(DOC_TARGET_USER_ID, true), { status: 'ACTIVE' }],
      [() => w.assignUserType!(DOC_TARGET_USER_ID, '3'), { role: '3' }],
      [() => w.grantFacilityAccess!(DOC_TARGET_USER_ID, 'UNC/HILLSBOROUGH', true), { facility: 'HILLSBOROUGH' }],
    ];
    let expected: Record<string, string> = { firstName: 'e', lastName: 'e', organization: 'UNC', facility: 'UNC', role: '2' };
    for (const [run, change] of cases) {
      await ctl.clearRequests();
      const out = await run();
      assert.deepEqual(out.userErrors, []);
      const log = await ctl.requests();
      assert.deepEqual(summarize(log).filter((s) => !s.endsWith('/validateAccount')), [`GET ${P(`/users/${DOC_TARGET_USER_ID}`)}`, `POST ${P(`/users/${DOC_TARGET_USER_ID}`)}`]);
      const { token: _t, userId: _u, ...body } = form(log[log.length - 1]!);
      assert.deepEqual(body, { ...expected, ...change });
      expected = { ...expected, ...(change.status ? {} : change) };
    }
    const user = (await r.user(DOC_TARGET_USER_ID))!;
    assert.deepEqual([user.active, user.refs.userTypeIds, user.refs.facilities], [true, ['3'], [{ facilityId: 'UNC/HILLSBOROUGH', primary: true }]]);
    assert.deepEqual((await r.userTypesOf(user)).map((t) => t.name), ['nurse']);
  });

  it('assignUserType: an unknown role comes back as userTypeId; an unknown user is NOT_FOUND without a POST', async () => {
    const w = writer(connect());
    const out = await w.assignUserType!('poda', '99');
    assert.deepEqual(out.userErrors.map((e) => [e.field, e.code]), [['userTypeId', 'BAD_USER_INPUT']]);
    await ctl.clearRequests();
    const missing = await w.setUserActive!('no-such-user', false);
    assert.deepEqual(missing.userErrors.map((e) => [e.field, e.code]), [['userId', 'NOT_FOUND']]);
    assert.deepEqual(summarize(await ctl.requests()), [`GET ${P('/users/no-such-user')}`]);
  });

  it('deleteUser: DELETE with token and userId in the query; the reader forgets the user', async () => {
    const c = connect();
    const r = reader(c);
    await r.listUsers({ filter: {}, after: null, first: 5, include: NONE });
    await ctl.clearRequests();
    const out = await writer(c, r).deleteUser!('poda');
    assert.deepEqual(out, { user: null, userErrors: [], steps: [{ method: 'DELETE', route: '/users/{userId}', status: 200, ok: true }] });
    const [req] = await ctl.requests();
    assert.deepEqual([req!.method, req!.path, Object.keys(req!.query).sort(), req!.body], ['DELETE', P('/users/poda'), ['token', 'userId'], '']);
    assertAuthParams([req!]);
    assert.equal(await r.user('poda'), null);
    const again = await writer(c, r).deleteUser!('poda');
    assert.deepEqual(again.userErrors.map((e) => [e.field, e.code]), [['userId', 'NOT_FOUND']]);
  });

  it('a connection dropped after the POST was handled is OUTCOME_UNKNOWN, and not retried', async () => {
    const c = connect();
    await ctl.fault({ kind: 'drop', when: 'after', method: 'POST', path: '/users/poda$', times: 1 });
    const out = await writer(c).setUserActive!('poda', false);
    assert.deepEqual(out.userErrors.map((e) => e.code), ['OUTCOME_UNKNOWN']);
    assert.deepEqual(out.steps.map((s) => `${s.method} ${s.route} ${s.status}`), ['GET /validateAccount 200', 'GET /users/{userId} 200', 'POST /users/{userId} null']);
    assert.equal((await ctl.requests()).filter((x) => x.method === 'POST').length, 1);
    assert.equal((await reader(c).user('poda'))?.active, false, 'the vendor applied it');
  });

  it('a write after the tokens expired logs in again exactly once, and each call is retried once', async () => {
    const c = connect();
    await reader(c).user('poda');
    await ctl.call('POST', '/__sim/tokens/expire');
    await ctl.clearRequests();
    const out = await writer(c).setUserActive!('poda', false);
    assert.deepEqual(out.userErrors, []);
    assert.deepEqual(summarize(await ctl.requests()), [`GET ${P('/users/poda')}`, `GET ${P('/validateAccount')}`, `GET ${P('/users/poda')}`, `POST ${P('/users/poda')}`]);

    // A 401 on the POST itself (not applied): one re-login, one more POST.
    await ctl.fault({ kind: 'status', method: 'POST', path: '/users/poda$', status: 401, times: 1 });
    await ctl.clearRequests();
    const out2 = await writer(c).setUserActive!('poda', true);
    assert.deepEqual(out2.userErrors, []);
    assert.deepEqual(summarize(await ctl.requests()), [`GET ${P('/users/poda')}`, `POST ${P('/users/poda')}`, `GET ${P('/validateAccount')}`, `POST ${P('/users/poda')}`]);
    assert.equal(out2.user?.active, true);
  });
});
