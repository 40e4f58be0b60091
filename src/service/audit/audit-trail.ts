import type { Logger } from '../../core/logger';
import type { AuditEventRecord, AuditOutcome, AuditRepository, AuditStep } from '../../store/types';
import type { AuditStream } from './audit-stream';

/** The store could not take an audit row: the write is refused and nothing is sent (fail closed). */
export class AuditUnavailable extends Error {
  override readonly name = 'AuditUnavailable';
}

/**
 * The audit trail of account changes (docs/store-and-audit.md). Created once at start; the write pipeline
 * calls it from its single exit. `begin` writes the PENDING row before the first vendor call and
 * throws AuditUnavailable when the store cannot take it; `settle` completes that row, or writes
 * the whole event at once for an attempt refused before any call. The JSON-lines copy follows
 * each final row.
 */
export class AuditTrail {
  constructor(
    private readonly repo: AuditRepository,
    private readonly stream: AuditStream | null,
    private readonly logger: Logger,
  ) {}

  async begin(event: AuditEventRecord): Promise<void> {
    try {
      await this.repo.insert({ ...event, outcome: 'PENDING' });
    } catch (err) {
      this.logger.error('audit_unavailable', { requestId: event.requestId, action: event.action, error: (err as Error).name });
      throw new AuditUnavailable();
    }
  }

  /** The final state of an attempt: completes its PENDING row when `begun`, else inserts it whole. Never throws. */
  async settle(event: AuditEventRecord, begun: boolean): Promise<void> {
    try {
      if (begun) await this.repo.complete(event.id, { outcome: event.outcome as Exclude<AuditOutcome, 'PENDING'>, errorCode: event.errorCode, steps: event.steps, target: event.target });
      else await this.repo.insert(event);
    } catch (err) {
      // A PENDING row left behind becomes UNKNOWN at the next start; a lost refusal is logged here.
      this.logger.error('audit_write_failed', { requestId: event.requestId, action: event.action, outcome: event.outcome, error: (err as Error).name });
      return;
    }
    this.stream?.write(event);
  }

  /** `audit.reads`: one access event per request that returned users. Never throws. */
  async access(event: AuditEventRecord): Promise<void> {
    await this.settle(event, false);
  }
}

export type { AuditEventRecord, AuditStep };
