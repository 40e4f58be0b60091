import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { createIdempotencyRepository } from './idempotency-repository';
import { openPostgres } from './sql-postgres';
import { silentLogger } from '../core/logger';
import { openTestStore, storeBackends, type TestStore } from './test-store';

// Keys are unique per test, so one store per backend serves the whole file.
for (const { backend, skip } of storeBackends()) {
  describe(`idempotency repository (${backend})`, { skip }, () => {
    let store: TestStore;
    before(async () => {
      store = await openTestStore(backend);
    });
    after(async () => {
      await store?.close();
    });
    const key = () => `caller-1:${randomUUID()}`;

    test('10 concurrent claims of one key: exactly one is claimed, the others see it in flight', async () => {
      const k = key();
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.idempotency.claim(k, `fp-${i}`, 60_000)));
      const claimed = results.filter((r) => r.state === 'claimed');
      assert.equal(claimed.length, 1);
      const winner = results.findIndex((r) => r.state === 'claimed');
      for (const r of results.filter((r) => r.state !== 'claimed')) assert.deepEqual(r, { state: 'in_flight', fingerprint: `fp-${winner}` });
    });

    test('complete stores the payload: later claims and get see done with it; complete twice is refused', async () => {
      const k = key();
      assert.deepEqual(await store.idempotency.claim(k, 'fp', 60_000), { state: 'claimed' });
      assert.deepEqual(await store.idempotency.get(k), { state: 'in_flight', fingerprint: 'fp' });
      const payload = { user: { id: 'VXNlcjox', active: false, note: 'nul \u0000 and "quotes"', nested: [1, null, 'x'] }, zeta: 1, alpha: 2 };
      await store.idempotency.complete(k, payload);
      const done = await store.idempotency.claim(k, 'fp-other', 60_000);
      assert.deepEqual(done, { state: 'done', fingerprint: 'fp', payload });
      // json (not jsonb) keeps the key order as written.
      assert.deepEqual(Object.keys((done as { payload: object }).payload), ['user', 'zeta', 'alpha']);
      assert.deepEqual(await store.idempotency.get(k), done);
      await assert.rejects(store.idempotency.complete(k, { again: true }), { name: 'StoreError', code: 'IDEMPOTENCY_NOT_CLAIMED' });
      await assert.rejects(store.idempotency.complete(key(), {}), { code: 'IDEMPOTENCY_NOT_CLAIMED' });
      // release does not drop a result that was kept.
      await store.idempotency.release(k);
      assert.equal((await store.idempotency.get(k))?.state, 'done');
      // A payload-less result is stored as null.
      const k2 = key();
      await store.idempotency.claim(k2, 'fp', 60_000);
      await store.idempotency.complete(k2, undefined);
      assert.deepEqual(await store.idempotency.get(k2), { state: 'done', fingerprint: 'fp', payload: null });
    });

    test('release frees the key: get is null and the next claim wins', async () => {
      const k = key();
      await store.idempotency.claim(k, 'fp-1', 60_000);
      await store.idempotency.release(k);
      assert.equal(await store.idempotency.get(k), null);
      assert.deepEqual(await store.idempotency.claim(k, 'fp-2', 60_000), { state: 'claimed' });
      assert.deepEqual(await store.idempotency.get(k), { state: 'in_flight', fingerprint: 'fp-2' });
      assert.equal(await store.idempotency.get(key()), null, 'never claimed');
    });

    test('expiry: an expired claim or result is gone for get and replaced by the next claim', async () => {
      const inFlight = key();
      const done = key();
      await store.idempotency.claim(inFlight, 'fp-old', 40);
      await store.idempotency.claim(done, 'fp-old', 40);
      await store.idempotency.complete(done, { old: true });
      await sleep(120);
      assert.equal(await store.idempotency.get(inFlight), null);
      assert.equal(await store.idempotency.get(done), null);
      assert.deepEqual(await store.idempotency.claim(inFlight, 'fp-new', 60_000), { state: 'claimed' });
      assert.deepEqual(await store.idempotency.claim(done, 'fp-new', 60_000), { state: 'claimed' });
      assert.deepEqual(await store.idempotency.get(done), { state: 'in_flight', fingerprint: 'fp-new' }, 'the old payload went with the old claim');
      // Two concurrent claimants of an expired key: still exactly one wins.
      const k = key();
      await store.idempotency.claim(k, 'fp-old', 40);
      await sleep(120);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.idempotency.claim(k, `fp-${i}`, 60_000)));
      assert.equal(results.filter((r) => r.state === 'claimed').length, 1);
    });

    test('purgeExpired deletes only expired keys', async () => {
      const repo = createIdempotencyRepository(store.sql);
      const live = key();
      const dead = key();
      await repo.claim(live, 'fp', 60_000);
      await repo.claim(dead, 'fp', 40);
      await sleep(120);
      assert.ok((await repo.purgeExpired()) >= 1);
      const left = await store.sql.query<{ key: string }>('SELECT key FROM idempotency_keys WHERE key = $1 OR key = $2', [live, dead]);
      assert.deepEqual(left.map((r) => r.key), [live]);
    });

    test('keys and fingerprints are refused, never cut or escaped, when over-long or not plain text; ttl must be positive', async () => {
      for (const bad of ['', 'a\nb', 'nul\u0000', '\ud800', 'x'.repeat(1_025)]) {
        await assert.rejects(store.idempotency.claim(bad, 'fp', 1_000), { code: 'INVALID_RECORD' });
        await assert.rejects(store.idempotency.get(bad), { code: 'INVALID_RECORD' });
      }
      await assert.rejects(store.idempotency.claim(key(), 'fp\r', 1_000), { code: 'INVALID_RECORD' });
      for (const ttl of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) await assert.rejects(store.idempotency.claim(key(), 'fp', ttl), { code: 'INVALID_RECORD' });
      const unicode = `caller:${'é'.repeat(1_000)}😀`;
      assert.deepEqual(await store.idempotency.claim(unicode, 'fp', 1_000), { state: 'claimed' });
      assert.deepEqual(await store.idempotency.get(unicode), { state: 'in_flight', fingerprint: 'fp' });
    });

    if (backend === 'postgres') {
      test('two pools (two instances) on one PostgreSQL: exactly one of 10 claims wins', async () => {
        const [{ schema }] = await store.sql.query<{ schema: string }>('SELECT current_schema() AS schema');
        const peerSql = openPostgres({ url: process.env.STAFFGRAPH_TEST_PG_URL as string, logger: silentLogger, schema });
        try {
          const repos = [store.idempotency, createIdempotencyRepository(peerSql)];
          const k = key();
          const results = await Promise.all(Array.from({ length: 10 }, (_, i) => repos[i % 2].claim(k, `fp-${i}`, 60_000)));
          assert.equal(results.filter((r) => r.state === 'claimed').length, 1);
          // The peer sees what the first instance completes.
          const winner = results.findIndex((r) => r.state === 'claimed');
          await repos[winner % 2].complete(k, { ok: true });
          assert.deepEqual(await repos[(winner + 1) % 2].get(k), { state: 'done', fingerprint: `fp-${winner}`, payload: { ok: true } });
        } finally {
          await peerSql.close();
        }
      });
    }
  });
}
