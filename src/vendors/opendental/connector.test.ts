import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Connector, SourceHttpSettings, StartedSimulator } from '../../core/connector';
import { backgroundContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import type { UserRecord } from '../../core/model';
import type { SourceWriter, WriteInput } from '../../core/writes';
import { SimControl, summarize } from '../../sim/control';
import type { LoggedRequest } from '../../sim/types';
import { createConnector } from './connector';
import postRequest from './fixtures/userod-post-request.json';
import { OpenDentalReader } from './loaders';
import { startSimulator } from './simulator';

/** Reader and writer against a running simulator: values, the exact vendor requests, and the ones that must not happen. */

let sim: StartedSimulator;
let control: SimControl;
let od: Connector;
const open: Connector[] = [];

function connect(overrides: { http?: SourceHttpSettings; auth?: Record<string, unknown>; options?: Record<string, unknown> } = {}): Connector {
  const c = createConnector(
    { id: 'dental', vendor: 'opendental', name: 'Dental office', baseUrl: sim.baseUrl, auth: overrides.auth ?? sim.auth, http: overrides.http ?? sim.http, options: overrides.options ?? {} },
    { logger: silentLogger },
  );
  open.push(c);
  return c;
}

/** One GraphQL request's worth: a fresh reader (and its writer). */
function request(c: Connector = od): { reader: OpenDentalReader; writer: SourceWriter } {
  const ctx = backgroundContext(10_000);
  const reader = c.reader(ctx);
  assert.ok(reader instanceof OpenDentalReader);
  return { reader, writer: c.writer(ctx, reader) };
}

const ALL = { userTypes: false, facilityAccess: false };
const BOTH = { userTypes: true, facilityAccess: true };

/** Every vendor request carries the ODFHIR header and the JSON content type. */
function assertHeaders(log: LoggedRequest[]): void {
  const { developerKey, customerKey } = sim.auth as { developerKey: string; customerKey: string };
  for (const r of log) {
    assert.equal(r.headers.authorization, `ODFHIR ${developerKey}/${customerKey}`, `${r.method} ${r.path}`);
    assert.equal(r.headers['content-type'], 'application/json', `${r.method} ${r.path}`);
  }
}

async function vendorLog(): Promise<LoggedRequest[]> {
  const log = await control.requests();
  assertHeaders(log);
  return log;
}

const line = (r: LoggedRequest) => `${r.method} ${r.path}${Object.keys(r.query).length ? '?' + new URLSearchParams(r.query as Record<string, string>).toString() : ''}`;

before(async () => {
  sim = await startSimulator({ port: 0 });
  control = new SimControl(sim.origin);
  od = connect();
});
after(async () => {
  await Promise.all(open.map((c) => c.close()));
  await sim.close();
});
beforeEach(() => control.reset());

describe('opendental reader: users(first:100) { userTypes facilityAccess }', () => {
  it('takes exactly 3 requests: one list page and each catalog once', async () => {
    const { reader } = request();
    const page = await reader.listUsers({ filter: {}, after: null, first: 100, include: BOTH });
    const types = await Promise.all(page.users.map((u) => reader.userTypesOf(u)));
    const access = await Promise.all(page.users.map((u) => reader.facilityAccessOf(u)));

    assert.equal(page.users.length, 100);
    assert.equal(page.next, JSON.stringify({ offset: 100 }));
    const [lynda, charlie, becca] = page.users;
    assert.deepEqual([lynda?.username, charlie?.username, becca?.username], ['Lynda', 'Charlie', 'Becca']);
    assert.equal(charlie?.status, 'INACTIVE', 'no active filter: hidden users are listed too');
    assert.deepEqual(types[1]?.map((t) => t.name), ['Admin', 'Front Desk', 'Office Managers']);
    assert.deepEqual(access[2], [{ facility: { sourceId: 'dental', nativeId: '2', code: 'EAST', name: 'Eastside Family Dentistry' }, primary: true }]);

    const log = await vendorLog();
    assert.equal(log.length, 3);
    assert.deepEqual(log.map(line).sort(), ['GET /api/v1/clinics?Limit=100', 'GET /api/v1/usergroups?Limit=100', 'GET /api/v1/userods?includeHidden=true&Limit=100']);
    assert.ok(log.every((r) => r.body === ''));
  });

  it('starts both catalogs before the first list page has finished', async () => {
    await control.fault({ kind: 'latency', method: 'GET', path: '/userods$', latencyMs: 1500 });
    const { reader } = request();
    let settled = false;
    const listing = reader.listUsers({ filter: {}, after: null, first: 100, include: BOTH }).finally(() => (settled = true));

    let log: LoggedRequest[] = [];
    const finished = (p: string) => log.some((r) => r.path === p && r.status !== null);
    while (!(finished('/api/v1/usergroups') && finished('/api/v1/clinics'))) {
      await new Promise((r) => setTimeout(r, 25));
      log = await control.requests();
    }
    const list = log.find((r) => r.path === '/api/v1/userods');
    assert.ok(list, 'the list page was sent');
    assert.equal(list.status, null, 'the list page had not been answered when both catalogs were');
    assert.equal(settled, false);
    assert.equal((await listing).users.length, 100);
    assert.equal((await vendorLog()).length, 3);
  });

  it('without include, no catalog is loaded', async () => {
    const { reader } = request();
    await reader.listUsers({ filter: {}, after: null, first: 5, include: ALL });
    assert.deepEqual(summarize(await vendorLog()), ['GET /api/v1/userods']);
  });
});

describe('opendental reader: listing', () => {
  it('walks Limit/Offset only as far as `first` needs, resumes mid-page, and ends with next=null', async () => {
    const seen: UserRecord[] = [];
    const perCall: string[][] = [];
    let after: string | null = null;
    do {
      await control.clearRequests();
      const { reader } = request();
      const page = await reader.listUsers({ filter: {}, after, first: 70, include: ALL });
      seen.push(...page.users);
      perCall.push((await vendorLog()).map((r) => String(r.query.Offset ?? 0)));
      after = page.next;
    } while (after !== null);

    assert.deepEqual(perCall, [['0'], ['0', '100'], ['100', '200'], ['200']]);
    const nums = seen.map((u) => Number(u.nativeId));
    assert.equal(new Set(nums).size, nums.length, 'no duplicates');
    assert.equal(nums.length, 245, 'every non-CEMT user, hidden ones included');
    assert.deepEqual(nums, [...nums].sort((a, b) => a - b));
    assert.ok(!nums.some((n) => n % 50 === 0), 'CEMT users are never listed');
  });

  it('a full page of exactly `first` rows ends with a cursor, and no look-ahead request', async () => {
    const first = await request().reader.listUsers({ filter: {}, after: null, first: 100, include: ALL });
    assert.equal(first.next, '{"offset":100}');
    const second = await request().reader.listUsers({ filter: {}, after: first.next, first: 100, include: ALL });
    // Row 100 of the list is UserNum 103: users 50 and 100 are CEMT users, never listed.
    assert.equal(second.users[0]?.nativeId, '103');
    assert.deepEqual((await vendorLog()).map(line), ['GET /api/v1/userods?includeHidden=true&Limit=100', 'GET /api/v1/userods?includeHidden=true&Limit=100&Offset=100']);
  });

  it('a cursor at the very end gives an empty page and next=null', async () => {
    const page = await request().reader.listUsers({ filter: {}, after: '{"offset":245}', first: 10, include: ALL });
    assert.deepEqual(page, { users: [], next: null });
  });

  it('rejects a cursor it did not make', async () => {
    await assert.rejects(request().reader.listUsers({ filter: {}, after: 'page=2', first: 10, include: ALL }), (e: unknown) => e instanceof SourceError && e.code === 'BAD_USER_INPUT');
    assert.equal((await vendorLog()).length, 0);
  });

  it('pushes active=true down by leaving includeHidden out', async () => {
    const page = await request().reader.listUsers({ filter: { active: true }, after: null, first: 5, include: ALL });
    assert.deepEqual(page.users.map((u) => u.username).slice(0, 2), ['Lynda', 'Becca']);
    assert.ok(page.users.every((u) => u.active));
    assert.deepEqual((await vendorLog()).map(line), ['GET /api/v1/userods?Limit=100']);
  });

  it('active=false and other filters run in the gateway over includeHidden=true pages', async () => {
    const inactive = await request().reader.listUsers({ filter: { active: false }, after: null, first: 3, include: ALL });
    assert.equal(inactive.users[0]?.username, 'Charlie');
    assert.ok(inactive.users.every((u) => !u.active && u.status === 'INACTIVE'));
    const becca = await request().reader.listUsers({ filter: { username: 'BECCA' }, after: null, first: 1, include: ALL });
    assert.deepEqual(becca.users.map((u) => u.nativeId), ['3']);
    assert.equal(becca.next, '{"offset":3}');
    assert.deepEqual((await vendorLog()).map(line), ['GET /api/v1/userods?includeHidden=true&Limit=100', 'GET /api/v1/userods?includeHidden=true&Limit=100']);
  });
});

describe('opendental reader: user(id) and catalogs', () => {
  it('answers any number of ids with one list scan per request; unknown ids are null', async () => {
    const { reader } = request();
    const [becca, charlie, missing, cemt, again] = await Promise.all([reader.user('3'), reader.user('2'), reader.user('9999'), reader.user('50'), reader.user('3')]);
    assert.equal(becca?.displayName, 'Becca Alexandria');
    assert.equal(charlie?.active, false);
    assert.equal(missing, null);
    assert.equal(cemt, null, 'CEMT users are not asked for');
    assert.equal(again, becca);
    assert.equal(await reader.user('120').then((u) => u?.nativeId), '120');
    assert.equal(await reader.user('not-a-number'), null);
    assert.deepEqual((await vendorLog()).map(line), [
      'GET /api/v1/userods?includeHidden=true&Limit=100',
      'GET /api/v1/userods?includeHidden=true&Limit=100&Offset=100',
      'GET /api/v1/userods?includeHidden=true&Limit=100&Offset=200',
    ]);
  });

  it('listed users are primed; a scan reuses the pages the listing already loaded', async () => {
    const { reader } = request();
    await reader.listUsers({ filter: {}, after: null, first: 10, include: ALL });
    assert.equal((await reader.user('42'))?.nativeId, '42');
    assert.equal((await vendorLog()).length, 1, 'user 42 came from the primed page');
    assert.equal((await reader.user('151'))?.nativeId, '151');
    // 151 is on the second page: the walk reuses page 1 and stops at page 2.
    assert.deepEqual((await vendorLog()).map((r) => r.query.Offset ?? '0'), ['0', '100']);
  });

  it('get-by-id stops at the page that holds the user: page 1 costs one GET, never the whole list', async () => {
    const gets = async () => (await vendorLog()).filter((r) => r.method === 'GET' && r.path.endsWith('/userods')).length;
    assert.equal((await request().reader.user('3'))?.displayName, 'Becca Alexandria');
    assert.equal(await gets(), 1, 'user 3 is on page 1: one call (the whole list would be 3)');
    await control.clearRequests();
    assert.equal((await request().reader.user('230'))?.nativeId, '230');
    assert.equal(await gets(), 3, 'a user on the last page needs every page');
    await control.clearRequests();
    const { reader } = request();
    const [a, b] = await Promise.all([reader.user('2'), reader.user('120')]);
    assert.deepEqual([a?.nativeId, b?.nativeId], ['2', '120']);
    assert.deepEqual((await vendorLog()).map((r) => r.query.Offset ?? '0'), ['0', '100'], 'one walk for the batch, to the page of the last id');
    assert.deepEqual([await reader.user('9999'), (await vendorLog()).length], [null, 3], 'an unknown id walks on, reusing the pages already read');
  });

  it('one malformed record in a page costs only itself: listed without it, counted; asked for by id it is a bad response', async () => {
    const good = (n: number) => ({ UserNum: n, UserName: `u${n}`, userGroupNums: [2], EmployeeNum: 0, employeeName: '', ProviderNum: 0, providerName: '', ClinicNum: 0, emailAddress: '', IsHidden: 'false' });
    const body = [good(1), { ...good(2), IsHidden: 'maybe', emailAddress: 'private@example.org' }, good(3)];
    await control.fault({ kind: 'status', method: 'GET', path: '/userods$', status: 200, body });
    const { reader } = request();
    const page = await reader.listUsers({ filter: {}, after: null, first: 10, include: ALL });
    assert.deepEqual(page.users.map((u) => u.nativeId), ['1', '3']);
    assert.equal(page.skipped, 1);
    assert.equal(page.next, null);
    assert.ok(!JSON.stringify(page).includes('private@'));
    assert.equal((await reader.user('3'))?.nativeId, '3');
    await assert.rejects(reader.user('2'), (e: unknown) => e instanceof SourceError && e.code === 'SOURCE_BAD_RESPONSE' && !/private|maybe/.test(e.message));
    await control.clearFaults();
  });

  it('loads each catalog once per request', async () => {
    const { reader } = request();
    const [types, facilities, dentists, main, hidden, none] = await Promise.all([
      reader.userTypes(),
      reader.facilities(),
      reader.userType('2'),
      reader.facility('1'),
      reader.facility('6'),
      reader.userType('10'),
    ]);
    assert.equal(types.length, 9);
    assert.deepEqual(facilities.map((f) => f.code), ['MAIN', 'EAST', 'WEST', 'NORTH', 'LAKE']);
    assert.deepEqual(dentists, { sourceId: 'dental', nativeId: '2', name: 'Dentists', description: null });
    assert.equal(main?.name, 'Main Street Dental');
    assert.equal(hidden, null, 'hidden clinics are not in GET /clinics');
    assert.equal(none, null, 'CEMT groups are not in the catalog');
    await reader.userTypes();
    assert.deepEqual(summarize(await vendorLog()).sort(), ['GET /api/v1/clinics', 'GET /api/v1/usergroups']);
  });

  it('ClinicNum 0 = every facility (no access rows, no clinic request); a hidden clinic is still shown', async () => {
    const { reader } = request();
    const { users } = await reader.listUsers({ filter: {}, after: null, first: 100, include: ALL });
    const hq = users.find((u) => u.allFacilities === true)!;
    assert.deepEqual(await reader.facilityAccessOf(hq), []);
    assert.deepEqual(summarize(await vendorLog()), ['GET /api/v1/userods']);
    const closed = users.find((u) => u.refs.facilities?.[0]?.facilityId === '6')!;
    assert.ok(closed, 'the seed has users on the hidden clinic');
    assert.deepEqual(await reader.facilityAccessOf(closed), [{ facility: { sourceId: 'dental', nativeId: '6', code: '6', name: null }, primary: true }]);
  });

  it('maps vendor failures to SourceError codes without vendor text', async () => {
    const cases: Array<[Parameters<SimControl['fault']>[0], string]> = [
      [{ kind: 'status', status: 500 }, 'SOURCE_UNAVAILABLE'],
      [{ kind: 'status', status: 400, body: 'The eConnector is not running.' }, 'SOURCE_UNAVAILABLE'],
      [{ kind: 'malformed-json' }, 'SOURCE_BAD_RESPONSE'],
      [{ kind: 'status', status: 200, body: { users: [] } }, 'SOURCE_BAD_RESPONSE'],
      [{ kind: 'rate-limit', retryAfterSeconds: 5 }, 'SOURCE_RATE_LIMITED'],
    ];
    for (const [fault, code] of cases) {
      await control.clearFaults();
      await control.fault({ ...fault, path: '/clinics$' });
      await assert.rejects(request().reader.facilities(), (e: unknown) => {
        assert.ok(e instanceof SourceError);
        assert.equal(e.code, code, JSON.stringify(fault));
        assert.ok(!/eConnector|Injected|127\.0\.0\.1|clinics/.test(e.message));
        return true;
      });
    }
    const stranger = connect({ auth: { developerKey: 'nope', customerKey: 'nope' } });
    await assert.rejects(request(stranger).reader.userTypes(), (e: unknown) => e instanceof SourceError && e.code === 'SOURCE_AUTH_FAILED');
    assert.deepEqual((await od.health(backgroundContext())).status, 'UP');
    const down = await stranger.health(backgroundContext());
    assert.deepEqual([down.status, down.errorCode], ['DOWN', 'SOURCE_AUTH_FAILED']);
  });
});

describe('opendental writer: validate (before any call)', () => {
  const cases: Array<[string, WriteInput, Array<[string | null, string]>]> = [
    ['a valid create', { op: 'createUser', input: { username: 'Sally', password: 'My1password', userTypeIds: ['2'], facilityIds: ['1'], primaryFacilityId: '1' } }, []],
    [
      'create rules',
      { op: 'createUser', input: { username: 'Sally ', password: 'weakpass', userTypeIds: [] } },
      [
        ['input.username', 'BAD_USER_INPUT'],
        ['input.password', 'BAD_USER_INPUT'],
        ['input.userTypeIds', 'BAD_USER_INPUT'],
      ],
    ],
    ['missing username, password and user types', { op: 'createUser', input: {} }, [
      ['input.username', 'BAD_USER_INPUT'],
      ['input.password', 'BAD_USER_INPUT'],
      ['input.userTypeIds', 'BAD_USER_INPUT'],
    ]],
    [
      'fields Open Dental cannot store',
      { op: 'createUser', input: { username: 'Sally', password: 'My1password', userTypeIds: ['2'], firstName: 'Sally', email: 'sally@example.org', npi: '1234567890', lastName: null } },
      [
        ['input.firstName', 'UNSUPPORTED_BY_VENDOR'],
        ['input.npi', 'UNSUPPORTED_BY_VENDOR'],
        ['input.email', 'UNSUPPORTED_BY_VENDOR'],
      ],
    ],
    [
      'ids must be numeric; one clinic at most; primary among facilities',
      { op: 'createUser', input: { username: 'Sally', password: 'My1password', userTypeIds: ['2', 'x'], facilityIds: ['1', '2'], primaryFacilityId: '3', employeeNumber: 'E-7' } },
      [
        ['input.employeeNumber', 'BAD_USER_INPUT'],
        ['input.userTypeIds', 'BAD_USER_INPUT'],
        ['input.facilityIds', 'BAD_USER_INPUT'],
        ['input.primaryFacilityId', 'BAD_USER_INPUT'],
      ],
    ],
    [
      'update: email, password and names cannot be written; null for a field Open Dental lacks is fine',
      { op: 'updateUser', nativeId: '3', input: { email: null, password: 'My1password', title: 'DDS', firstName: null, active: false } },
      [
        ['input.title', 'UNSUPPORTED_BY_VENDOR'],
        ['input.password', 'UNSUPPORTED_BY_VENDOR'],
        ['input.email', 'UNSUPPORTED_BY_VENDOR'],
      ],
    ],
    ['a path-unsafe user id', { op: 'setUserActive', nativeId: '../1', active: false }, [['userId', 'BAD_USER_INPUT']]],
    ['a non-numeric user type', { op: 'assignUserType', nativeId: '3', userTypeId: 'Admin' }, [['userTypeId', 'BAD_USER_INPUT']]],
    ['ClinicNum 0 is not a clinic', { op: 'grantFacilityAccess', nativeId: '3', facilityId: '0', primary: true }, [['facilityId', 'BAD_USER_INPUT']]],
  ];
  for (const [name, write, expected] of cases) {
    it(name, async () => {
      const errors = await request().writer.validate(write);
      assert.deepEqual(
        errors.map((e) => [e.field, e.code]).sort(),
        [...expected].sort(),
      );
      for (const e of errors) {
        assert.ok(e.message.includes(e.field!.replace(/^input\./, '')), `message names the field: ${e.message}`);
        assert.ok(!/Sally |weakpass|My1password|E-7|sally@|\.\.\/1/.test(e.message), `message echoes no value: ${e.message}`);
      }
    });
  }

  it('asks for a symbol when the source says the office requires one', async () => {
    const strict = connect({ options: { passwordRequiresSymbol: true } });
    const input = { username: 'Sally', userTypeIds: ['2'] };
    const weak = await request(strict).writer.validate({ op: 'createUser', input: { ...input, password: 'My1password' } });
    assert.deepEqual(weak.map((e) => [e.field, e.code]), [['input.password', 'BAD_USER_INPUT']]);
    assert.match(weak[0]!.message, /symbol/);
    assert.deepEqual(await request(strict).writer.validate({ op: 'createUser', input: { ...input, password: 'My1password#' } }), []);
    assert.equal((await vendorLog()).length, 0, 'validation makes no call');
  });
});

describe('opendental writer: createUser', () => {
  it('POST alone when one user type and nothing else: the POST shape is mapped, the password never returned', async () => {
    const { writer } = request();
    const out = await writer.createUser!({ username: 'Sally', password: 'My1password', userTypeIds: ['2'] });
    assert.deepEqual(out.userErrors, []);
    assert.deepEqual(out.steps, [{ method: 'POST', route: '/userods', status: 201, ok: true }]);
    assert.equal(out.user?.nativeId, '251');
    assert.deepEqual(out.user?.refs, { userTypeIds: ['2'], facilities: [] });
    assert.equal(out.user?.allFacilities, true);
    assert.ok(!JSON.stringify(out).includes('My1password'));
    const log = await vendorLog();
    assert.deepEqual(log.map(line), ['POST /api/v1/userods']);
    assert.deepEqual(JSON.parse(log[0]!.body), postRequest, "the doc's example request, exactly");
  });

  it('POST then one PUT for the other groups, the clinic, IsHidden and EmployeeNum; read-after-write', async () => {
    const { reader, writer } = request();
    const out = await writer.createUser!({ username: 'Sam', password: 'My1password', userTypeIds: ['3', '4', '3'], facilityIds: ['2'], active: false, employeeNumber: '3' });
    assert.deepEqual(out.userErrors, []);
    assert.deepEqual(out.steps.map((s) => `${s.method} ${s.route} ${s.status}`), ['POST /userods 201', 'PUT /userods/{UserNum} 200']);
    const log = await vendorLog();
    assert.deepEqual(log.map(line), ['POST /api/v1/userods', 'PUT /api/v1/userods/251']);
    assert.deepEqual(JSON.parse(log[0]!.body), { UserName: 'Sam', UserGroupNum: 3, Password: 'My1password' });
    assert.deepEqual(JSON.parse(log[1]!.body), { userGroupNums: [3, 4], ClinicNum: 2, IsHidden: 'true', EmployeeNum: 3 });
    const user = out.user!;
    assert.deepEqual([user.active, user.displayName, user.identifiers.employeeNumber], [false, 'Charles Sorenson', '3']);
    assert.deepEqual(user.refs, { userTypeIds: ['3', '4'], facilities: [{ facilityId: '2', primary: true }] });

    // Same request: the loader was primed, no call. Next request: the scan finds it (hidden included).
    assert.equal(await reader.user('251'), user);
    assert.equal((await vendorLog()).length, 2);
    assert.deepEqual(await request().reader.user('251'), user);
  });

  it('a failing second call is reported with the POST as ok and the PUT as failed', async () => {
    await control.fault({ kind: 'status', method: 'PUT', status: 500 });
    const out = await request().writer.createUser!({ username: 'Sam', password: 'My1password', userTypeIds: ['3', '4'] });
    assert.equal(out.user?.username, 'Sam', 'the half-done create still names the user Open Dental now holds');
    assert.ok(Number(out.user?.nativeId) > 0);
    assert.deepEqual(out.steps, [
      { method: 'POST', route: '/userods', status: 201, ok: true },
      { method: 'PUT', route: '/userods/{UserNum}', status: 500, ok: false },
    ]);
    assert.deepEqual(out.userErrors.map((e) => [e.code, e.field]), [['SOURCE_UNAVAILABLE', null]]);
    assert.ok(!/Injected/.test(out.userErrors[0]!.message));
    assert.equal((await request().reader.user('251'))?.username, 'Sam', 'the POST did create the user');
  });

  it("the vendor's rejections become coded errors on the right field, without the vendor's text", async () => {
    const taken = await request().writer.createUser!({ username: 'lynda', password: 'My1password', userTypeIds: ['2'] });
    assert.deepEqual(taken.userErrors.map((e) => [e.code, e.field]), [['BAD_USER_INPUT', 'input.username']]);
    assert.ok(!/already in use/.test(taken.userErrors[0]!.message));
    assert.deepEqual(taken.steps, [{ method: 'POST', route: '/userods', status: 400, ok: false }]);

    const noGroup = await request().writer.createUser!({ username: 'Sam', password: 'My1password', userTypeIds: ['999', '2'] });
    assert.deepEqual(noGroup.userErrors.map((e) => [e.code, e.field]), [['NOT_FOUND', 'input.userTypeIds']]);
    assert.deepEqual(summarize(await vendorLog()), ['POST /api/v1/userods', 'POST /api/v1/userods'], 'no PUT after a failed POST');
  });
});

describe('opendental writer: updates', () => {
  it('updateUser sends only what Open Dental can write', async () => {
    const out = await request().writer.updateUser!('3', { active: false, employeeNumber: '3', firstName: null });
    assert.deepEqual(out.userErrors, []);
    assert.deepEqual([out.user?.active, out.user?.identifiers.employeeNumber], [false, '3']);
    const cleared = await request().writer.updateUser!('3', { employeeNumber: null });
    assert.equal(cleared.user?.identifiers.employeeNumber, null);
    const log = await vendorLog();
    assert.deepEqual(log.map(line), ['PUT /api/v1/userods/3', 'PUT /api/v1/userods/3']);
    assert.deepEqual(log.map((r) => JSON.parse(r.body)), [{ IsHidden: 'true', EmployeeNum: 3 }, { EmployeeNum: 0 }]);
  });

  it('updateUser with nothing to write reads the user back instead of sending an empty PUT', async () => {
    const out = await request().writer.updateUser!('1', {});
    assert.equal(out.user?.username, 'Lynda');
    assert.ok((await vendorLog()).every((r) => r.method === 'GET'));
  });

  it('unknown users, employees and groups are NOT_FOUND on the right field', async () => {
    const user = await request().writer.setUserActive!('9999', false);
    assert.deepEqual(user.userErrors.map((e) => [e.code, e.field]), [['NOT_FOUND', 'userId']]);
    const employee = await request().writer.updateUser!('3', { employeeNumber: '9999' });
    assert.deepEqual(employee.userErrors.map((e) => [e.code, e.field]), [['NOT_FOUND', 'input.employeeNumber']]);
    const group = await request().writer.assignUserType!('3', '999');
    assert.deepEqual(group.userErrors.map((e) => [e.code, e.field]), [['NOT_FOUND', 'userTypeId']]);
    const clinic = await request().writer.grantFacilityAccess!('3', '99', true);
    assert.deepEqual(clinic.userErrors.map((e) => [e.code, e.field]), [['NOT_FOUND', 'facilityId']]);
  });

  it('setUserActive is PUT {IsHidden}', async () => {
    const out = await request().writer.setUserActive!('2', true);
    assert.deepEqual([out.user?.status, out.user?.active], ['ACTIVE', true]);
    const log = await vendorLog();
    assert.deepEqual(log.map((r) => `${line(r)} ${r.body}`), ['PUT /api/v1/userods/2 {"IsHidden":"false"}']);
  });

  it('assignUserType reads the current groups with the list scan, then PUTs the whole set', async () => {
    const { reader, writer } = request();
    await reader.listUsers({ filter: {}, after: null, first: 10, include: ALL });
    const out = await writer.assignUserType!('3', '1');
    assert.deepEqual(out.user?.refs.userTypeIds, ['1', '3', '4']);
    // User 3 is on the page the listing already read: no GET before the PUT (and none in the steps).
    assert.deepEqual(out.steps.map((s) => `${s.method} ${s.route} ${s.status}`), ['PUT /userods/{UserNum} 200']);
    const log = await vendorLog();
    assert.deepEqual(log.map(line), ['GET /api/v1/userods?includeHidden=true&Limit=100', 'PUT /api/v1/userods/3']);
    assert.deepEqual(JSON.parse(log[1]!.body), { userGroupNums: [3, 4, 1] });
    // Read-after-write in the same request: the page is fetched again, not served stale.
    const again = await reader.listUsers({ filter: {}, after: null, first: 3, include: ALL });
    assert.deepEqual(again.users[2]?.refs.userTypeIds, ['1', '3', '4']);
  });

  it('assigning a group the user has, or removing one it lacks, sends no PUT', async () => {
    const { writer } = request();
    assert.deepEqual((await writer.assignUserType!('3', '4')).user?.refs.userTypeIds, ['3', '4']);
    assert.deepEqual((await writer.removeUserType!('3', '8')).user?.refs.userTypeIds, ['3', '4']);
    assert.ok((await vendorLog()).every((r) => r.method === 'GET'));
    assert.equal((await vendorLog()).length, 1, 'one page (the user is on page 1) for both writes');
  });

  it('removeUserType PUTs the rest, and refuses to remove the last group without a call', async () => {
    const out = await request().writer.removeUserType!('2', '5');
    assert.deepEqual(out.user?.refs.userTypeIds, ['1', '7']);
    const last = await request().writer.removeUserType!('1', '2');
    assert.deepEqual(last.userErrors.map((e) => [e.code, e.field]), [['BAD_USER_INPUT', 'userTypeId']]);
    const puts = (await vendorLog()).filter((r) => r.method === 'PUT');
    assert.deepEqual(puts.map((r) => `${r.path} ${r.body}`), ['/api/v1/userods/2 {"userGroupNums":[1,7]}']);
  });

  it('assign/remove on an unknown user: NOT_FOUND, no PUT', async () => {
    const out = await request().writer.assignUserType!('9999', '1');
    assert.deepEqual(out.userErrors.map((e) => [e.code, e.field]), [['NOT_FOUND', 'userId']]);
    assert.ok((await vendorLog()).every((r) => r.method === 'GET'));
  });

  it('grantFacilityAccess replaces the one default clinic with PUT {ClinicNum}', async () => {
    const { reader, writer } = request();
    const out = await writer.grantFacilityAccess!('1', '3', false);
    assert.deepEqual(out.steps, [{ method: 'PUT', route: '/userods/{UserNum}', status: 200, ok: true }]);
    assert.deepEqual(await reader.facilityAccessOf(out.user!), [{ facility: { sourceId: 'dental', nativeId: '3', code: 'WEST', name: 'Westgate Orthodontics' }, primary: true }]);
    assert.deepEqual((await vendorLog()).map((r) => `${line(r)} ${r.body}`), ['PUT /api/v1/userods/1 {"ClinicNum":3}', 'GET /api/v1/clinics?Limit=100 ']);
  });

  it('declares what it cannot do, with the alternative', () => {
    const w = od.capabilities.writes;
    assert.deepEqual(w.deleteUser, { supported: false, alternative: 'Open Dental users cannot be deleted; deactivate with setUserActive(active: false)' });
    assert.deepEqual(w.revokeFacilityAccess, { supported: false, alternative: 'setting ClinicNum 0 would widen access to all clinics; grant another clinic instead' });
    assert.equal(w.updateFacilityAccess.supported, false);
    assert.match((w.grantFacilityAccess as { verbs: string }).verbs, /replacing the previous one/);
    const writer = request().writer;
    assert.equal(writer.deleteUser, undefined);
    assert.equal(writer.revokeFacilityAccess, undefined);
    assert.equal(writer.updateFacilityAccess, undefined);
  });
});

describe('opendental client-side rate limit', () => {
  it('by default spaces requests 1 per second, so a throttling office answers every one', async () => {
    // The office throttles at 900 ms; the connector's default spacing (1000 ms) stays under it.
    await control.call('PUT', '/__sim/throttle', { minIntervalMs: 900 });
    const paced = connect({ http: {} });
    const { reader } = request(paced);
    const page = await reader.listUsers({ filter: {}, after: null, first: 100, include: BOTH });
    await Promise.all(page.users.map((u) => reader.userTypesOf(u)));
    await Promise.all(page.users.map((u) => reader.facilityAccessOf(u)));
    const log = await vendorLog();
    assert.equal(log.length, 3);
    assert.deepEqual(log.map((r) => r.status), [200, 200, 200]);
  });

  it('without spacing the same office throttles: SOURCE_RATE_LIMITED with Retry-After', async () => {
    await control.call('PUT', '/__sim/throttle', { minIntervalMs: 60_000 });
    const { reader } = request(connect({ http: { minIntervalMs: 0 } }));
    await reader.facilities();
    await assert.rejects(reader.userTypes(), (e: unknown) => e instanceof SourceError && e.code === 'SOURCE_RATE_LIMITED' && e.details.retryAfterSeconds === 60);
    assert.deepEqual((await vendorLog()).map((r) => r.status), [200, 429]);
  });
});
