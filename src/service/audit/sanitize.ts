import { boundText, boundTextOrNull } from '../../store/bounds';

/**
 * Values that go into audit events come partly from callers (a username, a token's `name` claim)
 * and partly from vendors. Every string is bounded and its control characters escaped before it
 * reaches the store or the JSON-lines stream, so `"\n{\"level\":\"info\"}"` in a name stays one
 * harmless string (docs/store-and-audit.md) and a megabyte of claim cannot bloat the trail. The escaping is
 * the store's own (src/store/bounds.ts), so what the stream shows is what the store holds.
 */

/** Longest string kept in an audit field, in UTF-16 code units. */
export const MAX_AUDIT_STRING = 256;

export function auditString(value: string, max = MAX_AUDIT_STRING): string {
  return boundText(value, max);
}

export function auditStringOrNull(value: string | null | undefined, max = MAX_AUDIT_STRING): string | null {
  return boundTextOrNull(value, max);
}
