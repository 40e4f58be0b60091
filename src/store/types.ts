/**
 * The durable store's contract (docs/store-and-audit.md): what the service layer may ask of it. One
 * repository per record kind; both backends (embedded PGlite, PostgreSQL through `pg`) implement
 * the same SQL. Nothing outside src/store/ writes SQL.
 */
import type { CallerKind } from '../auth/caller';
import type { MirrorRepository } from './mirror-repository';
import type { WebhookRepository } from './webhook-repository';
import type { PeopleRepository } from './people-repository';
import type { JobRepository } from './job-repository';

export type AuditOutcome = 'PENDING' | 'SUCCESS' | 'FAILURE' | 'DENIED' | 'UNKNOWN';

export interface AuditStep {
  method: string;
  /** Route template only, never a concrete URL. */
  route: string;
  status: number | null;
}

/** One account-changing attempt (or, with `audit.reads`, one read request: action "read"). */
export interface AuditEventRecord {
  /** UUID v4, chosen by the caller of the repository. */
  id: string;
  /** UTC. */
  at: Date;
  requestId: string;
  actor: { kind: CallerKind; id: string; name: string };
  /** The mutation name (setUserActive, …) or "read". */
  action: string;
  /** Null when the attempt was refused before its source was known, or the source is hidden from the caller. */
  sourceId: string | null;
  target: { id: string | null; nativeId: string | null };
  /** Field names, never values. */
  changedFields: string[];
  outcome: AuditOutcome;
  errorCode: string | null;
  steps: AuditStep[];
  client: { ip: string | null; userAgent: string | null };
  /** True when the result was an idempotent replay (no vendor call). */
  replayed: boolean;
  /** `audit.reads` access events: the global ids of the users the request returned; empty otherwise. */
  userIds: string[];
}

export interface AuditFilter {
  actor?: string | null;
  source?: string | null;
  /** A target's global id or native id. */
  target?: string | null;
  action?: string | null;
  outcome?: AuditOutcome | null;
  from?: Date | null;
  to?: Date | null;
}

export interface AuditPage {
  events: AuditEventRecord[];
  /** Opaque; pass as `after` for the next (older) page. Null when there is none. */
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface AuditRepository {
  /** Inserts the event as given (outcome PENDING before a vendor call, or final for a refusal). Throws when the store cannot take it. */
  insert(event: AuditEventRecord): Promise<void>;
  /** Completes a PENDING event. */
  complete(id: string, result: { outcome: Exclude<AuditOutcome, 'PENDING'>; errorCode: string | null; steps: AuditStep[]; target?: { id: string | null; nativeId: string | null } }): Promise<void>;
  /** Newest first (at DESC, id DESC), keyset-paged. */
  list(filter: AuditFilter, first: number, after: string | null): Promise<AuditPage>;
  /** Every event at or after `since` (all when null), oldest first, in batches; for export. */
  scan(since: Date | null, onBatch: (events: AuditEventRecord[]) => Promise<void> | void): Promise<number>;
  /** At start-up: PENDING rows left by a crash become UNKNOWN (errorCode OUTCOME_UNKNOWN). Returns how many. */
  recoverPending(): Promise<number>;
  count(): Promise<number>;
}

/** What an idempotency claim finds. */
export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'done'; fingerprint: string; payload: unknown }
  | { state: 'in_flight'; fingerprint: string };

export interface IdempotencyRepository {
  /**
   * Insert-once claim of `key` (already scoped to the caller) for `ttlMs`: exactly one concurrent
   * claimant gets `claimed`, across processes sharing the store; an expired record is replaced.
   */
  claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyClaim>;
  /** Stores the payload (JSON-serialisable) of a claimed key. */
  complete(key: string, payload: unknown): Promise<void>;
  /** Drops a claim whose result must not be kept (nothing happened), so a retry really retries. */
  release(key: string): Promise<void>;
  /** The current state, for a waiter polling an in-flight claim; null when gone (released or expired). */
  get(key: string): Promise<IdempotencyClaim | null>;
}

export interface Store {
  readonly backend: 'pglite' | 'postgres';
  readonly audit: AuditRepository;
  readonly idempotency: IdempotencyRepository;
  readonly mirror: MirrorRepository;
  readonly webhooks: WebhookRepository;
  readonly people: PeopleRepository;
  readonly jobs: JobRepository;
  close(): Promise<void>;
}

/** `store:` in the config (docs/store-and-audit.md, contract). */
export interface StoreConfig {
  /** Folder of the embedded PGlite database; null = in memory (tests). Ignored when `postgres` is set. */
  path: string | null;
  postgres: { url: string } | null;
}
