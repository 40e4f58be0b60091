import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as wait } from 'node:timers/promises';
import { timeoutSignal } from './timeout-signal';

test('aborts with a TimeoutError after ms, even across a garbage collection', async () => {
  const { signal } = timeoutSignal(80);
  // The regression: AbortSignal.any([AbortSignal.timeout(ms), …]) never fired after a GC on Node 20.
  (globalThis as { gc?: () => void }).gc?.();
  await wait(150);
  assert.equal(signal.aborted, true);
  assert.equal((signal.reason as DOMException).name, 'TimeoutError');
});

test('follows a parent with its reason; dispose stops the timer and detaches', async () => {
  const parent = new AbortController();
  const a = timeoutSignal(10_000, parent.signal);
  parent.abort(new Error('client gone'));
  assert.equal(a.signal.aborted, true);
  assert.equal((a.signal.reason as Error).message, 'client gone');
  const b = timeoutSignal(30, new AbortController().signal);
  b.dispose();
  await wait(60);
  assert.equal(b.signal.aborted, false);
  const c = timeoutSignal(10_000, AbortSignal.abort(new Error('already')));
  assert.equal((c.signal.reason as Error).message, 'already');
});
