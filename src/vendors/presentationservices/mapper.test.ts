import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_IDENTIFIERS, type UserRecord } from '../../core/model';
import facilitiesFixture from './fixtures/facilities.json';
import loginFailureFixture from './fixtures/login-failure.json';
import rolesFixture from './fixtures/roles.json';
import suspendedFixture from './fixtures/user-suspended.json';
import usersFixture from './fixtures/users.json';
import accountFixture from './fixtures/validate-account.json';
import validationFixture from './fixtures/validation-failure.json';
import {
  CREATE_FIELDS, GRANT_FACILITY_FIELDS, UPDATE_FIELDS, facilityNativeId, mapFacility, mapRole, mapStatus, mapUser, readEnvelope,
  readFacilities, readLogin, readRoles, readUser, readUsers, splitFacilityNativeId, unifiedField, vendorStatus,
} from './mapper';

const SRC = 'bedside';

function userBase(over: Partial<UserRecord>): UserRecord {
  return {
    sourceId: SRC, nativeId: '', username: null, displayName: '', firstName: null, middleInitial: null, lastName: null,
    email: null, phone: null, title: null, status: 'ACTIVE', active: true, createdAt: null, updatedAt: null, lastLoginAt: null,
    identifiers: { ...EMPTY_IDENTIFIERS }, allFacilities: null, refs: {}, ...over,
  };
}

describe('presentationservices mapper: users', () => {
  const accountFact = accountFixture.validateAccountFact.accountFact;
  const cases: Array<{ name: string; raw: unknown; want: UserRecord }> = [
    {
      // The doc's own login example: no names, email or status; username "3", userId "poda".
      name: "the doc's accountFact",
      raw: accountFact,
      want: userBase({
        nativeId: 'poda', username: '3', displayName: '3',
        refs: { userTypeIds: ['2'], facilities: [{ facilityId: 'UNC/UNC', primary: true }] },
      }),
    },
    {
      name: "the doc's update example user, SUSPENDED",
      raw: suspendedFixture.data,
      want: userBase({
        nativeId: '354a7aae-ac06-4892-ac61-ce302351eb35', username: 'e', displayName: 'e e', firstName: 'e', lastName: 'e',
        email: 'e@e.com', status: 'INACTIVE', active: false,
        refs: { userTypeIds: ['2'], facilities: [{ facilityId: 'UNC/UNC', primary: true }] },
      }),
    },
    {
      name: 'an ACTIVE admin from the list',
      raw: usersFixture.data[1],
      want: userBase({
        nativeId: 'sigal', username: 'sigal', displayName: 'Sigal Example', firstName: 'Sigal', lastName: 'Example',
        email: 'sigal@unc.example.org', refs: { userTypeIds: ['1'], facilities: [{ facilityId: 'UNC/UNC', primary: true }] },
      }),
    },
    {
      name: 'numeric username and userId, no role, no facility',
      raw: { userId: 42, username: 7, firstName: 'Ann', lastName: null, email: null, organizationId: 'UNC', status: 'ACTIVE' },
      want: userBase({ nativeId: '42', username: '7', displayName: 'Ann', firstName: 'Ann', refs: { userTypeIds: [], facilities: [] } }),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const parsed = readUser(c.raw);
      assert.ok(parsed, 'shape accepted');
      assert.deepEqual(mapUser(SRC, parsed), c.want);
    });
  }

  it('never carries the pin, the token or the permissions of an accountFact', () => {
    const record = JSON.stringify(mapUser(SRC, readUser(accountFact)!));
    assert.ok(!record.includes(accountFact.pin));
    assert.ok(!record.includes(accountFact.token));
    assert.ok(!record.includes('read_user'));
    assert.equal('pin' in readUser(accountFact)!, false);
  });

  it('maps a list in order', () => {
    const users = readUsers(usersFixture.data)!;
    assert.deepEqual(users.map((u) => mapUser(SRC, u).nativeId), ['poda', 'sigal']);
  });

  const statuses: Array<[string | null, string, boolean]> = [
    ['ACTIVE', 'ACTIVE', true],
    ['SUSPENDED', 'INACTIVE', false],
    ['LOCKED', 'INACTIVE', false], // an undocumented status is not active
    [null, 'ACTIVE', true], // the accountFact has none: only active accounts log in
  ];
  for (const [vendor, status, active] of statuses) {
    it(`status ${vendor} → ${status}`, () => assert.deepEqual(mapStatus(vendor), { status, active }));
  }
  it('active → vendor status', () => {
    assert.equal(vendorStatus(true), 'ACTIVE');
    assert.equal(vendorStatus(false), 'SUSPENDED');
  });

  const badUsers: Array<[string, unknown]> = [
    ['no userId', { username: 'x' }],
    ['empty userId', { userId: '' }],
    ['not an object', 'poda'],
    ['role without id', { userId: 'a', role: { name: 'pod' } }],
  ];
  for (const [name, raw] of badUsers) it(`rejects a user with ${name}`, () => assert.equal(readUser(raw), null));
  it('rejects a list that is not an array or has a bad item', () => {
    assert.equal(readUsers({}), null);
    assert.equal(readUsers([{ userId: 'a' }, { nope: 1 }]), null);
  });
});

