import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_IDENTIFIERS, type UserRecord } from '../../core/model';
import type { MirroredUser } from '../../store/mirror-repository';
import { changeKind, changedFields, diffSource } from './diff';

const m = (nativeId: string, over: Partial<UserRecord> = {}, types: string[] = ['1']): MirroredUser => ({
  user: {
    sourceId: 's', nativeId, username: 'u', displayName: 'U', firstName: null, middleInitial: null, lastName: null, email: 'a@example.org', phone: null, title: null,
    status: 'ACTIVE', active: true, createdAt: new Date(0), updatedAt: null, lastLoginAt: null, identifiers: EMPTY_IDENTIFIERS, allFacilities: null, refs: {}, ...over,
  },
  userTypes: types.map((t) => ({ sourceId: 's', nativeId: t, name: t, description: null })),
  facilityAccess: [],
  syncedAt: null,
});

test('kinds: created, deleted, activation flips, updates, and no change', () => {
  assert.equal(changeKind(null, m('1')), 'CREATED');
  assert.equal(changeKind(m('1'), null), 'DELETED');
  assert.equal(changeKind(m('1'), m('1', { active: false, status: 'INACTIVE' })), 'DEACTIVATED');
  assert.equal(changeKind(m('1', { active: false, status: 'INACTIVE' }), m('1')), 'REACTIVATED');
  assert.equal(changeKind(m('1'), m('1', { email: 'b@example.org' })), 'UPDATED');
  assert.equal(changeKind(m('1'), m('1', { createdAt: new Date(0) })), null, 'equal dates are no change');
});

test('changed fields are names only, relations included', () => {
  assert.deepEqual(changedFields(m('1'), m('1', { email: 'b@example.org', lastLoginAt: new Date(5) }, ['1', '2'])), ['email', 'lastLoginAt', 'userTypes']);
});

test('a source diff: upserts for new and changed, deletes for gone, changes in native-id order', () => {
  const d = diffSource('s', [m('1'), m('2'), m('3')], [m('3', { email: 'x@example.org' }), m('2'), m('4')], 'refresh');
  assert.deepEqual(d.upserts.map((u) => u.user.nativeId), ['3', '4']);
  assert.deepEqual(d.deletes, ['1']);
  assert.deepEqual(d.changes.map((c) => [c.nativeId, c.kind, c.changedFields]), [['1', 'DELETED', []], ['3', 'UPDATED', ['email']], ['4', 'CREATED', []]]);
});
