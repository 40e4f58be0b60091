import type { IdempotencyRepository } from '../store/types';
import type { Logger } from '../core/logger';
import type { IdempotencyStore } from './idempotency';
import type { PayloadRecord } from './payload';

/** Between two looks at a key another request holds, ms. */
const POLL_MS = 50;

/**
 * Idempotency records in the store (docs/store-and-audit.md): a key survives a restart, and with PostgreSQL
 * it holds across instances. The first request with a key wins an insert-once claim in the
 * database; a concurrent duplicate (in this process or another) waits for that row to be completed
 * instead of running the write again — no in-process promise decides it. A duplicate still waiting
 * at its own deadline gets a CONFLICT-style answer from the pipeline rather than a second write.
 */
export class DurableIdempotency implements IdempotencyStore<PayloadRecord> {
  /**
   * @param ttlMs how long a result is kept. Defaults to 86_400_000 (24 hours).
   */
  constructor(
    private readonly repo: IdempotencyRepository,
    private readonly logger: Logger,
    private readonly ttlMs = 86_400_000,
  ) {}

  async run(key: string, fingerprint: string, work: () => Promise<{ value: PayloadRecord; keep: boolean }>, deadlineAt = Date.now() + 20_000) {
    for (;;) {
      const claim = await this.repo.claim(key, fingerprint, this.ttlMs);
      if (claim.state === 'claimed') {
        let result: { value: PayloadRecord; keep: boolean };
        try {
          result = await work();
        } catch (err) {
          await this.repo.release(key);
          throw err;
        }
        // A result that certainly changed nothing is not kept, so a retry with the same key really retries.
        try {
          if (result.keep) await this.repo.complete(key, toStored(result.value));
          else await this.repo.release(key);
        } catch (err) {
          // The write has happened: its answer must reach the caller even if the record could not be
          // stored (a retry with this key may then run it again; the audit trail still has it).
          this.logger.error('idempotency_record_failed', { error: (err as Error).name });
        }
        return { value: result.value, replayed: false };
      }
      if (claim.fingerprint !== fingerprint) return { conflict: true as const };
      if (claim.state === 'done') return { value: fromStored(claim.payload), replayed: true };
      // In flight elsewhere: wait for it to finish (or be released, then claim again).
      const settled = await this.waitFor(key, deadlineAt);
      if (settled === 'timeout') return { inFlight: true as const };
      if (settled) return { value: fromStored(settled.payload), replayed: true };
      // Released (the first attempt changed nothing): claim it again.
    }
  }

  private async waitFor(key: string, deadlineAt: number): Promise<{ state: 'done'; payload: unknown } | null | 'timeout'> {
    while (Date.now() + POLL_MS < deadlineAt) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const now = await this.repo.get(key);
      if (now === null) return null;
      if (now.state === 'done') return now;
    }
    return 'timeout';
  }
}

/** Payloads are stored as JSON; the user's dates come back as Date objects. */
function toStored(p: PayloadRecord): unknown {
  return JSON.parse(JSON.stringify(p));
}

const DATE_FIELDS = ['createdAt', 'updatedAt', 'lastLoginAt'] as const;

function fromStored(raw: unknown): PayloadRecord {
  const p = raw as PayloadRecord;
  if (p.user) for (const f of DATE_FIELDS) if (typeof p.user[f] === 'string') (p.user as unknown as Record<string, unknown>)[f] = new Date(p.user[f] as unknown as string);
  return { ...p, replayed: true };
}
