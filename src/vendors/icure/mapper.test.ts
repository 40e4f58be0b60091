import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UserRecord } from '../../core/model';
import examples from './fixtures/users.json';
import listPage from './fixtures/list-page.json';
import {
  applyActive,
  applyAddRole,
  applyRemoveRole,
  applyUpdate,
  buildCreateDto,
  composeName,
  isDeleted,
  isPaginatedUsers,
  isUserDto,
  toUserRecord,
  toUserTypeRecord,
} from './mapper';
import type { UserDto } from './types';

const SOURCE = 'icure-test';

type Expected = Partial<Omit<UserRecord, 'createdAt'>> & { createdAt?: string | null; deleted?: boolean };

/** One row per fixture record: the unified fields it must map to. */
const READ_CASES: Array<{ name: keyof typeof examples; expected: Expected }> = [
  {
    name: 'full',
    expected: {
      nativeId: '8f5a0b1e-4c2d-4e6f-9a1b-2c3d4e5f6a7b',
      username: 'emma.janssens@example.org',
      displayName: 'Dr. Emma Janssens',
      firstName: null,
      middleInitial: null,
      lastName: null,
      email: 'emma.janssens@example.org',
      phone: '+32 475 12 34 56',
      title: null,
      status: 'ACTIVE',
      active: true,
      createdAt: '2020-05-14T13:20:00.000Z',
      updatedAt: null,
      lastLoginAt: null,
      allFacilities: null,
      refs: { userTypeIds: ['HCP', 'ADMIN'] },
      deleted: false,
    },
  },
  {
    name: 'minimal',
    // No name → the login; no status → ACTIVE (Kraken's default); no dates → null.
    expected: { username: 'reception-desk', displayName: 'reception-desk', email: null, phone: null, status: 'ACTIVE', active: true, createdAt: null, refs: { userTypeIds: [] } },
  },
  {
    name: 'disabled',
    expected: { displayName: 'Lucas Peeters', status: 'INACTIVE', active: false, createdAt: '2019-01-01T00:00:00.000Z', refs: { userTypeIds: ['HCP'] } },
  },
  {
    name: 'registering',
    // Only createdDate: used when `created` is missing.
    expected: { status: 'PENDING_ACTIVATION', active: true, createdAt: '2024-01-01T00:00:00.000Z', refs: { userTypeIds: ['PATIENT_MANAGER'] } },
  },
  { name: 'deleted', expected: { status: 'ACTIVE', active: true, deleted: true } },
  { name: 'unknownStatus', expected: { status: 'INACTIVE', active: false } },
];

describe('toUserRecord (fixtures/users.json)', () => {
  for (const { name, expected } of READ_CASES) {
    it(`maps the "${name}" record`, () => {
      const dto = examples[name] as UserDto;
      assert.ok(isUserDto(dto));
      const user = toUserRecord(SOURCE, dto);
      assert.equal(user.sourceId, SOURCE);
      assert.equal(user.nativeId, dto.id);
      const { deleted, createdAt, ...fields } = expected;
      for (const [k, v] of Object.entries(fields)) assert.deepEqual(user[k as keyof UserRecord], v, k);
      if (createdAt !== undefined) assert.equal(user.createdAt?.toISOString() ?? null, createdAt);
      if (deleted !== undefined) assert.equal(isDeleted(dto), deleted);
    });
  }

  it('puts healthcarePartyId in identifiers and nothing else', () => {
    const user = toUserRecord(SOURCE, examples.full as UserDto);
    assert.deepEqual(user.identifiers, { npi: null, dea: null, employeeNumber: null, providerNumber: null, externalId: null, healthcarePartyId: '0c6a6d8e-1f3b-4b8e-a6f0-7d2e9c4b5a31' });
    assert.equal(toUserRecord(SOURCE, examples.registering as UserDto).identifiers.healthcarePartyId, null);
  });

  it('never carries a secret into the unified record', () => {
    const user = toUserRecord(SOURCE, { ...(examples.full as UserDto), passwordHash: 'secret-hash' });
    assert.equal(JSON.stringify(user).includes('secret-hash'), false);
  });

  it('maps a role to a user type whose id and name are the role string', () => {
    assert.deepEqual(toUserTypeRecord(SOURCE, 'HCP'), { sourceId: SOURCE, nativeId: 'HCP', name: 'HCP', description: null });
  });
});

