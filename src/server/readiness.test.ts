import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connector } from '../core/connector';
import type { SourceHealthRecord } from '../core/model';
import { SourceSet } from '../service/sources';
import { Readiness } from './readiness';

/** A connector that only answers health: after `delayMs`, with `status`; counts the checks. */
function fake(sourceId: string, status: 'UP' | 'DOWN', delayMs = 0) {
  const c = {
    sourceId,
    checks: 0,
    async health(): Promise<SourceHealthRecord> {
      c.checks++;
      await new Promise((r) => setTimeout(r, delayMs));
      return { status, latencyMs: 1, checkedAt: new Date(), errorCode: status === 'DOWN' ? 'SOURCE_UNAVAILABLE' : null };
    },
  };
  return c;
}

function setOf(...cs: ReturnType<typeof fake>[]) {
  return new SourceSet(cs as unknown as Connector[]);
}

test('200 ready whatever the sources say; states in configured order, ids and states only', async () => {
  const r = new Readiness(setOf(fake('b', 'UP'), fake('a', 'DOWN')));
  const out = await r.report(() => false);
  assert.deepEqual(out, { httpStatus: 200, body: { status: 'ready', redis: 'off', sources: [{ id: 'b', state: 'up' }, { id: 'a', state: 'down' }] } });
  assert.doesNotMatch(JSON.stringify(out), /SOURCE_UNAVAILABLE/);
});

test('a check slower than the budget is "unknown" now and answers the next probe from the cache', async () => {
  const slow = fake('slow', 'UP', 150);
  const r = new Readiness(setOf(fake('fast', 'UP'), slow), 30);
  const t0 = Date.now();
  const first = await r.report(() => false);
  assert.ok(Date.now() - t0 < 120, 'answered within the budget');
  assert.deepEqual(first.body.sources, [{ id: 'fast', state: 'up' }, { id: 'slow', state: 'unknown' }]);
  await new Promise((res) => setTimeout(res, 200));
  assert.deepEqual((await r.report(() => false)).body.sources, [{ id: 'fast', state: 'up' }, { id: 'slow', state: 'up' }]);
  assert.equal(slow.checks, 1, 'one check serves both probes (SourceSet caches it)');
});

test('503 draining at once, with the last states seen and no new check', async () => {
  const up = fake('x', 'UP');
  const never = fake('y', 'UP');
  const r = new Readiness(new SourceSet([up] as unknown as Connector[]));
  await r.report(() => false);
  const draining = await r.report(() => true);
  assert.deepEqual(draining, { httpStatus: 503, body: { status: 'draining', redis: 'off', sources: [{ id: 'x', state: 'up' }] } });
  assert.equal(up.checks, 1);
  const fresh = await new Readiness(setOf(never)).report(() => true);
  assert.deepEqual(fresh.body.sources, [{ id: 'y', state: 'unknown' }]);
  assert.equal(never.checks, 0, 'nothing asked of a vendor while draining');
});
