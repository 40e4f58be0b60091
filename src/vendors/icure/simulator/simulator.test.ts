import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SimControl } from '../../../sim/control';
import type { StartedSimulator } from '../../../core/connector';
import { startSimulator } from './index';
import examples from '../fixtures/users.json';

/**
 * Contract tests of the iCure simulator over real HTTP: every route and verb, Basic and JWT auth,
 * keyset paging, revisions, soft delete and the JSON conventions (epoch ms, no nulls, no secrets).
 */

const AWKWARD = "o'brien+ward 7&x=1%#é/?@example.org";

let sim: StartedSimulator;
let control: SimControl;
let basic: string;

interface Dto {
  id: string;
  rev?: string;
  login?: string;
  [k: string]: unknown;
}
interface Page {
  rows: Dto[];
  nextKeyPair?: { startKey: string; startKeyDocId: string };
}

async function call(method: string, path: string, opts: { body?: unknown; auth?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const auth = opts.auth === undefined ? basic : opts.auth;
  if (auth !== null) headers.authorization = auth;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(sim.origin + path, { method, headers, body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) });
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const basicOf = (login: string, password: string) => 'Basic ' + Buffer.from(`${login}:${password}`).toString('base64');

async function allUsers(): Promise<Dto[]> {
  const r = await call('GET', '/rest/v2/user?limit=100000');
  return (r.json as Page).rows;
}

function newUser(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: crypto.randomUUID(), login: `new.user.${Math.random().toString(36).slice(2)}@example.org`, ...extra };
}

before(async () => {
  sim = await startSimulator({ port: 0, users: 120, seed: 7 });
  control = new SimControl(sim.origin);
  basic = basicOf(String(sim.auth.username), String(sim.auth.password));
});
after(async () => sim.close());
beforeEach(async () => control.reset());

describe('startSimulator', () => {
  it('returns the gateway account in the config shape (Basic by default) and no client-side spacing', () => {
    assert.equal(sim.vendor, 'icure');
    assert.equal(sim.baseUrl, sim.origin);
    assert.deepEqual(Object.keys(sim.auth).sort(), ['mode', 'password', 'username']);
    assert.equal(sim.auth.mode, 'basic');
    assert.equal(sim.http.minIntervalMs, 0);
  });

  it('is deterministic: the same seed gives the same users, and the example records come first', async () => {
    const other = await startSimulator({ port: 0, users: 120, seed: 7 });
    try {
      const again = await fetch(`${other.origin}/rest/v2/user?limit=1000`, { headers: { authorization: basicOf(String(other.auth.username), String(other.auth.password)) } });
      assert.deepEqual(((await again.json()) as Page).rows, await allUsers());
      assert.equal(other.auth.password, sim.auth.password);
    } finally {
      await other.close();
    }
    const ids = new Set((await allUsers()).map((u) => u.id));
    for (const k of ['full', 'minimal', 'disabled', 'registering', 'deleted'] as const) assert.ok(ids.has(examples[k].id), k);
  });

  it('seeds 120 users plus the API account, with roles, statuses, healthcare parties and soft deletes', async () => {
    const users = await allUsers();
    assert.equal(users.length, 121);
    const statuses = new Set(users.map((u) => u.status).filter((s) => s !== undefined));
    assert.deepEqual([...statuses].sort(), ['ACTIVE', 'DISABLED', 'REGISTERING']);
    assert.ok(users.filter((u) => u.deletionDate !== undefined).length >= 2);
    assert.ok(users.filter((u) => typeof u.healthcarePartyId === 'string').length > 80);
    assert.ok(users.some((u) => JSON.stringify(u.roles) === '["HCP","ADMIN"]'));
    assert.ok(users.every((u) => u.type === undefined || ['database', 'ldap', 'token'].includes(String(u.type))), 'type is lower case');
  });
});

