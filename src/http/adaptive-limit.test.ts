import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as wait } from 'node:timers/promises';
import { AdaptiveLimit } from './adaptive-limit';
import { SourceError } from '../core/errors';

/** Runs `n` tasks at once through the limit, each taking `ms()`; returns the most that ran together. */
async function burst(limit: AdaptiveLimit, n: number, ms: () => number, fail: (i: number) => boolean = () => false): Promise<number> {
  let running = 0;
  let peak = 0;
  await Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      limit.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await wait(ms());
        running--;
        if (fail(i)) throw new SourceError('SOURCE_UNAVAILABLE', 'x');
      }),
    ),
  );
  return peak;
}

test('grows from the configured cap while latency stays flat, and never past the ceiling', async () => {
  const limit = new AdaptiveLimit({ initial: 8, min: 1, max: 32 });
  const peak = await burst(limit, 400, () => 10);
  assert.ok(limit.limit > 8, `grew to ${limit.limit}`);
  assert.ok(limit.limit <= 32);
  assert.ok(peak <= 32, `peak concurrency ${peak} ≤ ceiling 32`);
  assert.ok(peak > 8, `used the room it found (${peak})`);
});

test('the ceiling holds under any load', async () => {
  const limit = new AdaptiveLimit({ initial: 4, min: 1, max: 6 });
  // 20 ms calls: a 2 ms call took 5 ms on a busy CI core now and then, which read as "latency
  // rising" (over 2x the best) and backed the limit off below the ceiling this test is about.
  const peak = await burst(limit, 90, () => 20);
  assert.ok(peak <= 6, `peak ${peak}`);
  assert.equal(limit.limit, 6);
});

test('failures halve the limit, down to the floor', async () => {
  const limit = new AdaptiveLimit({ initial: 16, min: 2, max: 64 });
  await burst(limit, 40, () => 5, () => true);
  assert.equal(limit.limit, 2);
});

test('rising latency backs off', async () => {
  const limit = new AdaptiveLimit({ initial: 16, min: 1, max: 64 });
  await burst(limit, 50, () => 5); // baseline ~5 ms
  const before = limit.limit;
  await burst(limit, 30, () => 40); // the vendor is queueing
  assert.ok(limit.limit < before, `${limit.limit} < ${before}`);
});

test('a cancelled waiter leaves at once and takes no slot; a cancelled task does not shrink the limit', async () => {
  const limit = new AdaptiveLimit({ initial: 1, min: 1, max: 1 });
  let release!: () => void;
  const first = limit.run(() => new Promise<void>((r) => (release = r)));
  const abort = new AbortController();
  const waiting = limit.run(async () => assert.fail('must not run'), abort.signal);
  abort.abort(new Error('gone'));
  await assert.rejects(waiting, { code: 'SOURCE_TIMEOUT' });
  assert.equal(limit.queued, 0);
  release();
  await first;
  const big = new AdaptiveLimit({ initial: 8, min: 1, max: 8 });
  const c = new AbortController();
  const p = big.run(async () => {
    await wait(20);
    throw new Error('aborted');
  }, c.signal);
  c.abort();
  await assert.rejects(p);
  assert.equal(big.limit, 8);
});

test('calls in flight together cut the limit once: one pause does not take it to the floor', async () => {
  const limit = new AdaptiveLimit({ initial: 32, min: 1, max: 32 });
  await burst(limit, 64, () => 10); // baseline ~10 ms, limit at the ceiling
  assert.equal(limit.limit, 32);
  // 32 calls at once all come back slow (a vendor hiccup, or this process paused): one cut, 32 → 28.
  await burst(limit, 32, () => 60);
  assert.equal(limit.limit, Math.floor(32 * 0.9), `cut once, to ${limit.limit}`);
  // A later slow window is a new signal and cuts again.
  await burst(limit, 10, () => 60);
  assert.equal(limit.limit, Math.floor(Math.floor(32 * 0.9) * 0.9));
});
