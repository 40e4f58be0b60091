import { Pool, type Dispatcher } from 'undici';
import type { RequestContext } from '../core/context';
import type { SourceHttpSettings, VendorMetrics } from '../core/connector';
import { SourceError, type ErrorCode } from '../core/errors';
import { IntervalLimiter } from '../core/concurrency';
import type { Logger } from '../core/logger';
import type { WriteRecorder } from '../core/writes';
import { stripUndefined } from '../core/objects';

/** Defaults for SourceHttpSettings, in milliseconds unless named otherwise. */
export const HTTP_DEFAULTS: Required<SourceHttpSettings> = {
  connectTimeoutMs: 2_000, // two seconds: a loopback or LAN vendor connects in far less
  headersTimeoutMs: 10_000, // ten seconds from request sent to response headers
  bodyTimeoutMs: 10_000, // ten seconds of silence while reading the body
  requestTimeoutMs: 15_000, // fifteen seconds for one call, further capped by the request deadline
  connections: 16, // keep-alive sockets per source
  maxConcurrency: 8, // parallel per-user calls on vendors without batch endpoints
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
 * One vendor source's HTTP access: one undici Pool (keep-alive), explicit timeouts, the request
 * deadline, an optional client-side rate limit, and the mapping of transport failures to
 * SourceError codes by `err.code`. Created once at start. It returns every HTTP status as-is:
 * what a 400 or 404 means is the vendor client's business (see `statusError` for the generic ones).
 */
export class VendorHttp {
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly settings: Required<SourceHttpSettings>;
  private readonly limiter: IntervalLimiter;
  /** Upstream requests started since creation (for the benchmark and tests). */
  requestCount = 0;

  constructor(
    readonly sourceId: string,
    baseUrl: string,
    settings: SourceHttpSettings,
    private readonly logger: Logger,
    /** Counts and times every call that reached the pool (`GET /metrics`); none in unit tests. */
    private readonly metrics?: VendorMetrics,
  ) {
    const url = new URL(baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.settings = { ...HTTP_DEFAULTS, ...stripUndefined(settings) };
    this.limiter = new IntervalLimiter(this.settings.minIntervalMs);
    this.pool = new Pool(url.origin, {
      connections: this.settings.connections,
      connect: { timeout: this.settings.connectTimeoutMs },
      headersTimeout: this.settings.headersTimeoutMs,
      bodyTimeout: this.settings.bodyTimeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  get maxConcurrency(): number {
    return this.settings.maxConcurrency;
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const started = Date.now();
    const timeoutMs = Math.min(this.settings.requestTimeoutMs, (req.ctx?.deadlineAt ?? Infinity) - started);
    if (timeoutMs <= 0) throw new SourceError('SOURCE_TIMEOUT', this.sourceId, undefined, { requestSent: false });
    const signals = [AbortSignal.timeout(timeoutMs)];
    if (req.ctx) signals.push(req.ctx.signal);
    const signal = AbortSignal.any(signals);
    const fullPath = this.prefix + req.path + queryString(req.query);
    let sent = false;
    try {
      return await this.limiter.run(async () => {
        this.requestCount++;
        sent = true;
        const res = await this.pool.request({
          method: req.method,
          path: fullPath,
          headers: req.headers,
          body: req.body,
          signal,
        } as Dispatcher.RequestOptions);
        const text = await res.body.text();
        this.logger.debug('upstream', { source: this.sourceId, method: req.method, route: req.route, status: res.statusCode, ms: Date.now() - started });
        this.metrics?.observe(this.sourceId, req.method, req.route, String(res.statusCode), (Date.now() - started) / 1000);
        req.recorder?.record({ method: req.method, route: req.route, status: res.statusCode, ok: res.statusCode >= 200 && res.statusCode < 300 });
        return { status: res.statusCode, headers: res.headers, text };
      }, signal);
    } catch (err) {
      const mapped = this.mapTransportError(err, sent);
      if (sent) req.recorder?.record({ method: req.method, route: req.route, status: null, ok: false });
      // Only calls that were handed to the pool: a request refused before (deadline, cancelled in
      // the limiter) never reached the vendor and is not a vendor request.
      if (sent) this.metrics?.observe(this.sourceId, req.method, req.route, transportStatus(err, req.ctx?.signal.aborted ?? false), (Date.now() - started) / 1000);
      this.logger.warn('upstream_failed', { source: this.sourceId, method: req.method, route: req.route, code: mapped.code, cause: errCode(err), ms: Date.now() - started });
      throw mapped;
    }
  }

  /** Transport failures by undici/Node `err.code` (never by message). */
  private mapTransportError(err: unknown, sent: boolean): SourceError {
    if (err instanceof SourceError) return err;
    const code = errCode(err);
    const make = (c: ErrorCode, requestSent: boolean) => new SourceError(c, this.sourceId, undefined, { requestSent });
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return make('SOURCE_TIMEOUT', false);
      case 'ECONNREFUSED':
      case 'ENOTFOUND':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
      case 'EAI_AGAIN':
        return make('SOURCE_UNAVAILABLE', false);
      case 'UND_ERR_HEADERS_TIMEOUT':
      case 'UND_ERR_BODY_TIMEOUT':
      case 'ABORT_ERR':
      case 'UND_ERR_ABORTED':
      case 'TimeoutError':
      case 'AbortError':
        return make('SOURCE_TIMEOUT', sent);
      case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      case 'UND_ERR_INFO':
        return make('SOURCE_BAD_RESPONSE', sent);
      default:
        // UND_ERR_SOCKET, ECONNRESET, EPIPE, UND_ERR_CLOSED …: the connection failed mid-way.
        return make('SOURCE_UNAVAILABLE', sent);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
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

/**
 * The `status` label of a call that got no usable response, from `err.code` (never the message):
 * a small fixed set, so the label stays bounded. "cancelled" is the caller giving up (the request
 * was aborted from our side), not a vendor failure.
 */
function transportStatus(err: unknown, cancelled: boolean): string {
  if (cancelled) return 'cancelled';
  switch (errCode(err)) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'TimeoutError':
    case 'ABORT_ERR':
    case 'AbortError':
    case 'UND_ERR_ABORTED':
      return 'timeout'; // not cancelled by the caller, so it was our timeout signal
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EAI_AGAIN':
      return 'unreachable';
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_INFO':
      return 'bad_response';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'reset';
    default:
      return 'error';
  }
}

function errCode(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string') return e.code;
    if (typeof e.name === 'string') return e.name;
  }
  return 'UNKNOWN';
}
