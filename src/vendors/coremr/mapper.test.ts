import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { UserFilter, UserRecord } from '../../core/model';
import {
  normalizeFacilities,
  normalizeUser,
  normalizeUserList,
  normalizeUserTypes,
  toCreateBody,
  toFacilityAccessRecord,
  toListQuery,
  toPutBody,
  toUserRecord,
  toUserTypeRecord,
} from './mapper';
import { READ_ONLY_FIELDS, WRITABLE_FIELDS, type CoremrUser } from './records';
import usersFixture from './fixtures/users.json';
import typesFixture from './fixtures/user-types.json';
import facilitiesFixture from './fixtures/user-facilities.json';
import badPayloads from './fixtures/bad-payloads.json';

const SOURCE = 'jail-emr';
const users = normalizeUserList(usersFixture as unknown)!;
const byName = (u: string): CoremrUser => users.find((x) => x.username === u)!;

type Expected = Omit<Partial<UserRecord>, 'createdAt' | 'lastLoginAt'> & { createdAt?: string | null; lastLoginAt?: string | null };

/** fixture username → the unified fields it must map to (docs/architecture.md §3). */
const READ_CASES: Array<[string, Expected]> = [
  [
    'jdoe',
    {
      nativeId: 'jdoe',
      username: 'jdoe',
      displayName: 'Jane Doe',
      firstName: 'Jane',
      middleInitial: 'Q',
      lastName: 'Doe',
      email: 'jane.doe@county.example.org',
      phone: '(209) 555-0177',
      title: 'RN',
      status: 'ACTIVE',
      active: true,
      createdAt: '1994-11-05T08:00:00.000Z',
      updatedAt: null,
      lastLoginAt: '1994-11-05T13:15:30.000Z',
      identifiers: { npi: '1234567893', dea: 'BD1234563', employeeNumber: 'E10442', providerNumber: null, externalId: null, healthcarePartyId: null },
      allFacilities: null,
    },
  ],
  ['minimal', { displayName: 'Min Imal', middleInitial: null, email: null, phone: null, title: null, status: 'ACTIVE', createdAt: null, lastLoginAt: null }],
  ['locked.user', { status: 'LOCKED', active: true, createdAt: '2020-01-01T00:00:00.000Z' }],
  ['inactive', { status: 'INACTIVE', active: false, createdAt: '2021-06-30T21:59:59.000Z' }],
  // INACTIVE wins over LOCKED (src/core/model.ts), so active and status always agree.
  ['locked.inactive', { status: 'INACTIVE', active: false }],
  [
    'blanks',
    {
      displayName: 'blanks',
      firstName: null,
      middleInitial: null,
      lastName: null,
      email: null,
      phone: null,
      title: null,
      createdAt: null,
      lastLoginAt: null,
      identifiers: { npi: null, dea: null, employeeNumber: null, providerNumber: null, externalId: null, healthcarePartyId: null },
    },
  ],
  // The doc: "with no timezone, local time is assumed" — the install's zone is unknown, read as UTC.
  ['zoneless', { lastLoginAt: '2019-03-04T08:09:10.000Z', createdAt: '2019-03-04T00:00:00.000Z' }],
];

describe('coremr mapper: vendor user → UserRecord', () => {
  for (const [username, expected] of READ_CASES) {
    test(username, () => {
      const rec = toUserRecord(SOURCE, byName(username));
      assert.equal(rec.sourceId, SOURCE);
      for (const [key, want] of Object.entries(expected)) {
        const got = rec[key as keyof UserRecord];
        const value = got instanceof Date ? got.toISOString() : got;
        assert.deepEqual(value, want, key);
      }
    });
  }

  test('the SSN never reaches the unified record', () => {
    const rec = toUserRecord(SOURCE, byName('jdoe'));
    const text = JSON.stringify(rec);
    assert.ok(!text.includes('900112222'));
    assert.ok(!/ssn/i.test(text));
  });

  test('the fixture list covers every documented field', () => {
    const documented = ['username', ...WRITABLE_FIELDS, ...READ_ONLY_FIELDS].sort();
    assert.deepEqual(Object.keys((usersFixture as Array<Record<string, unknown>>)[0]!).sort(), documented);
  });
});

