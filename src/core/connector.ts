import type { RequestContext } from './context';
import type { Logger } from './logger';
import type { Coordination } from '../coordination/coordination';
import type { SourceWriter, UserChange } from './writes';
import type {
  FacilityAccessRecord,
  FacilityRecord,
  SourceHealthRecord,
  UserFilter,
  UserPage,
  UserRecord,
  UserTypeRecord,
} from './model';

/**
 * The connector contract: the only thing the core knows about a vendor. A vendor folder
 * (src/vendors/<vendor>/) implements it; src/vendors/registry.ts lists the folders.
 */

export const WRITE_OPERATIONS = [
  'createUser',
  'updateUser',
  'setUserActive',
  'deleteUser',
  'assignUserType',
  'removeUserType',
  'grantFacilityAccess',
  'updateFacilityAccess',
  'revokeFacilityAccess',
] as const;
export type WriteOperation = (typeof WRITE_OPERATIONS)[number];

export type WriteCapability =
  | { supported: true; /** The vendor verbs used, for the capability matrix, e.g. "PUT /userods/{UserNum}". */ verbs: string }
  | { supported: false; /** What to do instead, shown to the caller, e.g. "Deactivate the user with setUserActive(active: false)." */ alternative: string };

export interface Capabilities {
  /** The vendor has a catalog of user types (`userTypes(source:)` can answer). */
  userTypeCatalog: boolean;
  /** The vendor has a catalog of facilities (`facilities(source:)` can answer). */
  facilityCatalog: boolean;
  /** A user can hold several user types at once. */
  multipleUserTypes: boolean;
  /** A user can be granted several facilities at once. */
  multipleFacilities: boolean;
  /** UserFilter fields this vendor evaluates itself (others are applied in the gateway). */
  pushdownFilters: Array<keyof UserFilter>;
  writes: Record<WriteOperation, WriteCapability>;
  /**
   * The fields of a person (provisionPerson's unified input) this vendor stores when it creates a
   * user: a job sends a source only these, so one input fits every vendor (docs/people.md).
   */
  personFields: readonly PersonField[];
}

export const PERSON_FIELDS = ['firstName', 'middleInitial', 'lastName', 'email', 'phone', 'title', 'employeeNumber', 'npi'] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

/**
 * What a query can cost at this source, in vendor calls (docs/callers-and-limits.md: `maxCost` counts these),
 * declared by each connector from how its reader batches. Estimated before anything runs, so each
 * function is an upper bound for one request, not a measurement. `n` is a number of users.
 */
export interface ReadCosts {
  /** Calls to list up to `first` users (vendor pages). */
  listUsers(first: number): number;
  /** Calls to look up `n` distinct users by id in one request (Open Dental: one list scan for any n). */
  usersById(n: number): number;
  /** Calls to resolve `userTypes` of `n` users; `n = 0` is the part paid once per request (a catalog). */
  userTypesOf(n: number): number;
  /** The same for `facilityAccess`. */
  facilityAccessOf(n: number): number;
  /** One catalog read: `userTypes(source:)`, `facilities(source:)`, or `node(id:)` of a catalog entry. */
  catalog: number;
  /** One `Source.health` check. */
  health: number;
  /** The most calls one mutation makes (reads before the write, the write, relation writes). */
  write: number;
}

/** What the core asks of a source within one request. Implementations batch and cache with DataLoader. */
/** A value, or a promise of it: for reader methods that can often answer without waiting. */
export type MaybePromise<T> = T | Promise<T>;

