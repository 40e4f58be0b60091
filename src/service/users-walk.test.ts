import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connector, SourceReader } from '../core/connector';
import { EMPTY_IDENTIFIERS, type UserPage, type UserRecord } from '../core/model';
import { silentLogger } from '../core/logger';
import { RequestScope, type SharedServices } from './request-scope';
import { anonymousCaller } from '../auth/caller';
import type { AuditTrail } from './audit/audit-trail';
import type { Store } from '../store/types';

/** The walk writes nothing, so it needs no audit trail. */
const NO_WRITES = {} as AuditTrail;
import { SourceSet } from './sources';
import { walkUsers, type WalkArgs } from './users-walk';
import { SizeHints } from './size-hints';

// Unit tier: the cross-source walk against stub readers that page in fixed chunks of 3.
const user = (sourceId: string, n: number): UserRecord => ({
  sourceId, nativeId: `${sourceId}-${n}`, username: null, displayName: `U${n}`, firstName: null, middleInitial: null, lastName: null,
  email: null, phone: null, title: null, status: 'ACTIVE', active: true, createdAt: null, updatedAt: null, lastLoginAt: null,
  identifiers: EMPTY_IDENTIFIERS, allFacilities: null, refs: {},
});

function stubSource(id: string, count: number, listUsers?: SourceReader['listUsers']): Connector {
  const all = Array.from({ length: count }, (_, i) => user(id, i));
  const pageOf3 = async ({ after, first }: { after: string | null; first: number }): Promise<UserPage> => {
    const start = after ? Number(after) : 0;
    const take = Math.min(first, 3);
    const users = all.slice(start, start + take);
    return { users, next: start + take < all.length ? String(start + take) : null };
  };
  const reader = { listUsers: listUsers ?? pageOf3 } as unknown as SourceReader;
  return { sourceId: id, vendor: 'stub', name: id, reader: () => reader } as unknown as Connector;
}

function ctx(...connectors: Connector[]) {
  return new RequestScope({ sources: new SourceSet(connectors), logger: silentLogger, requestTimeoutMs: 5000, idempotency: {} as SharedServices['idempotency'], audit: NO_WRITES, store: {} as Store }, anonymousCaller());
}
const args = (over: Partial<WalkArgs>): WalkArgs => ({ filter: {}, sources: null, first: 4, after: null, include: { userTypes: false, facilityAccess: false }, ...over });

test('pages across sources in order; endCursor and edge cursors resume exactly', async () => {
  const g = ctx(stubSource('a', 5), stubSource('b', 4));
  const ids: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 10; i++) {
    const page = await walkUsers(g, args({ first: 4, after }));
    ids.push(...page.edges.map((e) => e.node.nativeId));
    if (!page.hasNextPage) break;
    after = page.endCursor;
  }
  assert.deepEqual(ids, ['a-0', 'a-1', 'a-2', 'a-3', 'a-4', 'b-0', 'b-1', 'b-2', 'b-3']);
  const first = await walkUsers(g, args({ first: 4 }));
  const fromEdge = await walkUsers(g, args({ first: 2, after: first.edges[1]!.cursor }));
  assert.deepEqual(fromEdge.edges.map((e) => e.node.nativeId), ['a-2', 'a-3']);
});

test('a source exhausted exactly at `first` with none after it has no next page', async () => {
  const page = await walkUsers(ctx(stubSource('a', 3)), args({ first: 3 }));
  assert.equal(page.hasNextPage, false);
  assert.equal(page.edges.length, 3);
});

test('a reader that hands back its own position is a bad response, not an endless walk', async () => {
  const stuck = stubSource('a', 3, async ({ after }) => ({ users: [], next: after ?? 'x' }));
  const g = ctx(stuck, stubSource('b', 2));
  // First call moves from null to "x"; the second returns "x" again with no users.
  const page = await walkUsers(g, args({ first: 5 }));
  assert.deepEqual(page.sourceErrors, [{ source: 'a', code: 'SOURCE_BAD_RESPONSE', message: 'The source sent a response that could not be understood.' }]);
  assert.deepEqual(page.edges.map((e) => e.node.nativeId), ['b-0', 'b-1']);
  assert.equal(page.hasNextPage, false);
});

test('parallel sources: once sizes are known, later sources\' first pages are asked at once, only when needed, and pages resume exactly', async () => {
  const calls: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const slow = (id: string, count: number) => {
    const all = Array.from({ length: count }, (_, i) => user(id, i));
    return stubSource(id, count, async ({ after, first }) => {
      calls.push(`${id}@${after ?? 0}+${first}`);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 20));
      inFlight--;
      const start = after ? Number(after) : 0;
      return { users: all.slice(start, start + first), next: start + first < all.length ? String(start + first) : null };
    });
  };
  const sources = [slow('a', 2), slow('b', 2), slow('c', 5)];
  const hints = new SizeHints();
  const g = () => new RequestScope({ sources: new SourceSet(sources), logger: silentLogger, requestTimeoutMs: 5000, idempotency: {} as SharedServices['idempotency'], audit: NO_WRITES, store: {} as Store, sizeHints: hints }, anonymousCaller());

  // First walk: sizes unknown, so strictly one source after another.
  const cold = await walkUsers(g(), args({ first: 10 }));
  assert.equal(cold.edges.length, 9);
  assert.equal(peak, 1);
  assert.deepEqual([hints.get('a'), hints.get('b'), hints.get('c')], [2, 2, 5]);

  // Known sizes: a and b together hold 4 < 6, so b and c are asked with a.
  calls.length = 0;
  peak = 0;
  const scope = g();
  const warm = await walkUsers(scope, args({ first: 6 }));
  assert.equal(peak, 3, 'a, b and c in parallel');
  assert.deepEqual(warm.edges.map((e) => e.node.nativeId), ['a-0', 'a-1', 'b-0', 'b-1', 'c-0', 'c-1']);
  assert.deepEqual(scope.speculativePages, { used: 2, unused: 0 });
  // c's early page held more than needed: the next page starts right after c-1, nothing lost or repeated.
  const next = await walkUsers(g(), args({ first: 6, after: warm.endCursor }));
  assert.deepEqual(next.edges.map((e) => e.node.nativeId), ['c-2', 'c-3', 'c-4']);
  assert.equal(next.hasNextPage, false);

  // a alone fills a page of 2: nothing speculative is sent.
  calls.length = 0;
  await walkUsers(g(), args({ first: 2 }));
  assert.deepEqual(calls, ['a@0+2']);
});
