import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Connector, SourceReader, StartedSimulator } from '../../core/connector';
import { backgroundContext } from '../../core/context';
import { silentLogger } from '../../core/logger';
import type { UserRecord } from '../../core/model';
import type { SourceWriter } from '../../core/writes';
import { SimControl } from '../../sim/control';
import type { LoggedRequest } from '../../sim/types';
import { vendor } from './index';

const SRC = 'pc';
const ST_GEORGE = 'c186cf8e-708c-479e-acbd-d534f54b7e89';
const USER_E = 'c0d06995-87dd-4437-a92e-338f53b7dba5';
const USER_F = '0507f1a3-7d50-4f3e-a5ae-a8f3c318e151';
const UNKNOWN = '99999999-9999-4999-8999-999999999999';
const NO_INCLUDE = { userTypes: false, facilityAccess: false };
const BEARER = /^Bearer [A-Za-z0-9]{30}$/;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let sim: StartedSimulator;
let ctl: SimControl;
let connector: Connector;
/** Seeded truth read straight from the simulator: users in list order, sites, active access by site. */
let truth: { users: Json[]; sites: Json[]; accessBySite: Map<string, string[]> };

function connect(auth: Record<string, unknown> = sim.auth): Connector {
  return vendor.createConnector({ id: SRC, vendor: 'painchek', name: 'PainChek', baseUrl: sim.baseUrl, auth, http: sim.http, options: {} }, { logger: silentLogger });
}
const ctx = () => backgroundContext(10_000);
const key = (r: LoggedRequest) => `${r.method} ${r.path}?${new URLSearchParams(r.query as Record<string, string>).toString()}`;

/** The vendor requests since the last clear, without asserting anything yet. */
async function requests(): Promise<LoggedRequest[]> {
  return ctl.requests();
}

async function readAll(path: string, token: string): Promise<Json[]> {
  const out: Json[] = [];
  for (let page = 1; ; page++) {
    const res = (await (await fetch(`${sim.origin}${path}?page_size=20&page=${page}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Json;
    out.push(...(res['results'] as Json[]));
    if (res['next'] === null) return out;
  }
}

async function loadTruth() {
  const { clientId, clientSecret } = sim.auth as { clientId: string; clientSecret: string };
  const tokenRes = await fetch(`${sim.origin}/api/integration/auth/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret }).toString() });
  const token = ((await tokenRes.json()) as Json)['access_token'] as string;
  const users = await readAll('/api/account/users/', token);
  const sites = await readAll('/api/sites/', token);
  const accessBySite = new Map<string, string[]>();
  for (const s of sites) accessBySite.set(s['uuid'], (await readAll(`/api/sites/${s['uuid']}/users/`, token)).map((r) => r['user'] as string));
  return { users, sites, accessBySite };
}

function assertAuthorized(reqs: LoggedRequest[]) {
  for (const r of reqs) if (r.path !== '/api/integration/auth/') assert.match(String(r.headers['authorization']), BEARER, `${r.method} ${r.path}`);
}

function assertNoRepeats(reqs: LoggedRequest[]) {
  const keys = reqs.map(key);
  assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), [], 'no request repeats');
}

