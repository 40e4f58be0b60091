import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { StartedSimulator } from '../../../core/connector';
import { SimControl } from '../../../sim/control';
import userodsExample from '../fixtures/userods-get.json';
import { startSimulator } from './index';

/** Contract tests: the simulator over real HTTP, as Open Dental's docs, this folder's README and docs/architecture.md §9 describe it. */

let sim: StartedSimulator;
let control: SimControl;
let readOnlyKey: string;
let developerKey: string;
let customerKey: string;

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

async function api(
  method: string,
  route: string,
  opts: { body?: unknown; rawBody?: string; authorization?: string | null; contentType?: string | null; customer?: string } = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  const authorization = opts.authorization === undefined ? `ODFHIR ${developerKey}/${opts.customer ?? customerKey}` : opts.authorization;
  if (authorization !== null) headers.authorization = authorization;
  const contentType = opts.contentType === undefined ? 'application/json' : opts.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const res = await fetch(`${sim.baseUrl}${route}`, {
    method,
    headers,
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** Open Dental errors are a JSON string with a JSON content type. */
function assertError(r: Reply, status: number, message?: string | RegExp): void {
  assert.equal(r.status, status);
  assert.match(r.headers.get('content-type') ?? '', /^application\/json/);
  assert.equal(typeof r.body, 'string');
  if (typeof message === 'string') assert.equal(r.body, message);
  else if (message) assert.match(r.body as string, message);
}

type Row = Record<string, unknown> & { UserNum: number };

/** Walks Limit/Offset the way the docs recommend: until a page has fewer rows than asked for. */
async function walk(route: string, query: string): Promise<{ rows: Row[]; pages: number[] }> {
  const rows: Row[] = [];
  const pages: number[] = [];
  for (let offset = 0; ; offset += 100) {
    const r = await api('GET', `${route}?${query}${query ? '&' : ''}Offset=${offset}`);
    assert.equal(r.status, 200);
    const page = r.body as Row[];
    pages.push(page.length);
    rows.push(...page);
    if (page.length < 100) return { rows, pages };
  }
}

before(async () => {
  sim = await startSimulator({ port: 0 });
  control = new SimControl(sim.origin);
  ({ developerKey, customerKey } = sim.auth as { developerKey: string; customerKey: string });
  const keys = (await control.call('GET', '/__sim/keys')).body as { keys: Array<{ customerKey: string; permissions: string[] }> };
  readOnlyKey = keys.keys.find((k) => !k.permissions.includes('Setup'))!.customerKey;
});
after(() => sim.close());
beforeEach(() => control.reset());

describe('opendental simulator: start-up', () => {
  it('returns the gateway settings: baseUrl with /api/v1, ODFHIR keys, no client-side spacing', () => {
    assert.equal(sim.vendor, 'opendental');
    assert.equal(sim.baseUrl, `${sim.origin}/api/v1`);
    assert.deepEqual(Object.keys(sim.auth).sort(), ['customerKey', 'developerKey']);
    assert.deepEqual(sim.http, { minIntervalMs: 0 });
    assert.deepEqual(sim.options, {});
  });
});

describe('opendental simulator: auth and headers', () => {
  it('401 without Authorization, on every route', async () => {
    for (const [method, route] of [
      ['GET', '/userods'],
      ['POST', '/userods'],
      ['PUT', '/userods/1'],
      ['GET', '/usergroups'],
      ['GET', '/usergroupattaches'],
      ['GET', '/clinics'],
    ] as const) {
      assertError(await api(method, route, { authorization: null, body: method === 'GET' ? undefined : {} }), 401);
    }
  });

  it('401 with a wrong customer key, a wrong developer key, or another scheme', async () => {
    assertError(await api('GET', '/userods', { customer: 'nope' }), 401);
    assertError(await api('GET', '/userods', { authorization: `ODFHIR wrong/${customerKey}` }), 401);
    assertError(await api('GET', '/userods', { authorization: `Bearer ${developerKey}/${customerKey}` }), 401);
    assertError(await api('GET', '/userods', { authorization: `ODFHIR ${developerKey}` }), 401);
  });

  it('a key without the Setup permission reads but cannot POST or PUT (401)', async () => {
    assert.equal((await api('GET', '/userods', { customer: readOnlyKey })).status, 200);
    assertError(await api('POST', '/userods', { customer: readOnlyKey, body: { UserName: 'Zed', UserGroupNum: 2, Password: 'My1password' } }), 401, /Setup/);
    assertError(await api('PUT', '/userods/1', { customer: readOnlyKey, body: { IsHidden: 'true' } }), 401, /Setup/);
    const users = (await api('GET', '/userods?includeHidden=true')).body as Row[];
    assert.ok(!users.some((u) => u.UserName === 'Zed'));
    assert.equal(users.find((u) => u.UserNum === 1)!.IsHidden, 'false');
  });

  it('400 without Content-Type: application/json, GET included; parameters such as charset are fine', async () => {
    assertError(await api('GET', '/userods', { contentType: null }), 400, 'Content-Type must be application/json.');
    assertError(await api('GET', '/clinics', { contentType: 'text/plain' }), 400);
    assertError(await api('POST', '/userods', { contentType: null, body: { UserName: 'Zed', UserGroupNum: 2, Password: 'My1password' } }), 400);
    assertError(await api('PUT', '/userods/1', { contentType: 'application/x-www-form-urlencoded', rawBody: 'IsHidden=true' }), 400);
    assert.equal((await api('GET', '/userods', { contentType: 'application/json; charset=utf-8' })).status, 200);
  });

  it('405 for GET and DELETE on /userods/{UserNum} (no get-by-id, no delete), 404 for unknown routes', async () => {
    const get = await api('GET', '/userods/1');
    assertError(get, 405);
    assert.equal(get.headers.get('allow'), 'PUT');
    assertError(await api('DELETE', '/userods/1'), 405);
    assertError(await api('GET', '/userod'), 404);
    assertError(await api('GET', '/Userods'), 404);
  });
});

describe('opendental simulator: GET /userods', () => {
  it('starts with the doc example users, exactly', async () => {
    const r = await api('GET', '/userods?includeHidden=true&Limit=3');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, userodsExample);
  });

  it('leaves hidden users out unless includeHidden=true', async () => {
    const visible = (await walk('/userods', '')).rows;
    assert.ok(visible.every((u) => u.IsHidden === 'false'));
    assert.ok(!visible.some((u) => u.UserName === 'Charlie'));
    const all = (await walk('/userods', 'includeHidden=true')).rows;
    assert.ok(all.some((u) => u.UserName === 'Charlie'));
    assert.ok(all.filter((u) => u.IsHidden === 'true').length > 5);
    assert.equal(all.length - visible.length, all.filter((u) => u.IsHidden === 'true').length);
    assert.equal((await walk('/userods', 'includeHidden=false')).rows.length, visible.length);
  });

  it('leaves CEMT users out unless includeCEMT=true', async () => {
    const without = (await walk('/userods', 'includeHidden=true')).rows;
    assert.ok(without.every((u) => u.UserNumCEMT === 0));
    const withCemt = (await walk('/userods', 'includeHidden=true&includeCEMT=true')).rows;
    const cemt = withCemt.filter((u) => u.UserNumCEMT !== 0);
    assert.equal(cemt.length, 5);
    assert.equal(withCemt.length, without.length + cemt.length);
  });

  it('walks Limit/Offset to the end in UserNum order with no duplicates or gaps', async () => {
    const { rows, pages } = await walk('/userods', 'includeHidden=true&includeCEMT=true');
    assert.deepEqual(pages, [100, 100, 50]);
    assert.deepEqual(
      rows.map((u) => u.UserNum),
      Array.from({ length: 250 }, (_, i) => i + 1),
    );
    const names = rows.map((u) => String(u.UserName).toLowerCase());
    assert.equal(new Set(names).size, names.length, 'user names are unique');
  });

  it('Limit below 100 pages as asked; above 100 is clamped to 100; 0 or non-numbers are a 400', async () => {
    const small = (await api('GET', '/userods?includeHidden=true&Limit=10&Offset=5')).body as Row[];
    assert.deepEqual(
      small.map((u) => u.UserNum),
      [6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    );
    assert.equal(((await api('GET', '/userods?includeHidden=true&Limit=500')).body as Row[]).length, 100);
    assert.deepEqual((await api('GET', '/userods?Offset=10000')).body, []);
    assertError(await api('GET', '/userods?Limit=0'), 400);
    assertError(await api('GET', '/userods?Limit=ten'), 400);
    assertError(await api('GET', '/userods?Offset=-1'), 400);
  });

  it('booleans are the strings "true"/"false" only; parameter names are case-sensitive', async () => {
    assertError(await api('GET', '/userods?includeHidden=1'), 400, 'includeHidden must be either "true" or "false".');
    assertError(await api('GET', '/userods?includeHidden=True'), 400);
    assertError(await api('GET', '/userods?includeCEMT=yes'), 400);
    // `includehidden` is not a parameter of this method: ignored, so hidden users stay out.
    const lower = (await api('GET', '/userods?includehidden=true&Limit=3')).body as Row[];
    assert.deepEqual(
      lower.slice(0, 2).map((u) => u.UserName),
      ['Lynda', 'Becca'],
    );
    assert.ok(lower.every((u) => u.IsHidden === 'false'));
  });
});

describe('opendental simulator: POST /userods', () => {
  const sally = { UserName: 'Sally', UserGroupNum: 2, Password: 'My1password' };

  it('201 in the POST shape: singular UserGroupNum, Password echoed, no userGroupNums or UserNumCEMT', async () => {
    const r = await api('POST', '/userods', { body: sally });
    assert.equal(r.status, 201);
    const body = r.body as Record<string, unknown>;
    assert.deepEqual(body, {
      UserNum: 251,
      UserName: 'Sally',
      EmployeeNum: 0,
      employeeName: '',
      ProviderNum: 0,
      providerName: '',
      ClinicNum: 0,
      emailAddress: '',
      IsHidden: 'false',
      UserGroupNum: 2,
      Password: 'My1password',
      IsPasswordResetRequired: 'false',
    });
    const listed = ((await api('GET', '/userods?Offset=200')).body as Row[]).find((u) => u.UserNum === 251);
    assert.deepEqual(listed?.userGroupNums, [2]);
    assert.equal(listed?.UserNumCEMT, 0);
    const attaches = (await api('GET', '/usergroupattaches?UserNum=251')).body as Array<Record<string, number>>;
    assert.deepEqual(
      attaches.map((a) => a.UserGroupNum),
      [2],
    );
  });

  it('IsPasswordResetRequired: optional, the string "true"/"false" only', async () => {
    const r = await api('POST', '/userods', { body: { ...sally, IsPasswordResetRequired: 'true' } });
    assert.equal(r.status, 201);
    assert.equal((r.body as Record<string, unknown>).IsPasswordResetRequired, 'true');
    assertError(await api('POST', '/userods', { body: { ...sally, UserName: 'Sam', IsPasswordResetRequired: true } }), 400, /IsPasswordResetRequired/);
  });

  const rejections: Array<[string, Record<string, unknown>, number, string | RegExp]> = [
    ['UserName missing', { UserGroupNum: 2, Password: 'My1password' }, 400, 'UserName is required.'],
    ['UserName empty', { ...sally, UserName: '' }, 400, 'UserName is required.'],
    ['UserName ending with a space', { ...sally, UserName: 'Sally ' }, 400, 'UserName cannot end with whitespace.'],
    ['UserName ending with a tab', { ...sally, UserName: 'Sally\t' }, 400, 'UserName cannot end with whitespace.'],
    ['UserName taken (case-insensitively)', { ...sally, UserName: 'lynda' }, 400, 'UserName is already in use.'],
    ['UserGroupNum missing', { UserName: 'Sally', Password: 'My1password' }, 400, 'UserGroupNum is required.'],
    ['UserGroupNum as a string', { ...sally, UserGroupNum: '2' }, 400, /UserGroupNum/],
    ['UserGroupNum unknown', { ...sally, UserGroupNum: 999 }, 404, 'UserGroupNum not found.'],
    ['Password missing', { UserName: 'Sally', UserGroupNum: 2 }, 400, 'Password is required.'],
    ['Password shorter than 8', { ...sally, Password: 'My1pass' }, 400, /^Password must be at least 8 characters/],
    ['Password without a digit', { ...sally, Password: 'Mypassword' }, 400, /^Password must/],
    ['Password without an upper-case letter', { ...sally, Password: 'my1password' }, 400, /^Password must/],
    ['Password without a lower-case letter', { ...sally, Password: 'MY1PASSWORD' }, 400, /^Password must/],
    ['an undocumented field', { ...sally, ClinicNum: 1 }, 400, 'ClinicNum is not a valid field for this method.'],
  ];
  for (const [name, body, status, message] of rejections) {
    it(`${status} for ${name}`, async () => {
      assertError(await api('POST', '/userods', { body }), status, message);
      const users = (await walk('/userods', 'includeHidden=true')).rows;
      assert.equal(users.length, 245, 'nothing was created');
    });
  }

  it('400 for a body that is not a JSON object', async () => {
    assertError(await api('POST', '/userods', { rawBody: '{"UserName":' }), 400);
    assertError(await api('POST', '/userods', { body: ['Sally'] }), 400);
  });

  it('requires a symbol when the office preference is on', async () => {
    assert.equal((await control.call('PUT', '/__sim/preferences', { passwordRequiresSymbol: true })).status, 204);
    assertError(await api('POST', '/userods', { body: sally }), 400, /symbol/);
    assert.equal((await api('POST', '/userods', { body: { ...sally, Password: 'My1password$' } })).status, 201);
  });
});

describe('opendental simulator: PUT /userods/{UserNum}', () => {
  it('partial update; the full GET-shaped record comes back', async () => {
    const r = await api('PUT', '/userods/3', { body: { IsHidden: 'true' } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { ...userodsExample[2], IsHidden: 'true' });
    const visible = (await walk('/userods', '')).rows;
    assert.ok(!visible.some((u) => u.UserNum === 3));
  });

  it('the doc example: userGroupNums replaces the set; employee, provider and clinic are linked', async () => {
    const r = await api('PUT', '/userods/2', { body: { userGroupNums: [2, 4, 8], EmployeeNum: 3, ProviderNum: 2, ClinicNum: 1, IsHidden: 'false' } });
    assert.equal(r.status, 200);
    const u = r.body as Record<string, unknown>;
    assert.deepEqual(u.userGroupNums, [2, 4, 8]);
    assert.equal(u.providerName, 'Tina Jones');
    assert.equal(u.employeeName, 'Charles Sorenson');
    assert.equal(u.IsHidden, 'false');
    const attaches = (await api('GET', '/usergroupattaches?UserNum=2')).body as Array<Record<string, number>>;
    assert.deepEqual(
      attaches.map((a) => a.UserGroupNum).sort((a, b) => a - b),
      [2, 4, 8],
    );
  });

  it('ClinicNum 0 and EmployeeNum 0 unlink; IsPasswordResetRequired is writable', async () => {
    const r = await api('PUT', '/userods/3', { body: { ClinicNum: 0, EmployeeNum: 0, IsPasswordResetRequired: 'false' } });
    assert.equal(r.status, 200);
    const u = r.body as Record<string, unknown>;
    assert.equal(u.ClinicNum, 0);
    assert.equal(u.EmployeeNum, 0);
    assert.equal(u.employeeName, '');
    assert.equal(u.IsPasswordResetRequired, 'false');
  });

  const rejections: Array<[string, string, unknown, number, string | RegExp]> = [
    ['an undocumented field (UserName is not updatable)', '1', { UserName: 'Lyn' }, 400, 'UserName is not a valid field for this method.'],
    ['an undocumented field beside valid ones', '1', { IsHidden: 'true', emailAddress: 'x@example.org' }, 400, /emailAddress/],
    ['IsHidden as a JSON boolean', '1', { IsHidden: true }, 400, /IsHidden/],
    ['empty userGroupNums', '1', { userGroupNums: [] }, 400, /userGroupNums/],
    ['userGroupNums not an array', '1', { userGroupNums: 2 }, 400, /userGroupNums/],
    ['an unknown user group', '1', { userGroupNums: [2, 999] }, 404, 'UserGroupNum not found.'],
    ['an unknown clinic', '1', { ClinicNum: 99 }, 404, 'Clinic not found.'],
    ['an unknown employee', '1', { EmployeeNum: 9999 }, 404, 'Employee not found.'],
    ['an unknown user', '9999', { IsHidden: 'true' }, 404, 'Userod not found.'],
    ['a UserNum that is not a number', 'abc', { IsHidden: 'true' }, 400, /UserNum/],
  ];
  for (const [name, userNum, body, status, message] of rejections) {
    it(`${status} for ${name}, and nothing changes`, async () => {
      assertError(await api('PUT', `/userods/${userNum}`, { body }), status, message);
      const lynda = ((await api('GET', '/userods?Limit=1')).body as Row[])[0];
      assert.deepEqual(lynda, userodsExample[0]);
    });
  }
});

describe('opendental simulator: catalogs', () => {
  it('GET /usergroups leaves CEMT groups out unless includeCEMT=true', async () => {
    const groups = (await api('GET', '/usergroups')).body as Array<Record<string, unknown>>;
    assert.deepEqual(
      groups.map((g) => g.Description),
      ['Admin', 'Dentists', 'Hygienists', 'Assistants', 'Front Desk', 'Billing', 'Office Managers', 'Practice Owners', 'IT Support'],
    );
    assert.ok(groups.every((g) => g.UserGroupNumCEMT === 0));
    const all = (await api('GET', '/usergroups?includeCEMT=true')).body as Array<Record<string, unknown>>;
    assert.equal(all.length, 11);
    assertError(await api('GET', '/usergroups?includeCEMT=TRUE'), 400);
  });

  it('GET /usergroupattaches filters by UserNum and UserGroupNum (404 for unknown ones)', async () => {
    const charlie = (await api('GET', '/usergroupattaches?UserNum=2')).body as Array<Record<string, number>>;
    assert.deepEqual(
      charlie.map((a) => [a.UserNum, a.UserGroupNum]),
      [
        [2, 1],
        [2, 5],
        [2, 7],
      ],
    );
    const admins = (await api('GET', '/usergroupattaches?UserGroupNum=1')).body as Array<Record<string, number>>;
    assert.ok(admins.length > 0 && admins.every((a) => a.UserGroupNum === 1));
    const both = (await api('GET', '/usergroupattaches?UserNum=2&UserGroupNum=5')).body as Array<Record<string, number>>;
    assert.equal(both.length, 1);
    assertError(await api('GET', '/usergroupattaches?UserNum=9999'), 404);
    assertError(await api('GET', '/usergroupattaches?UserGroupNum=999'), 404);
    const { rows } = await walk('/usergroupattaches', '');
    assert.ok(rows.length > 250, 'attaches page like every list');
  });

  it('GET /clinics lists the non-hidden clinics with Abbr', async () => {
    const clinics = (await api('GET', '/clinics')).body as Array<Record<string, unknown>>;
    assert.deepEqual(
      clinics.map((c) => [c.ClinicNum, c.Abbr]),
      [
        [1, 'MAIN'],
        [2, 'EAST'],
        [3, 'WEST'],
        [4, 'NORTH'],
        [5, 'LAKE'],
      ],
    );
    assert.ok(clinics.every((c) => c.IsHidden === 'false' && typeof c.Description === 'string'));
  });
});

describe('opendental simulator: throttling and controls', () => {
  it('is off by default', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await api('GET', '/clinics')).status, 200);
  });

  it('answers 429 with Retry-After inside the window, per customer key', async () => {
    assert.equal((await control.call('PUT', '/__sim/throttle', { minIntervalMs: 60_000 })).status, 204);
    assert.equal((await api('GET', '/clinics')).status, 200);
    const throttled = await api('GET', '/userods');
    assertError(throttled, 429);
    assert.equal(throttled.headers.get('retry-after'), '60');
    // Another customer key has its own window.
    assert.equal((await api('GET', '/clinics', { customer: readOnlyKey })).status, 200);
    // Switching it off lets requests through at once.
    await control.call('PUT', '/__sim/throttle', { minIntervalMs: 0 });
    assert.equal((await api('GET', '/clinics')).status, 200);
    const log = await control.requests();
    assert.deepEqual(
      log.map((r) => r.status),
      [200, 429, 200, 200],
    );
  });

  it('reset restores the seeded users, the throttle and the preferences', async () => {
    await api('POST', '/userods', { body: { UserName: 'Sally', UserGroupNum: 2, Password: 'My1password' } });
    await api('PUT', '/userods/1', { body: { IsHidden: 'true' } });
    await control.call('PUT', '/__sim/throttle', { minIntervalMs: 60_000 });
    await control.reset();
    assert.deepEqual((await control.call('GET', '/__sim/throttle')).body, { minIntervalMs: 0 });
    const first = (await api('GET', '/userods?includeHidden=true&Limit=3')).body;
    assert.deepEqual(first, userodsExample);
    assert.equal((await walk('/userods', 'includeHidden=true')).rows.length, 245);
  });

  it('logs every vendor request with its headers and body', async () => {
    await api('PUT', '/userods/1', { body: { IsHidden: 'true' } });
    const [entry] = await control.requests();
    assert.equal(entry?.method, 'PUT');
    assert.equal(entry?.path, '/api/v1/userods/1');
    assert.equal(entry?.headers.authorization, `ODFHIR ${developerKey}/${customerKey}`);
    assert.equal(entry?.body, '{"IsHidden":"true"}');
  });
});
