import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceError } from '../core/errors';
import { checkHealth } from './health';

test('a probe that answers is UP with its latency', async () => {
  let t = 100;
  const h = await checkHealth(async () => (t += 7), () => t);
  assert.equal(h.status, 'UP');
  assert.equal(h.latencyMs, 7);
  assert.equal(h.errorCode, null);
});

test('a SourceError keeps its code; anything else is INTERNAL_SERVER_ERROR; never throws, no latency', async () => {
  const auth = await checkHealth(() => Promise.reject(new SourceError('SOURCE_AUTH_FAILED', 's')));
  assert.deepEqual([auth.status, auth.errorCode, auth.latencyMs], ['DOWN', 'SOURCE_AUTH_FAILED', null]);
  const other = await checkHealth(() => Promise.reject(new Error('vendor said: secret')));
  assert.deepEqual([other.status, other.errorCode], ['DOWN', 'INTERNAL_SERVER_ERROR']);
  assert.ok(!JSON.stringify(other).includes('secret'));
});
