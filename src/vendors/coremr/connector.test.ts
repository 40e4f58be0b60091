import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceConfig, StartedSimulator } from '../../core/connector';
import { backgroundContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import type { WriteInput } from '../../core/writes';
import { SimControl, summarize } from '../../sim/control';
import type { LoggedRequest } from '../../sim/types';
import { CoremrConnector } from './connector';
import { vendor } from './index';
import { normalizeUser, toUserRecord } from './mapper';
import { WRITABLE_FIELDS } from './records';

let sim: StartedSimulator;
let control: SimControl;
let connector: CoremrConnector;
const ctx = () => backgroundContext(10_000);

/** The simulator's own view of a user (signed with the connector's client, bypassing loaders). */
async function vendorUser(username: string) {
  return connector.client.getUser(username, { ctx: ctx() });
}

async function rejection(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof SourceError, 'a SourceError');
    return err;
  }
  assert.fail('expected a rejection');
}

const only = (reqs: LoggedRequest[], method: string) => reqs.filter((r) => r.method === method);

before(async () => {
  sim = await vendor.startSimulator({ port: 0 });
  control = new SimControl(sim.origin);
  const parsed = vendor.parseSourceConfig({ auth: sim.auth, options: sim.options }, process.cwd());
  assert.ok(parsed.ok);
  const config: SourceConfig = { id: 'jail-emr', vendor: 'coremr', name: 'Jail EMR', baseUrl: sim.baseUrl, auth: parsed.auth, http: sim.http, options: parsed.options };
  connector = vendor.createConnector(config, { logger: silentLogger }) as CoremrConnector;
});
after(async () => {
  await connector.close();
  await sim.close();
});
beforeEach(() => control.reset());

describe('coremr config', () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const dir = mkdtempSync(join(tmpdir(), 'coremr-config-'));
  writeFileSync(join(dir, 'key.pem'), pair.privateKey);
  writeFileSync(join(dir, 'garbage.pem'), 'SECRET-NOT-A-KEY');
  const parse = (auth: unknown, options: unknown = {}) => vendor.parseSourceConfig({ auth, options }, dir);
  const problems = (auth: unknown, options: unknown = {}) => {
    const r = parse(auth, options);
    assert.ok(!r.ok);
    return r.problems;
  };

  test('a key file relative to the config directory; algorithm defaults to CWS-SHA256; the key never prints', () => {
    const r = parse({ keyUser: 'gateway', privateKeyFile: './key.pem' });
    assert.ok(r.ok);
    assert.equal(r.auth.keyUser, 'gateway');
    assert.equal(r.auth.algorithm, 'CWS-SHA256');
    const printed = JSON.stringify(r.auth);
    assert.ok(!printed.includes('PRIVATE KEY') && !printed.includes(pair.privateKey.split('\n')[1]!));
    assert.deepEqual(r.options, {});
  });

  test('an inline key and CWS-SHA1', () => {
    const r = parse({ keyUser: 'gateway', privateKey: pair.privateKey, algorithm: 'CWS-SHA1' });
    assert.ok(r.ok);
    assert.equal(r.auth.algorithm, 'CWS-SHA1');
  });

  const BAD: Array<[string, unknown, RegExp]> = [
    ['no auth at all', undefined, /^auth\.keyUser: /],
    ['keyUser missing', { privateKeyFile: './key.pem' }, /^auth\.keyUser: is required/],
    ['neither key', { keyUser: 'g' }, /^auth: set exactly one of privateKeyFile and privateKey$/],
    ['both keys', { keyUser: 'g', privateKeyFile: './key.pem', privateKey: pair.privateKey }, /^auth: set exactly one/],
    ['an unknown algorithm', { keyUser: 'g', privateKeyFile: './key.pem', algorithm: 'CWS-MD5' }, /^auth\.algorithm: must be one of CWS-SHA1, CWS-SHA256$/],
    ['an unknown key', { keyUser: 'g', privateKeyFile: './key.pem', passphrase: 'x' }, /^auth\.passphrase: unknown key$/],
    ['a missing file', { keyUser: 'g', privateKeyFile: './missing.pem' }, /^auth\.privateKeyFile: cannot be read \(ENOENT\)$/],
    ['a file that is not a key', { keyUser: 'g', privateKeyFile: './garbage.pem' }, /^auth\.privateKeyFile: is not an unencrypted PEM private key$/],
    ['an inline value that is not a key', { keyUser: 'g', privateKey: 'SECRET-NOT-A-KEY' }, /^auth\.privateKey: is not an unencrypted PEM private key$/],
  ];
  for (const [why, auth, line] of BAD) {
    test(`${why}: one problem line, no secret echoed`, () => {
      const p = problems(auth);
      assert.equal(p.length, 1, p.join('\n'));
      assert.match(p[0]!, line);
      assert.ok(!p[0]!.includes('SECRET'));
    });
  }

  test('a non-RSA key is refused', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    assert.deepEqual(problems({ keyUser: 'g', privateKey: ec.privateKey }), ['auth.privateKey: must be an RSA private key']);
  });

  test('options are refused (CorEMR has none)', () => {
    assert.deepEqual(problems({ keyUser: 'g', privateKeyFile: './key.pem' }, { organization: 'x' }), ['options: CorEMR sources take no options']);
  });
});

