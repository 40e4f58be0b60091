import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SourceError } from '../core/errors';
import { CredentialCache, renewAfter, type Issued } from './credentials';

/** A fake token endpoint held until `open()`, and a hand-moved clock (ms). */
function setup(lifetimeMs: number | null = 100_000) {
  let now = 0;
  let issued = 0;
  const previous: Array<Issued<string> | null> = [];
  let release: (() => void) | null = null;
  const cache = new CredentialCache<string>(
    's',
    async (prev) => {
      previous.push(prev);
      const n = ++issued;
      const at = now;
      if (release === null) await new Promise<void>((r) => (release = r));
      return { value: `t${n}`, renewAt: lifetimeMs === null ? null : renewAfter(at, lifetimeMs) };
    },
    () => now,
  );
  return {
    cache,
    previous,
    issued: () => issued,
    advance: (ms: number) => (now += ms),
    open: () => {
      const r = release;
      release = () => undefined;
      r?.();
    },
  };
}

describe('CredentialCache', () => {
  it('concurrent callers share one in-flight issue call', async () => {
    const t = setup();
    const all = Promise.all([t.cache.get(), t.cache.get(), t.cache.get()]);
    t.open();
    assert.deepEqual(await all, ['t1', 't1', 't1']);
    assert.equal(t.issued(), 1);
  });

  it('reuses the credential until renewAt (90% of its lifetime, measured from the request), then renews from it', async () => {
    const t = setup(100_000);
    t.open();
    assert.equal(await t.cache.get(), 't1');
    t.advance(89_999);
    assert.equal(await t.cache.get(), 't1');
    t.advance(1);
    assert.equal(await t.cache.get(), 't2');
    assert.equal(t.issued(), 2);
    assert.deepEqual(t.previous.map((p) => p?.value ?? null), [null, 't1']);
  });

  it('renewAt null: used until invalidated', async () => {
    const t = setup(null);
    t.open();
    assert.equal(await t.cache.get(), 't1');
    t.advance(10 ** 12);
    assert.equal(await t.cache.get(), 't1');
  });

  it('invalidate drops only the stale credential, so parallel 401s renew once; after it the issuer gets no previous', async () => {
    const t = setup();
    t.open();
    assert.equal(await t.cache.get(), 't1');
    t.cache.invalidate('t1');
    const renewed = t.cache.get();
    t.cache.invalidate('t1'); // a second call refused with the same old token
    assert.equal(await renewed, 't2');
    t.cache.invalidate('t1');
    assert.equal(await t.cache.get(), 't2');
    assert.equal(t.issued(), 2);
    assert.deepEqual(t.previous, [null, null]);
  });

  it('a failed issue call is not cached', async () => {
    let calls = 0;
    const cache = new CredentialCache<string>('s', async () => {
      calls++;
      if (calls === 1) throw new SourceError('SOURCE_AUTH_FAILED', 's');
      return { value: 'ok', renewAt: null };
    });
    await assert.rejects(cache.get(), (e: unknown) => e instanceof SourceError && e.code === 'SOURCE_AUTH_FAILED');
    assert.equal(await cache.get(), 'ok');
    assert.equal(calls, 2);
  });

  it('a caller whose request is cancelled stops waiting (SOURCE_TIMEOUT, not sent); the issue call goes on for the others', async () => {
    const t = setup();
    const gone = new AbortController();
    const leaving = t.cache.get(gone.signal);
    const staying = t.cache.get();
    gone.abort();
    await assert.rejects(leaving, (e: unknown) => e instanceof SourceError && e.code === 'SOURCE_TIMEOUT' && e.details.requestSent === false);
    t.open();
    assert.equal(await staying, 't1');
    assert.equal(t.issued(), 1);
  });

  it('the first caller’s hint reaches the issuer', async () => {
    const hints: Array<string | undefined> = [];
    const cache = new CredentialCache<string, string>('s', async (_p, hint) => (hints.push(hint), { value: 'v', renewAt: null }));
    await Promise.all([cache.get(undefined, 'rec-1'), cache.get(undefined, 'rec-2')]);
    assert.deepEqual(hints, ['rec-1']);
  });
});
