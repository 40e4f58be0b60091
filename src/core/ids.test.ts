import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeId, encodeId } from './ids';

test('an id round-trips, the same from the cache as freshly encoded, and apart per type and source', () => {
  const id = encodeId('User', 'icure', 'u-1');
  assert.equal(id, Buffer.from(JSON.stringify(['User', 'icure', 'u-1'])).toString('base64url'));
  assert.equal(encodeId('User', 'icure', 'u-1'), id, 'answered again from the cache');
  assert.deepEqual(decodeId(id), { type: 'User', sourceId: 'icure', nativeId: 'u-1' });
  assert.notEqual(encodeId('UserType', 'icure', 'u-1'), id);
  assert.notEqual(encodeId('User', 'coremr', 'u-1'), id);
  // Past the bound the cache starts over; ids stay right.
  for (let i = 0; i < 25_000; i++) encodeId('User', 'bulk', `n${i}`);
  assert.deepEqual(decodeId(encodeId('User', 'bulk', 'n3')), { type: 'User', sourceId: 'bulk', nativeId: 'n3' });
});

test('a foreign id is BAD_USER_INPUT naming the field', () => {
  assert.throws(() => decodeId('bm90LW91cnM', 'userId'), (err: Error & { code?: string; extras?: { field?: string } }) => /userId is not a valid staffgraph id/.test(err.message));
  assert.throws(() => decodeId(encodeId('Facility', 's', 'x'), 'id', 'User'), /id must be the id of a User/);
});
