import { jsonCursor } from '../../kit';

/**
 * The reader's opaque position: the keyset pair of the next row to read, i.e. the iCure
 * `startKey` (raw login) and `startDocumentId` of the row after the last user returned. Both null
 * means "from the beginning". Serialised as our own JSON (docs/architecture.md §2: cursors are opaque).
 */
export interface KeysetPosition {
  startKey: string | null;
  startDocumentId: string | null;
}

export const START: KeysetPosition = Object.freeze({ startKey: null, startDocumentId: null });

const isPosition = (v: unknown): v is KeysetPosition => {
  const p = v as { startKey?: unknown; startDocumentId?: unknown };
  return (p.startKey === null || typeof p.startKey === 'string') && (p.startDocumentId === null || typeof p.startDocumentId === 'string');
};

/** The kit's JSON cursor over the keyset pair; the key order of `encode` is startKey, startDocumentId. */
export const keysetCursor = jsonCursor(isPosition);

export function encodeCursor(pos: KeysetPosition): string {
  return keysetCursor.encode({ startKey: pos.startKey, startDocumentId: pos.startDocumentId });
}

export function decodeCursor(sourceId: string, after: string | null): KeysetPosition {
  const pos = keysetCursor.decode(after, sourceId);
  return pos ? { startKey: pos.startKey, startDocumentId: pos.startDocumentId } : START;
}

/** iCure's `nextKeyPair.startKey` is a JSON value; for the user view it is the login string. */
export function keyAsString(startKey: unknown): string {
  return typeof startKey === 'string' ? startKey : JSON.stringify(startKey);
}
