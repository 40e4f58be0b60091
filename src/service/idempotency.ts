import { createHash } from 'node:crypto';

/**
 * Remembers mutation results by caller-supplied idempotency key, so a service that retries after a
 * network failure gets the first result instead of a second vendor write. In memory, per gateway
 * instance (a shared Redis store can implement the same interface later).
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

interface Entry<T> {
  fingerprint: string;
  expiresAt: number;
  value: Promise<{ value: T; keep: boolean }>;
}

export class MemoryIdempotencyStore<T> implements IdempotencyStore<T> {
  private readonly entries = new Map<string, Entry<T>>();

  /**
   * @param ttlMs how long a result is kept. Defaults to 86_400_000 (24 hours).
   * @param maxEntries oldest entries are dropped past this. Defaults to 10_000.
   */
  constructor(
    private readonly ttlMs = 86_400_000,
    private readonly maxEntries = 10_000,
  ) {}

  async run(key: string, fingerprint: string, work: () => Promise<{ value: T; keep: boolean }>) {
    const now = Date.now();
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > now) {
      if (existing.fingerprint !== fingerprint) return { conflict: true as const };
      const prior = await existing.value;
      return { value: prior.value, replayed: true };
    }
    const value = work();
    this.entries.set(key, { fingerprint, expiresAt: now + this.ttlMs, value });
    this.evict();
    try {
      const result = await value;
      // A result that changed nothing for certain (e.g. the vendor was unreachable) is not kept,
      // so a retry with the same key really retries.
      if (!result.keep) this.entries.delete(key);
      return { value: result.value, replayed: false };
    } catch (err) {
      this.entries.delete(key);
      throw err;
    }
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
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
