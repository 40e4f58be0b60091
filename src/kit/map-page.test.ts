import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapPage } from './map-page';

const mapOne = (r: unknown) => {
  const o = r as { id?: unknown; name?: unknown };
  if (typeof o?.id !== 'number') return null;
  if (o.name === 'boom') throw new Error('mapping failed with personal data in the message');
  return { id: o.id };
};
const idOf = (r: unknown) => (typeof (r as { uid?: unknown })?.uid === 'string' ? (r as { uid: string }).uid : null);

test('bad records are left out and counted; slots keep positions; good records keep order', () => {
  const page = mapPage([{ id: 1 }, { id: 'x', uid: 'u2' }, null, { id: 4, name: 'boom', uid: 'u4' }, { id: 5 }], mapOne, idOf);
  assert.deepEqual(page.records, [{ id: 1 }, { id: 5 }]);
  assert.deepEqual(page.slots, [{ id: 1 }, null, null, null, { id: 5 }]);
  assert.deepEqual(page.skipped, [
    { index: 1, nativeId: 'u2' },
    { index: 2, nativeId: null },
    { index: 3, nativeId: 'u4' },
  ]);
});

test('a clean page skips nothing; an idOf that throws gives a null id', () => {
  assert.deepEqual(mapPage([{ id: 1 }], mapOne).skipped, []);
  const page = mapPage([{}], mapOne, () => {
    throw new Error('x');
  });
  assert.deepEqual(page.skipped, [{ index: 0, nativeId: null }]);
});
