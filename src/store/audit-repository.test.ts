import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createAuditRepository } from './audit-repository';
import { MAX_CHANGED_FIELDS, MAX_CODE, MAX_TEXT } from './bounds';
import { auditEvent, auditEvents } from './test-events';
import { openTestStore, storeBackends, type TestStore } from './test-store';
import type { AuditEventRecord, AuditFilter } from './types';

// One body, both backends (docs/store-and-audit.md: one dialect). One store per backend, emptied before each test.
for (const { backend, skip } of storeBackends()) {
  describe(`audit repository (${backend})`, { skip }, () => {
    let store: TestStore;
    before(async () => {
      store = await openTestStore(backend);
    });
    after(async () => {
      await store?.close();
    });
    beforeEach(async () => {
      await store.reset();
    });

    const listAll = async (filter: AuditFilter = {}): Promise<AuditEventRecord[]> => (await store.audit.list(filter, 1_000, null)).events;

    test('insert then list returns the record as given; complete settles a PENDING row once', async () => {
      const e = auditEvent({ replayed: true, userIds: ['VXNlcjpp'], changedFields: ['active', 'roles'] });
      await store.audit.insert(e);
      assert.deepEqual(await listAll(), [e]);

      const steps = [{ method: 'PUT', route: '/users/{id}', status: 200 }, { method: 'GET', route: '/users/{id}', status: null }];
      await store.audit.complete(e.id, { outcome: 'SUCCESS', errorCode: null, steps, target: { id: 'VXNlcjppY3VyZToy', nativeId: 'u-2' } });
      assert.deepEqual(await listAll(), [{ ...e, outcome: 'SUCCESS', steps, target: { id: 'VXNlcjppY3VyZToy', nativeId: 'u-2' } }]);

      await assert.rejects(store.audit.complete(e.id, { outcome: 'FAILURE', errorCode: 'X', steps: [] }), { name: 'StoreError', code: 'AUDIT_EVENT_NOT_PENDING' });
      await assert.rejects(store.audit.complete('no-such-id', { outcome: 'FAILURE', errorCode: null, steps: [] }), { code: 'AUDIT_EVENT_NOT_PENDING' });
      // The refused second completion changed nothing.
      assert.equal((await listAll())[0].outcome, 'SUCCESS');
    });

    test('complete without a target keeps the inserted one', async () => {
      const e = auditEvent();
      await store.audit.insert(e);
      await store.audit.complete(e.id, { outcome: 'FAILURE', errorCode: 'SOURCE_UNAVAILABLE', steps: [] });
      const [got] = await listAll();
      assert.deepEqual([got.outcome, got.errorCode, got.target], ['FAILURE', 'SOURCE_UNAVAILABLE', e.target]);
    });

    test('a duplicate id, an unknown outcome or actor kind, or an invalid date is refused and nothing is written', async () => {
      const e = auditEvent();
      await store.audit.insert(e);
      await assert.rejects(store.audit.insert({ ...e, requestId: 'other' }));
      await assert.rejects(store.audit.insert(auditEvent({ outcome: 'MAYBE' as never })), { code: 'INVALID_RECORD' });
      await assert.rejects(store.audit.insert(auditEvent({ actor: { kind: 'ROOT' as never, id: 'x', name: 'x' } })), { code: 'INVALID_RECORD' });
      await assert.rejects(store.audit.insert(auditEvent({ at: new Date('nope') })), { code: 'INVALID_RECORD' });
      await assert.rejects(store.audit.complete(e.id, { outcome: 'PENDING' as never, errorCode: null, steps: [] }), { code: 'INVALID_RECORD' });
      assert.deepEqual(await listAll(), [e]);
    });

    test('every filter, alone and together; from is inclusive, to exclusive', async () => {
      const t0 = new Date('2031-05-01T10:00:00.000Z');
      const at = (s: number) => new Date(t0.getTime() + s * 1_000);
      const a = auditEvent({ at: at(0), actor: { kind: 'JWT', id: 'alice', name: 'Alice' }, sourceId: 'icure', target: { id: 'G1', nativeId: 'n1' }, action: 'setUserActive', outcome: 'SUCCESS' });
      const b = auditEvent({ at: at(1), actor: { kind: 'JWT', id: 'bob', name: 'Bob' }, sourceId: 'presentationservices', target: { id: 'G2', nativeId: 'G1' }, action: 'updateUser', outcome: 'FAILURE' });
      const c = auditEvent({ at: at(2), actor: { kind: 'API_KEY', id: 'alice', name: 'Alice key' }, sourceId: null, target: { id: null, nativeId: null }, action: 'setUserActive', outcome: 'DENIED' });
      const d = auditEvent({ at: at(3), actor: { kind: 'NONE', id: '', name: '' }, sourceId: 'icure', target: { id: 'G3', nativeId: 'n3' }, action: 'read', outcome: 'SUCCESS' });
      for (const e of [a, b, c, d]) await store.audit.insert(e);
      const ids = async (f: AuditFilter) => (await listAll(f)).map((e) => e.id);

      assert.deepEqual(await ids({}), [d.id, c.id, b.id, a.id], 'newest first');
      assert.deepEqual(await ids({ actor: 'alice' }), [c.id, a.id]);
      assert.deepEqual(await ids({ source: 'icure' }), [d.id, a.id]);
      // target matches the global id or the native id: G1 is a's id and b's native id.
      assert.deepEqual(await ids({ target: 'G1' }), [b.id, a.id]);
      assert.deepEqual(await ids({ target: 'n3' }), [d.id]);
      assert.deepEqual(await ids({ action: 'setUserActive' }), [c.id, a.id]);
      assert.deepEqual(await ids({ outcome: 'SUCCESS' }), [d.id, a.id]);
      assert.deepEqual(await ids({ outcome: 'PENDING' }), []);
      assert.deepEqual(await ids({ from: at(1) }), [d.id, c.id, b.id]);
      assert.deepEqual(await ids({ to: at(1) }), [a.id]);
      assert.deepEqual(await ids({ from: at(1), to: at(3) }), [c.id, b.id]);
      assert.deepEqual(await ids({ actor: 'alice', action: 'setUserActive', outcome: 'DENIED' }), [c.id]);
      assert.deepEqual(await ids({ actor: 'alice', source: 'presentationservices' }), []);
      // Nulls and undefined mean "no filter", as GraphQL passes them.
      assert.deepEqual(await ids({ actor: null, source: undefined, target: null, action: null, outcome: null, from: null, to: null }), [d.id, c.id, b.id, a.id]);
      await assert.rejects(store.audit.list({ outcome: 'NOPE' as never }, 10, null), { code: 'INVALID_RECORD' });
    });

    test('newest-first pages: nothing lost or repeated, ties on `at` broken by id, new rows never shift a page', async () => {
      const start = new Date('2032-01-01T00:00:00.000Z');
      // 23 events: 20 one second apart, and 3 more sharing the newest instant.
      const events = [...auditEvents(20, start), ...auditEvents(3, new Date(start.getTime() + 19_000))];
      for (const e of events) await store.audit.insert(e);
      const expected = [...events].sort((x, y) => y.at.getTime() - x.at.getTime() || (x.id < y.id ? 1 : -1)).map((e) => e.id);

      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      for (;;) {
        const page = await store.audit.list({}, 5, after);
        pages++;
        seen.push(...page.events.map((e) => e.id));
        if (pages === 2) await store.audit.insert(auditEvent({ at: new Date(start.getTime() + 60_000) })); // newer than everything: belongs before page 1
        if (!page.hasNextPage) {
          assert.ok(page.endCursor, 'a last page with events still has its cursor');
          break;
        }
        assert.ok(page.endCursor);
        after = page.endCursor;
      }
      assert.equal(pages, 5);
      assert.deepEqual(seen, expected);

      // A page of exactly the remainder says there is no next page; an empty result has no cursor.
      const lastPage = await store.audit.list({ to: new Date(start.getTime() + 2_000) }, 2, null);
      assert.deepEqual([lastPage.events.length, lastPage.hasNextPage], [2, false]);
      const none = await store.audit.list({ actor: 'nobody' }, 5, null);
      assert.deepEqual(none, { events: [], endCursor: null, hasNextPage: false });
      // Filters page too.
      const filtered = await store.audit.list({ from: new Date(start.getTime() + 10_000) }, 4, null);
      const rest = await store.audit.list({ from: new Date(start.getTime() + 10_000) }, 100, filtered.endCursor);
      assert.equal(filtered.events.length + rest.events.length, 14);
    });

    test('a malformed cursor is BAD_USER_INPUT on `after`; first is bounded', async () => {
      await assert.rejects(store.audit.list({}, 5, 'not-a-cursor'), { name: 'SourceError', code: 'BAD_USER_INPUT', details: { field: 'after' } });
      await assert.rejects(store.audit.list({}, 5, Buffer.from('["2030-01-01", 7]').toString('base64url')), { code: 'BAD_USER_INPUT' });
      await assert.rejects(store.audit.list({}, -1, null), { code: 'INVALID_RECORD' });
      await assert.rejects(store.audit.list({}, 1.5, null), { code: 'INVALID_RECORD' });
      for (const e of auditEvents(3, new Date('2030-01-01T00:00:00Z'))) await store.audit.insert(e);
      const zero = await store.audit.list({}, 0, null);
      assert.deepEqual([zero.events.length, zero.hasNextPage], [0, true]);
    });

    test('values are bounded and control characters stored escaped, on the way in from any caller', async () => {
      const long = 'x'.repeat(10_000);
      const nasty = 'evil\n{"level":"info"}\u0000\u001b[31m\u2028\u0085';
      const e = auditEvent({
        id: 'id-with\nnewline',
        requestId: long,
        actor: { kind: 'JWT', id: nasty, name: `${'é'.repeat(MAX_TEXT - 2)}😀😀` },
        action: long,
        sourceId: long,
        target: { id: long, nativeId: '\ud800lone' },
        changedFields: Array.from({ length: 200 }, (_, i) => `f${i}${'y'.repeat(100)}`),
        errorCode: long,
        steps: Array.from({ length: 100 }, () => ({ method: long, route: nasty, status: 70_000 })),
        client: { ip: long, userAgent: nasty },
        userIds: Array.from({ length: 2_000 }, (_, i) => `u${i}`),
      });
      await store.audit.insert(e);
      const [got] = await listAll();
      const escaped = 'evil\\u000a{"level":"info"}\\u0000\\u001b[31m\\u2028\\u0085';
      assert.equal(got.id, 'id-with\\u000anewline');
      assert.equal(got.actor.id, escaped);
      assert.equal(got.client.userAgent, escaped);
      assert.equal(got.requestId.length, MAX_TEXT);
      assert.ok(got.requestId.endsWith('…'));
      assert.equal(got.action.length, MAX_CODE);
      assert.equal(got.errorCode?.length, MAX_CODE);
      assert.equal(got.sourceId?.length, MAX_TEXT);
      assert.equal(got.client.ip?.length, MAX_CODE);
      // Cut before a surrogate pair, never through it; a lone surrogate becomes U+FFFD.
      assert.equal(got.actor.name, `${'é'.repeat(MAX_TEXT - 2)}…`);
      assert.equal(got.target.nativeId, '\ufffdlone');
      assert.equal(got.changedFields.length, MAX_CHANGED_FIELDS);
      assert.ok(got.changedFields.every((f) => f.length <= MAX_CODE));
      assert.equal(got.steps.length, 64);
      assert.deepEqual(got.steps[0], { method: `${'x'.repeat(MAX_CODE - 1)}…`, route: escaped, status: null });
      assert.equal(got.userIds.length, 1_000);
      // Nothing stored holds a raw control character, in a column or inside jsonb (->> unescapes).
      const [raw] = await store.sql.query<Record<string, string>>(`SELECT id, actor_id, client_user_agent, steps->0->>'route' AS route FROM audit_events`);
      for (const value of Object.values(raw)) assert.doesNotMatch(value, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
      // A filter value is escaped the same way, so it finds what was stored.
      assert.equal((await listAll({ actor: nasty })).length, 1);
      // complete bounds too.
      await store.audit.complete(got.id, { outcome: 'FAILURE', errorCode: `A\n${long}`, steps: [{ method: 'GET', route: nasty, status: 404 }] });
      const [done] = await listAll();
      assert.equal(done.errorCode, `A\\u000a${'x'.repeat(MAX_CODE - 8)}…`);
      assert.deepEqual(done.steps, [{ method: 'GET', route: escaped, status: 404 }]);
    });

    test('scan: oldest first, since inclusive, in batches, every row once', async () => {
      const start = new Date('2033-03-03T00:00:00.000Z');
      const events = auditEvents(7, start);
      for (const e of [...events].reverse()) await store.audit.insert(e);
      const small = createAuditRepository(store.sql, { scanBatch: 3 });
      const batches: string[][] = [];
      const n = await small.scan(null, async (b) => {
        batches.push(b.map((e) => e.id));
      });
      assert.equal(n, 7);
      assert.deepEqual(batches.map((b) => b.length), [3, 3, 1]);
      assert.deepEqual(batches.flat(), events.map((e) => e.id));

      const since: string[] = [];
      assert.equal(await small.scan(events[4].at, (b) => void since.push(...b.map((e) => e.id))), 3);
      assert.deepEqual(since, events.slice(4).map((e) => e.id));
      // A batch of exactly the batch size ends with one more (empty) read, not a lost row.
      assert.equal(await small.scan(events[1].at, () => undefined), 6);
      let calls = 0;
      assert.equal(await store.audit.scan(new Date('2099-01-01'), () => void calls++), 0);
      assert.equal(calls, 0, 'no batch callback for no rows');
    });

    test('recoverPending turns PENDING into UNKNOWN / OUTCOME_UNKNOWN and touches nothing else; count', async () => {
      assert.equal(await store.audit.count(), 0);
      const pending = auditEvents(3, new Date('2030-02-02T00:00:00Z'));
      const settled = auditEvent({ outcome: 'SUCCESS' });
      const denied = auditEvent({ outcome: 'DENIED', errorCode: 'FORBIDDEN' });
      for (const e of [...pending, settled, denied]) await store.audit.insert(e);
      assert.equal(await store.audit.count(), 5);
      assert.equal(await store.audit.recoverPending(), 3);
      assert.equal(await store.audit.recoverPending(), 0);
      const byId = new Map((await listAll()).map((e) => [e.id, e]));
      for (const e of pending) assert.deepEqual([byId.get(e.id)?.outcome, byId.get(e.id)?.errorCode], ['UNKNOWN', 'OUTCOME_UNKNOWN']);
      assert.deepEqual(byId.get(settled.id), settled);
      assert.deepEqual(byId.get(denied.id), denied);
      // A late completion (another instance's start-up guessed UNKNOWN) replaces the guess.
      await store.audit.complete(pending[0].id, { outcome: 'SUCCESS', errorCode: null, steps: [] });
      assert.equal((await listAll({ outcome: 'SUCCESS' })).length, 2);
      assert.equal(await store.audit.count(), 5);
    });
  });
}
