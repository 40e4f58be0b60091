import { SourceError } from '../core/errors';
import { walkCached, type UserOrder } from './mirror/cached-walk';
import type { RequestScope } from './request-scope';
import { selectSources, walkUsers, type WalkArgs, type WalkResult } from './users-walk';

export interface ReadUsersArgs extends WalkArgs {
  consistency: 'LIVE' | 'CACHED';
  maxAgeSeconds: number | null;
  orderBy: UserOrder | null;
}

/**
 * `users`: live by default (the users walk); with `consistency: CACHED`, from the mirror when
 * every selected source has a copy at most `maxAgeSeconds` old — all or nothing, so one page never
 * mixes cursors of two kinds. Otherwise (a cold start, a stale copy, a source without a mirror)
 * the page is read live, and `totalCount` is null to say so (docs/mirror.md).
 */
export async function readUsers(scope: RequestScope, args: ReadUsersArgs): Promise<WalkResult & { totalCount: number | null }> {
  if (args.consistency === 'CACHED') {
    const selected = selectSources(scope, args.sources);
    const snapshots = selected.map((id) => scope.mirror?.fresh(id, args.maxAgeSeconds) ?? null);
    if (snapshots.every((s) => s !== null)) {
      const order = args.orderBy ?? { field: 'NATIVE_ID', direction: 'ASC' };
      return { ...walkCached(snapshots as NonNullable<(typeof snapshots)[number]>[], { filter: args.filter, first: args.first, after: args.after, order }), sourceErrors: [] };
    }
    if (args.orderBy) {
      const missing = selected.filter((_, i) => snapshots[i] === null);
      throw new SourceError('BAD_USER_INPUT', '', `orderBy needs a fresh mirror of every selected source; not ready: ${missing.join(', ')}.`, { field: 'orderBy' });
    }
  } else if (args.orderBy) {
    throw new SourceError('BAD_USER_INPUT', '', 'orderBy needs consistency: CACHED (vendors list users in their own order).', { field: 'orderBy' });
  }
  return { ...(await walkUsers(scope, args)), totalCount: null };
}
