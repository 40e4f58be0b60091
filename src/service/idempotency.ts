import { createHash } from 'node:crypto';

/**
 * Remembers mutation results by caller-supplied idempotency key, so a service that retries after a
 * network failure gets the first result instead of a second vendor write. Implemented on the store
 * by DurableIdempotency (src/service/durable-idempotency.ts).
 *  - same key + same input → the stored payload, no vendor call;
 *  - same key + different input → a CONFLICT user error;
 *  - a request still running with that key → its result, once it is there.
 */
export interface IdempotencyStore<T> {
  /**
   * @param deadlineAt epoch ms after which a duplicate stops waiting for the first request with the
   *   key and answers `{ inFlight: true }` instead.
   */
  run(
    key: string,
    fingerprint: string,
    work: () => Promise<{ value: T; keep: boolean }>,
    deadlineAt?: number,
  ): Promise<{ value: T; replayed: boolean } | { conflict: true } | { inFlight: true }>;
}

/** A stable digest of an operation and its input (object keys sorted; secrets never stored in clear). */
export function fingerprint(op: string, input: unknown): string {
  return createHash('sha256').update(op).update('\0').update(stableJson(input)).digest('base64url');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}
