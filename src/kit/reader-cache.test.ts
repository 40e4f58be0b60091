import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_IDENTIFIERS, type UserRecord } from '../core/model';
import { applyToUserCache, changesUserRecord } from './reader-cache';
import { PerKeyLoader } from './per-key-loader';

const user = (id: string): UserRecord => ({
  sourceId: 's', nativeId: id, username: null, displayName: id, firstName: null, middleInitial: null, lastName: null, email: null, phone: null,
  title: null, status: 'ACTIVE', active: true, createdAt: null, updatedAt: null, lastLoginAt: null, identifiers: EMPTY_IDENTIFIERS, allFacilities: null, refs: {},
});

test('saved primes, deleted primes null, unknown forgets, relations leave the user alone', async () => {
  let fetched = 0;
  const users = new PerKeyLoader<string, UserRecord | null>(async (id) => (fetched++, user(`${id}-fetched`)), { sourceId: 's', semaphore: null, signal: new AbortController().signal });
  applyToUserCache(users, 'a', { kind: 'saved', user: user('a') });
  assert.equal((await users.load('a'))!.displayName, 'a');
  applyToUserCache(users, 'a', { kind: 'relations' });
  assert.equal((await users.load('a'))!.displayName, 'a');
  applyToUserCache(users, 'a', { kind: 'deleted' });
  assert.equal(await users.load('a'), null);
  assert.equal(fetched, 0);
  applyToUserCache(users, 'a', { kind: 'unknown' });
  assert.equal((await users.load('a'))!.displayName, 'a-fetched');
  assert.equal(fetched, 1);
  assert.deepEqual([changesUserRecord({ kind: 'relations' }), changesUserRecord({ kind: 'unknown' })], [false, true]);
});