describe('coremr mapper: usertypes and facility access', () => {
  test('usertype: nativeId = name = the usertype name', () => {
    const types = normalizeUserTypes(typesFixture)!.map((t) => toUserTypeRecord(SOURCE, t));
    assert.deepEqual(types, [
      { sourceId: SOURCE, nativeId: 'Nurse', name: 'Nurse', description: null },
      { sourceId: SOURCE, nativeId: 'Mental Health', name: 'Mental Health', description: null },
    ]);
  });

  test('facility access: nativeId = code, name, primary', () => {
    const access = normalizeFacilities(facilitiesFixture)!.map((f) => toFacilityAccessRecord(SOURCE, f));
    assert.deepEqual(access, [
      { facility: { sourceId: SOURCE, nativeId: 'MAIN', code: 'MAIN', name: 'Main Jail' }, primary: true },
      { facility: { sourceId: SOURCE, nativeId: 'ANNEX', code: 'ANNEX', name: 'Jail Annex' }, primary: false },
    ]);
  });
});

describe('coremr mapper: payloads of the wrong shape are refused', () => {
  const check = { user: normalizeUser, users: normalizeUserList, types: normalizeUserTypes, facilities: normalizeFacilities };
  for (const { why, kind, payload } of badPayloads as Array<{ why: string; kind: keyof typeof check; payload: unknown }>) {
    test(why, () => assert.equal(check[kind](payload), null));
  }
});

describe('coremr mapper: filter pushdown', () => {
  const CASES: Array<[string, UserFilter, Record<string, string>]> = [
    ['nothing', {}, {}],
    ['active', { active: true }, { active: '1' }],
    ['inactive', { active: false }, { active: '0' }],
    ['status ACTIVE implies active=1', { status: 'ACTIVE' }, { active: '1' }],
    ['status INACTIVE implies active=0', { status: 'INACTIVE' }, { active: '0' }],
    ['status LOCKED says nothing about active', { status: 'LOCKED' }, {}],
    ['explicit active wins over status', { active: true, status: 'INACTIVE' }, { active: '1' }],
    ['first name prefix', { firstName: 'Ann' }, { fname: 'Ann%' }],
    ['last name prefix', { lastName: "O'Br" }, { lname: "O'Br%" }],
    ['email exact', { email: 'Ann@Example.org' }, { email: 'Ann@Example.org' }],
    ['% stays in the gateway', { firstName: '50%', email: 'a%b' }, {}],
    ['_ stays in the gateway', { lastName: 'a_b', email: 'first_last@x.org' }, {}],
    ['\\ stays in the gateway', { firstName: 'a\\' }, {}],
    ['empty strings are not pushed', { firstName: '', lastName: '' }, {}],
    ['username, externalId are not pushed', { username: 'jdoe', externalId: 'x' }, {}],
  ];
  for (const [name, filter, query] of CASES) test(name, () => assert.deepEqual({ ...toListQuery(filter) }, query));
});

describe('coremr mapper: write bodies', () => {
  test('create: the required fields, the first usertype, and only the fields the input sets', () => {
    const body = toCreateBody(
      { username: 'nnew', password: 'Secret-123', firstName: 'Nia', lastName: 'New', middleInitial: 'K', phone: '555', email: null, ssn: '900000009', active: false, userTypeIds: ['Nurse', 'Officer'] },
      'Nurse',
    );
    assert.deepEqual(body, { username: 'nnew', usertype: 'Nurse', password: 'Secret-123', fname: 'Nia', lname: 'New', mi: 'K', work_phone: '555', ssn: '900000009', active: false });
  });

  test('PUT: every writable field as read, the patch applied, read-only fields left out', () => {
    const current = byName('jdoe');
    const body = toPutBody(current, { firstName: 'Janet', middleInitial: null, phone: '(209) 555-0199', active: undefined });
    const expected: Record<string, unknown> = { username: 'jdoe' };
    for (const f of WRITABLE_FIELDS) expected[f] = current[f];
    Object.assign(expected, { fname: 'Janet', mi: null, work_phone: '(209) 555-0199' });
    assert.deepEqual(body, expected);
    assert.equal(body.ssn, '900112222', 'ssn is sent back unchanged, or PUT would clear it');
    for (const f of READ_ONLY_FIELDS) assert.ok(!(f in body), f);
    assert.ok(!('usertype' in body) && !('password' in body));
  });

  test('PUT with an ssn in the patch replaces it; null clears it', () => {
    assert.equal(toPutBody(byName('jdoe'), { ssn: '900999999' }).ssn, '900999999');
    assert.equal(toPutBody(byName('jdoe'), { ssn: null }).ssn, null);
  });
});