describe('coremr reader', () => {
  test('users(first:100){userTypes facilityAccess} = 1 list + 100 + 100 requests, none repeated', async () => {
    const signaturesBefore = connector.client.signatures;
    const reader = connector.reader(ctx());
    const page = await reader.listUsers({ filter: {}, after: null, first: 100, include: { userTypes: true, facilityAccess: true } });
    assert.equal(page.users.length, 100);
    await Promise.all(page.users.flatMap((u) => [reader.userTypesOf(u), reader.facilityAccessOf(u)]));
    // What the schema layer may ask again in the same request: all from the loaders.
    await Promise.all(page.users.flatMap((u) => [reader.user(u.nativeId), reader.userTypesOf(u), reader.facilityAccessOf(u)]));

    const reqs = await control.requests();
    assert.equal(reqs.length, 1 + 100 + 100);
    const lines = reqs.map((r) => `${r.method} ${r.path}?${new URLSearchParams(r.query as Record<string, string>)}`);
    assert.equal(new Set(lines).size, reqs.length, 'no request repeats');
    assert.deepEqual(only(reqs, 'GET').length, reqs.length);
    assert.equal(reqs.filter((r) => r.path === '/ws/users/').length, 1);
    for (const u of page.users) {
      assert.ok(lines.includes(`GET /ws/users/${encodeURIComponent(u.nativeId)}/types/?`));
      assert.ok(lines.includes(`GET /ws/users/${encodeURIComponent(u.nativeId)}/facilities/?`));
    }
    // Every GET carries the one signature of "" computed at start-up.
    assert.equal(new Set(reqs.map((r) => r.headers.authorization)).size, 1);
    assert.match(String(reqs[0]!.headers.authorization), /^CWS-SHA256 Access=gateway, Signature=/);
    assert.equal(connector.client.signatures, signaturesBefore, 'no RSA signature computed for GETs');
  });

  test('values: users in username order, mapped from the vendor records; relations mapped', async () => {
    const reader = connector.reader(ctx());
    const page = await reader.listUsers({ filter: {}, after: null, first: 300, include: { userTypes: false, facilityAccess: false } });
    const vendorList = await connector.client.listUsers({}, { ctx: ctx() });
    const expected = vendorList.map((u) => toUserRecord('jail-emr', normalizeUser(u)!)).sort((a, b) => (a.nativeId < b.nativeId ? -1 : 1));
    assert.deepEqual(page.users, expected);
    assert.equal(page.next, null);
    const admin = page.users.find((u) => u.nativeId === 'admin')!;
    assert.equal(admin.displayName, 'System Administrator');
    assert.deepEqual(await reader.userTypesOf(admin), [{ sourceId: 'jail-emr', nativeId: 'Administrator', name: 'Administrator', description: null }]);
    const access = await reader.facilityAccessOf(admin);
    assert.deepEqual(access[0], { facility: { sourceId: 'jail-emr', nativeId: 'MAIN', code: 'MAIN', name: 'Main Jail' }, primary: true });
    assert.ok(!JSON.stringify(page.users).includes('"ssn"'));
  });

  test('paging: resumable in the same request from the cached list and in a new request by cursor', async () => {
    const reader = connector.reader(ctx());
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await reader.listUsers({ filter: {}, after, first: 100, include: { userTypes: false, facilityAccess: false } });
      seen.push(...page.users.map((u) => u.nativeId));
      after = page.next;
    } while (after !== null);
    assert.equal(seen.length, 250);
    assert.deepEqual(seen, [...seen].sort());
    assert.equal((await control.requests()).length, 1, 'one list call serves every page of the request');

    await control.clearRequests();
    const first = await connector.reader(ctx()).listUsers({ filter: {}, after: null, first: 7, include: { userTypes: false, facilityAccess: false } });
    const second = await connector.reader(ctx()).listUsers({ filter: {}, after: first.next, first: 7, include: { userTypes: false, facilityAccess: false } });
    assert.deepEqual(second.users.map((u) => u.nativeId), seen.slice(7, 14));
    assert.deepEqual(JSON.parse(first.next!), { after: seen[6] });
    const zero = await connector.reader(ctx()).listUsers({ filter: {}, after: first.next, first: 0, include: { userTypes: false, facilityAccess: false } });
    assert.deepEqual(zero, { users: [], next: first.next });
    const bad = await rejection(connector.reader(ctx()).listUsers({ filter: {}, after: 'page=2', first: 7, include: { userTypes: false, facilityAccess: false } }));
    assert.equal(bad.code, 'BAD_USER_INPUT');
    assert.equal(bad.details.field, 'after');
  });

  test('filters: pushed down as the doc allows, re-applied, one list call per distinct filter', async () => {
    const reader = connector.reader(ctx());
    const all = (await connector.reader(ctx()).listUsers({ filter: {}, after: null, first: 300, include: { userTypes: false, facilityAccess: false } })).users;
    await control.clearRequests();
    const args = (filter: object) => ({ filter, after: null, first: 300, include: { userTypes: false, facilityAccess: false } });
    const em = await reader.listUsers(args({ firstName: 'em', active: true }));
    assert.deepEqual(em.users, all.filter((u) => u.active && u.firstName!.toLowerCase().startsWith('em')));
    assert.ok(em.users.length > 0);
    await reader.listUsers(args({ firstName: 'em', active: true }));
    const email = await reader.listUsers(args({ email: 'ADMIN@county.example.org' }));
    assert.deepEqual(email.users.map((u) => u.nativeId), ['admin']);
    // A % or _ in a value is not a wildcard for the gateway: not pushed down, matched literally.
    const literal = await reader.listUsers(args({ lastName: 'L_e' }));
    assert.deepEqual(literal.users, []);
    const status = await reader.listUsers(args({ status: 'LOCKED' }));
    assert.deepEqual(status.users, all.filter((u) => u.status === 'LOCKED'));

    const reqs = await control.requests();
    assert.deepEqual(reqs.map((r) => r.query), [{ active: '1', fname: 'em%' }, { email: 'ADMIN@county.example.org' }, {}]);
  });

  test('user(): a DataLoader over GET /ws/users/{username}; unknown → null; an impossible id → null without a call', async () => {
    const reader = connector.reader(ctx());
    const [a, b, missing] = await Promise.all([reader.user('admin'), reader.user('admin'), reader.user('nobody')]);
    assert.equal(a!.nativeId, 'admin');
    assert.equal(a, b);
    assert.equal(missing, null);
    assert.equal(await reader.user('..'), null);
    assert.equal(await reader.user(''), null);
    assert.deepEqual(summarize(await control.requests()).sort(), ['GET /ws/users/admin', 'GET /ws/users/nobody']);
  });

  test('no catalogs: userTypes()/facilities() are UNSUPPORTED_BY_VENDOR; node lookups without a call', async () => {
    const reader = connector.reader(ctx());
    assert.equal((await rejection(reader.userTypes())).code, 'UNSUPPORTED_BY_VENDOR');
    assert.equal((await rejection(reader.facilities())).code, 'UNSUPPORTED_BY_VENDOR');
    assert.deepEqual(await reader.userType('Mental Health'), { sourceId: 'jail-emr', nativeId: 'Mental Health', name: 'Mental Health', description: null });
    assert.equal(await reader.facility('MAIN'), null, 'unknown until an access list names it');
    assert.deepEqual((await control.requests()).length, 0);
    await reader.facilityAccessOf((await reader.user('admin'))!);
    assert.deepEqual(await reader.facility('MAIN'), { sourceId: 'jail-emr', nativeId: 'MAIN', code: 'MAIN', name: 'Main Jail' });
  });

  test('a user gone between list and relations has no relations', async () => {
    const reader = connector.reader(ctx());
    const admin = (await reader.user('admin'))!;
    await connector.client.deleteUser('admin', { ctx: ctx() });
    assert.deepEqual(await reader.userTypesOf(admin), []);
    assert.deepEqual(await reader.facilityAccessOf(admin), []);
  });

  test('vendor failures map to codes: wrong shape, not JSON, 401, 500', async () => {
    const list = () => connector.reader(ctx()).listUsers({ filter: {}, after: null, first: 5, include: { userTypes: false, facilityAccess: false } });
    await control.fault({ kind: 'status', method: 'GET', path: '^/ws/users/$', status: 200, body: { users: [] }, times: 1 });
    assert.equal((await rejection(list())).code, 'SOURCE_BAD_RESPONSE');
    await control.fault({ kind: 'malformed-json', method: 'GET', path: '^/ws/users/$', times: 1 });
    assert.equal((await rejection(list())).code, 'SOURCE_BAD_RESPONSE');
    await control.fault({ kind: 'status', method: 'GET', path: '^/ws/users/$', status: 401, times: 1 });
    assert.equal((await rejection(list())).code, 'SOURCE_AUTH_FAILED');
    // times: 3 — a 500 on a read is retried by VendorHttp (twice by default) before it counts.
    await control.fault({ kind: 'status', method: 'GET', path: '/types/$', status: 500, times: 3 });
    const reader = connector.reader(ctx());
    const err = await rejection(reader.userTypesOf((await reader.user('admin'))!));
    assert.equal(err.code, 'SOURCE_UNAVAILABLE');
    assert.ok(!err.message.includes('Injected'), 'the vendor message is not passed through');
  });

  test('one malformed record in the list costs only itself: the others are returned and it is counted', async () => {
    const good = (username: string) => ({ username, active: true, fname: 'Ann', lname: username });
    const body = [good('zed'), { username: 'broken', active: 'yes', ssn: '123456789' }, 42, good('amy')];
    await control.fault({ kind: 'status', method: 'GET', path: '^/ws/users/$', status: 200, body, times: 1 });
    const page = await connector.reader(ctx()).listUsers({ filter: {}, after: null, first: 10, include: { userTypes: false, facilityAccess: false } });
    assert.deepEqual(page.users.map((u) => u.nativeId), ['amy', 'zed']);
    assert.equal(page.skipped, 2);
    assert.ok(!JSON.stringify(page).includes('123456789'), 'nothing of the bad record travels');
  });

  test('a failed list is not cached: the same request may try again', async () => {
    const reader = connector.reader(ctx());
    const args = { filter: {}, after: null, first: 5, include: { userTypes: false, facilityAccess: false } };
    await control.fault({ kind: 'status', method: 'GET', path: '^/ws/users/$', status: 503, times: 3 });
    assert.equal((await rejection(reader.listUsers(args))).code, 'SOURCE_UNAVAILABLE');
    assert.equal((await reader.listUsers(args)).users.length, 5);
  });

  test('health: UP with one cheap signed GET; DOWN with a code, never a throw', async () => {
    const up = await connector.health(ctx());
    assert.equal(up.status, 'UP');
    assert.equal(up.errorCode, null);
    const [req] = await control.requests();
    assert.equal(req!.path, '/ws/users/');
    assert.deepEqual(req!.query, { lname: 'zz-staffgraph-health-probe' });
    await control.fault({ kind: 'status', path: '^/ws/users/$', status: 401 });
    const down = await connector.health(ctx());
    assert.deepEqual([down.status, down.errorCode, down.latencyMs], ['DOWN', 'SOURCE_AUTH_FAILED', null]);
  });
});