describe('presentationservices mapper: catalogs', () => {
  it("maps the doc's roles (empty description → null)", () => {
    const roles = readRoles(rolesFixture.data)!;
    assert.deepEqual(roles.map((r) => mapRole(SRC, r)), [
      { sourceId: SRC, nativeId: '1', name: 'admin', description: null },
      { sourceId: SRC, nativeId: '2', name: 'pod', description: null },
    ]);
    assert.deepEqual(mapRole(SRC, { id: '3', name: 'nurse', description: 'Bedside nurse' }).description, 'Bedside nurse');
  });

  it('maps facilities to organization/facility ids', () => {
    const facilities = readFacilities(facilitiesFixture.data)!;
    assert.deepEqual(facilities.map((f) => mapFacility(SRC, 'UNC', f)), [
      { sourceId: SRC, nativeId: 'UNC/UNC', code: 'UNC', name: 'UNC Medical Center' },
      { sourceId: SRC, nativeId: 'UNC/HILLSBOROUGH', code: 'HILLSBOROUGH', name: 'UNC Hillsborough Campus' },
    ]);
    // Without organizationId in the record, the organization asked for is used.
    assert.equal(mapFacility(SRC, 'PIEDMONT', { id: 'MAIN', name: null, organizationId: null }).nativeId, 'PIEDMONT/MAIN');
  });

  const splits: Array<[string, { organization: string; facility: string } | null]> = [
    ['UNC/UNC', { organization: 'UNC', facility: 'UNC' }],
    ['UNC/A/B', { organization: 'UNC', facility: 'A/B' }],
    ['UNC', null],
    ['/UNC', null],
    ['UNC/', null],
    ['', null],
  ];
  for (const [id, want] of splits) it(`splits facility id "${id}"`, () => assert.deepEqual(splitFacilityNativeId(id), want));
  it('round-trips facility ids', () => assert.deepEqual(splitFacilityNativeId(facilityNativeId('PIEDMONT', 'BIRTH')), { organization: 'PIEDMONT', facility: 'BIRTH' }));
});

describe('presentationservices mapper: envelopes', () => {
  it("reads the doc's login", () => {
    assert.deepEqual(readLogin(accountFixture), {
      ok: true,
      account: { token: accountFixture.validateAccountFact.accountFact.token, userId: 'poda', organizationId: 'UNC', facilityId: 'UNC' },
    });
  });
  it('reads a failed login', () => assert.deepEqual(readLogin(loginFailureFixture), { ok: false }));
  it('rejects a login success without a token, and non-envelopes', () => {
    assert.equal(readLogin({ validateAccountFact: { statusFact: { success: true }, accountFact: { userId: 'a' } } }), null);
    assert.equal(readLogin({ data: 1 }), null);
  });
  it('reads success and validation failure envelopes', () => {
    assert.deepEqual(readEnvelope(rolesFixture), { ok: true, data: rolesFixture.data });
    assert.deepEqual(readEnvelope(validationFixture), { ok: false, errors: [{ field: 'password' }, { field: 'email' }] });
    // errors inside statusFact are read too (another reading of the undocumented failure shape)
    assert.deepEqual(readEnvelope({ statusFact: { success: false, errors: [{ field: 'role', message: 'x' }] } }), { ok: false, errors: [{ field: 'role' }] });
    assert.equal(readEnvelope({ data: [] }), null);
    assert.equal(readEnvelope('nope'), null);
  });

  const fields: Array<[string, Readonly<Record<string, string | null>>, string | null, string | null]> = [
    ['create', CREATE_FIELDS, 'password', 'input.password'],
    ['create', CREATE_FIELDS, 'role', 'input.userTypeIds'],
    ['create', CREATE_FIELDS, 'facility', 'input.facilityIds'],
    ['create', CREATE_FIELDS, 'status', 'input.active'],
    ['create', CREATE_FIELDS, 'pin', 'input.tagId'],
    ['update', UPDATE_FIELDS, 'role', null],
    ['update', UPDATE_FIELDS, 'passwordValidation', null],
    ['grant', GRANT_FACILITY_FIELDS, 'facility', 'facilityId'],
    ['create', CREATE_FIELDS, 'constructor', null],
    ['create', CREATE_FIELDS, null, null],
  ];
  for (const [kind, map, vendor, want] of fields) {
    it(`${kind}: vendor field ${vendor} → ${want}`, () => assert.equal(unifiedField(map, vendor), want));
  }
});
