import { randomUUID } from 'node:crypto';
import type { Connector, SourceReader } from '../core/connector';
import type { RequestContext } from '../core/context';
import { SourceError } from '../core/errors';
import type { SourceHealthRecord } from '../core/model';
import type { Logger } from '../core/logger';
import type { SourceSet } from './sources';
import type { IdempotencyStore } from './idempotency';
import type { PayloadRecord } from './mutations';

/** A source failure to report as a top-level GraphQL error (added by the sourceErrors plugin). */
export interface ReportedFailure {
  sourceId: string;
  code: string;
  message: string;
  path: ReadonlyArray<string | number>;
}

/**
 * Per-request state: the deadline, one SourceReader (with its DataLoaders) per source touched,
 * and the source failures to report. Nothing here outlives the request.
 */
export class GatewayContext {
  readonly request: RequestContext;
  readonly failures: ReportedFailure[] = [];
  private readonly readers = new Map<string, SourceReader>();
  private readonly abort = new AbortController();

  constructor(
    readonly sources: SourceSet,
    readonly logger: Logger,
    requestTimeoutMs: number,
    /** Shared by all requests (created once at start). */
    readonly idempotency: IdempotencyStore<PayloadRecord>,
  ) {
    const deadlineAt = Date.now() + requestTimeoutMs;
    this.request = {
      requestId: randomUUID(),
      deadlineAt,
      signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(requestTimeoutMs)]),
    };
  }

  /** Cancels upstream work still running (client went away, or the response was sent). */
  dispose(): void {
    this.abort.abort();
  }

  connector(sourceId: string, field = 'source'): Connector {
    const c = this.sources.get(sourceId);
    if (!c) throw new SourceError('NOT_FOUND', sourceId, `${field}: no source with this id is configured.`, { field });
    return c;
  }

  reader(sourceId: string): SourceReader {
    let r = this.readers.get(sourceId);
    if (!r) {
      r = this.connector(sourceId).reader(this.request);
      this.readers.set(sourceId, r);
    }
    return r;
  }

  sourceHealth(sourceId: string): Promise<SourceHealthRecord> {
    return this.sources.checkHealth(this.connector(sourceId));
  }

  /** Records a source failure once per (source, code): the response gets one error for it. */
  reportFailure(err: SourceError, path: ReadonlyArray<string | number>): void {
    if (this.failures.some((f) => f.sourceId === err.sourceId && f.code === err.code)) return;
    this.failures.push({ sourceId: err.sourceId, code: err.code, message: err.message, path });
  }
}