describe('authentication', () => {
  it('accepts HTTP Basic with the API account', async () => {
    const r = await call('GET', '/rest/v2/user/current');
    assert.equal(r.status, 200);
    assert.equal((r.json as Dto).login, sim.auth.username);
  });

  it('answers 401 {"message"} as JSON without credentials, with a wrong password or an unknown scheme', async () => {
    for (const auth of [null, basicOf(String(sim.auth.username), 'wrong'), basicOf('nobody', 'x'), 'Digest abc', 'Bearer not-a-jwt']) {
      const r = await call('GET', '/rest/v2/user', { auth });
      assert.equal(r.status, 401, String(auth));
      assert.match(String(r.contentType), /^application\/json/);
      assert.equal(typeof (r.json as { message: unknown }).message, 'string');
    }
  });

  it('issues a JWT pair at POST /rest/v2/auth/login and accepts the access token as Bearer', async () => {
    const r = await call('POST', '/rest/v2/auth/login', { auth: null, body: { username: sim.auth.username, password: sim.auth.password } });
    assert.equal(r.status, 200);
    const body = r.json as { token: string; refreshToken: string; successful: boolean };
    assert.equal(body.successful, true);
    assert.match(body.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = JSON.parse(Buffer.from(body.token.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number };
    assert.equal(claims.exp - claims.iat, 3600, 'one hour by default');
    assert.equal((await call('GET', '/rest/v2/user/current', { auth: `Bearer ${body.token}` })).status, 200);
    // The refresh token is not an access token.
    assert.equal((await call('GET', '/rest/v2/user/current', { auth: `Bearer ${body.refreshToken}` })).status, 401);
  });

  it('refuses a login with a wrong password (401) and a body that is not JSON (400)', async () => {
    const bad = await call('POST', '/rest/v2/auth/login', { auth: null, body: { username: sim.auth.username, password: 'nope' } });
    assert.equal(bad.status, 401);
    assert.equal(typeof (bad.json as { message: unknown }).message, 'string');
    assert.equal((await call('POST', '/rest/v2/auth/login', { auth: null, body: 'not json' })).status, 400);
  });

  it('caps the login `duration` at the configured validity', async () => {
    const r = await call('POST', '/rest/v2/auth/login?duration=60', { auth: null, body: { username: sim.auth.username, password: sim.auth.password } });
    const claims = JSON.parse(Buffer.from((r.json as { token: string }).token.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number };
    assert.equal(claims.exp - claims.iat, 60);
  });

  it('expires tokens on /__sim/tokens/expire, and POST /rest/v2/auth/refresh with Refresh-Token gives a working one', async () => {
    const login = (await call('POST', '/rest/v2/auth/login', { auth: null, body: { username: sim.auth.username, password: sim.auth.password } })).json as { token: string; refreshToken: string };
    await control.call('POST', '/__sim/tokens/expire');
    assert.equal((await call('GET', '/rest/v2/user/current', { auth: `Bearer ${login.token}` })).status, 401);
    const refreshed = await call('POST', '/rest/v2/auth/refresh', { auth: null, headers: { 'refresh-token': login.refreshToken } });
    assert.equal(refreshed.status, 200);
    const body = refreshed.json as { token: string; refreshToken?: string; successful: boolean };
    assert.equal(body.successful, true);
    assert.equal(body.refreshToken, undefined, 'the refresh token is kept, not rotated');
    assert.equal((await call('GET', '/rest/v2/user/current', { auth: `Bearer ${body.token}` })).status, 200);
    // "Bearer " before the refresh token is stripped.
    assert.equal((await call('POST', '/rest/v2/auth/refresh', { auth: null, headers: { 'refresh-token': `Bearer ${login.refreshToken}` } })).status, 200);
  });

  it('refuses a revoked, forged or missing refresh token with 401', async () => {
    const login = (await call('POST', '/rest/v2/auth/login', { auth: null, body: { username: sim.auth.username, password: sim.auth.password } })).json as { token: string; refreshToken: string };
    assert.equal((await call('POST', '/rest/v2/auth/refresh', { auth: null })).status, 401);
    assert.equal((await call('POST', '/rest/v2/auth/refresh', { auth: null, headers: { 'refresh-token': login.refreshToken.slice(0, -2) + 'xx' } })).status, 401);
    await control.call('POST', '/__sim/tokens/expire', { refresh: true });
    const r = await call('POST', '/rest/v2/auth/refresh', { auth: null, headers: { 'refresh-token': login.refreshToken } });
    assert.equal(r.status, 401);
    assert.equal(typeof (r.json as { message: unknown }).message, 'string');
  });

  it('lets tokens expire by their exp (clock moved forward), the refresh token living longer', async () => {
    await control.call('PUT', '/__sim/tokens/ttl', { tokenTtlSeconds: 120, refreshTtlSeconds: 600 });
    const login = (await call('POST', '/rest/v2/auth/login', { auth: null, body: { username: sim.auth.username, password: sim.auth.password } })).json as { token: string; refreshToken: string };
    await control.call('POST', '/__sim/clock', { advanceMs: 121_000 });
    assert.equal((await call('GET', '/rest/v2/user/current', { auth: `Bearer ${login.token}` })).status, 401);
    const refreshed = (await call('POST', '/rest/v2/auth/refresh', { auth: null, headers: { 'refresh-token': login.refreshToken } })).json as { token: string };
    assert.equal((await call('GET', '/rest/v2/user/current', { auth: `Bearer ${refreshed.token}` })).status, 200);
    await control.call('POST', '/__sim/clock', { advanceMs: 600_000 });
    assert.equal((await call('POST', '/rest/v2/auth/refresh', { auth: null, headers: { 'refresh-token': login.refreshToken } })).status, 401);
  });

  it('does not let soft-deleted or disabled users authenticate', async () => {
    const created = (await call('POST', '/rest/v2/user', { body: newUser({ login: 'temp.login', passwordHash: 'Secret-pass-1' }) })).json as Dto;
    assert.equal((await call('GET', '/rest/v2/user/current', { auth: basicOf('temp.login', 'Secret-pass-1') })).status, 200);
    await call('PUT', '/rest/v2/user', { body: { ...created, status: 'DISABLED' } });
    assert.equal((await call('GET', '/rest/v2/user/current', { auth: basicOf('temp.login', 'Secret-pass-1') })).status, 401);
  });
});

describe('GET /rest/v2/user (keyset pagination)', () => {
  it('returns every row in (login, id) order in one page by default (limit 1000) with no nextKeyPair', async () => {
    const r = await call('GET', '/rest/v2/user');
    assert.equal(r.status, 200);
    const page = r.json as Page;
    assert.equal(page.rows.length, 121);
    assert.equal('nextKeyPair' in page, false);
    const keys = page.rows.map((u) => [u.login ?? '', u.id] as const);
    const sorted = [...keys].sort((a, b) => (a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : 1));
    assert.deepEqual(keys, sorted);
  });

  it('walks to the end with no duplicates or gaps, each page starting with the row nextKeyPair named', async () => {
    await call('POST', '/rest/v2/user', { body: newUser({ login: AWKWARD }) });
    const everything = await allUsers();
    const seen: Dto[] = [];
    let query = '';
    let pages = 0;
    for (;;) {
      const page = (await call('GET', `/rest/v2/user?limit=7${query}`)).json as Page;
      pages++;
      if (query) {
        const named = new URLSearchParams(query.slice(1));
        assert.equal(page.rows[0]!.id, named.get('startDocumentId'), 'the page starts with the named row');
        assert.equal(page.rows[0]!.login, named.get('startKey'));
      }
      seen.push(...page.rows);
      if (!page.nextKeyPair) {
        assert.ok(page.rows.length <= 7);
        break;
      }
      assert.equal(page.rows.length, 7);
      // URLSearchParams percent-encodes the raw login (form style: space → "+", "+" → "%2B").
      query = '&' + new URLSearchParams({ startKey: page.nextKeyPair.startKey, startDocumentId: page.nextKeyPair.startKeyDocId }).toString();
    }
    assert.equal(pages, Math.ceil(everything.length / 7));
    assert.deepEqual(seen.map((u) => u.id), everything.map((u) => u.id));
    assert.equal(new Set(seen.map((u) => u.id)).size, seen.length);
  });

  it('takes a startKey that needs percent-encoding, encoded with %20 or with +', async () => {
    const created = (await call('POST', '/rest/v2/user', { body: newUser({ login: AWKWARD }) })).json as Dto;
    for (const encoded of [encodeURIComponent(AWKWARD), new URLSearchParams({ k: AWKWARD }).toString().slice(2)]) {
      const page = (await call('GET', `/rest/v2/user?startKey=${encoded}&startDocumentId=${created.id}&limit=2`)).json as Page;
      assert.equal(page.rows[0]!.id, created.id, encoded);
      assert.equal(page.rows[0]!.login, AWKWARD);
    }
  });

  it('starts at the first login >= startKey when startDocumentId is absent', async () => {
    const everything = await allUsers();
    const target = everything[40]!;
    const page = (await call('GET', `/rest/v2/user?startKey=${encodeURIComponent(target.login!)}&limit=3`)).json as Page;
    assert.equal(page.rows[0]!.id, target.id);
  });

  it('keeps soft-deleted users in the list, with deletionDate in epoch ms', async () => {
    const deleted = (await allUsers()).find((u) => u.id === examples.deleted.id)!;
    assert.equal(deleted.deletionDate, examples.deleted.deletionDate);
  });

  it('skips patient users unless skipPatients=false', async () => {
    const patient = (await call('POST', '/rest/v2/user', { body: newUser({ patientId: 'p-1' }) })).json as Dto;
    assert.equal((await allUsers()).some((u) => u.id === patient.id), false);
    const all = (await call('GET', '/rest/v2/user?skipPatients=false&limit=1000')).json as Page;
    assert.ok(all.rows.some((u) => u.id === patient.id));
  });

  it('rejects a limit that is not a positive integer with 400 {"message"}', async () => {
    for (const limit of ['0', '-1', 'ten']) {
      const r = await call('GET', `/rest/v2/user?limit=${limit}`);
      assert.equal(r.status, 400);
      assert.equal(typeof (r.json as { message: unknown }).message, 'string');
    }
  });

  it('never returns passwordHash or nulls, and gives dates as epoch-ms numbers', async () => {
    const users = await allUsers();
    for (const u of users) {
      assert.equal('passwordHash' in u, false);
      assert.equal('groupId' in u, false);
      for (const [k, v] of Object.entries(u)) assert.notEqual(v, null, `${u.id}.${k}`);
      for (const k of ['created', 'createdDate', 'deletionDate', 'termsOfUseDate']) if (k in u) assert.equal(typeof u[k], 'number', k);
    }
    const full = users.find((u) => u.id === examples.full.id)!;
    assert.equal(full.created, 1589462400000);
  });
});

describe('single-user routes', () => {
  it('GET /rest/v2/user/{id} returns the UserDto; unknown → 404 with no body', async () => {
    const r = await call('GET', `/rest/v2/user/${examples.full.id}`);
    assert.equal(r.status, 200);
    const dto = r.json as Dto;
    assert.equal(dto.name, 'Dr. Emma Janssens');
    assert.deepEqual(dto.roles, ['HCP', 'ADMIN']);
    assert.equal(dto.rev, examples.full.rev);
    const missing = await call('GET', '/rest/v2/user/no-such-user');
    assert.equal(missing.status, 404);
    assert.equal(missing.text, '');
  });

  it('GET /rest/v2/user/{id} still answers a soft-deleted user, with its deletionDate', async () => {
    const dto = (await call('GET', `/rest/v2/user/${examples.deleted.id}`)).json as Dto;
    assert.equal(dto.deletionDate, examples.deleted.deletionDate);
  });

  it('GET /rest/v2/user/byEmail/{email} finds a user case-insensitively; unknown → 404', async () => {
    const r = await call('GET', `/rest/v2/user/byEmail/${encodeURIComponent('Emma.Janssens@EXAMPLE.org')}`);
    assert.equal(r.status, 200);
    assert.equal((r.json as Dto).id, examples.full.id);
    assert.equal((await call('GET', '/rest/v2/user/byEmail/nobody%40example.org')).status, 404);
  });

  it('GET /rest/v2/user/byHealthcarePartyId/{id} returns an array of user id strings', async () => {
    const r = await call('GET', `/rest/v2/user/byHealthcarePartyId/${examples.full.healthcarePartyId}`);
    assert.deepEqual(r.json, [examples.full.id]);
    assert.deepEqual((await call('GET', '/rest/v2/user/byHealthcarePartyId/unknown')).json, []);
  });

  it('GET /rest/v2/user/current returns the caller', async () => {
    assert.equal(((await call('GET', '/rest/v2/user/current')).json as Dto).login, sim.auth.username);
  });
});

describe('POST /rest/v2/user', () => {
  it('creates a user: rev 1-<32 hex>, login defaults to the email, status ACTIVE, epoch dates, no secrets, no nulls', async () => {
    const id = crypto.randomUUID();
    const r = await call('POST', '/rest/v2/user', { body: { id, email: 'fresh.nurse@example.org', name: 'Fresh Nurse', roles: ['HCP'], passwordHash: 'Pass-word-1', mobilePhone: null, groupId: 'g1' } });
    assert.equal(r.status, 200);
    const dto = r.json as Dto;
    assert.equal(dto.id, id);
    assert.match(dto.rev!, /^1-[0-9a-f]{32}$/);
    assert.equal(dto.login, 'fresh.nurse@example.org');
    assert.equal(dto.status, 'ACTIVE');
    assert.equal(typeof dto.created, 'number');
    assert.equal(typeof dto.createdDate, 'number');
    assert.equal('passwordHash' in dto, false);
    assert.equal('mobilePhone' in dto, false);
    assert.equal('groupId' in dto, false);
    // The plain password sent as passwordHash was hashed and works for Basic auth.
    assert.equal((await call('GET', '/rest/v2/user/current', { auth: basicOf('fresh.nurse@example.org', 'Pass-word-1') })).status, 200);
  });

  it('answers 400 "A user with Login x already exists" for a duplicate login (and Email for an email)', async () => {
    const dupLogin = await call('POST', '/rest/v2/user', { body: newUser({ login: examples.disabled.login }) });
    assert.equal(dupLogin.status, 400);
    assert.deepEqual(dupLogin.json, { message: `A user with Login ${examples.disabled.login} already exists` });
    const dupEmail = await call('POST', '/rest/v2/user', { body: newUser({ email: 'LUCAS.PEETERS@example.org' }) });
    assert.equal(dupEmail.status, 400);
    assert.match((dupEmail.json as { message: string }).message, /^A user with Email .* already exists$/);
    // Soft-deleted users keep their login.
    assert.equal((await call('POST', '/rest/v2/user', { body: newUser({ login: examples.deleted.login }) })).status, 400);
  });

  it('answers 400 without login, email or phone, without an id, or with a bad status', async () => {
    assert.equal((await call('POST', '/rest/v2/user', { body: { id: crypto.randomUUID(), name: 'Nobody' } })).status, 400);
    assert.equal((await call('POST', '/rest/v2/user', { body: { login: 'no-id' } })).status, 400);
    assert.equal((await call('POST', '/rest/v2/user', { body: newUser({ status: 'active' }) })).status, 400);
    assert.equal((await call('POST', '/rest/v2/user', { body: 'not json' })).status, 400);
  });

  it('answers 409 for an id that exists', async () => {
    assert.equal((await call('POST', '/rest/v2/user', { body: newUser({ id: examples.full.id }) })).status, 409);
  });
});

describe('PUT /rest/v2/user', () => {
  it('replaces the whole document and returns it with the next rev', async () => {
    const current = (await call('GET', `/rest/v2/user/${examples.full.id}`)).json as Dto;
    const { mobilePhone: _dropped, ...withoutPhone } = current;
    const r = await call('PUT', '/rest/v2/user', { body: { ...withoutPhone, name: 'Dr. Emma Janssens-Peeters' } });
    assert.equal(r.status, 200);
    const saved = r.json as Dto;
    assert.match(saved.rev!, /^4-[0-9a-f]{32}$/);
    assert.equal(saved.name, 'Dr. Emma Janssens-Peeters');
    assert.equal('mobilePhone' in saved, false, 'an omitted field is cleared');
    assert.deepEqual(saved.properties, current.properties);
    assert.deepEqual(((await call('GET', `/rest/v2/user/${examples.full.id}`)).json as Dto).rev, saved.rev);
  });

  it('answers 400 "An entity with a null revision is not valid for modification" without rev', async () => {
    const { rev: _rev, ...current } = (await call('GET', `/rest/v2/user/${examples.full.id}`)).json as Dto;
    const r = await call('PUT', '/rest/v2/user', { body: current });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, { message: 'An entity with a null revision is not valid for modification' });
    assert.match(String(r.contentType), /^application\/json/);
  });

  it('answers 409 for a stale rev and for an unknown id with a rev', async () => {
    const current = (await call('GET', `/rest/v2/user/${examples.full.id}`)).json as Dto;
    assert.equal((await call('PUT', '/rest/v2/user', { body: { ...current, name: 'A' } })).status, 200);
    const stale = await call('PUT', '/rest/v2/user', { body: { ...current, name: 'B' } });
    assert.equal(stale.status, 409);
    assert.equal(typeof (stale.json as { message: unknown }).message, 'string');
    assert.equal((await call('PUT', '/rest/v2/user', { body: { id: 'ghost', rev: '1-00000000000000000000000000000000', login: 'ghost' } })).status, 409);
  });

  it('keeps the stored password when the document comes back without passwordHash', async () => {
    const created = (await call('POST', '/rest/v2/user', { body: newUser({ login: 'keeps.password', passwordHash: 'Keep-me-1' }) })).json as Dto;
    assert.equal((await call('PUT', '/rest/v2/user', { body: { ...created, name: 'Renamed' } })).status, 200);
    assert.equal((await call('GET', '/rest/v2/user/current', { auth: basicOf('keeps.password', 'Keep-me-1') })).status, 200);
  });

  it('rejects a login or email another user holds', async () => {
    const current = (await call('GET', `/rest/v2/user/${examples.full.id}`)).json as Dto;
    const r = await call('PUT', '/rest/v2/user', { body: { ...current, email: examples.disabled.email } });
    assert.equal(r.status, 400);
    assert.match((r.json as { message: string }).message, /^A user with Email /);
  });

  it('makes a concurrent write after a read when asked (/__sim/users/{id}/concurrent-writes)', async () => {
    await control.call('POST', `/__sim/users/${examples.full.id}/concurrent-writes`, { times: 1, patch: { name: 'Changed elsewhere' } });
    const read = (await call('GET', `/rest/v2/user/${examples.full.id}`)).json as Dto;
    assert.equal((await call('PUT', '/rest/v2/user', { body: read })).status, 409);
    const fresh = (await call('GET', `/rest/v2/user/${examples.full.id}`)).json as Dto;
    assert.equal(fresh.name, 'Changed elsewhere');
    assert.equal((await call('PUT', '/rest/v2/user', { body: fresh })).status, 200);
  });
});

describe('DELETE /rest/v2/user/{id} and PUT /rest/v2/user/{id}/properties', () => {
  it('soft-deletes: returns {id, rev}, the user stays listed with deletionDate', async () => {
    const r = await call('DELETE', `/rest/v2/user/${examples.registering.id}`);
    assert.equal(r.status, 200);
    const body = r.json as { id: string; rev: string };
    assert.deepEqual(Object.keys(body).sort(), ['id', 'rev']);
    assert.equal(body.id, examples.registering.id);
    assert.match(body.rev, /^2-[0-9a-f]{32}$/);
    const listed = (await allUsers()).find((u) => u.id === examples.registering.id)!;
    assert.equal(typeof listed.deletionDate, 'number');
    assert.equal(listed.rev, body.rev);
    // Deleting again changes nothing.
    assert.deepEqual((await call('DELETE', `/rest/v2/user/${examples.registering.id}`)).json, body);
  });

  it('answers 404 {"message"} for an unknown user and 409 for a stale ?rev', async () => {
    const missing = await call('DELETE', '/rest/v2/user/no-such-user');
    assert.equal(missing.status, 404);
    assert.equal(typeof (missing.json as { message: unknown }).message, 'string');
    assert.equal((await call('DELETE', `/rest/v2/user/${examples.full.id}?rev=1-00000000000000000000000000000000`)).status, 409);
  });

  it('merges properties by type identifier and returns the user with a new rev', async () => {
    const prop = { type: { identifier: 'org.taktik.icure.user.preferredLanguage' }, typedValue: { type: 'STRING', stringValue: 'fr' } };
    const extra = { id: 'x', type: { identifier: 'x.other', type: 'BOOLEAN' }, typedValue: { type: 'BOOLEAN', booleanValue: true } };
    const r = await call('PUT', `/rest/v2/user/${examples.full.id}/properties`, { body: [prop, extra] });
    assert.equal(r.status, 200);
    const dto = r.json as Dto & { properties: Array<{ type: { identifier: string }; typedValue: { stringValue?: string } }> };
    assert.match(dto.rev!, /^4-/);
    assert.equal(dto.properties.length, 2);
    assert.equal(dto.properties.find((p) => p.type.identifier === 'org.taktik.icure.user.preferredLanguage')!.typedValue.stringValue, 'fr');
    assert.equal((await call('PUT', '/rest/v2/user/nobody/properties', { body: [prop] })).status, 404);
    assert.equal((await call('PUT', `/rest/v2/user/${examples.full.id}/properties`, { body: { not: 'a list' } })).status, 400);
  });
});

describe('simulator kit integration', () => {
  it('logs vendor requests (not controls) and restores seeded state on reset', async () => {
    await call('DELETE', `/rest/v2/user/${examples.full.id}`);
    const log = await control.requests();
    assert.deepEqual(log.map((r) => `${r.method} ${r.path}`), [`DELETE /rest/v2/user/${examples.full.id}`]);
    await control.reset();
    const dto = (await call('GET', `/rest/v2/user/${examples.full.id}`)).json as Dto;
    assert.equal(dto.deletionDate, undefined);
    assert.equal(dto.rev, examples.full.rev);
  });

  it('answers unknown routes and verbs in the vendor error shape', async () => {
    const r = await call('PATCH', '/rest/v2/user');
    assert.equal(r.status, 405);
    assert.equal(typeof (r.json as { message: unknown }).message, 'string');
  });
});
