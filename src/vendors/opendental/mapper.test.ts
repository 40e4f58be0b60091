import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_IDENTIFIERS, type UserRecord } from '../../core/model';
import clinics from './fixtures/clinics.json';
import postResponse from './fixtures/userod-post-response.json';
import putResponse from './fixtures/userod-put-response.json';
import usergroups from './fixtures/usergroups.json';
import userods from './fixtures/userods-get.json';
import { toFacilityRecord, toUserRecord, toUserTypeRecord, unlistedFacility } from './mapper';
import { isArrayOf, isClinic, isUserGroup, isUserod, isUserodCreated } from './shapes';
import type { Clinic, Userod, UserodCreated } from './types';

const SOURCE = 'dental';

/** The fields every Open Dental user leaves null (the vendor has no such data). */
const NULLS = { firstName: null, middleInitial: null, lastName: null, phone: null, title: null, createdAt: null, updatedAt: null, lastLoginAt: null };

const users: Array<{ name: string; input: Userod | UserodCreated; expected: UserRecord }> = [
  {
    name: 'Lynda (GET): provider only, displayName from providerName, clinic 1',
    input: userods[0] as Userod,
    expected: {
      sourceId: SOURCE,
      nativeId: '1',
      username: 'Lynda',
      displayName: 'Lynda Larson, DMD',
      ...NULLS,
      email: 'LyndaLarson@email.com',
      status: 'ACTIVE',
      active: true,
      identifiers: { ...EMPTY_IDENTIFIERS, employeeNumber: null, providerNumber: '9' },
      allFacilities: false,
      refs: { userTypeIds: ['2'], facilities: [{ facilityId: '1', primary: true }] },
    },
  },
  {
    name: 'Charlie (GET): hidden → INACTIVE, employee name wins, three groups',
    input: userods[1] as Userod,
    expected: {
      sourceId: SOURCE,
      nativeId: '2',
      username: 'Charlie',
      displayName: 'Charles Sorenson',
      ...NULLS,
      email: 'Chuck@hotmail.com',
      status: 'INACTIVE',
      active: false,
      identifiers: { ...EMPTY_IDENTIFIERS, employeeNumber: '3', providerNumber: null },
      allFacilities: false,
      refs: { userTypeIds: ['1', '5', '7'], facilities: [{ facilityId: '1', primary: true }] },
    },
  },
  {
    name: 'Becca (GET): employee and provider, clinic 2',
    input: userods[2] as Userod,
    expected: {
      sourceId: SOURCE,
      nativeId: '3',
      username: 'Becca',
      displayName: 'Becca Alexandria',
      ...NULLS,
      email: 'BAlexandria@gmail.com',
      status: 'ACTIVE',
      active: true,
      identifiers: { ...EMPTY_IDENTIFIERS, employeeNumber: '4', providerNumber: '6' },
      allFacilities: false,
      refs: { userTypeIds: ['3', '4'], facilities: [{ facilityId: '2', primary: true }] },
    },
  },
  {
    name: 'Sally (POST shape): singular UserGroupNum, ClinicNum 0 → all facilities, empty email → null',
    input: postResponse as UserodCreated,
    expected: {
      sourceId: SOURCE,
      nativeId: '7',
      username: 'Sally',
      displayName: 'Sally',
      ...NULLS,
      email: null,
      status: 'ACTIVE',
      active: true,
      identifiers: { ...EMPTY_IDENTIFIERS },
      allFacilities: true,
      refs: { userTypeIds: ['2'], facilities: [] },
    },
  },
  {
    name: 'PUT response: full GET shape',
    input: putResponse as Userod,
    expected: {
      sourceId: SOURCE,
      nativeId: '2',
      username: 'User',
      displayName: 'Beth Assistant',
      ...NULLS,
      email: null,
      status: 'ACTIVE',
      active: true,
      identifiers: { ...EMPTY_IDENTIFIERS, employeeNumber: '3', providerNumber: '2' },
      allFacilities: false,
      refs: { userTypeIds: ['2', '4', '8'], facilities: [{ facilityId: '1', primary: true }] },
    },
  },
];

describe('opendental mapper: users', () => {
  for (const c of users) {
    it(c.name, () => assert.deepEqual(toUserRecord(SOURCE, c.input), c.expected));
  }

  it('never carries the password echoed by POST', () => {
    assert.ok(!JSON.stringify(toUserRecord(SOURCE, postResponse as UserodCreated)).includes('My1password'));
  });

  it('falls back to UserName when neither employee nor provider names are set (blank counts as unset)', () => {
    const u = { ...(userods[0] as Userod), providerName: '  ', employeeName: '' };
    assert.equal(toUserRecord(SOURCE, u).displayName, 'Lynda');
  });
});

describe('opendental mapper: catalogs', () => {
  const groupCases = [
    { input: usergroups[0]!, expected: { sourceId: SOURCE, nativeId: '1', name: 'Admin', description: null } },
    { input: usergroups[2]!, expected: { sourceId: SOURCE, nativeId: '10', name: 'CEMT Enterprise Admins', description: null } },
  ];
  for (const c of groupCases) it(`usergroup ${c.input.UserGroupNum}`, () => assert.deepEqual(toUserTypeRecord(SOURCE, c.input), c.expected));

  const clinicCases = [
    { name: 'code from Abbr', input: clinics[0] as Clinic, expected: { sourceId: SOURCE, nativeId: '1', code: 'MAIN', name: 'Main Street Dental' } },
    { name: 'code from ClinicNum when Abbr is blank', input: clinics[1] as Clinic, expected: { sourceId: SOURCE, nativeId: '7', code: '7', name: 'Satellite Office' } },
  ];
  for (const c of clinicCases) it(`clinic: ${c.name}`, () => assert.deepEqual(toFacilityRecord(SOURCE, c.input), c.expected));

  it('an unlisted (hidden) clinic keeps its number as code', () => {
    assert.deepEqual(unlistedFacility(SOURCE, '6'), { sourceId: SOURCE, nativeId: '6', code: '6', name: null });
  });
});

describe('opendental shapes', () => {
  it('accept the doc examples', () => {
    assert.ok(isArrayOf(userods, isUserod));
    assert.ok(isUserod(putResponse));
    assert.ok(isUserodCreated(postResponse));
    assert.ok(isArrayOf(usergroups, isUserGroup));
    assert.ok(isArrayOf(clinics, isClinic));
  });

  const bad: Array<[string, unknown]> = [
    ['IsHidden as a JSON boolean', { ...userods[0], IsHidden: false }],
    ['UserNum as a string', { ...userods[0], UserNum: '1' }],
    ['userGroupNums missing', { ...userods[0], userGroupNums: undefined }],
    ['userGroupNums of strings', { ...userods[0], userGroupNums: ['2'] }],
    ['an error string', 'UserName is required.'],
  ];
  for (const [name, value] of bad) it(`reject ${name}`, () => assert.equal(isUserod(value), false));
});
