import { SourceError } from '../../core/errors';

/**
 * The reader's opaque position: the keyset pair of the next row to read, i.e. the iCure
 * `startKey` (raw login) and `startDocumentId` of the row after the last user returned. Both null
 * means "from the beginning". Serialised as our own JSON (DESIGN.md §2: cursors are opaque).
 */
export interface KeysetPosition {
  startKey: string | null;
  startDocumentId: string | null;
}

export const START: KeysetPosition = Object.freeze({ startKey: null, startDocumentId: null });

export function encodeCursor(pos: KeysetPosition): string {
  return JSON.stringify({ startKey: pos.startKey, startDocumentId: pos.startDocumentId });
}

export function decodeCursor(sourceId: string, after: string | null): KeysetPosition {
  if (after === null) return START;
  try {
    const v = JSON.parse(after) as { startKey?: unknown; startDocumentId?: unknown };
    const okKey = v.startKey === null || typeof v.startKey === 'string';
    const okId = v.startDocumentId === null || typeof v.startDocumentId === 'string';
    if (typeof v === 'object' && v !== null && okKey && okId) return { startKey: v.startKey as string | null, startDocumentId: v.startDocumentId as string | null };
  } catch {
    // fall through
  }
  throw new SourceError('BAD_USER_INPUT', sourceId, 'The cursor is not valid for this source.', { field: 'after' });
}

/** iCure's `nextKeyPair.startKey` is a JSON value; for the user view it is the login string. */
export function keyAsString(startKey: unknown): string {
  return typeof startKey === 'string' ? startKey : JSON.stringify(startKey);
}
