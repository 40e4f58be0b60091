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
