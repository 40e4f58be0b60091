import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BreakerState, VendorMetrics } from '../core/connector';

/** `staffgraph_breaker_state` values (docs/resilience.md). */
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };

/** How a GraphQL request ended: answered without errors, answered with errors, or refused before running. */
export type GraphqlOutcome = 'ok' | 'error' | 'refused';

/**
 * Seconds. prom-client's defaults stop at 10 s; a vendor call may take up to `requestTimeoutMs`
 * (15 s by default) and a GraphQL request up to `server.requestTimeoutMs` (20 s in the demo), so
 * the top buckets go past both.
 */
const DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];

/** Operation names are caller input: at most this many characters of [A-Za-z0-9_] reach a label. */
const OPERATION_LABEL_MAX = 64;

/** Distinct operation labels kept per process; further new names share the label "other". */
export const OPERATION_LABELS_MAX = 200;

/**
 * The gateway's Prometheus metrics (docs/resilience.md — the names and labels are a contract). One
 * instance per process, created once at start (src/app.ts), with its own Registry: never
 * prom-client's global default registry, so two gateways in one process (the tests) do not share
 * or double-register series. The default process metrics (`process_*`, `nodejs_*`) go on the same
 * registry.
 */
export class Metrics implements VendorMetrics {
  readonly registry = new Registry();
  private readonly vendorRequests = new Counter({
    name: 'staffgraph_vendor_requests_total',
    help: 'Vendor API calls, by source, method, route template and HTTP status (or transport outcome when no response came).',
    labelNames: ['source', 'method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly vendorDuration = new Histogram({
    name: 'staffgraph_vendor_request_duration_seconds',
    help: 'Duration of vendor API calls in seconds, until the body was read or the call failed.',
    labelNames: ['source', 'method', 'route'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [this.registry],
  });
  private readonly vendorRetries = new Counter({
    name: 'staffgraph_vendor_retries_total',
    help: 'Reads sent again after a reset, a timeout before headers, 502/503/504 or a 429 whose Retry-After fitted the deadline.',
    labelNames: ['source', 'method', 'route'] as const,
    registers: [this.registry],
  });
  private readonly breaker = new Gauge({
    name: 'staffgraph_breaker_state',
    help: 'Circuit breaker of each source: 0 closed (calls go through), 1 open (answered SOURCE_UNAVAILABLE with no call), 2 half-open (one probe).',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });
  private readonly graphqlRequests = new Counter({
    name: 'staffgraph_graphql_requests_total',
    help: 'GraphQL requests, by operation name ("anonymous" if none) and outcome (ok, error, refused).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly graphqlDuration = new Histogram({
    name: 'staffgraph_graphql_duration_seconds',
    help: 'Duration of GraphQL requests in seconds, from the start of Apollo processing to the response.',
    labelNames: ['operation'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  private readonly speculative = new Counter({
    name: 'staffgraph_speculative_pages_total',
    help: 'First pages of later sources asked in parallel by a users walk (docs/mirror.md, "Parallel sources"): used, or unused because the page filled first.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly mirrorRefreshes = new Counter({
    name: 'staffgraph_mirror_refreshes_total',
    help: 'Mirror refreshes per source, by outcome (ok, failed).',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly mirrorRefreshDuration = new Histogram({
    name: 'staffgraph_mirror_refresh_duration_seconds',
    help: 'Duration of mirror refreshes in seconds (a whole-source read within the vendor budget).',
    labelNames: ['source'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600],
    registers: [this.registry],
  });
  private readonly webhookDeliveries = new Counter({
    name: 'staffgraph_webhook_deliveries_total',
    help: 'Webhook delivery attempts, by webhook id (a hash of its URL) and outcome (delivered, failed, dead_letter).',
    labelNames: ['webhook', 'outcome'] as const,
    registers: [this.registry],
  });
  /** Read at scrape time from whatever watchMirrors() was given. */
  private mirrorStatuses: () => Array<{ source: string; users: number | null; lastSyncAt: Date | null }> = () => [];

  constructor() {
    // Event-loop lag sampled every 100 ms, not prom-client's 10 ms: its timer woke an idle
    // gateway 100 times a second (7.5 ms of CPU per second at rest, ~0.1 ms per answer while
    // waiting on a vendor). The lag histogram still sees every stall longer than that.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
    const statuses = () => this.mirrorStatuses();
    new Gauge({
      name: 'staffgraph_mirror_users',
      help: "Users in each source's mirror (absent until its first refresh).",
      labelNames: ['source'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of statuses()) if (s.users !== null) this.set({ source: s.source }, s.users);
      },
    });
    new Gauge({
      name: 'staffgraph_mirror_age_seconds',
      help: "Seconds since each source's mirror last synced (absent until its first refresh): alert when it grows past a few refresh periods.",
      labelNames: ['source'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of statuses()) if (s.lastSyncAt) this.set({ source: s.source }, (Date.now() - s.lastSyncAt.getTime()) / 1000);
      },
    });
  }

  /** One users walk's speculative first pages. */
  speculativePages(used: number, unused: number): void {
    if (used) this.speculative.inc({ outcome: 'used' }, used);
    if (unused) this.speculative.inc({ outcome: 'unused' }, unused);
  }

  /** One mirror refresh ended. */
  mirrorRefreshed(source: string, outcome: 'ok' | 'failed', seconds: number): void {
    this.mirrorRefreshes.inc({ source, outcome });
    this.mirrorRefreshDuration.observe({ source }, seconds);
  }

  /** The mirrors whose size and age the gauges report. */
  watchMirrors(statuses: () => Array<{ source: string; users: number | null; lastSyncAt: Date | null }>): void {
    this.mirrorStatuses = statuses;
  }

  webhookDelivery(webhook: string, outcome: 'delivered' | 'failed' | 'dead_letter'): void {
    this.webhookDeliveries.inc({ webhook, outcome });
  }

  /** One vendor call. `route` must be the template the client declared, never the real path. */
  observe(source: string, method: string, route: string, status: string, seconds: number): void {
    this.vendorRequests.inc({ source, method, route, status });
    this.vendorDuration.observe({ source, method, route }, seconds);
  }

  retried(source: string, method: string, route: string): void {
    this.vendorRetries.inc({ source, method, route });
  }

  breakerState(source: string, state: BreakerState): void {
    this.breaker.set({ source }, BREAKER_VALUE[state]);
  }

  /**
   * Operation names are chosen by callers, so a client sending a new name per request would grow
   * the series without bound (each is a time series in the scraper). The first
   * OPERATION_LABELS_MAX distinct names keep their own label; later new ones are counted as "other".
   */
  private readonly operations = new Set<string>();
  private boundedOperation(label: string): string {
    if (this.operations.has(label)) return label;
    if (this.operations.size >= OPERATION_LABELS_MAX) return 'other';
    this.operations.add(label);
    return label;
  }

  /** One GraphQL request; `seconds` is omitted for a refusal answered before Apollo ran (401, 413). */
  graphql(operationName: string | null | undefined, outcome: GraphqlOutcome, seconds?: number): void {
    const operation = this.boundedOperation(operationLabel(operationName));
    this.graphqlRequests.inc({ operation, outcome });
    if (seconds !== undefined) this.graphqlDuration.observe({ operation }, seconds);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text (Prometheus text format). */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * The `operation` label: the name with anything outside [A-Za-z0-9_] dropped, cut to 64
 * characters, or "anonymous". A name from a parsed document already fits; the cut matters for a
 * request whose document did not parse, where the name is whatever the client sent.
 */
export function operationLabel(name: string | null | undefined): string {
  const cleaned = (name ?? '').replace(/[^A-Za-z0-9_]/g, '').slice(0, OPERATION_LABEL_MAX);
  return cleaned || 'anonymous';
}
