import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as wait } from 'node:timers/promises';
import { AttemptSignals } from './attempt-signals';

test('attempts that time out together share one signal; it fires no sooner than asked, at most 1 % later', async () => {
  const parent = new AbortController();
  // 1 ms past a 10 ms boundary, so that `now` and `now + 1` fall in one window (1 s timeouts have 10 ms windows).
  const now = Math.floor(Date.now() / 10) * 10 + 1;
  const attempts = new AttemptSignals(parent.signal, now + 60_000);
  const a = attempts.signalFor(1_000, now);
  const b = attempts.signalFor(1_000, now + 1);
  assert.equal(a, b, 'one window for attempts started 1 ms apart');
  assert.equal(attempts.size, 1);
  const c = attempts.signalFor(1_000, now + 40);
  assert.notEqual(c, a, 'a later attempt gets a later window (windows are 10 ms for a 1 s timeout)');
  const started = Date.now();
  await new Promise((resolve) => a.addEventListener('abort', resolve, { once: true }));
  const waited = Date.now() - started + (started - now);
  assert.ok(waited >= 1_000 && waited <= 1_000 + 10 + 60, `fired after ${waited} ms`);
  assert.equal((a.reason as DOMException).name, 'TimeoutError');
  assert.equal(attempts.size, 1, 'the fired window is dropped, the later one stays');
  attempts.dispose();
  assert.equal(attempts.size, 0);
});

test('the request signal itself when the deadline comes first; parent aborts reach every window', () => {
  const parent = new AbortController();
  const now = Date.now();
  const attempts = new AttemptSignals(parent.signal, now + 500);
  assert.equal(attempts.signalFor(1_000, now), parent.signal, 'deadline before the call timeout');
  const s = attempts.signalFor(100, now);
  assert.notEqual(s, parent.signal);
  parent.abort(new Error('client gone'));
  assert.equal(s.aborted, true);
  assert.equal((s.reason as Error).message, 'client gone');
  assert.equal(attempts.signalFor(100), parent.signal, 'an aborted parent is answered as is');
  attempts.dispose();
});

test('dispose cancels what still runs under a window, clears its timer and opens nothing new', async () => {
  const parent = new AbortController();
  const attempts = new AttemptSignals(parent.signal, Date.now() + 60_000);
  const s = attempts.signalFor(30);
  let fired = 0;
  s.addEventListener('abort', () => fired++);
  attempts.dispose();
  assert.equal(s.aborted, true, 'an attempt still under the window is cancelled with the request');
  assert.equal((s.reason as DOMException).name, 'AbortError');
  await wait(80);
  assert.equal(fired, 1, 'the timer did not fire afterwards');
  assert.equal(attempts.signalFor(30), parent.signal, 'after dispose nothing new is opened');
});