describe('coremr writer', () => {
  const NEW = {
    username: 'nnew',
    password: 'Secret-123',
    firstName: 'Nia',
    middleInitial: 'K',
    lastName: 'New',
    email: 'nia.new@county.example.org',
    phone: '(209) 555-0111',
    title: 'RN',
    ssn: '900000009',
    npi: '1234567893',
    userTypeIds: ['Nurse', 'Mental Health'],
    facilityIds: ['ANNEX', 'MAIN'],
    primaryFacilityId: 'MAIN',
  };

  function rw() {
    const reader = connector.reader(ctx());
    return { reader, writer: connector.writer(ctx(), reader) };
  }

  test('capabilities: no catalogs, several types and facilities, every write supported with its verbs', () => {
    const caps = connector.capabilities;
    assert.equal(caps.userTypeCatalog, false);
    assert.equal(caps.facilityCatalog, false);
    assert.equal(caps.multipleUserTypes, true);
    assert.equal(caps.multipleFacilities, true);
    assert.deepEqual(caps.pushdownFilters, ['active', 'firstName', 'lastName', 'email']);
    for (const w of Object.values(caps.writes)) assert.ok(w.supported && w.verbs.length > 0);
  });

  test('rejected input: field, rule, no value echoed, and no request', async () => {
    const { writer } = rw();
    const writes: WriteInput[] = [
      { op: 'createUser', input: { ...NEW, middleInitial: 'KL', ssn: '123-45-6789', userTypeIds: [] } },
      { op: 'updateUser', nativeId: '..', input: { firstName: null, password: 'Secret-123' } },
      { op: 'assignUserType', nativeId: 'admin', userTypeId: '.' },
      { op: 'revokeFacilityAccess', nativeId: '', facilityId: 'MAIN' },
    ];
    const errors = (await Promise.all(writes.map((w) => writer.validate(w)))).flat();
    assert.deepEqual(
      errors.map((e) => [e.field, e.code]),
      [
        ['input.userTypeIds', 'BAD_USER_INPUT'],
        ['input.middleInitial', 'BAD_USER_INPUT'],
        ['input.ssn', 'BAD_USER_INPUT'],
        ['userId', 'BAD_USER_INPUT'],
        ['input.firstName', 'BAD_USER_INPUT'],
        ['input.password', 'BAD_USER_INPUT'],
        ['userTypeId', 'BAD_USER_INPUT'],
        ['userId', 'BAD_USER_INPUT'],
      ],
    );
    const text = JSON.stringify(errors);
    for (const secret of ['KL', '123-45-6789', 'Secret-123']) assert.ok(!text.includes(secret), secret);
    assert.deepEqual(await writer.validate({ op: 'createUser', input: NEW }), []);
    assert.deepEqual(await control.requests(), []);
  });

  test('createUser: POST user with the first type, POST the other type, POST facilities primary first', async () => {
    const { reader, writer } = rw();
    const signaturesBefore = connector.client.signatures;
    const out = await writer.createUser!(NEW);
    assert.deepEqual(out.userErrors, []);
    assert.deepEqual(out.steps, [
      { method: 'POST', route: '/ws/users/', status: 201, ok: true },
      { method: 'POST', route: '/ws/users/{username}/types/', status: 201, ok: true },
      { method: 'POST', route: '/ws/users/{username}/facilities/', status: 201, ok: true },
      { method: 'POST', route: '/ws/users/{username}/facilities/', status: 201, ok: true },
    ]);
    const reqs = await control.requests();
    assert.deepEqual(summarize(reqs), ['POST /ws/users/', 'POST /ws/users/nnew/types/', 'POST /ws/users/nnew/facilities/', 'POST /ws/users/nnew/facilities/']);
    assert.deepEqual(reqs.map((r) => JSON.parse(r.body)), [
      { username: 'nnew', usertype: 'Nurse', password: 'Secret-123', fname: 'Nia', mi: 'K', lname: 'New', email: 'nia.new@county.example.org', work_phone: '(209) 555-0111', title: 'RN', npi_number: '1234567893', ssn: '900000009' },
      { name: 'Mental Health' },
      { code: 'MAIN', primary: true },
      { code: 'ANNEX', primary: false },
    ]);
    for (const r of reqs) {
      assert.equal(r.headers['content-type'], 'application/json');
      assert.match(String(r.headers.authorization), /^CWS-SHA256 Access=gateway, Signature=/);
    }
    assert.equal(connector.client.signatures - signaturesBefore, 4, 'one signature per body');
    assert.equal(out.user!.nativeId, 'nnew');
    assert.equal(out.user!.status, 'ACTIVE');
    const printed = JSON.stringify(out);
    assert.ok(!printed.includes('Secret-123') && !printed.includes('900000009'), 'no password or SSN in the outcome');

    // Read-after-write in the same request: the user from the loader, the relations fresh.
    await control.clearRequests();
    assert.deepEqual(await reader.user('nnew'), out.user);
    assert.deepEqual((await reader.userTypesOf(out.user!)).map((t) => t.name), ['Nurse', 'Mental Health']);
    assert.deepEqual((await reader.facilityAccessOf(out.user!)).map((a) => [a.facility.code, a.primary]), [['MAIN', true], ['ANNEX', false]]);
    assert.deepEqual(summarize(await control.requests()).sort(), ['GET /ws/users/nnew/facilities/', 'GET /ws/users/nnew/types/']);
  });

  test('createUser: a failure on the second call reports the step that succeeded, and stops', async () => {
    const { writer } = rw();
    await control.fault({ kind: 'status', method: 'POST', path: '/types/$', status: 500 });
    const out = await writer.createUser!(NEW);
    assert.equal(out.user?.nativeId, 'nnew', 'the half-done create still names the user CorEMR now holds');
    assert.deepEqual(out.userErrors, [{ field: null, code: 'SOURCE_UNAVAILABLE', message: 'The source is unavailable.' }]);
    assert.deepEqual(out.steps, [
      { method: 'POST', route: '/ws/users/', status: 201, ok: true },
      { method: 'POST', route: '/ws/users/{username}/types/', status: 500, ok: false },
    ]);
    const reqs = await control.requests();
    assert.equal(reqs.filter((r) => r.path.endsWith('/facilities/')).length, 0, 'no facility call after the failure');
    assert.equal(reqs.length, 2, 'nothing retried');
    assert.ok(await vendorUser('nnew'), 'the user CorEMR created is still there');
  });

  test('createUser: vendor rejections become coded errors without the vendor text', async () => {
    const { writer } = rw();
    const dup = await writer.createUser!({ ...NEW, username: 'admin' });
    assert.deepEqual([dup.userErrors[0]!.code, dup.userErrors[0]!.field], ['BAD_USER_INPUT', null]);
    const unknownType = await writer.createUser!({ ...NEW, userTypeIds: ['Astronaut'] });
    assert.deepEqual([unknownType.userErrors[0]!.code, unknownType.userErrors[0]!.field], ['NOT_FOUND', 'input.userTypeIds']);
    const weak = await writer.createUser!({ ...NEW, password: 'short' });
    assert.equal(weak.userErrors[0]!.code, 'BAD_USER_INPUT');
    const text = JSON.stringify([dup, unknownType, weak]);
    for (const vendorText of ['already exists', 'Usertype not found', 'at least 8']) assert.ok(!text.includes(vendorText), vendorText);
  });

  test('updateUser: GET, then PUT of the whole writable record with the patch applied', async () => {
    const { reader, writer } = rw();
    const before = (await vendorUser('admin'))!;
    await control.clearRequests();
    const out = await writer.updateUser!('admin', { firstName: 'Sys', middleInitial: null, email: 'root@county.example.org' });
    assert.deepEqual(out.userErrors, []);
    assert.deepEqual(out.steps.map((s) => `${s.method} ${s.route} ${s.status}`), ['GET /ws/users/{username} 200', 'PUT /ws/users/{username} 200']);
    const reqs = await control.requests();
    assert.deepEqual(summarize(reqs), ['GET /ws/users/admin', 'PUT /ws/users/admin']);
    const body = JSON.parse(reqs[1]!.body);
    const expected: Record<string, unknown> = { username: 'admin' };
    for (const f of WRITABLE_FIELDS) expected[f] = before[f];
    Object.assign(expected, { fname: 'Sys', mi: null, email: 'root@county.example.org' });
    assert.deepEqual(body, expected, 'every unchanged field (ssn included) is sent back; no read-only field');
    assert.equal(reqs[0]!.body, '');
    const after = (await vendorUser('admin'))!;
    assert.deepEqual(after, { ...before, fname: 'Sys', mi: null, email: 'root@county.example.org' });
    assert.deepEqual(out.user, toUserRecord('jail-emr', after));
    await control.clearRequests();
    assert.deepEqual(await reader.user('admin'), out.user, 'read-after-write from the primed loader');
    assert.deepEqual(await control.requests(), []);
  });

  test('updateUser of an unknown user: NOT_FOUND on userId after the GET, no PUT', async () => {
    const out = await rw().writer.updateUser!('nobody', { firstName: 'X' });
    assert.deepEqual(out.userErrors.map((e) => [e.code, e.field]), [['NOT_FOUND', 'userId']]);
    assert.deepEqual(summarize(await control.requests()), ['GET /ws/users/nobody']);
  });

  test('setUserActive: GET + PUT with active; status follows', async () => {
    const before = (await vendorUser('admin'))!;
    await control.clearRequests();
    const out = await rw().writer.setUserActive!('admin', false);
    assert.equal(out.user!.status, 'INACTIVE');
    const put = only(await control.requests(), 'PUT')[0]!;
    const { last_logged_in: _l, date_created: _d, ...writable } = before;
    assert.deepEqual(JSON.parse(put.body), { ...writable, active: false });
  });

  test('a PUT whose answer never comes: OUTCOME_UNKNOWN, not retried', async () => {
    await control.fault({ kind: 'drop', method: 'PUT', path: '^/ws/users/admin$', when: 'after' });
    const out = await rw().writer.setUserActive!('admin', false);
    assert.equal(out.user, null);
    assert.deepEqual(out.userErrors.map((e) => e.code), ['OUTCOME_UNKNOWN']);
    assert.deepEqual(out.steps.map((s) => [s.method, s.status]), [['GET', 200], ['PUT', null]]);
    assert.equal(only(await control.requests(), 'PUT').length, 1);
    await control.clearFaults();
    assert.equal((await vendorUser('admin'))!.active, false, 'the vendor did apply it');
  });

  test('deleteUser: DELETE, signed over the empty string with the reused header; the loader then says null', async () => {
    const { reader, writer } = rw();
    await reader.user('admin');
    const out = await writer.deleteUser!('admin');
    assert.deepEqual(out, { user: null, userErrors: [], steps: [{ method: 'DELETE', route: '/ws/users/{username}', status: 200, ok: true }] });
    const reqs = await control.requests();
    assert.equal(reqs[1]!.headers.authorization, reqs[0]!.headers.authorization, 'GET and DELETE share the precomputed header');
    assert.equal(reqs[1]!.body, '');
    assert.equal(await reader.user('admin'), null);
    assert.equal((await control.requests()).length, 2);
    const again = await writer.deleteUser!('admin');
    assert.deepEqual(again.userErrors.map((e) => [e.code, e.field]), [['NOT_FOUND', 'userId']]);
  });

  test('assignUserType / removeUserType: POST {name} and DELETE …/types/{name}, then the user read back', async () => {
    const { reader, writer } = rw();
    const admin = (await reader.user('admin'))!;
    await reader.userTypesOf(admin);
    await control.clearRequests();
    const out = await writer.assignUserType!('admin', 'Mental Health');
    assert.deepEqual(out.steps.map((s) => `${s.method} ${s.route} ${s.status}`), ['POST /ws/users/{username}/types/ 201', 'GET /ws/users/{username} 200']);
    assert.deepEqual(JSON.parse((await control.requests())[0]!.body), { name: 'Mental Health' });
    assert.equal(out.user!.nativeId, 'admin');
    assert.deepEqual((await reader.userTypesOf(admin)).map((t) => t.name), ['Administrator', 'Mental Health'], 'relations reloaded after the write');

    await control.clearRequests();
    const removed = await writer.removeUserType!('admin', 'Mental Health');
    assert.deepEqual(removed.userErrors, []);
    assert.deepEqual(summarize(await control.requests()), ['DELETE /ws/users/admin/types/Mental%20Health', 'GET /ws/users/admin']);

    const last = await writer.removeUserType!('admin', 'Administrator');
    assert.deepEqual(last.userErrors.map((e) => [e.code, e.field]), [['BAD_USER_INPUT', 'userTypeId']]);
    const unknown = await writer.assignUserType!('admin', 'Astronaut');
    assert.deepEqual(unknown.userErrors.map((e) => [e.code, e.field]), [['NOT_FOUND', 'userTypeId']]);
  });

  test('grant / update / revoke facility access', async () => {
    const { reader, writer } = rw();
    await writer.revokeFacilityAccess!('admin', 'JUV');
    await control.clearRequests();
    const granted = await writer.grantFacilityAccess!('admin', 'JUV', true);
    assert.deepEqual(granted.userErrors, []);
    const updated = await writer.updateFacilityAccess!('admin', 'MAIN', true);
    assert.deepEqual(updated.userErrors, []);
    const revoked = await writer.revokeFacilityAccess!('admin', 'JUV');
    assert.deepEqual(revoked.userErrors, []);
    const reqs = (await control.requests()).filter((r) => r.method !== 'GET');
    assert.deepEqual(
      reqs.map((r) => [r.method, r.path, r.body && JSON.parse(r.body)]),
      [
        ['POST', '/ws/users/admin/facilities/', { code: 'JUV', primary: true }],
        ['PUT', '/ws/users/admin/facilities/MAIN', { primary: true }],
        ['DELETE', '/ws/users/admin/facilities/JUV', ''],
      ],
    );
    const admin = (await reader.user('admin'))!;
    const access = await reader.facilityAccessOf(admin);
    assert.deepEqual(access.filter((a) => a.primary).map((a) => a.facility.code), ['MAIN']);
    assert.ok(!access.some((a) => a.facility.code === 'JUV'));

    const primary = await writer.revokeFacilityAccess!('admin', 'MAIN');
    assert.deepEqual(primary.userErrors.map((e) => [e.code, e.field]), [['BAD_USER_INPUT', 'facilityId']]);
    const unset = await writer.updateFacilityAccess!('admin', 'MAIN', false);
    assert.deepEqual(unset.userErrors.map((e) => [e.code, e.field]), [['BAD_USER_INPUT', 'facilityId']]);
    const unknown = await writer.grantFacilityAccess!('admin', 'MOON', false);
    assert.deepEqual(unknown.userErrors.map((e) => [e.code, e.field]), [['NOT_FOUND', 'facilityId']]);
  });
});