describe('painchek connector', () => {
  before(async () => {
    sim = await vendor.startSimulator({ port: 0 });
    ctl = new SimControl(sim.origin);
    truth = await loadTruth();
    connector = connect();
    // Warm the shared connector's token so that counts below exclude it unless a test says otherwise.
    await connector.reader(ctx()).user(USER_E);
  });
  after(async () => {
    await connector.close();
    await sim.close();
  });
  beforeEach(() => ctl.reset());

  describe('reader', () => {
    it('users(first:100){userTypes facilityAccess}: 1 token + 5 user pages + sites + each site access list, nothing twice', async () => {
      const fresh = connect();
      try {
        const reader = fresh.reader(ctx());
        const page = await reader.listUsers({ filter: {}, after: null, first: 100, include: { userTypes: true, facilityAccess: true } });
        const relations = await Promise.all(page.users.map((u) => Promise.all([reader.userTypesOf(u), reader.facilityAccessOf(u)])));
        const reqs = await requests();

        const sitePages = [...truth.accessBySite.values()].reduce((n, users) => n + Math.max(1, Math.ceil(users.length / 20)), 0);
        assert.equal(reqs.length, 1 + 5 + 1 + sitePages);
        assert.equal(reqs.length, 23, 'with the default seed: 8 sites of 21-40 access records each');
        assertNoRepeats(reqs);
        assertAuthorized(reqs);
        assert.equal(reqs.filter((r) => r.path === '/api/integration/auth/').length, 1);
        const auth = reqs.find((r) => r.path === '/api/integration/auth/')!;
        assert.equal(auth.method, 'POST');
        assert.match(String(auth.headers['content-type']), /^application\/x-www-form-urlencoded/);
        const { clientId, clientSecret } = sim.auth as { clientId: string; clientSecret: string };
        assert.deepEqual(Object.fromEntries(new URLSearchParams(auth.body)), { client_id: clientId, client_secret: clientSecret });
        assert.deepEqual(
          reqs.filter((r) => r.path === '/api/account/users/').map((r) => r.query).sort((a, b) => Number(a['page']) - Number(b['page'])),
          [1, 2, 3, 4, 5].map((p) => ({ page: String(p), page_size: '20' })),
        );
        assert.deepEqual(reqs.filter((r) => r.path === '/api/sites/').map((r) => r.query), [{ page: '1', page_size: '20' }]);
        for (const [site, users] of truth.accessBySite) {
          const pages = reqs.filter((r) => r.path === `/api/sites/${site}/users/`).map((r) => Number(r.query['page'])).sort();
          assert.deepEqual(pages, Array.from({ length: Math.max(1, Math.ceil(users.length / 20)) }, (_, i) => i + 1));
        }
        // Must not happen: per-user reads, writes.
        assert.equal(reqs.filter((r) => /^\/api\/account\/users\/[^/]+\/$/.test(r.path)).length, 0);
        assert.equal(reqs.filter((r) => r.method !== 'GET' && r.path !== '/api/integration/auth/').length, 0);
        // The sites catalog starts with the first list page, not after the pages.
        const sitesSeq = reqs.find((r) => r.path === '/api/sites/')!.seq;
        const page2Seq = reqs.find((r) => r.path === '/api/account/users/' && r.query['page'] === '2')!.seq;
        assert.ok(sitesSeq < page2Seq, 'sites requested before page 2');

        // Values.
        assert.equal(page.users.length, 100);
        assert.deepEqual(page.users.map((u) => u.nativeId), truth.users.slice(0, 100).map((u) => u['uuid']));
        assert.equal(page.next, JSON.stringify({ offset: 100 }));
        const [typesF, accessF] = relations[1]!;
        assert.deepEqual(typesF, [{ sourceId: SRC, nativeId: 'admin', name: 'Admin', description: 'An administrator.' }]);
        assert.deepEqual(accessF, [{ facility: { sourceId: SRC, nativeId: ST_GEORGE, code: ST_GEORGE, name: 'St George Hospital / Kogarah' }, primary: true }]);
        assert.deepEqual(relations[0]![1], [], 'User E has no site');
        for (const [i, u] of page.users.entries()) {
          const raw = truth.users[i]!;
          const expected = new Set([...truth.accessBySite].filter(([, users]) => users.includes(u.nativeId)).map(([site]) => site));
          if (raw['institution']) expected.add(raw['institution']);
          const got = relations[i]![1];
          assert.deepEqual(new Set(got.map((a) => a.facility.nativeId)), expected, u.nativeId);
          assert.deepEqual(got.filter((a) => a.primary).map((a) => a.facility.nativeId), raw['institution'] ? [raw['institution']] : []);
        }
      } finally {
        await fresh.close();
      }
    });

    it('listing is resumable mid-page: the cursor is an absolute offset, the next call fetches only the page it needs', async () => {
      const reader = connector.reader(ctx());
      const first = await reader.listUsers({ filter: {}, after: null, first: 25, include: NO_INCLUDE });
      assert.equal(first.next, '{"offset":25}');
      await ctl.clearRequests();
      const second = await connector.reader(ctx()).listUsers({ filter: {}, after: first.next, first: 10, include: NO_INCLUDE });
      assert.deepEqual(second.users.map((u) => u.nativeId), truth.users.slice(25, 35).map((u) => u['uuid']));
      assert.equal(second.next, '{"offset":35}');
      const reqs = await requests();
      assert.deepEqual(reqs.map(key), ['GET /api/account/users/?page=2&page_size=20']);
    });

    it('walking every cursor returns each user once, in vendor order, and ends with next null', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page = await connector.reader(ctx()).listUsers({ filter: {}, after, first: 30, include: NO_INCLUDE });
        seen.push(...page.users.map((u) => u.nativeId));
        after = page.next;
      } while (after);
      assert.deepEqual(seen, truth.users.map((u) => u['uuid']));
    });

    it('externalId is pushed down as ?external_id= (and re-applied)', async () => {
      const target = truth.users.find((u) => u['external_id'])!;
      await ctl.clearRequests();
      const page = await connector.reader(ctx()).listUsers({ filter: { externalId: target['external_id'] }, after: null, first: 50, include: NO_INCLUDE });
      assert.deepEqual(page.users.map((u) => u.nativeId), [target['uuid']]);
      assert.equal(page.next, null);
      const reqs = await requests();
      assert.deepEqual(reqs.map((r) => [r.method, r.path, r.query]), [['GET', '/api/account/users/', { page: '1', page_size: '20', external_id: target['external_id'] }]]);
    });

    it('a gateway-side filter walks pages one by one and stops at the page that completes `first`', async () => {
      const inactive = truth.users.map((u, i) => [u, i] as const).filter(([u]) => !u['is_active']);
      const third = inactive[2]![1];
      const lastPage = Math.floor(third / 20) + 1;
      await ctl.clearRequests();
      const page = await connector.reader(ctx()).listUsers({ filter: { active: false }, after: null, first: 3, include: NO_INCLUDE });
      assert.deepEqual(page.users.map((u) => u.nativeId), inactive.slice(0, 3).map(([u]) => u['uuid']));
      assert.ok(page.users.every((u) => u.status === 'INACTIVE'));
      assert.equal(page.next, JSON.stringify({ offset: third + 1 }));
      const reqs = await requests();
      assert.deepEqual(reqs.map((r) => r.query), Array.from({ length: lastPage }, (_, i) => ({ page: String(i + 1), page_size: '20' })));
    });

    it('a `next` link is followed only on the configured origin; otherwise the page number is used', async () => {
      const firstPage = (next: string) => ({ kind: 'status', status: 200, method: 'GET', path: '^/api/account/users/$', times: 1, body: { count: 200, next, previous: null, results: truth.users.slice(0, 20) } }) as const;
      const secondQuery = async (next: string) => {
        await ctl.reset();
        await ctl.fault(firstPage(next));
        // A gateway-side filter that matches nobody walks the pages one by one.
        await connector.reader(ctx()).listUsers({ filter: { lastName: 'Nobody-by-this-name' }, after: null, first: 1, include: NO_INCLUDE });
        return (await requests()).find((r) => r.query['page'] === '2')!.query;
      };
      assert.deepEqual(await secondQuery(`${sim.origin}/api/account/users/?cursor=abc&page=2&page_size=20`), { cursor: 'abc', page: '2', page_size: '20' });
      assert.deepEqual(await secondQuery('http://elsewhere.example/api/account/users/?cursor=abc&page=2&page_size=20'), { page: '2', page_size: '20' });
      assert.deepEqual(await secondQuery(`${sim.origin}/api/sites/?cursor=abc&page=2&page_size=20`), { page: '2', page_size: '20' });
      assert.deepEqual(await secondQuery(`${sim.origin}/api/account/users/?cursor=abc&page=7&page_size=20`), { page: '2', page_size: '20' });
    });

    it('user(uuid): one GET per user per request, primed by lists, 404 → null, a non-uuid never reaches the vendor', async () => {
      const reader = connector.reader(ctx());
      await ctl.clearRequests();
      const [e1, e2, unknown, bogus] = await Promise.all([reader.user(USER_E), reader.user(USER_E), reader.user(UNKNOWN), reader.user('../sites')]);
      assert.equal(e1, e2);
      assert.equal(e1!.displayName, 'User E');
      assert.equal(unknown, null);
      assert.equal(bogus, null);
      assert.equal(await reader.user(USER_E), e1);
      assert.deepEqual((await requests()).map(key).sort(), [`GET /api/account/users/${UNKNOWN}/?`, `GET /api/account/users/${USER_E}/?`]);

      await reader.listUsers({ filter: {}, after: null, first: 20, include: NO_INCLUDE });
      await ctl.clearRequests();
      assert.equal((await reader.user(truth.users[10]!['uuid']))!.nativeId, truth.users[10]!['uuid']);
      assert.deepEqual(await requests(), [], 'a listed user is not read again');
    });

    it('catalogs: user types are static (no request); sites load once per request', async () => {
      const reader = connector.reader(ctx());
      await ctl.clearRequests();
      assert.deepEqual((await reader.userTypes()).map((t) => t.nativeId), ['license_admin', 'admin', 'user']);
      assert.equal((await reader.userType('admin'))!.name, 'Admin');
      assert.equal(await reader.userType('root'), null);
      assert.deepEqual(await requests(), []);
      const [a, b] = await Promise.all([reader.facilities(), reader.facilities()]);
      assert.equal(a, b);
      assert.deepEqual(a.map((f) => f.nativeId), truth.sites.map((s) => s['uuid']));
      assert.equal((await reader.facility(ST_GEORGE))!.name, 'St George Hospital / Kogarah');
      assert.equal(await reader.facility(UNKNOWN), null);
      const coded = truth.sites.find((s) => s['external_id'])!;
      assert.equal((await reader.facility(coded['uuid']))!.code, coded['external_id']);
      assert.deepEqual((await requests()).map(key), ['GET /api/sites/?page=1&page_size=20']);
    });

    it('an expired token is renewed once on 401 and the calls are retried, with exactly one extra auth call', async () => {
      await ctl.call('POST', '/__sim/tokens/expire');
      await ctl.clearRequests();
      const reader = connector.reader(ctx());
      const [e, f] = await Promise.all([reader.user(USER_E), reader.user(USER_F)]);
      assert.equal(e!.nativeId, USER_E);
      assert.equal(f!.nativeId, USER_F);
      const reqs = await requests();
      assert.equal(reqs.filter((r) => r.path === '/api/integration/auth/').length, 1);
      const reads = reqs.filter((r) => r.path !== '/api/integration/auth/');
      assert.deepEqual(reads.map((r) => `${r.path} ${r.status}`).sort(), [`/api/account/users/${USER_F}/ 200`, `/api/account/users/${USER_F}/ 401`, `/api/account/users/${USER_E}/ 200`, `/api/account/users/${USER_E}/ 401`].sort());
      const retried = reads.filter((r) => r.status === 200);
      const oldTokens = new Set(reads.filter((r) => r.status === 401).map((r) => r.headers['authorization']));
      assert.ok(retried.every((r) => !oldTokens.has(r.headers['authorization'])), 'retries carry the new token');
      assertAuthorized(reqs);
    });

    it('vendor failures map to SourceError codes with generic messages', async () => {
      const bad = connect({ clientId: 'nobody', clientSecret: 'wrong-secret-value' });
      try {
        await assert.rejects(bad.reader(ctx()).user(USER_E), (e: Error & { code?: string }) => e.code === 'SOURCE_AUTH_FAILED' && !e.message.includes('wrong-secret-value'));
        assert.deepEqual(await bad.health(ctx()).then((h) => [h.status, h.errorCode]), ['DOWN', 'SOURCE_AUTH_FAILED']);
      } finally {
        await bad.close();
      }
      const cases: Array<[Json, string]> = [
        [{ kind: 'status', status: 200, body: { count: 'many', results: {} } }, 'SOURCE_BAD_RESPONSE'],
        [{ kind: 'malformed-json' }, 'SOURCE_BAD_RESPONSE'],
        [{ kind: 'status', status: 503, times: 3 }, 'SOURCE_UNAVAILABLE'],
        [{ kind: 'rate-limit', retryAfterSeconds: 120 }, 'SOURCE_RATE_LIMITED'],
      ];
      for (const [fault, code] of cases) {
        await ctl.clearFaults();
        await ctl.fault({ method: 'GET', path: '^/api/account/users/$', times: 1, ...(fault as object) } as never);
        await assert.rejects(connector.reader(ctx()).listUsers({ filter: {}, after: null, first: 5, include: NO_INCLUDE }), (e: Error & { code?: string }) => {
          assert.equal(e.code, code, JSON.stringify(fault));
          assert.equal(e.message.includes('127.0.0.1'), false);
          return true;
        });
      }
    });

    it('one malformed record in a user page costs only itself: the others are listed, it is counted, offsets stay exact', async () => {
      const good = (n: number) => ({ uuid: `00000000-0000-4000-8000-00000000000${n}`, email: `u${n}@example.org`, first_name: 'A', last_name: `N${n}`, role: 'user', is_active: true, has_activated: true });
      const body = { count: 3, next: null, previous: null, results: [good(1), { uuid: 'x', email: 'secret-person@example.org', is_active: 'yes' }, good(3)] };
      await ctl.fault({ kind: 'status', method: 'GET', path: '^/api/account/users/$', status: 200, body, times: 2 });
      const page = await connector.reader(ctx()).listUsers({ filter: {}, after: null, first: 10, include: NO_INCLUDE });
      assert.deepEqual(page.users.map((u) => u.lastName), ['N1', 'N3']);
      assert.equal(page.skipped, 1);
      assert.equal(page.next, null);
      assert.ok(!JSON.stringify(page).includes('secret-person'));
      // Resuming after the first record lands on the third: the bad slot still counts as a position.
      const rest = await connector.reader(ctx()).listUsers({ filter: {}, after: '{"offset":1}', first: 10, include: NO_INCLUDE });
      assert.deepEqual([rest.users.map((u) => u.lastName), rest.skipped], [['N3'], 1]);
      await ctl.clearFaults();
    });

    it('health: one cheap authenticated call', async () => {
      await ctl.clearRequests();
      const h = await connector.health(ctx());
      assert.equal(h.status, 'UP');
      assert.deepEqual((await requests()).map(key), ['GET /api/sites/?page=1&page_size=1']);
    });
  });

  describe('writer', () => {
    let reader: SourceReader;
    let writer: SourceWriter;
    beforeEach(() => {
      reader = connector.reader(ctx());
      writer = connector.writer(ctx(), reader);
    });
    const siteB = () => truth.sites[1]!['uuid'] as string;

    it('createUser: POST the user, then PATCH each site; read-after-write from the response, no extra reads', async () => {
      await ctl.clearRequests();
      const input = { firstName: 'Fred', lastName: 'Smith', email: 'fred@example.net', userTypeIds: ['admin'], title: 'Nurse', phone: '+61 400 111 222', externalId: 'X-9', facilityIds: [siteB(), ST_GEORGE], primaryFacilityId: ST_GEORGE };
      assert.deepEqual(await writer.validate({ op: 'createUser', input }), []);
      const out = await writer.createUser!(input);
      assert.deepEqual(out.userErrors, []);
      const user = out.user!;
      assert.equal(user.displayName, 'Fred Smith');
      assert.equal(user.status, 'PENDING_ACTIVATION');
      assert.equal(user.title, 'Nurse');
      assert.deepEqual(user.refs, { userTypeIds: ['admin'], facilities: [{ facilityId: ST_GEORGE, primary: true }] });
      const reqs = await requests();
      assert.deepEqual(reqs.map((r) => `${r.method} ${r.path}`), ['POST /api/account/users/', `PATCH /api/sites/${siteB()}/users/${user.nativeId}/`, `PATCH /api/sites/${ST_GEORGE}/users/${user.nativeId}/`]);
      assert.deepEqual(JSON.parse(reqs[0]!.body), {
        first_name: 'Fred',
        last_name: 'Smith',
        email: 'fred@example.net',
        role: 'admin',
        is_active: true,
        phone: '+61 400 111 222',
        position: 'Nurse',
        external_id: 'X-9',
        institution: ST_GEORGE,
        full_site_access: false,
      });
      assert.match(String(reqs[0]!.headers['content-type']), /^application\/json/);
      assert.equal(reqs[1]!.body, '');
      assertAuthorized(reqs);
      assert.deepEqual(out.steps, [
        { method: 'POST', route: '/api/account/users/', status: 201, ok: true },
        { method: 'PATCH', route: '/api/sites/{site}/users/{user}/', status: 200, ok: true },
        { method: 'PATCH', route: '/api/sites/{site}/users/{user}/', status: 200, ok: true },
      ]);

      await ctl.clearRequests();
      assert.equal(await reader.user(user.nativeId), user);
      assert.deepEqual(await requests(), [], 'the created user is primed, not read back');
      const access = await reader.facilityAccessOf(user);
      assert.deepEqual(access.map((a) => [a.facility.nativeId, a.primary]), [[ST_GEORGE, true], [siteB(), false]]);
    });

    it('createUser partial failure: the second call fails, the steps say so, and the third is never sent', async () => {
      await ctl.fault({ kind: 'status', status: 500, method: 'PATCH', path: '^/api/sites/', times: 1 });
      await ctl.clearRequests();
      const out = await writer.createUser!({ firstName: 'Ann', lastName: 'Lee', email: 'ann@example.net', userTypeIds: ['user'], facilityIds: [siteB(), ST_GEORGE] });
      assert.equal(out.user?.email, 'ann@example.net', 'the half-done create still names the user PainChek now holds');
      assert.deepEqual(out.userErrors, [{ field: null, code: 'SOURCE_UNAVAILABLE', message: 'The source is unavailable.' }]);
      assert.deepEqual(out.steps, [
        { method: 'POST', route: '/api/account/users/', status: 201, ok: true },
        { method: 'PATCH', route: '/api/sites/{site}/users/{user}/', status: 500, ok: false },
      ]);
      const reqs = await requests();
      assert.deepEqual(reqs.map((r) => r.method), ['POST', 'PATCH'], 'no retry, no third call');
    });

    it('createUser rejected by the vendor: BAD_USER_INPUT on the unified field, no vendor text', async () => {
      await ctl.clearRequests();
      const out = await writer.createUser!({ firstName: 'Dup', lastName: 'E', email: 'user_e@painchek.com', userTypeIds: ['user'] });
      assert.deepEqual(out.userErrors, [{ field: 'input.email', code: 'BAD_USER_INPUT', message: 'input.email was rejected by the vendor.' }]);
      assert.deepEqual(out.steps, [{ method: 'POST', route: '/api/account/users/', status: 400, ok: false }]);
    });

    it('validate rejects before any call', async () => {
      await ctl.clearRequests();
      const errors = await writer.validate({ op: 'createUser', input: { firstName: 'A', lastName: 'B', email: 'a@b.org', userTypeIds: ['user', 'admin'] } });
      assert.deepEqual(errors.map((e) => e.field), ['input.userTypeIds']);
      assert.deepEqual(await requests(), []);
    });

    it('updateUser: PATCH only the fields given; nothing given → no PATCH', async () => {
      await ctl.clearRequests();
      const out = await writer.updateUser!(USER_E, { title: 'Carer', phone: null });
      assert.deepEqual(out.userErrors, []);
      assert.equal(out.user!.title, 'Carer');
      assert.equal(out.user!.phone, null);
      const reqs = await requests();
      assert.deepEqual(reqs.map((r) => [r.method, r.path, JSON.parse(r.body)]), [['PATCH', `/api/account/users/${USER_E}/`, { position: 'Carer', phone: null }]]);
      assert.equal(await reader.user(USER_E), out.user, 'read-after-write from the PATCH response');

      await ctl.clearRequests();
      const none = await writer.updateUser!(USER_E, {});
      assert.equal(none.user, out.user);
      assert.deepEqual(none.steps, []);
      assert.deepEqual(await requests(), []);
    });

    it('setUserActive and assignUserType: PATCH is_active / role', async () => {
      await ctl.clearRequests();
      const off = await writer.setUserActive!(USER_F, false);
      assert.equal(off.user!.status, 'INACTIVE');
      const role = await writer.assignUserType!(USER_F, 'license_admin');
      assert.deepEqual(role.user!.refs.userTypeIds, ['license_admin']);
      assert.equal(role.user!.allFacilities, true);
      const reqs = await requests();
      assert.deepEqual(reqs.map((r) => [r.method, r.path, JSON.parse(r.body)]), [
        ['PATCH', `/api/account/users/${USER_F}/`, { is_active: false }],
        ['PATCH', `/api/account/users/${USER_F}/`, { role: 'license_admin' }],
      ]);
      const unknown = await writer.setUserActive!(UNKNOWN, false);
      assert.deepEqual(unknown.userErrors, [{ field: 'userId', code: 'NOT_FOUND', message: 'Not found.' }]);
    });

    it('grantFacilityAccess: PATCH the site access (+ PATCH institution when primary); facilityAccess follows', async () => {
      await reader.facilityAccessOf((await reader.user(USER_E))!);
      await ctl.clearRequests();
      const out = await writer.grantFacilityAccess!(USER_E, siteB(), false);
      assert.deepEqual(out.userErrors, []);
      const primary = await writer.grantFacilityAccess!(USER_E, ST_GEORGE, true);
      assert.deepEqual(primary.user!.refs.facilities, [{ facilityId: ST_GEORGE, primary: true }]);
      const reqs = await requests();
      assert.deepEqual(reqs.map((r) => [r.method, r.path, r.body]), [
        ['PATCH', `/api/sites/${siteB()}/users/${USER_E}/`, ''],
        ['PATCH', `/api/sites/${ST_GEORGE}/users/${USER_E}/`, ''],
        ['PATCH', `/api/account/users/${USER_E}/`, JSON.stringify({ institution: ST_GEORGE })],
      ]);
      await ctl.clearRequests();
      const access = await reader.facilityAccessOf(primary.user!);
      assert.deepEqual(access.map((a) => [a.facility.nativeId, a.primary]), [[ST_GEORGE, true], [siteB(), false]]);
      // Only the two changed sites' lists are read again; the catalog and the other lists are kept.
      assert.deepEqual((await requests()).map((r) => r.path).sort(), [`/api/sites/${ST_GEORGE}/users/`, `/api/sites/${ST_GEORGE}/users/`, `/api/sites/${siteB()}/users/`, `/api/sites/${siteB()}/users/`].sort());
    });

    it('updateFacilityAccess: primary → PATCH institution; primary false on the institution → institution null; elsewhere → nothing', async () => {
      await ctl.clearRequests();
      const other = await writer.updateFacilityAccess!(USER_F, siteB(), false);
      assert.deepEqual(other.user!.refs.facilities, [{ facilityId: ST_GEORGE, primary: true }]);
      const cleared = await writer.updateFacilityAccess!(USER_F, ST_GEORGE, false);
      assert.deepEqual(cleared.user!.refs.facilities, []);
      const set = await writer.updateFacilityAccess!(USER_F, siteB(), true);
      assert.deepEqual(set.user!.refs.facilities, [{ facilityId: siteB(), primary: true }]);
      const reqs = await requests();
      assert.deepEqual(reqs.map((r) => [r.method, r.path, r.body]), [
        ['GET', `/api/account/users/${USER_F}/`, ''],
        ['PATCH', `/api/account/users/${USER_F}/`, JSON.stringify({ institution: null })],
        ['PATCH', `/api/account/users/${USER_F}/`, JSON.stringify({ institution: siteB() })],
      ]);
    });

    it('revokeFacilityAccess: DELETE the access record; the institution is cleared when it was that site', async () => {
      await ctl.clearRequests();
      const out = await writer.revokeFacilityAccess!(USER_F, ST_GEORGE);
      assert.deepEqual(out.userErrors, []);
      assert.deepEqual(out.user!.refs.facilities, []);
      assert.deepEqual(out.steps.map((s) => `${s.method} ${s.route} ${s.status}`), ['DELETE /api/sites/{site}/users/{user}/ 200', 'PATCH /api/account/users/{uuid}/ 200']);
      const reqs = await requests();
      assert.deepEqual(reqs.map((r) => `${r.method} ${r.path}`), [`GET /api/account/users/${USER_F}/`, `DELETE /api/sites/${ST_GEORGE}/users/${USER_F}/`, `PATCH /api/account/users/${USER_F}/`]);
      assert.deepEqual(await reader.facilityAccessOf(out.user!), []);
      const never = await writer.revokeFacilityAccess!(USER_E, ST_GEORGE);
      assert.deepEqual(never.userErrors, [{ field: 'facilityId', code: 'NOT_FOUND', message: 'Not found.' }]);
    });

    it('a write after token expiry is re-sent once with a new token (a 401 was not applied)', async () => {
      await ctl.call('POST', '/__sim/tokens/expire');
      await ctl.clearRequests();
      const out = await writer.setUserActive!(USER_E, false);
      assert.equal(out.user!.active, false);
      const reqs = await requests();
      assert.deepEqual(reqs.map((r) => `${r.method} ${r.path} ${r.status}`), [`PATCH /api/account/users/${USER_E}/ 401`, 'POST /api/integration/auth/ 200', `PATCH /api/account/users/${USER_E}/ 200`]);
    });

    it('a connection dropped after the vendor applied the write → OUTCOME_UNKNOWN, never retried', async () => {
      await ctl.fault({ kind: 'drop', when: 'after', method: 'PATCH', path: '^/api/account/users/', times: 1 });
      await ctl.clearRequests();
      const out = await writer.setUserActive!(USER_E, false);
      assert.equal(out.user, null);
      assert.deepEqual(out.userErrors, [{ field: null, code: 'OUTCOME_UNKNOWN', message: 'The source did not confirm the outcome of the write.' }]);
      assert.deepEqual(out.steps, [{ method: 'PATCH', route: '/api/account/users/{uuid}/', status: null, ok: false }]);
      const reqs = await requests();
      assert.deepEqual(reqs.map((r) => `${r.method} ${r.path}`), [`PATCH /api/account/users/${USER_E}/`]);
      // It was applied: a fresh reader sees it.
      const after: UserRecord | null = await connector.reader(ctx()).user(USER_E);
      assert.equal(after!.active, false);
    });

    it('capabilities: delete and removeUserType are unsupported with an alternative', () => {
      const w = connector.capabilities.writes;
      assert.deepEqual(w.deleteUser, { supported: false, alternative: 'PainChek users cannot be deleted: deactivate the user with setUserActive(active: false).' });
      assert.equal(w.removeUserType.supported, false);
      assert.equal(writer.deleteUser, undefined);
      assert.equal(writer.removeUserType, undefined);
      assert.deepEqual(connector.capabilities.pushdownFilters, ['externalId']);
    });
  });
});
