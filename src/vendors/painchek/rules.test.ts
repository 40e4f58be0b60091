import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WriteInput } from '../../core/writes';
import { validateWrite } from './rules';

const U = '0507f1a3-7d50-4f3e-a5ae-a8f3c318e151';
const SITE = 'c186cf8e-708c-479e-acbd-d534f54b7e89';
const ok = { firstName: 'Fred', lastName: 'Smith', email: 'fred@example.org', userTypeIds: ['user'] };

/** Every case: the write, then the fields expected to be rejected (in order). */
const cases: Array<{ name: string; write: WriteInput; fields: string[] }> = [
  { name: 'create: docs minimum is valid', write: { op: 'createUser', input: ok }, fields: [] },
  { name: 'create: names and email required', write: { op: 'createUser', input: { userTypeIds: ['user'] } }, fields: ['input.firstName', 'input.lastName', 'input.email'] },
  { name: 'create: blank first name', write: { op: 'createUser', input: { ...ok, firstName: '' } }, fields: ['input.firstName'] },
  { name: 'create: names at most 150 characters', write: { op: 'createUser', input: { ...ok, lastName: 'x'.repeat(151) } }, fields: ['input.lastName'] },
  { name: 'create: malformed email', write: { op: 'createUser', input: { ...ok, email: 'not-an-email' } }, fields: ['input.email'] },
  { name: 'create: no role', write: { op: 'createUser', input: { ...ok, userTypeIds: [] } }, fields: ['input.userTypeIds'] },
  { name: 'create: two roles', write: { op: 'createUser', input: { ...ok, userTypeIds: ['user', 'admin'] } }, fields: ['input.userTypeIds'] },
  { name: 'create: unknown role', write: { op: 'createUser', input: { ...ok, userTypeIds: ['superuser'] } }, fields: ['input.userTypeIds'] },
  { name: 'create: facility ids must be UUIDs (path-safe)', write: { op: 'createUser', input: { ...ok, facilityIds: ['..'] } }, fields: ['input.facilityIds'] },
  { name: 'create: primary must be one of the facilities', write: { op: 'createUser', input: { ...ok, facilityIds: [SITE], primaryFacilityId: U } }, fields: ['input.primaryFacilityId'] },
  { name: 'create: primary with facilities', write: { op: 'createUser', input: { ...ok, facilityIds: [SITE], primaryFacilityId: SITE } }, fields: [] },
  { name: 'create: username must be the email', write: { op: 'createUser', input: { ...ok, username: 'fred' } }, fields: ['input.username'] },
  { name: 'create: username equal to email (any case)', write: { op: 'createUser', input: { ...ok, username: 'FRED@example.org' } }, fields: [] },
  { name: 'create: password is not accepted', write: { op: 'createUser', input: { ...ok, password: 'S3cret!pass' } }, fields: ['input.password'] },
  { name: 'update: partial input is valid', write: { op: 'updateUser', nativeId: U, input: { title: 'Carer' } }, fields: [] },
  { name: 'update: required fields cannot be cleared', write: { op: 'updateUser', nativeId: U, input: { firstName: null, email: null, active: null } }, fields: ['input.firstName', 'input.email', 'input.active'] },
  { name: 'update: user id must be a UUID', write: { op: 'updateUser', nativeId: '../sites', input: {} }, fields: ['userId'] },
  { name: 'setUserActive: user id', write: { op: 'setUserActive', nativeId: 'x', active: false }, fields: ['userId'] },
  { name: 'assignUserType: role set', write: { op: 'assignUserType', nativeId: U, userTypeId: 'root' }, fields: ['userTypeId'] },
  { name: 'assignUserType: valid', write: { op: 'assignUserType', nativeId: U, userTypeId: 'license_admin' }, fields: [] },
  { name: 'grant: site id must be a UUID', write: { op: 'grantFacilityAccess', nativeId: U, facilityId: '.', primary: true }, fields: ['facilityId'] },
  { name: 'revoke: both ids', write: { op: 'revokeFacilityAccess', nativeId: 'a/b', facilityId: 'c' }, fields: ['userId', 'facilityId'] },
];

describe('painchek rules', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const errors = await validateWrite(c.write);
      assert.deepEqual(errors.map((e) => e.field), c.fields);
      for (const e of errors) {
        assert.equal(e.code, 'BAD_USER_INPUT');
        assert.ok(e.message.startsWith(e.field!), `message names its field: ${e.message}`);
      }
    });
  }

  it('messages never echo the rejected value', async () => {
    const secretish = 'S3cret!pass';
    const errors = await validateWrite({ op: 'createUser', input: { firstName: secretish.repeat(20), lastName: 'x', email: `${secretish}@`, userTypeIds: [secretish], password: secretish } });
    assert.equal(errors.length, 4);
    for (const e of errors) assert.equal(e.message.includes(secretish), false, e.message);
  });
});
