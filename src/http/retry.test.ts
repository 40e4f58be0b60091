import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runRead, type ReadRetryOptions } from './retry';

type Res = { status: number; retryAfter?: number };

function options(over: Partial<ReadRetryOptions> = {}): ReadRetryOptions & { retriedCount(): number } {
  let retried = 0;
  return {
    retries: 2,
    baseMs: 40,
    deadlineAt: Date.now() + 5_000,
    isRetryableError: (e) => e.message === 'reset',
    statusOf: (r) => (r as Res).status,
    retryAfterSecondsOf: (r) => (r as Res).retryAfter,
    onRetry: () => void retried++,
    signal: new AbortController().signal,
    random: () => 0.5, // no jitter: delays are exactly base·2^(n−1)
    ...over,
    retriedCount: () => retried,
  };
}

test('back-off doubles per attempt (40 ms, 80 ms without jitter)', async () => {
  const at: number[] = [];
  const o = options();
  const res = await runRead(async () => {
    at.push(Date.now());
    return { status: 503 } as Res;
  }, o);
  assert.equal((res as Res).status, 503);
  assert.equal(at.length, 3);
  assert.ok(at[1]! - at[0]! >= 38 && at[1]! - at[0]! < 75, `first gap ${at[1]! - at[0]!}`);
  assert.ok(at[2]! - at[1]! >= 78, `second gap ${at[2]! - at[1]!}`);
  assert.equal(o.retriedCount(), 2);
});

test('jitter keeps each delay within 50–150 % of the nominal one', async () => {
  for (const draw of [0, 0.999]) {
    const at: number[] = [];
    await runRead(async () => {
      at.push(Date.now());
      return { status: at.length === 1 ? 503 : 200 } as Res;
    }, options({ random: () => draw, baseMs: 100 }));
    const gap = at[1]! - at[0]!;
    assert.ok(gap >= 48 && gap < 160, `gap ${gap} for draw ${draw}`);
  }
});

test('errors: retried only when the predicate says so', async () => {
  let calls = 0;
  await assert.rejects(runRead(async () => {
    calls++;
    throw new Error('refused');
  }, options()), /refused/);
  assert.equal(calls, 1);
  calls = 0;
  const res = await runRead(async () => {
    if (++calls < 3) throw new Error('reset');
    return { status: 200 } as Res;
  }, options());
  assert.equal((res as Res).status, 200);
  assert.equal(calls, 3);
});

test('429: Retry-After is the delay when it fits the deadline; otherwise the 429 is returned at once', async () => {
  let calls = 0;
  const t0 = Date.now();
  await runRead(async () => ({ status: ++calls === 1 ? 429 : 200, retryAfter: 0.3 }) as Res, options());
  assert.equal(calls, 2);
  assert.ok(Date.now() - t0 >= 290);
  calls = 0;
  const t1 = Date.now();
  const res = await runRead(async () => (calls++, { status: 429, retryAfter: 120 }) as Res, options());
  assert.equal((res as Res).status, 429);
  assert.equal(calls, 1);
  assert.ok(Date.now() - t1 < 100);
});

test('a cancelled back-off answers at once and sends nothing more', async () => {
  const abort = new AbortController();
  let calls = 0;
  const p = runRead(async () => (calls++, { status: 503 }) as Res, options({ baseMs: 1_000, signal: abort.signal }));
  setTimeout(() => abort.abort(new Error('client went away')), 50);
  const t0 = Date.now();
  await assert.rejects(p, /client went away/);
  assert.ok(Date.now() - t0 < 500);
  await new Promise((r) => setTimeout(r, 1_200));
  assert.equal(calls, 1, 'the attempt after the back-off never ran');
});