export interface SourceReader {
  /**
   * One page of users matching `filter`, at most `first`, starting after the vendor position `after`
   * (a string this reader produced earlier, or null for the start). `include` says which relations
   * the query will ask for next, so catalogs can be fetched in parallel with the first list page.
   */
  listUsers(args: {
    filter: UserFilter;
    after: string | null;
    first: number;
    include: { userTypes: boolean; facilityAccess: boolean };
  }): Promise<UserPage>;
  /** null when the vendor has no such user. */
  user(nativeId: string): Promise<UserRecord | null>;
  /**
   * A user's types and facility access. A reader that knows them without a vendor call (they came
   * with the listed record) answers synchronously: graphql then completes the field without a
   * promise per user, which is most of the CPU of a page with relations.
   */
  userTypesOf(user: UserRecord): MaybePromise<UserTypeRecord[]>;
  facilityAccessOf(user: UserRecord): MaybePromise<FacilityAccessRecord[]>;
  /** Throws SourceError UNSUPPORTED_BY_VENDOR when `capabilities.userTypeCatalog` is false. */
  userTypes(): Promise<UserTypeRecord[]>;
  /** Throws SourceError UNSUPPORTED_BY_VENDOR when `capabilities.facilityCatalog` is false. */
  facilities(): Promise<FacilityRecord[]>;
  /** For node(id): one catalog entry, null when unknown. */
  userType(nativeId: string): Promise<UserTypeRecord | null>;
  facility(nativeId: string): Promise<FacilityRecord | null>;
  /**
   * Called by this source's writer after each write in the same request (never by the core): the
   * reader updates or drops what it caches about the user — loaders, list pages, relation
   * indexes — so a read-after-write in the request sees the write. Synchronous and never throws.
   */
  written(nativeId: string, change: UserChange): void;
}

export interface Connector {
  readonly sourceId: string;
  readonly vendor: string;
  readonly name: string;
  readonly capabilities: Capabilities;
  /** Vendor calls per kind of read, for the query cost limit (checked before any resolver runs). */
  readonly costs: ReadCosts;
  /** A fresh reader with its own DataLoaders; the core calls this once per request per source. */
  reader(ctx: RequestContext): SourceReader;
  /**
   * The writer for one request. It tells `reader` (this connector's reader of the same request)
   * what each write did through `reader.written`, so that reads later in the request see it;
   * later requests get fresh loaders anyway.
   */
  writer(ctx: RequestContext, reader: SourceReader): SourceWriter;
  /** A cheap authenticated call; never throws. */
  health(ctx: RequestContext): Promise<SourceHealthRecord>;
  /**
   * Whether `nativeId` is the account the gateway itself signs in with at this source, where that
   * account is an ordinary user (PresentationServices, iCure). The core then refuses to deactivate,
   * delete or re-password it, which would lock the gateway out of the source. Omitted by vendors
   * that authenticate with keys or clients that are not users. May throw SourceError.
   */
  isServiceAccount?(nativeId: string, ctx: RequestContext, reader: SourceReader): Promise<boolean>;
  /** Closes pools and timers. */
  close(): Promise<void>;
}

/** Timeouts and limits of one source, all optional in config (defaults in src/http/vendor-http.ts). */
export interface SourceHttpSettings {
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** Upper bound for one upstream call, also capped by the GraphQL request's deadline. */
  requestTimeoutMs?: number;
  /** Keep-alive connections in the source's undici Pool. */
  connections?: number;
  /** Parallel per-user calls, for vendors without batch endpoints (where the adaptive limit starts). */
  maxConcurrency?: number;
  /** The most parallel per-user calls the adaptive limit may grow to (also the pool's connections). */
  maxConcurrencyCeiling?: number;
  /** Grow and shrink the per-user limit with the vendor's latency and errors (AIMD); false: fixed at maxConcurrency. */
  adaptiveConcurrency?: boolean;
  /** Client-side spacing between request starts (0 = none). */
  minIntervalMs?: number;
}

/**
 * How a source rides out vendor failures (docs/resilience.md; defaults in src/http/resilience.ts).
 * Only reads are retried; writes never are.
 */
export interface ResilienceSettings {
  /** Extra attempts of a GET after a reset, a timeout before headers, 502/503/504 or a 429 whose Retry-After fits. */
  retries?: number;
  /** First back-off in ms; doubled per attempt, jittered, never past the request deadline. */
  retryBaseMs?: number;
  /** Consecutive vendor failures that open the source's breaker. */
  breakerFailures?: number;
  /** How long an open breaker answers SOURCE_UNAVAILABLE with no call before one probe goes through. */
  breakerCooldownMs?: number;
  /** Largest vendor response body read; a larger one is cut off and answered SOURCE_BAD_RESPONSE. */
  maxResponseBytes?: number;
}

