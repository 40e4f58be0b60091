import { createHash } from 'node:crypto';
import { SourceError } from '../core/errors';

/**
 * The `users` cursor: which source, the vendor position a listUsers call started from (`a`, opaque
 * to the core) and how many users of that call were already consumed (`k`). A cursor is bound to
 * the query that made it (filter and sources), so it cannot silently continue a different query.
 */
export interface UsersCursor {
  s: string;
  a: string | null;
  k: number;
}

export function queryKey(filter: unknown, sources: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify([filter ?? null, sources])).digest('base64url').slice(0, 12);
}

export function encodeCursor(q: string, c: UsersCursor): string {
  // Fields listed, not spread: a spread into a literal with fields around it is V8's slow path.
  return Buffer.from(JSON.stringify({ v: 1, q, s: c.s, a: c.a, k: c.k }), 'utf8').toString('base64url');
}

export function decodeCursor(text: string, q: string): UsersCursor {
  let parsed: { v?: unknown; q?: unknown; s?: unknown; a?: unknown; k?: unknown } = {};
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    // Any JSON decodes: `null`, a number or an array is as invalid as garbage (it used to reach
    // `parsed.v` on null and answer INTERNAL_SERVER_ERROR).
    if (value && typeof value === 'object' && !Array.isArray(value)) parsed = value;
  } catch {
    // not base64url JSON: invalid, answered below
  }
  const valid = parsed.v === 1 && typeof parsed.s === 'string' && (parsed.a === null || typeof parsed.a === 'string') && Number.isInteger(parsed.k) && (parsed.k as number) >= 0;
  if (!valid) throw new SourceError('BAD_USER_INPUT', '', 'after is not a valid cursor.', { field: 'after' });
  if (parsed.q !== q) throw new SourceError('BAD_USER_INPUT', '', 'after belongs to a query with another filter or source list.', { field: 'after' });
  return { s: parsed.s as string, a: parsed.a as string | null, k: parsed.k as number };
}
