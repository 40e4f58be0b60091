import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { StartedSimulator } from '../../../core/connector';
import { SimControl } from '../../../sim/control';
import notAuthenticated from '../fixtures/error-not-authenticated.json';
import usersList from '../fixtures/users-list.json';
import { startSimulator } from './index';

const ST_GEORGE = 'c186cf8e-708c-479e-acbd-d534f54b7e89';
const USER_E = 'c0d06995-87dd-4437-a92e-338f53b7dba5';
const USER_F = '0507f1a3-7d50-4f3e-a5ae-a8f3c318e151';
const UNKNOWN = '99999999-9999-4999-8999-999999999999';
const ISO_MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const USER_KEYS = Object.keys(usersList.results[0]!);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let sim: StartedSimulator;
let ctl: SimControl;
let token: string;

async function call(method: string, path: string, opts: { token?: string | null; json?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  const bearer = opts.token === undefined ? token : opts.token;
  if (bearer) headers['authorization'] = `Bearer ${bearer}`;
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    body = new URLSearchParams(opts.form).toString();
  }
  const res = await fetch(`${sim.origin}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Json };
}

async function newToken(): Promise<string> {
  const { clientId, clientSecret } = sim.auth as { clientId: string; clientSecret: string };
  const res = await call('POST', '/api/integration/auth/', { token: null, form: { client_id: clientId, client_secret: clientSecret } });
  assert.equal(res.status, 200);
  return res.body['access_token'] as string;
}

function assertEnvelope(body: Json, code: string, detail?: string) {
  assert.equal(body['code'], code);
  assert.equal(typeof body['detail'], 'string');
  if (detail) assert.equal(body['detail'], detail);
  assert.ok(Array.isArray(body['errors']) && body['errors'].length > 0, 'errors is a non-empty array');
  for (const e of body['errors'] as Json[]) assert.equal(typeof e['detail'], 'string');
}

const newUser = (over: Json = {}) => ({ first_name: 'Fred', last_name: 'Smith', is_active: true, email: 'fred.smith@example.net', role: 'user', ...over });

describe('painchek simulator contract', () => {
  before(async () => {
    sim = await startSimulator({ port: 0 });
    ctl = new SimControl(sim.origin);
    token = await newToken();
  });
  after(() => sim.close());
  beforeEach(() => ctl.reset());

  describe('auth', () => {
    it('issues a 30-character Bearer token for form-encoded client credentials', async () => {
      const { clientId, clientSecret } = sim.auth as { clientId: string; clientSecret: string };
      const res = await call('POST', '/api/integration/auth/', { token: null, form: { client_id: clientId, client_secret: clientSecret } });
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
      assert.equal(res.body['expires_in'], 36000);
      assert.equal(res.body['token_type'], 'Bearer');
      assert.equal(res.body['scope'], 'write read');
      assert.match(res.body['access_token'], /^[A-Za-z0-9]{30}$/);
      assert.notEqual(res.body['access_token'], token);
    });

    it('expires_in is configurable', async () => {
      const other = await startSimulator({ port: 0, users: 3, tokenExpiresInSeconds: 1234 });
      try {
        const { clientId, clientSecret } = other.auth as { clientId: string; clientSecret: string };
        const res = await fetch(`${other.origin}/api/integration/auth/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret }).toString() });
        assert.equal(((await res.json()) as Json)['expires_in'], 1234);
      } finally {
        await other.close();
      }
    });

    it('wrong secret → 401 authentication_failed; missing field → 400 with the field; JSON body → 415; GET → 405', async () => {
      const { clientId } = sim.auth as { clientId: string };
      const wrong = await call('POST', '/api/integration/auth/', { token: null, form: { client_id: clientId, client_secret: 'nope' } });
      assert.equal(wrong.status, 401);
      assertEnvelope(wrong.body, 'authentication_failed');
      const missing = await call('POST', '/api/integration/auth/', { token: null, form: { client_id: clientId } });
      assert.equal(missing.status, 400);
      assertEnvelope(missing.body, 'invalid');
      assert.deepEqual(missing.body['errors'], [{ field: 'client_secret', detail: 'This field is required.' }]);
      const json = await call('POST', '/api/integration/auth/', { token: null, json: { client_id: clientId } });
      assert.equal(json.status, 415);
      const get = await call('GET', '/api/integration/auth/', { token: null });
      assert.equal(get.status, 405);
      assertEnvelope(get.body, 'method_not_allowed');
    });

    it('the expire control ends every token; a new one works', async () => {
      const mine = await newToken();
      assert.equal((await call('GET', '/api/sites/', { token: mine })).status, 200);
      const ctlRes = await ctl.call('POST', '/__sim/tokens/expire');
      assert.equal(ctlRes.status, 200);
      assert.ok((ctlRes.body as Json)['expired'] >= 2);
      const expired = await call('GET', '/api/sites/', { token: mine });
      assert.equal(expired.status, 401);
      assertEnvelope(expired.body, 'authentication_failed', 'Incorrect authentication credentials.');
      token = await newToken();
      assert.equal((await call('GET', '/api/sites/')).status, 200);
    });

    it('every route needs a Bearer token: 401 not_authenticated without, authentication_failed with a wrong one', async () => {
      const routes: Array<[string, string]> = [
        ['GET', '/api/account/users/'],
        ['POST', '/api/account/users/'],
        ['GET', `/api/account/users/${USER_E}/`],
        ['PATCH', `/api/account/users/${USER_E}/`],
        ['DELETE', `/api/account/users/${USER_E}/`],
        ['GET', '/api/sites/'],
        ['GET', `/api/sites/${ST_GEORGE}/users/`],
        ['PATCH', `/api/sites/${ST_GEORGE}/users/${USER_E}/`],
        ['DELETE', `/api/sites/${ST_GEORGE}/users/${USER_E}/`],
      ];
      for (const [method, path] of routes) {
        const none = await call(method, path, { token: null });
        assert.equal(none.status, 401, `${method} ${path}`);
        assert.deepEqual(none.body, notAuthenticated);
        assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="api"');
        const wrong = await call(method, path, { token: 'x'.repeat(30) });
        assert.equal(wrong.status, 401, `${method} ${path}`);
        assertEnvelope(wrong.body, 'authentication_failed');
      }
      const basic = await call('GET', '/api/sites/', { token: null, headers: { authorization: 'Basic abc' } });
      assertEnvelope(basic.body, 'not_authenticated');
    });
  });

  it('seed data is deterministic per seed', async () => {
    const list = async (s: StartedSimulator) => {
      const { clientId, clientSecret } = s.auth as { clientId: string; clientSecret: string };
      const t = (await (await fetch(`${s.origin}/api/integration/auth/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret }).toString() })).json()) as Json;
      return (await (await fetch(`${s.origin}/api/account/users/?page_size=20`, { headers: { authorization: `Bearer ${t['access_token']}` } })).json()) as Json;
    };
    const [a, b, c] = await Promise.all([startSimulator({ users: 20, seed: 7 }), startSimulator({ users: 20, seed: 7 }), startSimulator({ users: 20, seed: 8 })]);
    try {
      const [la, lb, lc] = await Promise.all([list(a), list(b), list(c)]);
      assert.equal(la['count'], 20);
      assert.deepEqual(la['results'], lb['results']);
      assert.notDeepEqual(la['results'], lc['results']);
      assert.deepEqual(la['results'].slice(0, 2), usersList.results, 'the docs examples come first whatever the seed');
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  describe('users', () => {
    it('lists the docs examples first, verbatim, with the DRF envelope and default page size 10', async () => {
      const res = await call('GET', '/api/account/users/');
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body), ['count', 'next', 'previous', 'results']);
      assert.equal(res.body['count'], 200);
      assert.equal(res.body['results'].length, 10);
      assert.deepEqual(res.body['results'].slice(0, 2), usersList.results);
      assert.equal(res.body['next'], `${sim.origin}/api/account/users/?page=2`);
      assert.equal(res.body['previous'], null);
    });

    it('page_size above 20 is capped at 20; links are absolute, keep the query sorted, and page 1 drops page', async () => {
      const res = await call('GET', '/api/account/users/?page_size=50&page=2');
      assert.equal(res.body['results'].length, 20);
      assert.equal(res.body['next'], `${sim.origin}/api/account/users/?page=3&page_size=50`);
      assert.equal(res.body['previous'], `${sim.origin}/api/account/users/?page_size=50`);
      const bad = await call('GET', '/api/account/users/?page_size=abc');
      assert.equal(bad.body['results'].length, 10);
    });

    it('next/previous use the Host the client addressed', async () => {
      const body = await new Promise<Json>((resolve, reject) => {
        const req = http.request(`${sim.origin}/api/account/users/?page=2&page_size=5`, { headers: { host: 'painchek.test:8443', authorization: `Bearer ${token}` } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(JSON.parse(text) as Json));
        });
        req.on('error', reject);
        req.end();
      });
      assert.equal(body['next'], 'http://painchek.test:8443/api/account/users/?page=3&page_size=5');
      assert.equal(body['previous'], 'http://painchek.test:8443/api/account/users/?page_size=5');
    });

    it('walking next to the end returns every user once, no gaps', async () => {
      const seen: string[] = [];
      let url: string | null = `${sim.origin}/api/account/users/?page_size=20`;
      let pages = 0;
      while (url) {
        const res = await call('GET', url.slice(sim.origin.length));
        assert.equal(res.status, 200);
        seen.push(...(res.body['results'] as Json[]).map((u) => u['uuid'] as string));
        url = res.body['next'] as string | null;
        pages++;
      }
      assert.equal(pages, 10);
      assert.equal(seen.length, 200);
      assert.equal(new Set(seen).size, 200);
    });

    it('an out-of-range or malformed page is 404 "Invalid page."', async () => {
      for (const q of ['page=11&page_size=20', 'page=0', 'page=x']) {
        const res = await call('GET', `/api/account/users/?${q}`);
        assert.equal(res.status, 404, q);
        assertEnvelope(res.body, 'not_found', 'Invalid page.');
      }
    });

    it('external_id filters by exact string', async () => {
      const all = (await call('GET', '/api/account/users/?page_size=20')).body['results'] as Json[];
      const withId = all.find((u) => u['external_id'] !== null)!;
      const res = await call('GET', `/api/account/users/?external_id=${encodeURIComponent(withId['external_id'])}`);
      assert.equal(res.body['count'], 1);
      assert.equal(res.body['results'][0]['uuid'], withId['uuid']);
      const prefix = await call('GET', `/api/account/users/?external_id=${encodeURIComponent(String(withId['external_id']).slice(0, -1))}`);
      assert.equal(prefix.body['count'], 0);
    });

    it('seed data: "" and null both occur for phone and position; some inactive, some not activated, some with external_id; all roles', async () => {
      const users: Json[] = [];
      for (let page = 1; page <= 10; page++) users.push(...((await call('GET', `/api/account/users/?page=${page}&page_size=20`)).body['results'] as Json[]));
      for (const field of ['phone', 'position']) {
        assert.ok(users.some((u) => u[field] === ''), `${field} ""`);
        assert.ok(users.some((u) => u[field] === null), `${field} null`);
      }
      assert.ok(users.some((u) => !u['is_active']));
      assert.ok(users.some((u) => !u['has_activated']));
      assert.ok(users.some((u) => u['external_id'] !== null));
      assert.deepEqual(new Set(users.map((u) => u['role'])), new Set(['license_admin', 'admin', 'user']));
      for (const u of users) {
        assert.deepEqual(Object.keys(u), USER_KEYS);
        assert.match(u['date_joined'], ISO_MICROS);
      }
    });

    it('GET one user; unknown → 404 not_found; no trailing slash → 404; DELETE → 405', async () => {
      const res = await call('GET', `/api/account/users/${USER_F}/`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, usersList.results[1]);
      const unknown = await call('GET', `/api/account/users/${UNKNOWN}/`);
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.body, { code: 'not_found', detail: 'Not found.', errors: [{ detail: 'Not found.' }] });
      for (const [method, path] of [
        ['GET', `/api/account/users/${USER_F}`],
        ['GET', '/api/account/users'],
        ['POST', '/api/account/users'],
        ['PATCH', `/api/account/users/${USER_F}`],
        ['GET', '/api/sites'],
        ['PATCH', `/api/sites/${ST_GEORGE}/users/${USER_E}`],
      ] as const) {
        const r = await call(method, path, method === 'GET' ? {} : { json: {} });
        assert.equal(r.status, 404, `${method} ${path}`);
        assertEnvelope(r.body, 'not_found');
      }
      const del = await call('DELETE', `/api/account/users/${USER_F}/`);
      assert.equal(del.status, 405);
      assertEnvelope(del.body, 'method_not_allowed');
      assert.equal(del.headers.get('allow'), 'GET, PUT, PATCH');
    });

    it('POST creates: 201, full record, not activated, null phone/position, microsecond timestamps', async () => {
      const res = await call('POST', '/api/account/users/', { json: newUser() });
      assert.equal(res.status, 201);
      assert.deepEqual(Object.keys(res.body), USER_KEYS);
      const u = res.body;
      assert.match(u['uuid'], /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        { ...u, uuid: null, date_joined: null, modified_at: null },
        {
          uuid: null,
          license: 'a89e0cc1-fd90-4721-b09b-7f527f5ff626',
          license_name: 'A89E0CC1-FD90/PainChek Ltd/2018-08-25',
          email: 'fred.smith@example.net',
          first_name: 'Fred',
          last_name: 'Smith',
          phone: null,
          institution: null,
          institution_name: null,
          position: null,
          avatar: null,
          has_activated: false,
          role: 'user',
          is_active: true,
          date_joined: null,
          modified_at: null,
          external_id: null,
        },
      );
      assert.match(u['date_joined'], ISO_MICROS);
      assert.match(u['modified_at'], ISO_MICROS);
      assert.ok(u['modified_at'] > u['date_joined']);
      assert.deepEqual((await call('GET', `/api/account/users/${u['uuid']}/`)).body, u);
      assert.equal((await call('GET', '/api/account/users/')).body['count'], 201);
    });

    it('full_site_access is accepted on write and never returned', async () => {
      const res = await call('POST', '/api/account/users/', { json: newUser({ full_site_access: true, institution: ST_GEORGE, position: '' }) });
      assert.equal(res.status, 201);
      assert.equal('full_site_access' in res.body, false);
      assert.equal(res.body['institution_name'], 'St George Hospital / Kogarah');
      assert.equal(res.body['position'], '');
      const patched = await call('PATCH', `/api/account/users/${res.body['uuid']}/`, { json: { full_site_access: false } });
      assert.equal(patched.status, 200);
      assert.equal('full_site_access' in patched.body, false);
      const listed = await call('GET', '/api/account/users/?page=11&page_size=20');
      assert.equal(JSON.stringify(listed.body).includes('full_site_access'), false);
    });

    const invalidCases: Array<{ name: string; body: Json; errors: Array<{ field: string; detail: string }> }> = [
      {
        name: 'required fields',
        body: {},
        errors: ['first_name', 'last_name', 'email', 'role'].map((field) => ({ field, detail: 'This field is required.' })),
      },
      { name: 'blank first_name', body: newUser({ first_name: '' }), errors: [{ field: 'first_name', detail: 'This field may not be blank.' }] },
      { name: 'null last_name', body: newUser({ last_name: null }), errors: [{ field: 'last_name', detail: 'This field may not be null.' }] },
      { name: 'long first_name', body: newUser({ first_name: 'x'.repeat(151) }), errors: [{ field: 'first_name', detail: 'Ensure this field has no more than 150 characters.' }] },
      { name: 'role not in the set', body: newUser({ role: 'superuser' }), errors: [{ field: 'role', detail: '"superuser" is not a valid choice.' }] },
      { name: 'malformed email', body: newUser({ email: 'fred@' }), errors: [{ field: 'email', detail: 'Enter a valid email address.' }] },
      { name: 'duplicate email (any case)', body: newUser({ email: 'USER_E@painchek.com' }), errors: [{ field: 'email', detail: 'user with this email already exists.' }] },
      { name: 'unknown institution', body: newUser({ institution: UNKNOWN }), errors: [{ field: 'institution', detail: `Invalid pk "${UNKNOWN}" - object does not exist.` }] },
      { name: 'malformed institution', body: newUser({ institution: 'st-george' }), errors: [{ field: 'institution', detail: 'Must be a valid UUID.' }] },
      { name: 'is_active not a boolean', body: newUser({ is_active: 'yes' }), errors: [{ field: 'is_active', detail: 'Must be a valid boolean.' }] },
    ];
    for (const c of invalidCases) {
      it(`POST validation: ${c.name} → 400 invalid with field errors`, async () => {
        const res = await call('POST', '/api/account/users/', { json: c.body });
        assert.equal(res.status, 400);
        assert.deepEqual(res.body, { code: 'invalid', detail: 'Invalid input.', errors: c.errors });
      });
    }

    it('external_id is unique among users', async () => {
      const first = await call('POST', '/api/account/users/', { json: newUser({ external_id: 'X-1' }) });
      assert.equal(first.status, 201);
      const second = await call('POST', '/api/account/users/', { json: newUser({ email: 'other@example.net', external_id: 'X-1' }) });
      assert.equal(second.status, 400);
      assert.deepEqual(second.body['errors'], [{ field: 'external_id', detail: 'user with this external id already exists.' }]);
    });

    it('POST with a body that is not JSON → 415; malformed JSON → 400 parse_error', async () => {
      const form = await call('POST', '/api/account/users/', { form: { first_name: 'x' } });
      assert.equal(form.status, 415);
      assertEnvelope(form.body, 'unsupported_media_type');
      const res = await fetch(`${sim.origin}/api/account/users/`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"first_name":' });
      assert.equal(res.status, 400);
      assertEnvelope((await res.json()) as Json, 'parse_error');
    });

    it('PATCH is partial, returns the full record and moves modified_at; invalid values → 400; unknown → 404', async () => {
      const res = await call('PATCH', `/api/account/users/${USER_E}/`, { json: { position: 'Nurse', is_active: false, role: 'admin', uuid: UNKNOWN, has_activated: false } });
      assert.equal(res.status, 200);
      const before = usersList.results[0]!;
      assert.deepEqual(res.body, { ...before, position: 'Nurse', is_active: false, role: 'admin', modified_at: res.body['modified_at'] });
      assert.match(res.body['modified_at'], ISO_MICROS);
      assert.ok(res.body['modified_at'] > before.modified_at);
      const again = await call('PATCH', `/api/account/users/${USER_E}/`, { json: { is_active: true } });
      assert.ok(again.body['modified_at'] > res.body['modified_at']);

      const bad = await call('PATCH', `/api/account/users/${USER_E}/`, { json: { role: 'root', email: 'user_f@painchek.com' } });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body['errors'], [
        { field: 'role', detail: '"root" is not a valid choice.' },
        { field: 'email', detail: 'user with this email already exists.' },
      ]);
      const same = await call('PATCH', `/api/account/users/${USER_E}/`, { json: { email: 'user_e@painchek.com' } });
      assert.equal(same.status, 200, 'a user keeps its own email');
      const unknown = await call('PATCH', `/api/account/users/${UNKNOWN}/`, { json: { is_active: false } });
      assert.equal(unknown.status, 404);
      assertEnvelope(unknown.body, 'not_found', 'Not found.');
    });

    it('PUT replaces: required fields must all be present', async () => {
      const res = await call('PUT', `/api/account/users/${USER_E}/`, { json: { first_name: 'A' } });
      assert.equal(res.status, 400);
      assert.deepEqual(res.body['errors'].map((e: Json) => e['field']), ['last_name', 'email', 'role']);
    });

    it('reset restores the seeded state', async () => {
      await call('POST', '/api/account/users/', { json: newUser() });
      await call('PATCH', `/api/account/users/${USER_E}/`, { json: { first_name: 'Changed' } });
      await ctl.reset();
      assert.equal((await call('GET', '/api/account/users/')).body['count'], 200);
      assert.deepEqual((await call('GET', `/api/account/users/${USER_E}/`)).body, usersList.results[0]);
    });
  });

  describe('sites and site access', () => {
    it('GET /api/sites/ lists ~8 sites with the documented fields, St George included', async () => {
      const res = await call('GET', '/api/sites/?page_size=20');
      assert.equal(res.status, 200);
      assert.equal(res.body['count'], 8);
      const fields = ['uuid', 'license', 'license_name', 'type', 'name', 'phone', 'email', 'address', 'postcode', 'city', 'state', 'country', 'num_beds', 'created_at', 'modified_at', 'deleted_at', 'update_stamp', 'external_id'];
      for (const s of res.body['results'] as Json[]) {
        assert.deepEqual(Object.keys(s), fields);
        assert.ok([1, 2, 3, 4].includes(s['type']));
        assert.equal(s['country'].length, 2);
      }
      const george = (res.body['results'] as Json[]).find((s) => s['uuid'] === ST_GEORGE)!;
      assert.equal(george['name'], 'St George Hospital / Kogarah');
      assert.equal(george['type'], 1);
      assert.ok((res.body['results'] as Json[]).some((s) => s['type'] === 2), 'care homes');
      const paged = await call('GET', '/api/sites/?page_size=3&page=2');
      assert.equal(paged.body['next'], `${sim.origin}/api/sites/?page=3&page_size=3`);
    });

    it("GET /api/sites/{site}/users/ pages a site's active access records", async () => {
      const first = await call('GET', `/api/sites/${ST_GEORGE}/users/?page_size=20`);
      assert.equal(first.status, 200);
      const records: Json[] = [];
      let url: string | null = `/api/sites/${ST_GEORGE}/users/?page_size=20`;
      while (url) {
        const res = await call('GET', url.replace(sim.origin, ''));
        records.push(...(res.body['results'] as Json[]));
        url = res.body['next'] as string | null;
      }
      assert.equal(records.length, first.body['count']);
      assert.ok(records.length > 20, 'more than one page');
      assert.equal(new Set(records.map((r) => r['uuid'])).size, records.length);
      assert.ok(records.every((r) => r['active'] === true && r['site'] === ST_GEORGE));
      assert.ok(records.some((r) => r['user'] === USER_F));
      const unknown = await call('GET', `/api/sites/${UNKNOWN}/users/`);
      assert.equal(unknown.status, 404);
      assertEnvelope(unknown.body, 'not_found');
    });

    it('PATCH grants (no body), idempotently; DELETE revokes with active:false and a longer audit', async () => {
      const path = `/api/sites/${ST_GEORGE}/users/${USER_E}/`;
      const granted = await call('PATCH', path);
      assert.equal(granted.status, 200);
      assert.deepEqual(Object.keys(granted.body), ['uuid', 'site', 'active', 'audit', 'user', 'created_by', 'created_at', 'modified_by', 'modified_at']);
      assert.equal(granted.body['active'], true);
      assert.equal(granted.body['site'], ST_GEORGE);
      assert.equal(granted.body['user'], USER_E);
      assert.equal(granted.body['audit'].length, 1);
      assert.deepEqual(Object.keys(granted.body['audit'][0]), ['user', 'site', 'active', 'changed_by', 'changed_at']);
      assert.match(granted.body['audit'][0]['changed_at'], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\+00:00$/);

      const again = await call('PATCH', path);
      assert.equal(again.status, 200);
      assert.deepEqual(again.body, granted.body, 'granting existing access is effectively ignored');

      const listed = async () => {
        const users: string[] = [];
        for (let page = 1, more = true; more; page++) {
          const res = await call('GET', `/api/sites/${ST_GEORGE}/users/?page_size=20&page=${page}`);
          users.push(...(res.body['results'] as Json[]).map((r) => r['user'] as string));
          more = res.body['next'] !== null;
        }
        return users;
      };
      assert.ok((await listed()).includes(USER_E));

      const revoked = await call('DELETE', path);
      assert.equal(revoked.status, 200);
      assert.equal(revoked.body['uuid'], granted.body['uuid']);
      assert.equal(revoked.body['active'], false);
      assert.equal(revoked.body['audit'].length, 2);
      assert.match(revoked.body['audit'][1]['changed_at'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
      assert.equal(revoked.body['audit'][1]['active'], false);
      assert.equal((await listed()).includes(USER_E), false);

      const regranted = await call('PATCH', path);
      assert.equal(regranted.body['active'], true);
      assert.equal(regranted.body['audit'].length, 3);
    });

    it('grant/revoke: unknown site or user → 404; revoking access never granted → 404; GET → 405', async () => {
      for (const [method, path] of [
        ['PATCH', `/api/sites/${UNKNOWN}/users/${USER_E}/`],
        ['PATCH', `/api/sites/${ST_GEORGE}/users/${UNKNOWN}/`],
        ['DELETE', `/api/sites/${ST_GEORGE}/users/${USER_E}/`],
      ] as const) {
        const res = await call(method, path);
        assert.equal(res.status, 404, `${method} ${path}`);
        assertEnvelope(res.body, 'not_found', 'Not found.');
      }
      const get = await call('GET', `/api/sites/${ST_GEORGE}/users/${USER_F}/`);
      assert.equal(get.status, 405);
      assert.equal(get.headers.get('allow'), 'PATCH, DELETE');
    });
  });
});