/** One `sources[]` entry of the config file, after validation. `auth` is validated by the vendor's schema. */
export interface SourceConfig<Auth = Record<string, unknown>> {
  id: string;
  vendor: string;
  name: string;
  baseUrl: string;
  auth: Auth;
  http: SourceHttpSettings;
  /** Retries, breaker and response size cap; omitted = the defaults. */
  resilience?: ResilienceSettings;
  /** Send the request's x-request-id to the vendor (off unless configured). */
  forwardRequestId?: boolean;
  /** A copy of the source's users in the store, refreshed in the background (docs/mirror.md); off unless configured. */
  mirror?: { enabled: boolean; refreshSeconds: number; share: number };
  /** Whose employee numbers this source holds, for people linking (docs/people.md); default: the source id. */
  organization?: string;
  /** Vendor-specific options, validated by the vendor's own schema (e.g. PresentationServices organization). */
  options: Record<string, unknown>;
}

export interface ConnectorDeps {
  logger: Logger;
  /** What several gateway instances share (src/coordination); absent: this process alone. */
  coordination?: Coordination;
  /** Where each vendor call is counted and timed (`GET /metrics`); none in unit tests. */
  metrics?: VendorMetrics;
}

/**
 * Counts and times vendor calls (docs/resilience.md: `staffgraph_vendor_requests_total`,
 * `staffgraph_vendor_request_duration_seconds`). Labels must stay bounded: `route` is the route
 * template ("/ws/users/{username}"), never the real path; `status` is the HTTP status, or a
 * transport outcome ("timeout", "reset", …) when no response came.
 */
export interface VendorMetrics {
  observe(source: string, method: string, route: string, status: string, seconds: number): void;
  /** One retry of a read (the attempts themselves are counted by `observe`). */
  retried(source: string, method: string, route: string): void;
  /** The source's breaker changed state (`staffgraph_breaker_state{source}`: 0 closed, 1 open, 2 half-open). */
  breakerState(source: string, state: BreakerState): void;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** A simulator started by the CLI or a test. */
export interface StartedSimulator {
  vendor: string;
  /** Origin of the simulator, e.g. http://127.0.0.1:7101 — test controls live under `${origin}/__sim/`. */
  origin: string;
  /** The `baseUrl` a gateway source uses (may include a path prefix such as /api/v1). */
  baseUrl: string;
  /** The `auth` block of a gateway source config, with generated credentials (inline PEM for CorEMR). */
  auth: Record<string, unknown>;
  /** Extra source options a gateway config needs for this simulator (may be empty). */
  options: Record<string, unknown>;
  /** Settings suited to the simulator (e.g. no client-side spacing when the simulator does not throttle). */
  http: SourceHttpSettings;
  /**
   * Secrets that `--write-config` stores in files rather than inline: auth key to set → file content,
   * and the inline auth key it replaces. CorEMR: { privateKeyFile: { content: PEM, replaces: 'privateKey' } }.
   */
  secretFiles?: Record<string, { content: string; replaces: string }>;
  /** The organization whose employee numbers the seeded users hold (people linking); absent: the source alone. */
  organization?: string;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Number of seeded users. Default a few hundred. */
  users?: number;
  /** PRNG seed for deterministic data. Default 1. */
  seed?: number;
  /** Fixed latency added to every vendor route, in ms. Default 0. */
  latencyMs?: number;
}

/** A vendor folder's entry in src/vendors/registry.ts. */
export interface VendorModule {
  /** The `vendor:` value in config, e.g. "coremr". */
  vendor: string;
  /** Human name, e.g. "CorEMR". */
  displayName: string;
  /** Port the CLI uses for `simulate` and `demo` (docs/architecture.md §6: 7101…7105). */
  defaultSimPort: number;
  /**
   * Validates and normalises the `auth` and `options` blocks of a source; returns one message per
   * problem (naming the key, never echoing a secret value). May read files (privateKeyFile).
   */
  parseSourceConfig(raw: { auth: unknown; options: unknown }, configDir: string):
    | { ok: true; auth: Record<string, unknown>; options: Record<string, unknown> }
    | { ok: false; problems: string[] };
  createConnector(config: SourceConfig, deps: ConnectorDeps): Connector;
  startSimulator(options: SimulatorOptions): Promise<StartedSimulator>;
}
