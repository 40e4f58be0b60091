import type { Dispatcher, Pool } from 'undici';
import type { RequestContext } from '../core/context';
import type { BreakerState, ConnectorDeps, ResilienceSettings, SourceConfig, SourceHttpSettings, VendorMetrics } from '../core/connector';
import { SourceError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { WriteRecorder } from '../core/writes';
import { stripUndefined } from '../core/objects';
import { setResponseStatus, setTransportOutcome, vendorSpan } from '../observability/tracing';
import { BreakerOpen, SourceBreaker } from './breaker';
import type { Coordination } from '../coordination/coordination';
import { attemptBudget } from './deadline';
import { timeoutSignal } from './timeout-signal';
import { IntervalLimiter } from './limiter';
import { createPool } from './pool';
import { AdaptiveLimit } from './adaptive-limit';
import { Semaphore, type Slots } from './semaphore';
import { resilienceSettings } from './resilience';
import { runRead } from './retry';
import { readCapped } from './size-cap';
import { errCode, isRetryableTransport, transportError, transportStatus } from './transport-errors';

/** Defaults for SourceHttpSettings, in milliseconds unless named otherwise. */
export const HTTP_DEFAULTS: Required<SourceHttpSettings> = {
  connectTimeoutMs: 2_000, // two seconds: a loopback or LAN vendor connects in far less
  headersTimeoutMs: 10_000, // ten seconds from request sent to response headers
  bodyTimeoutMs: 10_000, // ten seconds of silence while reading the body
  requestTimeoutMs: 15_000, // fifteen seconds for one call, further capped by the request deadline
  connections: 16, // keep-alive sockets per source
  maxConcurrency: 8, // parallel per-user calls on vendors without batch endpoints: where the adaptive limit starts
  maxConcurrencyCeiling: 32, // and the most it grows to: 200 CorEMR calls in ~7 waves instead of 25
  adaptiveConcurrency: true,
  minIntervalMs: 0, // no client-side spacing unless the vendor documents a limit
};

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL, built with path`` (src/http/path.ts). May not carry a query string. */
  path: string;
  /** Route template for logs and mutation steps, e.g. "/ws/users/{username}" — never the real path. */
  route: string;
  query?: Record<string, string | number | boolean | null | undefined> | URLSearchParams;
  headers?: Record<string, string>;
  body?: string | Buffer;
  ctx?: RequestContext;
  /** When set (mutations), the call is recorded as a WriteStep: method, route template, status, ok (2xx). */
  recorder?: WriteRecorder;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One vendor source's HTTP access, composed of the small units beside it (docs/resilience.md):
 *
 *   attempt budget (deadline.ts) → retry of reads (retry.ts) → breaker (breaker.ts)
 *     → rate limiter (limiter.ts) → pool (pool.ts) → capped body (size-cap.ts)
 *
 * Created once at start and shared by every request. Every wait (limiter, breaker probe, retry
 * back-off) watches the request's signal and gives its place back when the request is cancelled.
 * It returns every HTTP status as-is — what a 400 or 404 means is the vendor client's business
 * (`statusError` holds the generic meanings) — except that 429/500/502/503/504 on a read may be
 * retried first, and 5xx answers count towards the breaker.
 */
export class VendorHttp {
  readonly sourceId: string;
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly settings: Required<SourceHttpSettings>;
  private readonly resilience: Required<ResilienceSettings>;
  private readonly limiter: IntervalLimiter;
  private readonly breaker: SourceBreaker;
  private readonly forwardRequestId: boolean;
  private readonly logger: Logger;
  private readonly metrics?: VendorMetrics;
  /** What per-user calls run under (AdaptiveLimit, or a fixed Semaphore); shared by every request. */
  readonly concurrency: Slots;
  /** Upstream requests started since creation (for the benchmark and tests), retries included. */
  requestCount = 0;

  constructor(source: Pick<SourceConfig, 'id' | 'baseUrl' | 'http' | 'resilience' | 'forwardRequestId'>, deps: ConnectorDeps) {
    this.sourceId = source.id;
    this.logger = deps.logger;
    this.metrics = deps.metrics;
    const url = new URL(source.baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.settings = { ...HTTP_DEFAULTS, ...stripUndefined(source.http) };
    this.resilience = resilienceSettings(source.resilience);
    this.forwardRequestId = source.forwardRequestId ?? false;
    // Spacing such as Open Dental's 1 request/s holds across instances when they share Redis. The
    // shared slots are 10 % (at most 100 ms) wider than the limit: two instances' requests take
    // different times from their slot to the vendor (timers, a busy event loop), and it is the
    // arrivals there that must stay 1 s apart (measured: up to ~60 ms of jitter on 2 busy cores).
    const coordination = deps.coordination;
    const sharedInterval = this.settings.minIntervalMs + Math.min(100, Math.ceil(this.settings.minIntervalMs * 0.1));
    this.limiter = new IntervalLimiter(this.settings.minIntervalMs, coordination ? () => coordination.reserveSlot(source.id, sharedInterval) : undefined);
    const ceiling = Math.max(this.settings.maxConcurrency, this.settings.maxConcurrencyCeiling);
    this.concurrency = this.settings.adaptiveConcurrency
      ? new AdaptiveLimit({ initial: this.settings.maxConcurrency, min: 1, max: ceiling, sourceId: source.id })
      : new Semaphore(this.settings.maxConcurrency, source.id);
    // Connections follow the limit: enough for its ceiling (undici opens them only as needed).
    this.pool = createPool(url.origin, { ...this.settings, connections: Math.max(this.settings.connections, this.settings.adaptiveConcurrency ? ceiling : 0) });
    this.breaker = new SourceBreaker({
      failures: this.resilience.breakerFailures,
      cooldownMs: this.resilience.breakerCooldownMs,
      isFailure: (err) => !isNotVendorFault(err),
      isFailedResponse: (res) => (res as HttpResponse).status >= 500,
      onStateChange: (state) => {
        // Shared with the other instances: an open breaker here keeps them from the vendor too.
        if (coordination && state === 'open') void coordination.set(`breaker:${source.id}`, 'open', this.resilience.breakerCooldownMs);
        if (coordination && state === 'closed') void coordination.deleteIf(`breaker:${source.id}`, 'open');
        this.metrics?.breakerState(this.sourceId, state);
        const log = state === 'closed' ? this.logger.info : this.logger.warn;
        log('breaker_state', { source: this.sourceId, state });
      },
    });
    this.metrics?.breakerState(this.sourceId, 'closed');
    if (coordination?.mode === 'redis') this.watchSharedBreaker(coordination);
  }

  /** Until when another instance's open breaker holds this source (epoch ms on our clock). */
  private sharedOpenUntil = 0;

  /**
   * Reads the shared breaker twice a second (never on the call path: a call must not wait on
   * Redis). While another instance has the source open, calls here are answered
   * SOURCE_UNAVAILABLE with no vendor call, as by the local breaker.
   */
  private sharedBreakerTimer: NodeJS.Timeout | null = null;

  private watchSharedBreaker(coordination: Coordination): void {
    const timer = (this.sharedBreakerTimer = setInterval(() => {
      void coordination.ttl(`breaker:${this.sourceId}`).then((ms) => (this.sharedOpenUntil = ms ? Date.now() + ms : 0));
    }, 500));
    timer.unref();
  }

  get maxConcurrency(): number {
    return this.settings.maxConcurrency;
  }

  /** closed | open | half-open, for /readyz and tests. */
  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    // Outside a request (health checks, CLI): the call's own timeout bounds retries too.
    const own = req.ctx ? null : timeoutSignal(this.settings.requestTimeoutMs);
    const signal = req.ctx?.signal ?? own!.signal;
    const deadlineAt = Math.min(req.ctx?.deadlineAt ?? Infinity, started + (req.ctx ? Infinity : this.settings.requestTimeoutMs));
    const state = { sent: false };
    const attempt = () => (Date.now() < this.sharedOpenUntil && this.breaker.state === 'closed' ? Promise.reject(new BreakerOpen()) : this.breaker.run(() => this.attempt(req, state), signal));
    try {
      if (req.method !== 'GET') return await attempt();
      return await runRead(attempt, {
        retries: this.resilience.retries,
        baseMs: this.resilience.retryBaseMs,
        deadlineAt,
        signal,
        isRetryableError: (err) => !isNotVendorFault(err) && isRetryableTransport(err),
        statusOf: (res) => (res as HttpResponse).status,
        retryAfterSecondsOf: (res) => retryAfterSeconds((res as HttpResponse).headers),
        onRetry: () => this.metrics?.retried(this.sourceId, req.method, req.route),
      });
    } catch (err) {
      const mapped = transportError(this.sourceId, cause(err), state.sent);
      this.logger.warn('upstream_failed', { source: this.sourceId, method: req.method, route: req.route, code: mapped.code, cause: errCode(cause(err)), ms: Date.now() - started });
      throw mapped;
    } finally {
      own?.dispose();
    }
  }

  /** One attempt: waits for the limiter, sends, reads the capped body. Throws raw transport errors. */
  private async attempt(req: HttpRequest, state: { sent: boolean }): Promise<HttpResponse> {
    const budget = attemptBudget(req.ctx, this.settings.requestTimeoutMs);
    if (!budget) throw new NotVendorFault(new SourceError('SOURCE_TIMEOUT', this.sourceId, undefined, { requestSent: false }));
    try {
      return await this.send(req, state, budget.signal);
    } finally {
      budget.dispose();
    }
  }

  private async send(req: HttpRequest, state: { sent: boolean }, signal: AbortSignal): Promise<HttpResponse> {
    const ctxSignal = req.ctx?.signal;
    try {
      await this.limiter.acquire(signal, req.ctx?.background ?? false);
    } catch (err) {
      // Ran out of time (or was cancelled) waiting for our own rate limit: nothing was sent and
      // the vendor did nothing wrong, so the breaker must not count it.
      throw new NotVendorFault(err);
    }
    const started = Date.now();
    this.requestCount++;
    state.sent = true;
    if (req.ctx?.vendorCalls) req.ctx.vendorCalls.set(this.sourceId, (req.ctx.vendorCalls.get(this.sourceId) ?? 0) + 1);
    return vendorSpan({ source: this.sourceId, method: req.method, route: req.route }, async (span) => {
      try {
        const res = await this.pool.request({
          method: req.method,
          path: this.prefix + req.path + queryString(req.query),
          headers: this.headersFor(req),
          body: req.body,
          signal,
        } as Dispatcher.RequestOptions);
        const text = await readCapped(res, this.resilience.maxResponseBytes);
        const seconds = (Date.now() - started) / 1000;
        setResponseStatus(span, res.statusCode);
        this.logger.debug('upstream', { source: this.sourceId, method: req.method, route: req.route, status: res.statusCode, ms: Date.now() - started });
        if (res.statusCode === 401 || res.statusCode === 403) {
          // The gateway's own credentials were refused: an operator must look (rotated key, locked account).
          this.logger.warn('vendor_auth_failed', { source: this.sourceId, method: req.method, route: req.route, status: res.statusCode });
        }
        this.metrics?.observe(this.sourceId, req.method, req.route, String(res.statusCode), seconds);
        req.recorder?.record({ method: req.method, route: req.route, status: res.statusCode, ok: res.statusCode >= 200 && res.statusCode < 300 });
        return { status: res.statusCode, headers: res.headers, text };
      } catch (err) {
        const byCaller = ctxSignal?.aborted ?? false;
        const outcome = transportStatus(err, byCaller);
        setTransportOutcome(span, outcome);
        this.metrics?.observe(this.sourceId, req.method, req.route, outcome, (Date.now() - started) / 1000);
        req.recorder?.record({ method: req.method, route: req.route, status: null, ok: false });
        throw markCancel(err, ctxSignal);
      }
    });
  }

  private headersFor(req: HttpRequest): Record<string, string> | undefined {
    if (!this.forwardRequestId || !req.ctx) return req.headers;
    return { ...req.headers, 'x-request-id': req.ctx.requestId };
  }

  async close(): Promise<void> {
    if (this.sharedBreakerTimer) clearInterval(this.sharedBreakerTimer);
    await this.pool.close();
  }
}

/**
 * A failure that is not the vendor's doing: the caller gave up (client gone, request deadline)
 * or the call timed out in our own limiter before it was sent. Never counted by the breaker,
 * never retried. Wrapped so the breaker and retry predicates can tell, and unwrapped (`cause`)
 * before it is mapped to a SourceError.
 */
class NotVendorFault extends Error {
  constructor(readonly original: unknown) {
    super('not a vendor failure');
  }
}

function markCancel(err: unknown, ctxSignal: AbortSignal | undefined): unknown {
  return ctxSignal?.aborted ? new NotVendorFault(err) : err;
}

function isNotVendorFault(err: unknown): boolean {
  return err instanceof NotVendorFault;
}

function cause(err: unknown): unknown {
  return err instanceof NotVendorFault ? err.original : err;
}

function retryAfterSeconds(headers: HttpResponse['headers']): number | undefined {
  const raw = headerValue(headers, 'retry-after');
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(raw); // the HTTP-date form
  return Number.isFinite(at) ? Math.max(0, (at - Date.now()) / 1000) : undefined;
}

/**
 * The generic meaning of a vendor status that the vendor client did not handle itself:
 * 401/403 auth, 429 rate limit (with Retry-After), 5xx unavailable, anything else a bad response.
 */
export function statusError(sourceId: string, res: HttpResponse, requestSent = true): SourceError {
  if (res.status === 401 || res.status === 403) return new SourceError('SOURCE_AUTH_FAILED', sourceId, undefined, { status: res.status });
  if (res.status === 429) {
    const retry = Number(headerValue(res.headers, 'retry-after'));
    return new SourceError('SOURCE_RATE_LIMITED', sourceId, undefined, { status: 429, retryAfterSeconds: Number.isFinite(retry) ? retry : undefined });
  }
  if (res.status === 504) return new SourceError('SOURCE_TIMEOUT', sourceId, undefined, { status: 504, requestSent });
  if (res.status >= 500) return new SourceError('SOURCE_UNAVAILABLE', sourceId, undefined, { status: res.status, requestSent });
  return new SourceError('SOURCE_BAD_RESPONSE', sourceId, undefined, { status: res.status });
}

/** Parses a JSON body; a body that is not JSON becomes SOURCE_BAD_RESPONSE (its text is never echoed). */
export function parseJson<T = unknown>(sourceId: string, res: HttpResponse): T {
  try {
    return JSON.parse(res.text) as T;
  } catch {
    throw new SourceError('SOURCE_BAD_RESPONSE', sourceId, undefined, { status: res.status });
  }
}

export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function queryString(query: HttpRequest['query']): string {
  if (!query) return '';
  const params = query instanceof URLSearchParams ? query : new URLSearchParams();
  if (!(query instanceof URLSearchParams)) {
    for (const [k, v] of Object.entries(query)) if (v != null) params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}
