import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { UserRecord } from '../../core/model';
import created from './fixtures/user-created.json';
import deactivated from './fixtures/user-deactivated.json';
import siteAccess from './fixtures/site-access-granted.json';
import siteFixture from './fixtures/site.json';
import tokenFixture from './fixtures/token.json';
import usersList from './fixtures/users-list.json';
import { facilityAccessFor, inputFieldOf, roleCatalog, toCreateBody, toFacilityRecord, toPatchBody, toUserRecord, toUserTypeRecord } from './mapper';
import { pcAccessSchema, pcPageSchema, pcSiteSchema, pcTokenSchema, pcUserSchema } from './payloads';

const SRC = 'pc';
const page = pcPageSchema(pcUserSchema).parse(usersList);
const [userE, userF] = page.results as [ReturnType<typeof pcUserSchema.parse>, ReturnType<typeof pcUserSchema.parse>];
const fred = pcUserSchema.parse(created);
const fredOff = pcUserSchema.parse(deactivated);
const ST_GEORGE = 'c186cf8e-708c-479e-acbd-d534f54b7e89';
const NO_IDS = { npi: null, dea: null, employeeNumber: null, providerNumber: null, healthcarePartyId: null };

describe('painchek mapper: user', () => {
  const cases: Array<{ name: string; input: unknown; expected: Partial<UserRecord> }> = [
    {
      name: 'docs list: User E (no institution, "" phone/position)',
      input: userE,
      expected: {
        sourceId: SRC,
        nativeId: 'c0d06995-87dd-4437-a92e-338f53b7dba5',
        username: 'user_e@painchek.com',
        displayName: 'User E',
        firstName: 'User',
        middleInitial: null,
        lastName: 'E',
        email: 'user_e@painchek.com',
        phone: null,
        title: null,
        status: 'ACTIVE',
        active: true,
        createdAt: new Date('2017-08-28T12:13:38.364Z'),
        updatedAt: new Date('2017-09-01T07:49:55.055Z'),
        lastLoginAt: null,
        identifiers: { ...NO_IDS, externalId: null },
        allFacilities: null,
        refs: { userTypeIds: ['user'], facilities: [] },
      },
    },
    {
      name: 'docs list: User F (admin, institution St George)',
      input: userF,
      expected: {
        nativeId: '0507f1a3-7d50-4f3e-a5ae-a8f3c318e151',
        displayName: 'User F',
        status: 'ACTIVE',
        allFacilities: null,
        createdAt: new Date('2017-11-09T22:51:43.901Z'),
        refs: { userTypeIds: ['admin'], facilities: [{ facilityId: ST_GEORGE, primary: true }] },
      },
    },
    {
      name: 'docs create response: not activated yet, null phone/position',
      input: fred,
      expected: { nativeId: 'd3aacc26-d4ba-41b4-a213-8ee9753d63f8', username: 'user_g@painchek.com', displayName: 'Fred Smith', phone: null, title: null, status: 'PENDING_ACTIVATION', active: true },
    },
    {
      name: 'docs PATCH is_active=false response: INACTIVE wins over not activated',
      input: fredOff,
      expected: { status: 'INACTIVE', active: false, updatedAt: new Date('2017-11-18T01:50:36.739Z') },
    },
    {
      name: 'license_admin with position, phone and external_id',
      input: { ...userE, role: 'license_admin', position: 'Facility Manager', phone: '+61 400 000 000', external_id: '001' },
      expected: { title: 'Facility Manager', phone: '+61 400 000 000', allFacilities: true, identifiers: { ...NO_IDS, externalId: '001' }, refs: { userTypeIds: ['license_admin'], facilities: [] } },
    },
    {
      name: 'unparseable dates become null, not a wrong date',
      input: { ...userE, date_joined: 'yesterday', modified_at: null },
      expected: { createdAt: null, updatedAt: null },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const record = toUserRecord(SRC, pcUserSchema.parse(c.input));
      for (const [key, value] of Object.entries(c.expected)) assert.deepEqual(record[key as keyof UserRecord], value, key);
    });
  }

  it('never carries write-only or vendor-internal fields', () => {
    const record = toUserRecord(SRC, pcUserSchema.parse({ ...userF, full_site_access: true, license: 'x' }));
    assert.equal(Object.keys(record).includes('full_site_access'), false);
    assert.equal(JSON.stringify(record).includes('license'), false);
  });
});

