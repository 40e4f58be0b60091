import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAuditCursor, encodeAuditCursor } from './audit-cursor';

test('an audit cursor round-trips [at, id] and is URL-safe', () => {
  const position = { at: new Date('2030-01-02T03:04:05.678Z'), id: 'e7c1…/+=' };
  const cursor = encodeAuditCursor(position);
  assert.match(cursor, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeAuditCursor(cursor), position);
});

test('a malformed cursor is BAD_USER_INPUT on `after`', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  for (const bad of ['', '%%%', 'bm90IGpzb24', b64({ at: 1 }), b64(['2030-01-01T00:00:00Z']), b64(['not a date', 'id']), b64(['2030-01-01T00:00:00Z', 5]), b64([1, 'id', 'extra'])]) {
    assert.throws(() => decodeAuditCursor(bad), { name: 'SourceError', code: 'BAD_USER_INPUT', details: { field: 'after' } }, bad);
  }
});
