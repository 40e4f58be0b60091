import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceError } from '../core/errors';
import { BAD_CURSOR_MESSAGE, jsonCursor, offsetCursor } from './cursor';

test('encode/decode round-trip; null is the start', () => {
  assert.equal(offsetCursor.encode({ offset: 120 }), '{"offset":120}');
  assert.deepEqual(offsetCursor.decode('{"offset":120}', 's'), { offset: 120 });
  assert.equal(offsetCursor.decode(null, 's'), null);
  const keyset = jsonCursor((v: unknown): v is { k: string } => typeof (v as { k?: unknown }).k === 'string');
  assert.deepEqual(keyset.decode(keyset.encode({ k: 'a"b' }), 's'), { k: 'a"b' });
});

test('anything not made by encode is BAD_USER_INPUT on after, with one constant message', () => {
  for (const bad of ['', 'x', 'null', '[]', '7', '{"offset":-1}', '{"offset":1.5}', '{"offset":"3"}', '{}', `{"offset":${2 ** 60}}`]) {
    assert.throws(
      () => offsetCursor.decode(bad, 'src'),
      (e: unknown) => e instanceof SourceError && e.code === 'BAD_USER_INPUT' && e.details.field === 'after' && e.message === BAD_CURSOR_MESSAGE && e.sourceId === 'src',
      bad,
    );
  }
});
