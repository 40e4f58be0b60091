import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Connector, SourceReader } from '../core/connector';
import type { RequestContext } from '../core/context';
import { SourceError } from '../core/errors';
import type { SourceHealthRecord } from '../core/model';
import type { Logger } from '../core/logger';
import { hasScope, seesSource, type Caller, type Scope } from '../auth/caller';
import type { SourceSet } from './sources';
import type { IdempotencyStore } from './idempotency';
import type { PayloadRecord } from './payload';
import type { AuditTrail } from './audit/audit-trail';
import type { Store } from '../store/types';
import type { SizeHints } from './size-hints';
import type { Mirror } from './mirror/mirror';
import type { Coordination } from '../coordination/coordination';
import type { People } from './people/people';
import type { Jobs } from './people/jobs';
import { AttemptSignals } from '../http/attempt-signals';
import { REQUEST_ENDED } from '../http/cancel';
import { EarlyRelations } from './early-relations';

/** A source failure to report as a top-level GraphQL error (added by the gateway plugin). */
export interface ReportedFailure {
  sourceId: string;
  code: string;
  message: string;
  path: ReadonlyArray<string | number>;
  /** SOURCE_RATE_LIMITED: the vendor's Retry-After, so a client reading partial data can back off too. */
  retryAfterSeconds?: number;
}

/** What lives once per process and every request shares (created at start). */
export interface SharedServices {
  sources: SourceSet;
  logger: Logger;
  idempotency: IdempotencyStore<PayloadRecord>;
  /** Deadline for all upstream work of one request, ms. */
  requestTimeoutMs: number;
  audit: AuditTrail;
  /** The durable store (audit events, idempotency records), opened once at start. */
  store: Store;
  /** Source sizes seen by earlier walks, for parallel sources (absent: every walk is sequential). */
  sizeHints?: SizeHints;
  /** The sources' mirrors (absent: none configured, every read is live). */
  mirror?: Mirror;
  /** People linked over the mirrors, and their provisioning / off-boarding jobs (docs/people.md). */
  people?: People;
  jobs?: Jobs;
  /** What several instances share (Redis), or this process alone. */
  coordination?: Coordination;
}

/** Where the request came from, for the audit trail (the socket's address; no proxy header is trusted). */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/**
 * Per-request state: the caller, the deadline, one SourceReader (with its DataLoaders) per source
 * touched, and the source failures to report. Nothing here outlives the request.
 *
 * Access is decided here and nowhere else (docs/callers-and-limits.md): every way to a source goes through
 * `connector()` / `findConnector()` / `visibleConnectors()`, which treat a source outside the
 * caller's grant exactly like an unknown one, so no path can tell that it exists.
 */
export class RequestScope {
  readonly request: RequestContext;
  readonly failures: ReportedFailure[] = [];
  /** Global ids of the users this request returned, for `audit.reads` access events. */
  readonly returnedUsers = new Set<string>();
  /** First pages of later sources asked in parallel by the users walk: used, and sent but not needed. */
  readonly speculativePages = { used: 0, unused: 0 };
  /** Per-user relation calls the users walk started before graphql asked for them. */
  readonly earlyRelations = new EarlyRelations();
  private readonly readers = new Map<string, SourceReader>();
  private readonly abort = new AbortController();
  private readonly deadlineTimer: NodeJS.Timeout;
  /** The vendor attempts' timeout signals, shared by the attempts that time out together. */
  private readonly attempts: AttemptSignals;

  constructor(
    private readonly shared: SharedServices,
    readonly caller: Caller,
    readonly client: ClientInfo = { ip: null, userAgent: null },
    requestId: string = randomUUID(),
  ) {
    const deadlineAt = Date.now() + shared.requestTimeoutMs;
    // Every vendor attempt, limiter and semaphore wait of this request listens on this signal (and
    // lets go when done): dozens at once on a 200-call CorEMR page is normal, not a leak.
    setMaxListeners(0, this.abort.signal);
    this.deadlineTimer = setTimeout(() => this.abort.abort(new DOMException('The request deadline passed.', 'TimeoutError')), shared.requestTimeoutMs).unref();
    this.attempts = new AttemptSignals(this.abort.signal, deadlineAt);
    this.request = {
      requestId,
      deadlineAt,
      attempts: this.attempts,
      // Our own timer, not AbortSignal.any([…, AbortSignal.timeout()]): on Node 20 a garbage
      // collection can drop the timeout held only weakly by `any`, and the deadline never fires
      // (src/http/timeout-signal.ts). Cleared in dispose().
      signal: this.abort.signal,
      vendorCalls: new Map(),
    };
  }

  get mirror(): Mirror | undefined {
    return this.shared.mirror;
  }

  get people(): People | undefined {
    return this.shared.people;
  }

  get jobs(): Jobs | undefined {
    return this.shared.jobs;
  }

  get sizeHints(): SizeHints | undefined {
    return this.shared.sizeHints;
  }

  get logger(): Logger {
    return this.shared.logger;
  }

  get idempotency(): IdempotencyStore<PayloadRecord> {
    return this.shared.idempotency;
  }

  get audit(): AuditTrail {
    return this.shared.audit;
  }

  get store(): Store {
    return this.shared.store;
  }

  /** Cancels upstream work still running (client went away, or the response was sent). */
  dispose(): void {
    clearTimeout(this.deadlineTimer);
    this.abort.abort(REQUEST_ENDED); // the attempts' windows follow it
    this.attempts.dispose();
  }

  may(scope: Scope): boolean {
    return hasScope(this.caller, scope);
  }

  /** The sources this caller may see, in configured order. */
  visibleConnectors(): Connector[] {
    return this.shared.sources.connectors.filter((c) => seesSource(this.caller, c.sourceId));
  }

  /** The connector, or undefined when the source is unknown or outside the caller's grant. */
  findConnector(sourceId: string): Connector | undefined {
    return seesSource(this.caller, sourceId) ? this.shared.sources.get(sourceId) : undefined;
  }

  /** The connector; NOT_FOUND naming `field` when unknown or not granted (the same answer for both). */
  connector(sourceId: string, field = 'source'): Connector {
    const c = this.findConnector(sourceId);
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
    return this.shared.sources.checkHealth(this.connector(sourceId));
  }

  /** Records a source failure once per (source, code): the response gets one error for it. */
  reportFailure(err: SourceError, path: ReadonlyArray<string | number>): void {
    if (this.failures.some((f) => f.sourceId === err.sourceId && f.code === err.code)) return;
    this.failures.push({ sourceId: err.sourceId, code: err.code, message: err.message, path, ...(err.details.retryAfterSeconds != null ? { retryAfterSeconds: err.details.retryAfterSeconds } : {}) });
  }
}
