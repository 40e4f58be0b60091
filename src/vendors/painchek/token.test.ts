import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenCache } from './token';

/** A fake token endpoint and a hand-moved clock (ms). */
function setup(expiresInSeconds = 100) {
  let now = 0;
  let issued = 0;
  let release: (() => void) | null = null;
  const cache = new TokenCache(
    async () => {
      issued++;
      const n = issued;
      if (release === null) await new Promise<void>((r) => (release = r));
      return { token: `t${n}`, expiresInSeconds };
    },
    () => now,
  );
  return {
    cache,
    issued: () => issued,
    advance: (ms: number) => (now += ms),
    /** Lets token requests answer immediately from now on. */
    open: () => {
      const r = release;
      release = () => undefined;
      r?.();
    },
  };
}

describe('painchek token cache', () => {
  it('concurrent callers share one in-flight token request', async () => {
    const t = setup();
    const all = Promise.all([t.cache.get(), t.cache.get(), t.cache.get()]);
    t.open();
    assert.deepEqual(await all, ['t1', 't1', 't1']);
    assert.equal(t.issued(), 1);
  });

  it('reuses the token until 90% of expires_in has passed, then renews', async () => {
    const t = setup(100);
    t.open();
    assert.equal(await t.cache.get(), 't1');
    t.advance(89_999);
    assert.equal(await t.cache.get(), 't1');
    t.advance(1);
    assert.equal(await t.cache.get(), 't2');
    assert.equal(t.issued(), 2);
  });

  it('invalidate drops only the token that failed, so parallel 401s renew once', async () => {
    const t = setup();
    t.open();
    assert.equal(await t.cache.get(), 't1');
    t.cache.invalidate('t1');
    const renewed = t.cache.get();
    t.cache.invalidate('t1'); // a second call that failed with the same old token
    assert.equal(await renewed, 't2');
    assert.equal(await t.cache.get(), 't2');
    t.cache.invalidate('t1');
    assert.equal(await t.cache.get(), 't2');
    assert.equal(t.issued(), 2);
  });

  it('a failed token request is not cached', async () => {
    let calls = 0;
    const cache = new TokenCache(async () => {
      calls++;
      if (calls === 1) throw new Error('down');
      return { token: 'ok', expiresInSeconds: 10 };
    });
    await assert.rejects(cache.get());
    assert.equal(await cache.get(), 'ok');
    assert.equal(calls, 2);
  });
});
