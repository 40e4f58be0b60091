import { StoreError } from './store-error';

/**
 * Bounds for what the store writes. The write pipeline already bounds and escapes audit values
 * (src/service/audit/sanitize.ts, 256 characters), but the store is the record and does not trust
 * its callers: every string is bounded here again, so a bug upstream cannot write a megabyte name
 * or a raw newline into the trail. Lengths are UTF-16 code units, as `String.length` counts.
 */
export const MAX_TEXT = 512; // ids, names, routes, user agents
export const MAX_CODE = 64; // action, error code, HTTP method, actor kind
export const MAX_CHANGED_FIELDS = 64; // names per event
export const MAX_STEPS = 64; // vendor calls per event
export const MAX_USER_IDS = 1_000; // ids per `audit.reads` access event: one page of users
export const MAX_KEY = 1_024; // an idempotency key, already prefixed with its caller

// C0 and C1 controls, DEL, and the Unicode line separators some log shippers split on (the same
// set as the pipeline's, so text it escaped passes through unchanged). PostgreSQL text cannot hold
// U+0000 at all, and jsonb refuses "\u0000", so escaping is also what lets such a value be stored.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
// A surrogate without its pair is not UTF-8-encodable: pg would silently turn it into U+FFFD and
// jsonb rejects its escape. We replace it ourselves so both backends store the same thing.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escaped (`\u000a`), made well-formed and cut to `max` units, ending in "…" when cut. */
export function boundText(value: unknown, max: number): string {
  const text = (typeof value === 'string' ? value : String(value))
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (text.length <= max) return text;
  let end = max - 1;
  // Never cut between the two halves of a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

export function boundTextOrNull(value: unknown, max: number): string | null {
  return value === null || value === undefined ? null : boundText(value, max);
}

/** At most `maxItems` strings, each bounded; anything that is not an array becomes []. */
export function boundList(values: unknown, maxItems: number, maxEach: number): string[] {
  return Array.isArray(values) ? values.slice(0, maxItems).map((v) => boundText(v, maxEach)) : [];
}

/** One of `allowed`, or an INVALID_RECORD error naming `field`: an enum is never silently rewritten in the record. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new StoreError('INVALID_RECORD', `${field} must be one of ${allowed.join(', ')}`);
}

export function validDate(value: unknown, field: string): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  throw new StoreError('INVALID_RECORD', `${field} must be a valid Date`);
}

/**
 * An exact-match key (idempotency key, fingerprint) is refused rather than escaped or cut:
 * escaping is not one-to-one and cutting makes two keys one, and either would replay the wrong
 * result.
 */
export function exactKey(value: unknown, max: number, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new StoreError('INVALID_RECORD', `${field} must be a string of 1 to ${max} characters`);
  if (value.search(CONTROL) !== -1 || value.search(LONE_SURROGATE) !== -1) throw new StoreError('INVALID_RECORD', `${field} must not contain control characters or unpaired surrogates`);
  return value;
}
