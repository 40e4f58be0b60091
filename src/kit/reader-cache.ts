import type { UserRecord } from '../core/model';
import type { UserChange } from '../core/writes';

/**
 * The writer → reader contract, reader side (docs/kit.md, "writer → reader"). A writer never
 * reaches into its reader's internals (no `instanceof` downcasts, no vendor vocabulary): it calls
 * `reader.written(nativeId, change)` with a UserChange, and each reader applies it to what it
 * caches. This helper applies it to the one cache every reader has, the per-request user cache;
 * vendor readers add their own upkeep (list pages, relation indexes) beside it.
 */
export interface UserCache {
  prime(nativeId: string, user: UserRecord | null): unknown;
  clear(nativeId: string): unknown;
}

export function applyToUserCache(users: UserCache, nativeId: string, change: UserChange): void {
  switch (change.kind) {
    case 'saved':
      users.prime(nativeId, change.user);
      return;
    case 'deleted':
      users.prime(nativeId, null);
      return;
    case 'unknown':
      users.clear(nativeId);
      return;
    case 'relations':
      // The user record itself did not change; relation caches are the reader's own business.
      return;
  }
}

/** Whether a change may have made cached user lists stale (every change but a relation change). */
export function changesUserRecord(change: UserChange): boolean {
  return change.kind !== 'relations';
}
