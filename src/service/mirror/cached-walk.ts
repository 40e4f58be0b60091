import { createHash } from 'node:crypto';
import { SourceError } from '../../core/errors';
import { matchesFilter } from '../../core/filter';
import type { UserFilter, UserRecord } from '../../core/model';
import type { SourceSnapshot } from './snapshot';

export type OrderField = 'NATIVE_ID' | 'DISPLAY_NAME' | 'LAST_NAME' | 'EMAIL' | 'CREATED_AT';
export interface UserOrder {
  field: OrderField;
  direction: 'ASC' | 'DESC';
}

export interface CachedWalkResult {
  edges: Array<{ cursor: string; node: UserRecord }>;
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

const key = (u: UserRecord, field: OrderField): string | number => {
  switch (field) {
    case 'DISPLAY_NAME':
      return u.displayName.toLocaleLowerCase('en');
    case 'LAST_NAME':
      return (u.lastName ?? '').toLocaleLowerCase('en');
    case 'EMAIL':
      return (u.email ?? '').toLocaleLowerCase('en');
    case 'CREATED_AT':
      return u.createdAt?.getTime() ?? -Infinity;
    default:
      return u.nativeId;
  }
};

/** Code-unit order for strings (locale-independent, total), numeric for numbers. */
function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function queryKey(filter: UserFilter, sources: readonly string[], order: UserOrder): string {
  return createHash('sha256').update(JSON.stringify(['cached', filter ?? null, sources, order])).digest('base64url').slice(0, 12);
}

/**
 * `users(consistency: CACHED)` over the mirror's snapshots (docs/mirror.md): every selected
 * source's users, filtered with the same predicate a live walk applies, ordered by `order` (ties by
 * configured source order, then native id: a total order, so pages never overlap), offset-paged.
 * `totalCount` is exact for the snapshot read. An offset over a copy that a refresh replaces can
 * shift by the users added or removed in between; a page never repeats a user within one snapshot.
 */
export function walkCached(snapshots: readonly SourceSnapshot[], args: { filter: UserFilter; first: number; after: string | null; order: UserOrder }): CachedWalkResult {
  const sources = snapshots.map((s) => s.sourceId);
  const q = queryKey(args.filter, sources, args.order);
  const offset = args.after ? decodeOffset(args.after, q) : 0;
  const rank = new Map(sources.map((s, i) => [s, i]));
  const all = snapshots.flatMap((s) => [...s.users.values()].filter((u) => matchesFilter(u, args.filter)));
  const dir = args.order.direction === 'DESC' ? -1 : 1;
  all.sort((a, b) => dir * compare(key(a, args.order.field), key(b, args.order.field)) || rank.get(a.sourceId)! - rank.get(b.sourceId)! || compare(a.nativeId, b.nativeId));
  const page = all.slice(offset, offset + args.first);
  const edges = page.map((node, i) => ({ node, cursor: encodeOffset(q, offset + i + 1) }));
  return { edges, hasNextPage: offset + page.length < all.length, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null, totalCount: all.length };
}

function encodeOffset(q: string, o: number): string {
  return Buffer.from(JSON.stringify({ v: 1, c: 1, q, o }), 'utf8').toString('base64url');
}

function decodeOffset(text: string, q: string): number {
  let parsed: Record<string, unknown> = {};
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) parsed = v as Record<string, unknown>;
  } catch {
    // invalid, answered below
  }
  if (parsed.v !== 1 || parsed.c !== 1 || !Number.isInteger(parsed.o) || (parsed.o as number) < 0) throw new SourceError('BAD_USER_INPUT', '', 'after is not a valid cursor.', { field: 'after' });
  if (parsed.q !== q) throw new SourceError('BAD_USER_INPUT', '', 'after belongs to a query with another filter, source list, order or consistency.', { field: 'after' });
  return parsed.o as number;
}
