import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore } from './semaphore';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

test('at most `limit` tasks run at once; the rest start in FIFO order', async () => {
  const sem = new Semaphore(2);
  const gates = [deferred(), deferred(), deferred(), deferred()];
  const started: number[] = [];
  const runs = gates.map((g, i) => sem.run(async () => {
    started.push(i);
    await g.promise;
    return i;
  }));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1]);
  assert.equal(sem.queued, 2);
  gates[1]!.resolve();
  await runs[1];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2]);
  gates[0]!.resolve();
  gates[2]!.resolve();
  gates[3]!.resolve();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
  assert.equal(sem.inUse, 0);
});

test('a cancelled waiter leaves the queue at once, takes no slot, and the next waiter runs', async () => {
  const sem = new Semaphore(1, 'emr');
  const hold = deferred();
  const first = sem.run(() => hold.promise);
  const abandoned = new AbortController();
  let abandonedRan = false;
  const second = sem.run(async () => {
    abandonedRan = true;
  }, abandoned.signal);
  let thirdRan = false;
  const third = sem.run(async () => {
    thirdRan = true;
  });
  assert.equal(sem.queued, 2);
  abandoned.abort(new Error('client went away'));
  await assert.rejects(second, { name: 'SourceError', code: 'SOURCE_TIMEOUT', sourceId: 'emr' });
  assert.equal(sem.queued, 1, 'the cancelled waiter is gone from the queue');
  hold.resolve();
  await first;
  await third;
  assert.equal(abandonedRan, false);
  assert.equal(thirdRan, true);
  assert.equal(sem.inUse, 0);
});

test('an already-aborted signal is refused without waiting', async () => {
  const sem = new Semaphore(1);
  await assert.rejects(sem.run(async () => 1, AbortSignal.abort(new Error('gone'))), { code: 'SOURCE_TIMEOUT' });
  assert.equal(sem.inUse, 0);
});

test('a throwing task releases its slot', async () => {
  const sem = new Semaphore(1);
  await assert.rejects(sem.run(async () => {
    throw new Error('boom');
  }), /boom/);
  assert.equal(await sem.run(async () => 'next'), 'next');
});

test('the limit must be a positive integer', () => {
  assert.throws(() => new Semaphore(0), RangeError);
  assert.throws(() => new Semaphore(1.5), RangeError);
});
