import { SourceError } from '../core/errors';

/**
 * A reader's `next` position as its own JSON (docs/kit.md, "cursors"). The core wraps it in the
 * opaque, query-bound `users` cursor (src/service/cursor.ts), so a vendor cursor needs no base64
 * or signature of its own — only a strict decode: `after` arrives from a client, so anything that
 * is not exactly a position of this reader is BAD_USER_INPUT on `after` (never a crash, never a
 * vendor call with a made-up position). The message is one constant for every vendor.
 */
export interface JsonCursor<P> {
  encode(position: P): string;
  /** null for the start (`after: null`); throws BAD_USER_INPUT for anything not made by `encode`. */
  decode(after: string | null, sourceId: string): P | null;
}

export const BAD_CURSOR_MESSAGE = 'after is not a valid cursor for this source.';

export function jsonCursor<P>(isPosition: (value: unknown) => value is P): JsonCursor<P> {
  return {
    encode: (position) => JSON.stringify(position),
    decode(after, sourceId) {
      if (after === null) return null;
      let value: unknown;
      try {
        value = JSON.parse(after);
      } catch {
        value = undefined;
      }
      if (value !== null && typeof value === 'object' && isPosition(value)) return value;
      throw new SourceError('BAD_USER_INPUT', sourceId, BAD_CURSOR_MESSAGE, { field: 'after' });
    },
  };
}

/** The most common position: an offset into the vendor's list, `{"offset": n}` with n a safe integer ≥ 0. */
export const offsetCursor = jsonCursor((v: unknown): v is { offset: number } => {
  const offset = (v as { offset?: unknown }).offset;
  return typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0;
});
