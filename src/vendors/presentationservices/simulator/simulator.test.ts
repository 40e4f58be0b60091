import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { StartedSimulator } from '../../../core/connector';
import { SimControl } from '../../../sim/control';
import accountFixture from '../fixtures/validate-account.json';
import rolesFixture from '../fixtures/roles.json';
import { startSimulator } from './index';
import { DOC_ACCOUNTS, DOC_TARGET_USER_ID } from './seed';

/** Contract tests over real HTTP: what a PresentationServices client can rely on. */

/** Vendor JSON as tests read it (shapes are asserted, not typed). */
type Json = Record<string, any>;
interface Answer {
  status: number;
  body: Json;
}
interface Auth {
  token: string;
  userId: string;
}

let sim: StartedSimulator;
let ctl: SimControl;

async function send(method: string, route: string, opts: { query?: Record<string, string>; form?: Record<string, string>; body?: string; type?: string } = {}): Promise<Answer> {
  const qs = opts.query ? `?${new URLSearchParams(opts.query)}` : '';
  const headers: Record<string, string> = {};
  let body: string | undefined = opts.body;
  if (opts.form) {
    body = new URLSearchParams(opts.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
  }
  if (opts.type) headers['content-type'] = opts.type;
  const res = await fetch(`${sim.baseUrl}${route}${qs}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {} };
}

const login = (query: Record<string, string>) => send('GET', '/validateAccount', { query });
async function session(username: string, password: string, deviceId = 'test-device'): Promise<Auth> {
  const res = await login({ username, password, deviceId });
  assert.equal(res.status, 200);
  const fact = res.body.validateAccountFact.accountFact as Json;
  return { token: fact.token as string, userId: fact.userId as string };
}
const api = () => session(sim.auth.username as string, sim.auth.password as string);
const get = (route: string, auth: Auth, extra: Record<string, string> = {}) => send('GET', route, { query: { ...extra, token: auth.token, userId: auth.userId } });
const post = (route: string, auth: Auth, form: Record<string, string>) => send('POST', route, { form: { ...form, token: auth.token, userId: auth.userId } });
const del = (route: string, auth: Auth) => send('DELETE', route, { query: { token: auth.token, userId: auth.userId } });
const advance = (ms: number) => ctl.call('POST', '/__sim/clock/advance', { ms });

function validFor(n: number): Record<string, string> {
  return {
    firstName: 'Nia', lastName: 'Okafor', username: `nokafor${n}`, email: `nia.okafor${n}@unc.example.org`, password: 'secret-123',
    organization: 'UNC', facility: 'HILLSBOROUGH', role: '3', status: 'ACTIVE',
  };
}
function assertValidationError(res: Answer, field: string): void {
  assert.equal(res.status, 200, 'validation failures are HTTP 200');
  assert.equal(res.body.statusFact.success, false);
  assert.ok(Array.isArray(res.body.errors), 'errors list');
  assert.ok(res.body.errors.some((e: Json) => e.field === field && typeof e.message === 'string'), `an error on ${field}: ${JSON.stringify(res.body.errors)}`);
}
function assertFailure(res: Answer, status: number): void {
  assert.equal(res.status, status);
  assert.equal(res.body.statusFact.success, false);
}

const USER_KEYS = ['email', 'facilityId', 'firstName', 'lastName', 'organizationId', 'role', 'status', 'userId', 'username'];

before(async () => {
  sim = await startSimulator({ port: 0 });
  ctl = new SimControl(sim.origin);
});
after(() => sim.close());
beforeEach(() => ctl.reset());

describe('presentationservices simulator: start', () => {
  it('returns the gateway config blocks', () => {
    assert.equal(sim.vendor, 'presentationservices');
    assert.equal(sim.baseUrl, `${sim.origin}/PresentationServices`);
    assert.deepEqual(Object.keys(sim.auth).sort(), ['deviceId', 'password', 'username']);
    assert.equal(sim.auth.deviceId, 'staffgraph');
    assert.ok((sim.auth.password as string).length >= 6 && (sim.auth.password as string).length <= 19);
    assert.deepEqual(sim.options, {});
  });

  it('seeds 150 users by default, deterministically, across two organizations', async () => {
    const unc = await get('/users', await api());
    const pm = await get('/users', await session(DOC_ACCOUNTS.piedmontAdmin.username, DOC_ACCOUNTS.piedmontAdmin.password));
    assert.equal(unc.body.data.length + pm.body.data.length, 150);
    assert.ok(unc.body.data.every((u: Json) => u.organizationId === 'UNC'));
    assert.ok(pm.body.data.every((u: Json) => u.organizationId === 'PIEDMONT'));
    assert.ok(unc.body.data.some((u: Json) => u.status === 'SUSPENDED'));
    const other = await startSimulator({ port: 0, users: 30 });
    try {
      const res = await fetch(`${other.baseUrl}/validateAccount?${new URLSearchParams({ ...(other.auth as Record<string, string>) })}`);
      const fact = ((await res.json()) as Json).validateAccountFact.accountFact as Json;
      const list = (await (await fetch(`${other.baseUrl}/users?token=${fact.token}&userId=${fact.userId}`)).json()) as Json;
      const ids = (list.data as Json[]).map((u) => u.userId);
      assert.deepEqual(ids, unc.body.data.map((u: Json) => u.userId).slice(0, ids.length), 'same seed, same users in the same order');
    } finally {
      await other.close();
    }
  });
});

describe('presentationservices simulator: validateAccount', () => {
  it("answers username+password+deviceId with the doc's accountFact shape", async () => {
    const res = await login({ username: DOC_ACCOUNTS.poda.username, password: DOC_ACCOUNTS.poda.password, deviceId: 'nexus5' });
    assert.equal(res.status, 200);
    const docFact = accountFixture.validateAccountFact.accountFact;
    assert.deepEqual(res.body.validateAccountFact.statusFact, { success: true });
    const fact = res.body.validateAccountFact.accountFact as Json;
    assert.deepEqual(Object.keys(fact).sort(), Object.keys(docFact).sort());
    assert.match(fact.token, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual({ ...fact, token: 'x' }, { ...docFact, token: 'x' }, "the doc's values: username 3, userId poda, UNC, role pod");
  });

  it('accepts email+password (any case), tagId and pin, each with deviceId', async () => {
    const variants: Array<Record<string, string>> = [
      { email: DOC_ACCOUNTS.poda.email.toUpperCase(), password: DOC_ACCOUNTS.poda.password },
      { tagId: DOC_ACCOUNTS.poda.tagId },
      { pin: DOC_ACCOUNTS.poda.pin },
    ];
    for (const q of variants) {
      const res = await login({ ...q, deviceId: 'd1' });
      assert.equal(res.status, 200, JSON.stringify(q));
      assert.equal(res.body.validateAccountFact.accountFact.userId, 'poda');
    }
  });

  it('lists the other devices with live sessions in activeDevices', async () => {
    await session(DOC_ACCOUNTS.poda.username, DOC_ACCOUNTS.poda.password, 'tablet-1');
    const res = await login({ username: DOC_ACCOUNTS.poda.username, password: DOC_ACCOUNTS.poda.password, deviceId: 'tablet-2' });
    assert.deepEqual(res.body.validateAccountFact.accountFact.activeDevices, ['tablet-1']);
  });

  it('is 400 without deviceId or a documented combination, 401 for bad credentials or a SUSPENDED account', async () => {
    const cases: Array<[Record<string, string>, number]> = [
      [{ username: DOC_ACCOUNTS.poda.username, password: DOC_ACCOUNTS.poda.password }, 400],
      [{ username: DOC_ACCOUNTS.poda.username, deviceId: 'd' }, 400],
      [{ deviceId: 'd' }, 400],
      [{ username: DOC_ACCOUNTS.poda.username, password: 'wrong-pass', deviceId: 'd' }, 401],
      [{ tagId: 'NOSUCHTAG', deviceId: 'd' }, 401],
      [{ username: 'e', password: 'e-pass-01', deviceId: 'd' }, 401],
    ];
    for (const [q, status] of cases) {
      const res = await login(q);
      assert.equal(res.status, status, JSON.stringify(q));
      assert.deepEqual(Object.keys(res.body), ['validateAccountFact']);
      assert.equal(res.body.validateAccountFact.statusFact.success, false);
      assert.equal(res.body.validateAccountFact.accountFact, undefined);
    }
  });

  it('gives a temporal token for GET /organizations only, for 5 minutes', async () => {
    const res = await login({ temporal: 'true' });
    assert.equal(res.status, 200);
    const token = res.body.validateAccountFact.accountFact.token as string;
    assert.equal(res.body.validateAccountFact.accountFact.userId, null);
    const orgs = await send('GET', '/organizations', { query: { token, temporalSession: 'true' } });
    assert.equal(orgs.status, 200);
    assert.equal(orgs.body.data.length, 2);
    assertFailure(await send('GET', '/organizations', { query: { token } }), 401);
    assertFailure(await send('GET', '/users', { query: { token, temporalSession: 'true' } }), 403);
    assertFailure(await send('GET', '/organizations/UNC/roles', { query: { token, temporalSession: 'true' } }), 403);
    await advance(4 * 60_000);
    assert.equal((await send('GET', '/organizations', { query: { token, temporalSession: 'true' } })).status, 200, 'not renewed by use…');
    await advance(60_000);
    assertFailure(await send('GET', '/organizations', { query: { token, temporalSession: 'true' } }), 401);
  });

  it('does not take a regular token as a temporal one', async () => {
    const auth = await api();
    assertFailure(await get('/organizations', auth, { temporalSession: 'true' }), 401);
  });
});

describe('presentationservices simulator: tokens', () => {
  it('is 401 in the envelope without a token, with a bad token, or with another userId', async () => {
    const auth = await api();
    assertFailure(await send('GET', '/users'), 401);
    assertFailure(await get('/users', { ...auth, token: 'not-a-token' }), 401);
    assertFailure(await get('/users', { ...auth, userId: 'poda' }), 401);
    assertFailure(await post('/users', { ...auth, token: 'bad' }, validFor(1)), 401);
    assertFailure(await del(`/users/${DOC_TARGET_USER_ID}`, { ...auth, token: 'bad' }), 401);
  });

  it('expires every token on /__sim/tokens/expire', async () => {
    const auth = await api();
    assert.equal((await get('/users', auth)).status, 200);
    const res = await ctl.call('POST', '/__sim/tokens/expire');
    assert.equal(res.status, 200);
    assertFailure(await get('/users', auth), 401);
    assert.equal((await get('/users', await api())).status, 200, 'a new login works');
  });

  it('expires a token after 30 idle minutes; each call renews it', async () => {
    const auth = await api();
    await advance(20 * 60_000);
    assert.equal((await get('/organizations', auth)).status, 200);
    await advance(20 * 60_000);
    assert.equal((await get('/organizations', auth)).status, 200);
    await advance(30 * 60_000);
    assertFailure(await get('/organizations', auth), 401);
  });
});

describe('presentationservices simulator: reading users', () => {
  it('lists the records in the accountFact shape, without secrets', async () => {
    const res = await get('/users', await api());
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.statusFact, { success: true });
    for (const u of res.body.data as Json[]) {
      assert.deepEqual(Object.keys(u).sort(), USER_KEYS);
      assert.deepEqual(Object.keys(u.role).sort(), ['id', 'name']);
      assert.ok(['ACTIVE', 'SUSPENDED'].includes(u.status));
    }
    const text = JSON.stringify(res.body);
    for (const secret of ['password', 'pin', 'tagId', DOC_ACCOUNTS.poda.password, DOC_ACCOUNTS.poda.tagId]) assert.ok(!text.includes(secret), secret);
    assert.deepEqual(res.body.data.slice(1, 4).map((u: Json) => u.userId), ['poda', 'sigal', DOC_TARGET_USER_ID]);
  });

  it('reads one user; unknown users and users of another organization are 404', async () => {
    const auth = await api();
    const res = await get(`/users/${DOC_TARGET_USER_ID}`, auth);
    assert.deepEqual(res.body, {
      data: {
        userId: DOC_TARGET_USER_ID, username: 'e', firstName: 'e', lastName: 'e', email: 'e@e.com',
        organizationId: 'UNC', facilityId: 'UNC', role: { id: 2, name: 'pod' }, status: 'SUSPENDED',
      },
      statusFact: { success: true },
    });
    assertFailure(await get('/users/no-such-user', auth), 404);
    assertFailure(await get(`/users/${DOC_ACCOUNTS.piedmontAdmin.userId}`, auth), 404);
  });
});

describe('presentationservices simulator: creating users', () => {
  it('creates from a form and answers the new record', async () => {
    const auth = await api();
    const res = await post('/users', auth, { ...validFor(1), tagId: 'TAG-000001', pin: '135790' });
    assert.equal(res.status, 200);
    assert.equal(res.body.statusFact.success, true);
    const created = res.body.data as Json;
    assert.match(created.userId, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...created, userId: 'x' }, {
      userId: 'x', username: 'nokafor1', firstName: 'Nia', lastName: 'Okafor', email: 'nia.okafor1@unc.example.org',
      organizationId: 'UNC', facilityId: 'HILLSBOROUGH', role: { id: 3, name: 'nurse' }, status: 'ACTIVE',
    });
    assert.equal((await get(`/users/${created.userId}`, auth)).body.data.username, 'nokafor1');
    assert.equal((await login({ tagId: 'TAG-000001', deviceId: 'd' })).status, 200, 'the new tag logs in');
    assert.equal((await login({ username: 'nokafor1', password: 'secret-123', deviceId: 'd' })).status, 200);
  });

  it('is 415 for a body that is not a form, and reads no token from the query on POST', async () => {
    const auth = await api();
    const json = await send('POST', '/users', { query: { token: auth.token, userId: auth.userId }, body: JSON.stringify(validFor(2)), type: 'application/json' });
    assertFailure(json, 415);
    assertFailure(await send('POST', `/users/${DOC_TARGET_USER_ID}`, { body: 'firstName=e', type: 'text/plain' }), 415);
    const queryOnly = await send('POST', '/users', { query: { token: auth.token, userId: auth.userId }, form: validFor(2) });
    assertFailure(queryOnly, 401);
  });

  const mandatory = ['firstName', 'lastName', 'username', 'email', 'password', 'organization', 'facility', 'role', 'status'];
  for (const field of mandatory) {
    it(`requires ${field}`, async () => {
      const form = validFor(3);
      delete form[field];
      assertValidationError(await post('/users', await api(), form), field);
      const empty = await post('/users', await api(), { ...validFor(3), [field]: '' });
      assertValidationError(empty, field);
    });
  }

  const rules: Array<[string, Record<string, string>, string]> = [
    ['an unknown organization', { organization: 'NOWHERE' }, 'organization'],
    ['an unknown facility', { facility: 'NOWHERE' }, 'facility'],
    ["another organization's facility", { facility: 'MAIN' }, 'facility'],
    ['an unknown role', { role: '99' }, 'role'],
    ["another organization's role", { role: '7' }, 'role'],
    ['an unknown status', { status: 'DISABLED' }, 'status'],
    ['a 5-character password', { password: '12345' }, 'password'],
    ['a 20-character password', { password: '12345678901234567890' }, 'password'],
    ['a 5-character tagId', { tagId: 'ABCDE' }, 'tagId'],
    ['a 20-character tagId', { tagId: 'ABCDEFGHIJ0123456789' }, 'tagId'],
    ['a taken tagId', { tagId: DOC_ACCOUNTS.poda.tagId }, 'tagId'],
    ['a 5-character pin', { pin: '12345' }, 'pin'],
    ['a taken pin', { pin: DOC_ACCOUNTS.poda.pin }, 'pin'],
    ['a malformed email', { email: 'not-an-email' }, 'email'],
    ['a taken email (any case)', { email: DOC_ACCOUNTS.poda.email.toUpperCase() }, 'email'],
    ['a taken username', { username: DOC_ACCOUNTS.sigal.username }, 'username'],
  ];
  for (const [name, change, field] of rules) {
    it(`rejects ${name} with HTTP 200 and errors[${field}]`, async () => {
      const auth = await api();
      const before = (await get('/users', auth)).body.data.length;
      assertValidationError(await post('/users', auth, { ...validFor(4), ...change }), field);
      assert.equal((await get('/users', auth)).body.data.length, before, 'nothing created');
    });
  }

  it('accepts the 6- and 19-character boundaries and reports every failing rule at once', async () => {
    const auth = await api();
    const ok = await post('/users', auth, { ...validFor(5), password: '123456', tagId: 'ABCDEFGHIJ012345678' });
    assert.equal(ok.body.statusFact.success, true);
    const many = await post('/users', auth, { ...validFor(6), password: '1', email: 'bad' });
    assert.deepEqual(many.body.errors.map((e: Json) => e.field).sort(), ['email', 'password']);
  });

  it('is 403 for an account without create_user', async () => {
    const pod = await session(DOC_ACCOUNTS.poda.username, DOC_ACCOUNTS.poda.password);
    assertFailure(await post('/users', pod, validFor(7)), 403);
  });
});

describe('presentationservices simulator: updating users', () => {
  const mandatoryOf = (u: Json) => ({ firstName: u.firstName, lastName: u.lastName, organization: u.organizationId, facility: u.facilityId, role: String(u.role.id) });

  it('updates from a form; empty email, password, tagId and status stay unchanged', async () => {
    const auth = await api();
    const cur = (await get(`/users/${DOC_TARGET_USER_ID}`, auth)).body.data as Json;
    // The doc's own sample: password empty.
    const res = await post(`/users/${DOC_TARGET_USER_ID}`, auth, { ...mandatoryOf(cur), firstName: 'Eve', email: '', password: '', tagId: '', status: '' });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data, { ...cur, firstName: 'Eve' });
    const res2 = await post(`/users/${DOC_TARGET_USER_ID}`, auth, { ...mandatoryOf(cur), status: 'ACTIVE', role: '3', facility: 'HILLSBOROUGH' });
    assert.deepEqual(res2.body.data, { ...cur, status: 'ACTIVE', role: { id: 3, name: 'nurse' }, facilityId: 'HILLSBOROUGH' });
    assert.equal((await login({ username: 'e', password: 'e-pass-01', deviceId: 'd' })).status, 200, 'password unchanged, now ACTIVE');
  });

  for (const field of ['firstName', 'lastName', 'organization', 'facility', 'role']) {
    it(`requires ${field} on update`, async () => {
      const auth = await api();
      const cur = (await get(`/users/${DOC_TARGET_USER_ID}`, auth)).body.data as Json;
      const form: Record<string, string> = mandatoryOf(cur);
      delete form[field];
      assertValidationError(await post(`/users/${DOC_TARGET_USER_ID}`, auth, form), field);
    });
  }

  it('keeps userId and username: a different username is an error, the same is accepted', async () => {
    const auth = await api();
    const cur = (await get(`/users/${DOC_TARGET_USER_ID}`, auth)).body.data as Json;
    assertValidationError(await post(`/users/${DOC_TARGET_USER_ID}`, auth, { ...mandatoryOf(cur), username: 'renamed' }), 'username');
    const same = await post(`/users/${DOC_TARGET_USER_ID}`, auth, { ...mandatoryOf(cur), username: 'e' });
    assert.equal(same.body.data.userId, DOC_TARGET_USER_ID);
    assert.equal(same.body.data.username, 'e');
    // The form's userId is the caller, never the target: naming another user is 401, not a change.
    assertFailure(await post(`/users/${DOC_TARGET_USER_ID}`, { ...auth, userId: DOC_TARGET_USER_ID }, mandatoryOf(cur)), 401);
  });

  it('applies the create rules to changed values, excluding the user itself from uniqueness', async () => {
    const auth = await api();
    const cur = (await get('/users/poda', auth)).body.data as Json;
    const m = mandatoryOf(cur);
    assertValidationError(await post('/users/poda', auth, { ...m, email: DOC_ACCOUNTS.sigal.email }), 'email');
    assertValidationError(await post('/users/poda', auth, { ...m, email: 'nope' }), 'email');
    assertValidationError(await post('/users/poda', auth, { ...m, password: 'short' }), 'password');
    assertValidationError(await post('/users/poda', auth, { ...m, status: 'GONE' }), 'status');
    assertValidationError(await post('/users/poda', auth, { ...m, facility: 'MAIN' }), 'facility');
    assert.equal((await post('/users/poda', auth, { ...m, email: DOC_ACCOUNTS.poda.email, tagId: DOC_ACCOUNTS.poda.tagId })).body.statusFact.success, true);
  });

  it('wants passwordValidation (the old password) when users change their own email, password or tagId', async () => {
    const pod = await session(DOC_ACCOUNTS.poda.username, DOC_ACCOUNTS.poda.password);
    const cur = (await get('/users/poda', pod)).body.data as Json;
    const m = mandatoryOf(cur);
    const changes: Array<Record<string, string>> = [{ email: 'new.poda@unc.example.org' }, { password: 'new-pass-1' }, { tagId: 'NEWTAG0001' }];
    for (const change of changes) {
      assertValidationError(await post('/users/poda', pod, { ...m, ...change }), 'passwordValidation');
      assertValidationError(await post('/users/poda', pod, { ...m, ...change, passwordValidation: 'wrong-old' }), 'passwordValidation');
    }
    assert.equal((await post('/users/poda', pod, { ...m, firstName: 'Podrick' })).body.statusFact.success, true, 'names need no old password');
    const ok = await post('/users/poda', pod, { ...m, password: 'new-pass-1', passwordValidation: DOC_ACCOUNTS.poda.password });
    assert.equal(ok.body.statusFact.success, true);
    assert.equal((await login({ username: '3', password: 'new-pass-1', deviceId: 'd' })).status, 200);
    // An admin changing someone else's email needs no old password.
    const admin = await api();
    assert.equal((await post('/users/poda', admin, { ...m, email: 'other.poda@unc.example.org' })).body.statusFact.success, true);
  });

  it('is 403 for a self-edit that moves role or facility without update_user, 404 for unknown users', async () => {
    const pod = await session(DOC_ACCOUNTS.poda.username, DOC_ACCOUNTS.poda.password);
    const cur = (await get('/users/poda', pod)).body.data as Json;
    assertFailure(await post('/users/poda', pod, { ...mandatoryOf(cur), role: '1' }), 403);
    assertFailure(await post(`/users/${DOC_TARGET_USER_ID}`, pod, mandatoryOf(cur)), 403);
    assertFailure(await post('/users/no-such-user', await api(), mandatoryOf(cur)), 404);
  });

  it('SUSPENDED ends the user’s sessions and logins', async () => {
    const pod = await session(DOC_ACCOUNTS.poda.username, DOC_ACCOUNTS.poda.password);
    const admin = await api();
    const cur = (await get('/users/poda', admin)).body.data as Json;
    assert.equal((await post('/users/poda', admin, { ...mandatoryOf(cur), status: 'SUSPENDED' })).body.data.status, 'SUSPENDED');
    assertFailure(await get('/users/poda', pod), 401);
    const again = await login({ username: '3', password: DOC_ACCOUNTS.poda.password, deviceId: 'd' });
    assert.equal(again.status, 401);
    assert.equal(again.body.validateAccountFact.statusFact.success, false);
  });
});

describe('presentationservices simulator: deleting users', () => {
  it('deletes with token and userId in the query; then 404', async () => {
    const auth = await api();
    const res = await del(`/users/${DOC_TARGET_USER_ID}`, auth);
    assert.deepEqual(res, { status: 200, body: { data: null, statusFact: { success: true } } });
    assertFailure(await get(`/users/${DOC_TARGET_USER_ID}`, auth), 404);
    assertFailure(await del(`/users/${DOC_TARGET_USER_ID}`, auth), 404);
  });

  it("accepts the doc sample's form Content-Type with the parameters in a form body", async () => {
    const auth = await api();
    const res = await send('DELETE', '/users/poda', { form: { token: auth.token, userId: auth.userId } });
    assert.equal(res.status, 200);
  });

  it('is 403 without delete_user', async () => {
    const pod = await session(DOC_ACCOUNTS.poda.username, DOC_ACCOUNTS.poda.password);
    assertFailure(await del(`/users/${DOC_TARGET_USER_ID}`, pod), 403);
  });
});

describe('presentationservices simulator: reference data', () => {
  it('lists organizations, facilities, roles (doc shape), workspaces and rooms', async () => {
    const auth = await api();
    assert.deepEqual((await get('/organizations', auth)).body.data.map((o: Json) => o.id), ['UNC', 'PIEDMONT']);
    const facilities = await get('/organizations/UNC/facilities', auth);
    assert.deepEqual(facilities.body.data, [
      { id: 'UNC', name: 'UNC Medical Center', organizationId: 'UNC' },
      { id: 'HILLSBOROUGH', name: 'UNC Hillsborough Campus', organizationId: 'UNC' },
    ]);
    const roles = await get('/organizations/UNC/roles', auth);
    assert.deepEqual(roles.body.data.slice(0, 2), rolesFixture.data, "the doc's roles first, in the doc's shape");
    assert.deepEqual((await get('/organizations/PIEDMONT/roles', auth)).body.data.map((r: Json) => r.id), [6, 7, 8]);
    const ws = await get('/organizations/UNC/facilities/UNC/workspaces', auth);
    assert.deepEqual(ws.body.data.map((w: Json) => [w.id, w.name]), [['unc_adult', 'Adults'], ['unc_nursery', 'Nursery']]);
    assert.equal((await get('/organizations/UNC/facilities/UNC/workspaces/unc_nursery', auth)).body.data.name, 'Nursery');
    assert.deepEqual((await get('/organizations/UNC/facilities/UNC/workspaces/unc_adult/rooms', auth)).body.data.length, 2);
  });

  it('is 404 in the envelope for unknown organizations, workspaces and routes; 405 for unknown verbs', async () => {
    const auth = await api();
    assertFailure(await get('/organizations/NOWHERE/roles', auth), 404);
    assertFailure(await get('/organizations/NOWHERE/facilities', auth), 404);
    assertFailure(await get('/organizations/UNC/facilities/UNC/workspaces/nope', auth), 404);
    assertFailure(await get('/nope', auth), 404);
    assertFailure(await send('PUT', '/users/poda', { form: {} }), 405);
  });
});
