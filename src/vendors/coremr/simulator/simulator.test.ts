import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { StartedSimulator } from '../../../core/connector';
import { SimControl } from '../../../sim/control';
import { seedUsers } from './seed-users';
import { FACILITIES, USERTYPES } from './catalog';
import { startSimulator } from './index';

/**
 * Contract tests of the CorEMR simulator over real HTTP. The signer here is written against
 * node:crypto directly (not the connector's cws.ts), so the simulator is checked against the
 * documented scheme rather than against our own client code.
 */
let sim: StartedSimulator;
let control: SimControl;
let gatewayKey: KeyObject;

type Alg = 'CWS-SHA1' | 'CWS-SHA256';
interface CallOpts {
  body?: unknown;
  /** Raw body bytes to send (and sign) instead of JSON.stringify(body). */
  raw?: string;
  alg?: Alg;
  keyUser?: string;
  key?: KeyObject;
  /** Override the Authorization header entirely (null = none). */
  authorization?: string | null;
  /** Sign this instead of what is sent. */
  signOver?: string;
}

async function call(method: string, path: string, o: CallOpts = {}): Promise<{ status: number; body: any }> {
  const payload = o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  const alg = o.alg ?? 'CWS-SHA256';
  const signedContent = o.signOver ?? (method === 'POST' || method === 'PUT' ? (payload ?? '') : '');
  const signature = sign(alg === 'CWS-SHA1' ? 'sha1' : 'sha256', Buffer.from(signedContent, 'utf8'), o.key ?? gatewayKey).toString('base64');
  const headers: Record<string, string> = {};
  const authorization = o.authorization === undefined ? `${alg} Access=${o.keyUser ?? 'gateway'}, Signature=${signature}` : o.authorization;
  if (authorization !== null) headers.authorization = authorization;
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sim.origin}${path}`, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const DOC_USER_FIELDS = [
  'active', 'username', 'title', 'title_full', 'fname', 'mi', 'lname', 'email', 'employee_number', 'home_phone',
  'work_phone', 'ssn', 'notes', 'dea_number', 'npi_number', 'enc_categories', 'enc_type', 'lab_provider_id',
  'bypass_external_auth', 'does_password_expire', 'locked', 'last_logged_in', 'date_created',
];
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const NEW_USER = { username: 'nnew', usertype: 'Nurse', password: 'Secret-123', fname: 'Nia', lname: 'New' };

function assertMessage(res: { status: number; body: any }, status: number): void {
  assert.equal(res.status, status);
  assert.deepEqual(Object.keys(res.body), ['message']);
  assert.equal(typeof res.body.message, 'string');
}

before(async () => {
  sim = await startSimulator({ port: 0 });
  control = new SimControl(sim.origin);
  gatewayKey = createPrivateKey(sim.auth.privateKey as string);
});
after(() => sim.close());
beforeEach(() => control.reset());

describe('coremr simulator: start-up', () => {
  test('returns the gateway auth in config shape and the key as a secret file', () => {
    assert.equal(sim.vendor, 'coremr');
    assert.equal(sim.baseUrl, sim.origin);
    assert.equal(sim.auth.keyUser, 'gateway');
    assert.equal(sim.auth.algorithm, 'CWS-SHA256');
    assert.match(sim.auth.privateKey as string, /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(gatewayKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.deepEqual(sim.secretFiles, { privateKeyFile: { content: sim.auth.privateKey, replaces: 'privateKey' } });
    assert.deepEqual(sim.http, { maxConcurrency: 8 });
  });
});

describe('coremr simulator: CWS authentication', () => {
  test('no Authorization header → 401', async () => assertMessage(await call('GET', '/ws/users/admin', { authorization: null }), 401));
  test('a malformed header → 401', async () => assertMessage(await call('GET', '/ws/users/admin', { authorization: 'Bearer abc' }), 401));
  test('an unknown key user → 401', async () => assertMessage(await call('GET', '/ws/users/admin', { keyUser: 'stranger' }), 401));
  test('a signature by another key → 401', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    assertMessage(await call('GET', '/ws/users/admin', { key: other }), 401);
  });
  test('a GET signed over anything but the empty string → 401', async () => assertMessage(await call('GET', '/ws/users/admin', { signOver: 'x' }), 401));
  test('a POST whose body differs from what was signed → 401', async () => {
    assertMessage(await call('POST', '/ws/users/', { body: NEW_USER, signOver: JSON.stringify({ ...NEW_USER, fname: 'Other' }) }), 401);
    assert.equal((await call('GET', '/ws/users/nnew')).status, 404, 'nothing was created');
  });
  test('CWS-SHA256 and CWS-SHA1 are both accepted', async () => {
    assert.equal((await call('GET', '/ws/users/admin', { alg: 'CWS-SHA256' })).status, 200);
    assert.equal((await call('GET', '/ws/users/admin', { alg: 'CWS-SHA1' })).status, 200);
    assert.equal((await call('POST', '/ws/users/', { body: NEW_USER, alg: 'CWS-SHA1' })).status, 201);
  });
  test('DELETE signs the empty string', async () => {
    assert.equal((await call('DELETE', '/ws/users/admin', { signOver: 'x' })).status, 401);
    assert.equal((await call('DELETE', '/ws/users/admin')).status, 200);
  });
  test('another key user can be registered and removed under /__sim/keys', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    const key = createPrivateKey(pair.privateKey);
    assert.equal((await control.call('POST', '/__sim/keys', { keyUser: 'tester', publicKey: pair.publicKey })).status, 201);
    assert.equal((await call('GET', '/ws/users/admin', { keyUser: 'tester', key })).status, 200);
    assert.equal((await control.call('DELETE', '/__sim/keys/tester')).status, 204);
    assert.equal((await call('GET', '/ws/users/admin', { keyUser: 'tester', key })).status, 401);
    assert.equal((await control.call('POST', '/__sim/keys', { keyUser: 'x', publicKey: 'not a key' })).status, 400);
  });
  test('reset keeps only the gateway key', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    await control.call('POST', '/__sim/keys', { keyUser: 'tester', publicKey: pair.publicKey });
    await control.reset();
    assert.equal((await call('GET', '/ws/users/admin', { keyUser: 'tester', key: createPrivateKey(pair.privateKey) })).status, 401);
    assert.equal((await call('GET', '/ws/users/admin')).status, 200);
  });
});

describe('coremr simulator: trailing slashes exactly as documented', () => {
  const WRONG: Array<[string, string]> = [
    ['GET', '/ws/users'],
    ['POST', '/ws/users'],
    ['GET', '/ws/users/admin/'],
    ['PUT', '/ws/users/admin/'],
    ['DELETE', '/ws/users/admin/'],
    ['GET', '/ws/users/admin/types'],
    ['POST', '/ws/users/admin/types'],
    ['DELETE', '/ws/users/admin/types/Administrator/'],
    ['GET', '/ws/users/admin/facilities'],
    ['PUT', '/ws/users/admin/facilities/MAIN/'],
    ['DELETE', '/ws/users/admin/facilities/MAIN/'],
  ];
  for (const [method, path] of WRONG) {
    test(`${method} ${path} → 404`, async () => assertMessage(await call(method, path, method === 'POST' || method === 'PUT' ? { body: {} } : {}), 404));
  }
  test('an undocumented verb on a documented route → 405 in the vendor error shape', async () => {
    assertMessage(await call('PATCH', '/ws/users/admin', { body: {} }), 405);
    assertMessage(await call('PUT', '/ws/users/admin/types/Administrator', { body: {} }), 405);
  });
});

describe('coremr simulator: GET /ws/users/', () => {
  test('the whole list, no pagination, records with exactly the doc field names and types', async () => {
    const res = await call('GET', '/ws/users/');
    assert.equal(res.status, 200);
    assert.ok(Array.isArray(res.body));
    assert.equal(res.body.length, 250);
    for (const u of res.body) {
      assert.deepEqual(Object.keys(u), DOC_USER_FIELDS);
      for (const f of ['active', 'bypass_external_auth', 'does_password_expire', 'locked']) assert.equal(typeof u[f], 'boolean', f);
      assert.ok(Number.isInteger(u.enc_categories) && u.enc_categories >= 0 && u.enc_categories <= 15);
      assert.match(u.date_created, ISO_Z);
      if (u.last_logged_in !== null) assert.match(u.last_logged_in, ISO_Z);
      assert.match(u.ssn, /^9\d{8}$/, 'fake SSNs are present on records');
      assert.ok(u.mi === null || u.mi.length === 1);
      assert.ok(!('password' in u) && !('usertype' in u));
    }
    assert.ok(res.body.some((u: any) => !u.active), 'some users are inactive');
    assert.ok(res.body.some((u: any) => u.locked), 'some users are locked');
    const physicians = res.body.filter((u: any) => u.title === 'MD' || u.title === 'DO');
    assert.ok(physicians.length > 0);
    for (const p of physicians) {
      assert.match(p.npi_number, /^\d{10}$/);
      assert.match(p.dea_number, /^[A-Z]{2}\d{7}$/);
    }
  });

  test('active=1 and active=0 split the list; anything else → 400', async () => {
    const on = (await call('GET', '/ws/users/?active=1')).body;
    const off = (await call('GET', '/ws/users/?active=0')).body;
    assert.ok(on.every((u: any) => u.active) && off.every((u: any) => !u.active));
    assert.equal(on.length + off.length, 250);
    assertMessage(await call('GET', '/ws/users/?active=true'), 400);
  });

  test('fname with %: a case-insensitive LIKE', async () => {
    const all = (await call('GET', '/ws/users/')).body;
    const res = (await call('GET', '/ws/users/?fname=em%')).body;
    const expected = all.filter((u: any) => u.fname.toLowerCase().startsWith('em'));
    assert.ok(expected.length > 0);
    assert.deepEqual(res.map((u: any) => u.username), expected.map((u: any) => u.username));
  });

  test('lname with a leading %, _ for one character, and no wildcard = equality', async () => {
    const all = (await call('GET', '/ws/users/')).body;
    const suffix = (await call('GET', '/ws/users/?lname=%25son')).body;
    assert.deepEqual(suffix.map((u: any) => u.username), all.filter((u: any) => /son$/i.test(u.lname)).map((u: any) => u.username));
    const one = (await call('GET', '/ws/users/?lname=l_e')).body;
    assert.ok(one.length > 0 && one.every((u: any) => u.lname === 'Lee'));
    const exact = (await call('GET', '/ws/users/?lname=SMITH')).body;
    assert.ok(exact.length > 0 && exact.every((u: any) => u.lname === 'Smith'));
    assert.deepEqual((await call('GET', '/ws/users/?lname=Smit')).body, [], 'no wildcard: not a prefix match');
  });

  test('email (case-insensitive), mi, and combined filters', async () => {
    const byEmail = (await call('GET', '/ws/users/?email=ADMIN@COUNTY.EXAMPLE.ORG')).body;
    assert.deepEqual(byEmail.map((u: any) => u.username), ['admin']);
    const domain = (await call('GET', '/ws/users/?email=%25@county.example.org&active=0')).body;
    assert.ok(domain.length > 0 && domain.every((u: any) => !u.active && u.email.endsWith('@county.example.org')));
    const mi = (await call('GET', '/ws/users/?mi=a')).body;
    assert.ok(mi.length > 0 && mi.every((u: any) => u.mi === 'A'));
  });

  test('a backslash escapes a wildcard; unknown parameters are ignored', async () => {
    assert.deepEqual((await call('GET', '/ws/users/?fname=%5C%25')).body, []);
    assert.equal((await call('GET', '/ws/users/?page=2&limit=5')).body.length, 250);
  });
});

describe('coremr simulator: GET /ws/users/{username}', () => {
  test('a user', async () => {
    const res = await call('GET', '/ws/users/admin');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body), DOC_USER_FIELDS);
    assert.equal(res.body.fname, 'System');
  });
  test('an unknown user → 404', async () => assertMessage(await call('GET', '/ws/users/nobody'), 404));
});

describe('coremr simulator: POST /ws/users/', () => {
  test('creates a user: 201 with the record, the usertype assigned, no facility yet', async () => {
    const res = await call('POST', '/ws/users/', { body: { ...NEW_USER, mi: 'K', ssn: '900000009', enc_categories: 3, lab_provider_id: 'L'.repeat(50) } });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body), DOC_USER_FIELDS);
    assert.equal(res.body.active, true, 'active defaults to true on add');
    assert.equal(res.body.locked, false);
    assert.equal(res.body.last_logged_in, null);
    assert.match(res.body.date_created, ISO_Z);
    assert.equal(res.body.enc_categories, 3);
    assert.deepEqual((await call('GET', '/ws/users/nnew')).body, res.body);
    assert.deepEqual((await call('GET', '/ws/users/nnew/types/')).body, [{ name: 'Nurse' }]);
    assert.deepEqual((await call('GET', '/ws/users/nnew/facilities/')).body, []);
  });

  const REJECTED: Array<[string, Record<string, unknown>, number]> = [
    ['username missing', { ...NEW_USER, username: undefined }, 400],
    ['usertype missing', { ...NEW_USER, usertype: undefined }, 400],
    ['password missing', { ...NEW_USER, password: undefined }, 400],
    ['fname missing', { ...NEW_USER, fname: undefined }, 400],
    ['lname empty', { ...NEW_USER, lname: '' }, 400],
    ['username taken', { ...NEW_USER, username: 'admin' }, 400],
    ['username with a slash', { ...NEW_USER, username: 'a/b' }, 400],
    ['username ".."', { ...NEW_USER, username: '..' }, 400],
    ['unknown usertype', { ...NEW_USER, usertype: 'Astronaut' }, 404],
    ['mi longer than 1', { ...NEW_USER, mi: 'AB' }, 400],
    ['ssn of 8 digits', { ...NEW_USER, ssn: '12345678' }, 400],
    ['ssn of 10 digits', { ...NEW_USER, ssn: '1234567890' }, 400],
    ['ssn not digits', { ...NEW_USER, ssn: '12345678A' }, 400],
    ['lab_provider_id longer than 50', { ...NEW_USER, lab_provider_id: 'L'.repeat(51) }, 400],
    ['read-only last_logged_in', { ...NEW_USER, last_logged_in: '2024-01-01T00:00:00Z' }, 400],
    ['read-only date_created', { ...NEW_USER, date_created: '2024-01-01T00:00:00Z' }, 400],
    ['an unknown field', { ...NEW_USER, nickname: 'x' }, 400],
    ['a boolean as a string', { ...NEW_USER, active: 'true' }, 400],
    ['enc_categories out of the bit mask', { ...NEW_USER, enc_categories: 16 }, 400],
    ['password shorter than the install policy (8)', { ...NEW_USER, password: 'short' }, 400],
  ];
  for (const [why, body, status] of REJECTED) {
    test(`${why} → ${status}`, async () => {
      assertMessage(await call('POST', '/ws/users/', { body }), status);
      if (body.username !== 'admin') assert.equal((await call('GET', `/ws/users/${encodeURIComponent(String(body.username ?? 'nnew'))}`)).status, 404);
    });
  }
  test('a body that is not a JSON object → 400', async () => {
    assertMessage(await call('POST', '/ws/users/', { raw: 'username=nnew' }), 400);
    assertMessage(await call('POST', '/ws/users/', { raw: '[]' }), 400);
  });
});

describe('coremr simulator: PUT /ws/users/{username}', () => {
  async function writable(username: string): Promise<Record<string, unknown>> {
    const { last_logged_in: _l, date_created: _d, ...rest } = (await call('GET', `/ws/users/${username}`)).body;
    return rest;
  }

  test('replaces the writable record and keeps the read-only fields', async () => {
    const before = (await call('GET', '/ws/users/admin')).body;
    const res = await call('PUT', '/ws/users/admin', { body: { ...(await writable('admin')), fname: 'Sys', active: false } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { ...before, fname: 'Sys', active: false });
  });

  test('an omitted writable field is cleared', async () => {
    const res = await call('PUT', '/ws/users/admin', { body: { fname: 'System', lname: 'Administrator' } });
    assert.equal(res.status, 200);
    const u = res.body;
    for (const f of ['title', 'title_full', 'mi', 'email', 'employee_number', 'work_phone', 'ssn', 'notes', 'enc_type']) assert.equal(u[f], null, f);
    for (const f of ['active', 'bypass_external_auth', 'does_password_expire', 'locked']) assert.equal(u[f], false, f);
    assert.equal(u.enc_categories, 0);
    assert.equal(u.date_created, '2014-01-02T08:00:00Z', 'read-only fields are untouched');
  });

  const REJECTED: Array<[string, (w: Record<string, unknown>) => Record<string, unknown>]> = [
    ['usertype (only on add)', (w) => ({ ...w, usertype: 'Nurse' })],
    ['password (only on add)', (w) => ({ ...w, password: 'Secret-123' })],
    ['read-only date_created', (w) => ({ ...w, date_created: '2024-01-01T00:00:00Z' })],
    ['read-only last_logged_in', (w) => ({ ...w, last_logged_in: null })],
    ['a different username', (w) => ({ ...w, username: 'renamed' })],
    ['fname omitted (required)', ({ fname: _f, ...w }) => w],
    ['mi longer than 1', (w) => ({ ...w, mi: 'AB' })],
    ['ssn not 9 digits', (w) => ({ ...w, ssn: '1234' })],
  ];
  for (const [why, change] of REJECTED) {
    test(`${why} → 400, nothing changed`, async () => {
      const before = (await call('GET', '/ws/users/admin')).body;
      assertMessage(await call('PUT', '/ws/users/admin', { body: change(await writable('admin')) }), 400);
      assert.deepEqual((await call('GET', '/ws/users/admin')).body, before);
    });
  }
  test('an unknown user → 404', async () => assertMessage(await call('PUT', '/ws/users/nobody', { body: { fname: 'A', lname: 'B' } }), 404));
});

describe('coremr simulator: DELETE /ws/users/{username}', () => {
  test('removes the user (hard delete); again → 404', async () => {
    const res = await call('DELETE', '/ws/users/admin');
    assert.equal(res.status, 200);
    assert.equal(res.body.username, 'admin');
    assertMessage(await call('GET', '/ws/users/admin'), 404);
    assertMessage(await call('GET', '/ws/users/admin/types/'), 404);
    assertMessage(await call('DELETE', '/ws/users/admin'), 404);
  });
});

describe('coremr simulator: a user\'s usertypes', () => {
  test('GET lists {name} records', async () => {
    assert.deepEqual((await call('GET', '/ws/users/admin/types/')).body, [{ name: 'Administrator' }]);
    assertMessage(await call('GET', '/ws/users/nobody/types/'), 404);
  });
  test('POST assigns; a repeat → 400; an unknown usertype → 404; no name → 400; unknown user → 404', async () => {
    const res = await call('POST', '/ws/users/admin/types/', { body: { name: 'Mental Health' } });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, { name: 'Mental Health' });
    assert.deepEqual((await call('GET', '/ws/users/admin/types/')).body, [{ name: 'Administrator' }, { name: 'Mental Health' }]);
    assertMessage(await call('POST', '/ws/users/admin/types/', { body: { name: 'Mental Health' } }), 400);
    assertMessage(await call('POST', '/ws/users/admin/types/', { body: { name: 'Astronaut' } }), 404);
    assertMessage(await call('POST', '/ws/users/admin/types/', { body: {} }), 400);
    assertMessage(await call('POST', '/ws/users/nobody/types/', { body: { name: 'Nurse' } }), 404);
  });
  test('DELETE removes (name percent-encoded); not assigned → 404; the last one → 400', async () => {
    await call('POST', '/ws/users/admin/types/', { body: { name: 'Mental Health' } });
    const res = await call('DELETE', '/ws/users/admin/types/Mental%20Health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { name: 'Mental Health' });
    assertMessage(await call('DELETE', '/ws/users/admin/types/Mental%20Health'), 404);
    assertMessage(await call('DELETE', '/ws/users/admin/types/Administrator'), 400);
    assert.deepEqual((await call('GET', '/ws/users/admin/types/')).body, [{ name: 'Administrator' }]);
  });
});

describe('coremr simulator: a user\'s facility access', () => {
  test('GET lists {name, code, primary} with exactly one primary', async () => {
    const res = await call('GET', '/ws/users/admin/facilities/');
    assert.equal(res.status, 200);
    assert.equal(res.body.length, FACILITIES.length);
    for (const f of res.body) assert.deepEqual(Object.keys(f), ['name', 'code', 'primary']);
    assert.deepEqual(res.body[0], { name: 'Main Jail', code: 'MAIN', primary: true });
    assert.equal(res.body.filter((f: any) => f.primary).length, 1);
  });

  test('POST grants; primary:true moves the primary; repeats, unknown codes and read-only name are refused', async () => {
    await call('POST', '/ws/users/', { body: NEW_USER });
    // The first facility of a user is primary even when primary:false is sent.
    const first = await call('POST', '/ws/users/nnew/facilities/', { body: { code: 'ANNEX', primary: false } });
    assert.equal(first.status, 201);
    assert.deepEqual(first.body, { name: 'Jail Annex', code: 'ANNEX', primary: true });
    assert.deepEqual((await call('POST', '/ws/users/nnew/facilities/', { body: { code: 'JUV' } })).body, { name: 'Juvenile Hall', code: 'JUV', primary: false });
    assert.equal((await call('POST', '/ws/users/nnew/facilities/', { body: { code: 'MAIN', primary: true } })).status, 201);
    assert.deepEqual((await call('GET', '/ws/users/nnew/facilities/')).body, [
      { name: 'Jail Annex', code: 'ANNEX', primary: false },
      { name: 'Juvenile Hall', code: 'JUV', primary: false },
      { name: 'Main Jail', code: 'MAIN', primary: true },
    ]);
    assertMessage(await call('POST', '/ws/users/nnew/facilities/', { body: { code: 'MAIN' } }), 400);
    assertMessage(await call('POST', '/ws/users/nnew/facilities/', { body: { code: 'MOON' } }), 404);
    assertMessage(await call('POST', '/ws/users/nnew/facilities/', { body: { code: 'WORK', name: 'Work' } }), 400);
    assertMessage(await call('POST', '/ws/users/nnew/facilities/', { body: { code: 'WORK', primary: 'yes' } }), 400);
    assertMessage(await call('POST', '/ws/users/nnew/facilities/', { body: {} }), 400);
    assertMessage(await call('POST', '/ws/users/nobody/facilities/', { body: { code: 'MAIN' } }), 404);
  });

  test('PUT sets primary (clearing the others); the primary cannot be unset; omitted primary = false', async () => {
    const res = await call('PUT', '/ws/users/admin/facilities/JUV', { body: { primary: true } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { name: 'Juvenile Hall', code: 'JUV', primary: true });
    const list = (await call('GET', '/ws/users/admin/facilities/')).body;
    assert.deepEqual(list.filter((f: any) => f.primary).map((f: any) => f.code), ['JUV']);
    assertMessage(await call('PUT', '/ws/users/admin/facilities/JUV', { body: { primary: false } }), 400);
    assertMessage(await call('PUT', '/ws/users/admin/facilities/JUV', { body: {} }), 400);
    assert.deepEqual((await call('PUT', '/ws/users/admin/facilities/MAIN', { body: {} })).body, { name: 'Main Jail', code: 'MAIN', primary: false });
    assertMessage(await call('PUT', '/ws/users/admin/facilities/MAIN', { body: { primary: true, code: 'MAIN' } }), 400);
    assertMessage(await call('PUT', '/ws/users/admin/facilities/MOON', { body: { primary: true } }), 404);
    assertMessage(await call('PUT', '/ws/users/nobody/facilities/MAIN', { body: { primary: true } }), 404);
  });

  test('DELETE revokes; the primary and the last facility are kept (400); not granted → 404', async () => {
    const res = await call('DELETE', '/ws/users/admin/facilities/ANNEX');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { name: 'Jail Annex', code: 'ANNEX', primary: false });
    assertMessage(await call('DELETE', '/ws/users/admin/facilities/ANNEX'), 404);
    assertMessage(await call('DELETE', '/ws/users/admin/facilities/MAIN'), 400);
    await call('POST', '/ws/users/', { body: NEW_USER });
    await call('POST', '/ws/users/nnew/facilities/', { body: { code: 'MAIN' } });
    assertMessage(await call('DELETE', '/ws/users/nnew/facilities/MAIN'), 400);
  });
});

describe('coremr simulator: seed and log', () => {
  test('the seed is deterministic, and every user has ≥1 usertype and ≥1 facility with exactly one primary', () => {
    const a = seedUsers(250, 1);
    assert.deepEqual(a, seedUsers(250, 1));
    assert.notDeepEqual(a.map((u) => u.record.username), seedUsers(250, 2).map((u) => u.record.username));
    assert.equal(new Set(a.map((u) => u.record.username)).size, 250);
    for (const u of a) {
      assert.ok(u.types.length >= 1 && u.types.every((t) => (USERTYPES as readonly string[]).includes(t)));
      assert.ok(u.facilities.length >= 1 && u.facilities.every((f) => FACILITIES.some((x) => x.code === f.code)));
      assert.equal(u.facilities.filter((f) => f.primary).length, 1);
    }
    assert.equal(seedUsers(20, 1).length, 20);
  });

  test('every vendor request is logged with its Authorization header and body', async () => {
    await call('POST', '/ws/users/', { body: NEW_USER });
    const [req] = await control.requests();
    assert.equal(req!.method, 'POST');
    assert.equal(req!.path, '/ws/users/');
    assert.match(String(req!.headers.authorization), /^CWS-SHA256 Access=gateway, Signature=[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(JSON.parse(req!.body), NEW_USER);
    assert.equal(req!.status, 201);
  });
});
