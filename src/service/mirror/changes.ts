import { SourceError } from '../../core/errors';
import type { StoredChange } from '../../store/mirror-repository';
import type { RequestScope } from '../request-scope';
import type { MirroredRecord } from './snapshot';

export interface ChangesPage {
  nodes: Array<StoredChange & { user: MirroredRecord | null }>;
  endCursor: string | null;
  hasMore: boolean;
}

/**
 * `userChanges(since, sources, first)`: the change feed after a cursor (docs/mirror.md), oldest
 * first, for the sources the caller may see. The cursor is the last row's sequence number, so a
 * client that stores `endCursor` and comes back resumes with nothing lost and nothing repeated.
 * `user` is the mirror's current copy (null after a delete, or when the source is not mirrored).
 */
export async function readChanges(scope: RequestScope, args: { since: string | null; sources: string[] | null; first: number }): Promise<ChangesPage> {
  const sources = args.sources ?? scope.visibleConnectors().map((c) => c.sourceId);
  sources.forEach((id) => scope.connector(id, 'sources'));
  const after = args.since ? decodeSince(args.since) : 0;
  const rows = await scope.store.mirror.changes(after, sources, args.first + 1);
  const page = rows.slice(0, args.first);
  const nodes = page.map((c) => ({ ...c, user: (scope.mirror?.fresh(c.sourceId, null)?.users.get(c.nativeId) ?? null) as MirroredRecord | null }));
  const last = page.at(-1);
  return { nodes, hasMore: rows.length > args.first, endCursor: last ? encodeSince(last.seq) : args.since };
}

function encodeSince(seq: number): string {
  return Buffer.from(JSON.stringify({ v: 1, seq }), 'utf8').toString('base64url');
}

function decodeSince(text: string): number {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as { v?: unknown; seq?: unknown } | null;
    if (v && typeof v === 'object' && v.v === 1 && Number.isSafeInteger(v.seq) && (v.seq as number) >= 0) return v.seq as number;
  } catch {
    // invalid, answered below
  }
  throw new SourceError('BAD_USER_INPUT', '', 'since is not a valid change-feed cursor (pass an endCursor from userChanges).', { field: 'since' });
}
