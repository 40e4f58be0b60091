import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_IDENTIFIERS, type UserRecord } from '../core/model';
import type { MirroredUser } from './mirror-repository';
import { openTestStore, storeBackends, type TestStore } from './test-store';

function mirrored(nativeId: string, over: Partial<UserRecord> = {}): MirroredUser {
  return {
    user: {
      sourceId: 'dental',
      nativeId,
      username: `u${nativeId}`,
      displayName: `User ${nativeId}`,
      firstName: null,
      middleInitial: null,
      lastName: null,
      email: `u${nativeId}@example.org`,
      phone: null,
      title: null,
      status: 'ACTIVE',
      active: true,
      createdAt: new Date('2024-01-02T03:04:05.000Z'),
      updatedAt: null,
      lastLoginAt: null,
      identifiers: EMPTY_IDENTIFIERS,
      allFacilities: false,
      refs: { userTypeIds: ['1'] },
      ...over,
    },
    userTypes: [{ sourceId: 'dental', nativeId: '1', name: 'Hygienist', description: null }],
    facilityAccess: [{ facility: { sourceId: 'dental', nativeId: '3', code: '3', name: 'North' }, primary: true }],
    syncedAt: null,
  };
}

for (const { backend, skip } of storeBackends()) {
  describe(`mirror repository (${backend})`, { skip }, () => {
    let store: TestStore;
    before(async () => (store = await openTestStore(backend)));
    after(() => store?.close());
    beforeEach(() => store.reset());

    test('a refresh is stored whole and loads back with dates, relations and catalogs', async () => {
      const at = new Date('2026-12-01T10:00:00.000Z');
      await store.mirror.applyRefresh('dental', {
        upserts: [mirrored('1'), mirrored('2', { active: false, status: 'INACTIVE' })],
        deletes: [],
        catalogs: { userTypes: [{ sourceId: 'dental', nativeId: '1', name: 'Hygienist', description: null }], facilities: [] },
        changes: [{ sourceId: 'dental', nativeId: '1', kind: 'CREATED', changedFields: [], origin: 'refresh' }],
        syncedAt: at,
      });
      const loaded = await store.mirror.load('dental');
      assert.equal(loaded.users.length, 2);
      const one = loaded.users.find((u) => u.user.nativeId === '1')!;
      assert.deepEqual(one.user.createdAt, new Date('2024-01-02T03:04:05.000Z'));
      assert.equal(one.user.lastLoginAt, null);
      assert.deepEqual(one.facilityAccess[0]!.facility.name, 'North');
      assert.deepEqual(one.syncedAt, at);
      assert.equal(loaded.catalogs!.userTypes[0]!.name, 'Hygienist');
      assert.deepEqual(loaded.state, { lastSyncAt: at, lastError: null, lastAttemptAt: at });
      assert.deepEqual((await store.mirror.load('other')).users, []);
    });

    test('deletes, a failure keeps the copy, writes and the change feed in order', async () => {
      const at = new Date();
      await store.mirror.applyRefresh('dental', { upserts: [mirrored('1'), mirrored('2')], deletes: [], catalogs: { userTypes: [], facilities: [] }, changes: [], syncedAt: at });
      await store.mirror.recordFailure('dental', 'SOURCE_UNAVAILABLE', new Date());
      let loaded = await store.mirror.load('dental');
      assert.equal(loaded.users.length, 2, 'the last good copy stays');
      assert.equal(loaded.state.lastError, 'SOURCE_UNAVAILABLE');
      assert.deepEqual(loaded.state.lastSyncAt, at);
      await store.mirror.applyRefresh('dental', {
        upserts: [],
        deletes: ['2'],
        catalogs: { userTypes: [], facilities: [] },
        changes: [{ sourceId: 'dental', nativeId: '2', kind: 'DELETED', changedFields: [], origin: 'refresh' }],
        syncedAt: new Date(),
      });
      await store.mirror.applyWrite('dental', '1', { ...mirrored('1', { email: 'new@example.org' }), syncedAt: new Date() }, { sourceId: 'dental', nativeId: '1', kind: 'UPDATED', changedFields: ['email'], origin: 'write' });
      await store.mirror.applyWrite('icure', 'x', null, { sourceId: 'icure', nativeId: 'x', kind: 'DELETED', changedFields: [], origin: 'write' });
      loaded = await store.mirror.load('dental');
      assert.deepEqual(loaded.users.map((u) => [u.user.nativeId, u.user.email]), [['1', 'new@example.org']]);
      assert.equal(loaded.state.lastError, null);
      const feed = await store.mirror.changes(0, ['dental', 'icure'], 10);
      assert.deepEqual(feed.map((c) => [c.sourceId, c.nativeId, c.kind, c.changedFields, c.origin]), [
        ['dental', '2', 'DELETED', [], 'refresh'],
        ['dental', '1', 'UPDATED', ['email'], 'write'],
        ['icure', 'x', 'DELETED', [], 'write'],
      ]);
      assert.ok(feed[0]!.seq < feed[1]!.seq && feed[1]!.seq < feed[2]!.seq);
      assert.deepEqual((await store.mirror.changes(feed[0]!.seq, ['dental'], 10)).map((c) => c.nativeId), ['1'], 'resumes after a seq, filtered by source');
      assert.deepEqual(await store.mirror.changes(0, [], 10), []);
      assert.equal((await store.mirror.changes(0, ['dental', 'icure'], 1)).length, 1);
    });
  });
}
