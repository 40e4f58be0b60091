import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SourceError } from '../core/errors';
import { Semaphore } from '../http/semaphore';
import { PerKeyLoader } from './per-key-loader';

describe('PerKeyLoader', () => {
  it('one call per distinct key, in parallel under the semaphore, results in key order', async () => {
    const sem = new Semaphore(2);
    let peak = 0;
    const calls: string[] = [];
    const loader = new PerKeyLoader<string, string>(
      async (k) => {
        calls.push(k);
        peak = Math.max(peak, sem.inUse);
        await new Promise((r) => setTimeout(r, 5));
        return k.toUpperCase();
      },
      { sourceId: 's', semaphore: sem, signal: new AbortController().signal },
    );
    const out = await Promise.all(['a', 'b', 'c', 'a', 'd'].map((k) => loader.load(k)));
    assert.deepEqual(out, ['A', 'B', 'C', 'A', 'D']);
    assert.deepEqual(calls.sort(), ['a', 'b', 'c', 'd']);
    assert.equal(peak, 2);
  });

  it('errors are per key, and a failed key is tried again on the next load', async () => {
    let attempts = 0;
    const loader = new PerKeyLoader<string, string>(
      async (k) => {
        if (k === 'bad' && attempts++ === 0) throw new Error('transient');
        return k;
      },
      { sourceId: 's', semaphore: new Semaphore(4), signal: new AbortController().signal },
    );
    const [good, bad] = await Promise.allSettled([loader.load('good'), loader.load('bad')]);
    assert.equal(good.status, 'fulfilled');
    assert.equal(bad.status, 'rejected');
    assert.equal(await loader.load('bad'), 'bad');
    const many = await loader.loadMany(['good', 'bad']);
    assert.deepEqual(many, ['good', 'bad']);
  });

  it('a cancelled request leaves the semaphore queue: its keys fail, the place is not taken', async () => {
    const sem = new Semaphore(1);
    let release!: () => void;
    const holding = sem.run(() => new Promise<void>((r) => (release = r)));
    const gone = new AbortController();
    let called = false;
    const loader = new PerKeyLoader<string, string>(async (k) => ((called = true), k), { sourceId: 'src', semaphore: sem, signal: gone.signal });
    const p = loader.load('x');
    await new Promise((r) => setImmediate(r));
    assert.equal(sem.queued, 1);
    gone.abort();
    // Reported as this source's SOURCE_TIMEOUT (nothing sent), whatever the wait rejected with.
    await assert.rejects(p, (e: unknown) => e instanceof SourceError && e.code === 'SOURCE_TIMEOUT' && e.sourceId === 'src' && e.details.requestSent === false);
    assert.equal(sem.queued, 0);
    release();
    await holding;
    assert.equal(called, false);
  });

  it('prime replaces a cached value', async () => {
    const loader = new PerKeyLoader<string, string>(async (k) => `fetched ${k}`, { sourceId: 's', semaphore: null, signal: new AbortController().signal });
    assert.equal(await loader.load('k'), 'fetched k');
    loader.prime('k', 'primed');
    assert.equal(await loader.load('k'), 'primed');
  });
});
