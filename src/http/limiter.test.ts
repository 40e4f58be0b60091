import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntervalLimiter } from './limiter';

test('starts are spaced at least minIntervalMs apart, in arrival order', async () => {
  const limiter = new IntervalLimiter(100);
  const starts: Array<{ i: number; at: number }> = [];
  await Promise.all([0, 1, 2].map((i) => limiter.run(async () => void starts.push({ i, at: Date.now() }))));
  assert.deepEqual(starts.map((s) => s.i), [0, 1, 2]);
  for (let k = 1; k < starts.length; k++) assert.ok(starts[k]!.at - starts[k - 1]!.at >= 95, `gap ${starts[k]!.at - starts[k - 1]!.at} ms`);
});

test('cancelled waiters give their slots back: the next caller starts one interval after the last real start', async () => {
  // The regression: a waiter reserved its slot before sleeping and kept it when cancelled, so 16
  // abandoned Open Dental queries pushed the next real one 16 intervals into the future.
  const limiter = new IntervalLimiter(200);
  const t0 = Date.now();
  await limiter.run(async () => undefined); // takes the slot at t0
  const abandoned = Array.from({ length: 16 }, () => new AbortController());
  const waits = abandoned.map((c) => limiter.run(async () => assert.fail('a cancelled waiter must not run'), c.signal));
  assert.equal(limiter.queued, 16);
  for (const c of abandoned) c.abort(new Error('client went away'));
  for (const w of waits) await assert.rejects(w, /client went away/);
  assert.equal(limiter.queued, 0);
  let startedAt = 0;
  await limiter.run(async () => void (startedAt = Date.now()));
  const waited = startedAt - t0;
  assert.ok(waited >= 190, `still spaced from the last real start (${waited} ms)`);
  assert.ok(waited < 1000, `not delayed by the 16 cancelled waiters (${waited} ms; 16 kept slots would be 3,400 ms)`);
});

test('a waiter cancelled in the middle of the queue does not disturb the order of the others', async () => {
  const limiter = new IntervalLimiter(50);
  await limiter.run(async () => undefined);
  const order: string[] = [];
  const middle = new AbortController();
  const a = limiter.run(async () => void order.push('a'));
  const b = limiter.run(async () => void order.push('b'), middle.signal);
  const c = limiter.run(async () => void order.push('c'));
  middle.abort(new Error('gone'));
  await Promise.all([a, assert.rejects(b, /gone/), c]);
  assert.deepEqual(order, ['a', 'c']);
});

test('0 turns spacing off; an aborted signal is refused at once', async () => {
  const limiter = new IntervalLimiter(0);
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 20 }, () => limiter.run(async () => undefined)));
  assert.ok(Date.now() - t0 < 200);
  await assert.rejects(new IntervalLimiter(1000).run(async () => 1, AbortSignal.abort(new Error('gone'))), /gone/);
  assert.throws(() => new IntervalLimiter(-1), RangeError);
});

test('background callers (a mirror refresh) wait while live callers are queued, and go first only when none is', async () => {
  const limiter = new IntervalLimiter(60);
  await limiter.run(async () => undefined);
  const order: string[] = [];
  const bg = [1, 2].map((i) => limiter.run(async () => void order.push(`bg${i}`), undefined, true));
  const live = [1, 2].map((i) => limiter.run(async () => void order.push(`live${i}`)));
  await Promise.all([...bg, ...live]);
  assert.deepEqual(order, ['live1', 'live2', 'bg1', 'bg2']);
});