describe('painchek mapper: user types and facilities', () => {
  it('static role catalog: the three documented roles', () => {
    assert.deepEqual(
      roleCatalog(SRC).map((t) => [t.nativeId, t.name]),
      [
        ['license_admin', 'License Admin'],
        ['admin', 'Admin'],
        ['user', 'User'],
      ],
    );
  });

  it('an undocumented (custom) role keeps its value as name', () => {
    assert.deepEqual(toUserTypeRecord(SRC, 'site_manager'), { sourceId: SRC, nativeId: 'site_manager', name: 'site_manager', description: null });
  });

  const siteCases = [
    { name: 'site without external_id: code is the uuid', input: siteFixture, expected: { sourceId: SRC, nativeId: ST_GEORGE, code: ST_GEORGE, name: 'St George Hospital / Kogarah' } },
    { name: 'site with external_id: code is the external_id', input: { ...siteFixture, external_id: 'SITE-1' }, expected: { sourceId: SRC, nativeId: ST_GEORGE, code: 'SITE-1', name: 'St George Hospital / Kogarah' } },
    { name: 'blank name is null', input: { ...siteFixture, name: '' }, expected: { sourceId: SRC, nativeId: ST_GEORGE, code: ST_GEORGE, name: null } },
  ];
  for (const c of siteCases) it(c.name, () => assert.deepEqual(toFacilityRecord(SRC, pcSiteSchema.parse(c.input)), c.expected));

  it('facility access: institution first as primary, then access records in catalog order, each once', () => {
    const other = { ...siteFixture, uuid: '11111111-1111-4111-8111-111111111111', name: 'Banksia', external_id: 'B' };
    const catalog = new Map([other, siteFixture].map((s) => [s.uuid, toFacilityRecord(SRC, pcSiteSchema.parse(s))]));
    const f = toUserRecord(SRC, userF);
    const access = facilityAccessFor(SRC, f, new Set([ST_GEORGE, other.uuid]), catalog);
    assert.deepEqual(
      access.map((a) => [a.facility.code, a.primary]),
      [
        [ST_GEORGE, true],
        ['B', false],
      ],
    );
    // No institution, no access: nothing. A site missing from the catalog still shows, uuid as code.
    assert.deepEqual(facilityAccessFor(SRC, toUserRecord(SRC, userE), new Set(), catalog), []);
    const ghost = '22222222-2222-4222-8222-222222222222';
    assert.deepEqual(facilityAccessFor(SRC, toUserRecord(SRC, userE), new Set([ghost]), catalog), [{ facility: { sourceId: SRC, nativeId: ghost, code: ghost, name: null }, primary: false }]);
  });
});

describe('painchek mapper: write bodies', () => {
  it('create body: docs minimum plus optional fields, role from the single user type, full_site_access false', () => {
    assert.deepEqual(toCreateBody({ firstName: 'Fred', lastName: 'Smith', email: 'fred@example.org', userTypeIds: ['user'] }), {
      first_name: 'Fred',
      last_name: 'Smith',
      email: 'fred@example.org',
      role: 'user',
      is_active: true,
      full_site_access: false,
    });
    assert.deepEqual(
      toCreateBody({ firstName: 'A', lastName: 'B', email: 'a@b.org', userTypeIds: ['admin'], active: false, phone: '1', title: 'Nurse', externalId: 'X', primaryFacilityId: ST_GEORGE, facilityIds: [ST_GEORGE] }),
      { first_name: 'A', last_name: 'B', email: 'a@b.org', role: 'admin', is_active: false, phone: '1', position: 'Nurse', external_id: 'X', institution: ST_GEORGE, full_site_access: false },
    );
  });

  const patchCases = [
    { name: 'empty input: empty body', input: {}, expected: {} },
    { name: 'only present fields', input: { title: 'Carer', active: false }, expected: { position: 'Carer', is_active: false } },
    { name: 'null clears', input: { phone: null, externalId: null }, expected: { phone: null, external_id: null } },
  ];
  for (const c of patchCases) it(`patch body: ${c.name}`, () => assert.deepEqual(toPatchBody(c.input), c.expected));

  it('vendor error fields map back to unified input fields', () => {
    assert.equal(inputFieldOf('email'), 'input.email');
    assert.equal(inputFieldOf('position'), 'input.title');
    assert.equal(inputFieldOf('role'), 'input.userTypeIds');
    assert.equal(inputFieldOf('institution'), 'input.primaryFacilityId');
    assert.equal(inputFieldOf('non_field_errors'), null);
    assert.equal(inputFieldOf(undefined), null);
  });
});

describe('painchek payload shapes', () => {
  it('accept the docs examples', () => {
    assert.equal(pcTokenSchema.parse(tokenFixture).access_token.length, 30);
    assert.deepEqual(pcAccessSchema.parse(siteAccess), { uuid: siteAccess.uuid, site: siteAccess.site, user: siteAccess.user, active: true });
    assert.equal(pcUserSchema.safeParse(created).success, true);
  });

  it('reject records missing what the connector relies on', () => {
    assert.equal(pcUserSchema.safeParse({ ...created, is_active: 'true' }).success, false);
    assert.equal(pcUserSchema.safeParse({ ...created, uuid: undefined }).success, false);
    assert.equal(pcPageSchema(pcUserSchema).safeParse({ count: 1, next: null, results: {} }).success, false);
  });
});
