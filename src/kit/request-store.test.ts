import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backgroundContext } from '../core/context';
import { perRequest } from './request-store';

test('one value per request context, created on first use', () => {
  let created = 0;
  const store = perRequest((ctx) => ({ n: ++created, id: ctx.requestId }));
  const a = backgroundContext();
  const b = backgroundContext();
  assert.equal(store(a), store(a));
  assert.notEqual(store(a), store(b));
  assert.equal(created, 2);
});