describe('shape checks', () => {
  const BAD: Array<[string, unknown]> = [
    ['not an object', 'x'],
    ['no id', { login: 'a' }],
    ['empty id', { id: '' }],
    ['created as an ISO string', { id: 'a', created: '2020-01-01' }],
    ['roles not strings', { id: 'a', roles: [1] }],
    ['login a number', { id: 'a', login: 5 }],
  ];
  for (const [name, value] of BAD) it(`rejects a UserDto with ${name}`, () => assert.equal(isUserDto(value), false));

  it('accepts the list page fixture and a last page without nextKeyPair', () => {
    assert.ok(isPaginatedUsers(listPage));
    assert.ok(isPaginatedUsers({ rows: [] }));
    // A malformed row does not spoil the envelope: the reader leaves that row out on its own.
    assert.equal(isPaginatedUsers({ rows: [{ login: 'no-id' }] }), true);
    assert.equal(isPaginatedUsers({ rows: {} }), false);
    assert.equal(isPaginatedUsers({ rows: [], nextKeyPair: { startKey: 'a' } }), false);
    assert.equal(isPaginatedUsers({ users: [] }), false);
  });
});

describe('write mapping', () => {
  it('builds the create document: login = username || email, name from first/last, roles, status', () => {
    assert.deepEqual(
      buildCreateDto('id-1', { email: 'a@example.org', firstName: 'Ann', lastName: 'Lee', phone: '+32 1', userTypeIds: ['HCP', 'HCP', 'ADMIN'], active: false, password: 'pw' }),
      { id: 'id-1', login: 'a@example.org', email: 'a@example.org', name: 'Ann Lee', mobilePhone: '+32 1', roles: ['HCP', 'ADMIN'], status: 'DISABLED', passwordHash: 'pw' },
    );
    assert.deepEqual(buildCreateDto('id-2', { username: 'ann' }), { id: 'id-2', login: 'ann', roles: [], status: 'ACTIVE' });
  });

  it('applies an update to the full document, keeping every other field and the rev', () => {
    const full = examples.full as UserDto;
    const next = applyUpdate(full, { phone: '+32 2', firstName: 'Emma', lastName: 'Peeters', email: null })!;
    assert.equal(next.mobilePhone, '+32 2');
    assert.equal(next.name, 'Emma Peeters');
    assert.equal('email' in next, false);
    const untouched = Object.keys(full).filter((k) => !['mobilePhone', 'name', 'email'].includes(k));
    for (const k of untouched) assert.deepEqual(next[k], full[k], k);
    assert.equal(applyUpdate(full, { phone: full.mobilePhone }), null, 'no change → no write');
  });

  it('maps active to status, leaving REGISTERING alone when re-enabling', () => {
    assert.equal(applyActive(examples.full as UserDto, false)!.status, 'DISABLED');
    assert.equal(applyActive(examples.disabled as UserDto, true)!.status, 'ACTIVE');
    assert.equal(applyActive(examples.registering as UserDto, true), null);
    assert.equal(applyActive(examples.minimal as UserDto, true), null);
  });

  it('adds and removes roles idempotently', () => {
    const full = examples.full as UserDto;
    assert.deepEqual(applyAddRole(full, 'PATIENT_MANAGER')!.roles, ['HCP', 'ADMIN', 'PATIENT_MANAGER']);
    assert.equal(applyAddRole(full, 'HCP'), null);
    assert.deepEqual(applyRemoveRole(full, 'ADMIN')!.roles, ['HCP']);
    assert.equal(applyRemoveRole(full, 'NURSE'), null);
  });

  it('composes one name from the parts given', () => {
    assert.equal(composeName(' Ann ', null), 'Ann');
    assert.equal(composeName(null, undefined), null);
  });
});
