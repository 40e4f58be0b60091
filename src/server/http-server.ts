import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../core/logger';
import type { Caller } from '../auth/caller';
import { RequestScope, type SharedServices } from '../service/request-scope';
import { formatError } from './format-error';
import { IDE_CSP, createIde } from './ide';
import { gatewayPlugin } from './gateway-plugin';
import { accessPlugin } from './access-plugin';
import { limitsPlugin } from './limits/limits-plugin';
import { shapeRules } from './limits/shape-rules';
import type { QueryLimits } from './limits/query-limits';
import { applyCors, type CorsSettings } from './cors';
import { auditReadsPlugin } from './audit-reads-plugin';
import { requestIdFrom } from './request-id';
import { Readiness } from './readiness';
import { Drain } from './drain';
import type { Metrics } from './metrics';
import { metricsPlugin } from './metrics-plugin';
import { AccessLog } from './access-log-plugin';
import { OperationTracing } from './tracing-plugin';

/** Turns a request's headers into a caller (src/auth/authenticator.ts); built once at start. */
export interface CallerResolver {
  authenticate(headers: http.IncomingHttpHeaders): Promise<{ ok: true; caller: Caller } | { ok: false; reason: string }>;
}

export interface GatewayOptions extends SharedServices {
  schema: GraphQLSchema;
  logger: Logger;
  /** 0 picks a free port. */
  port: number;
  host: string;
  authenticator: CallerResolver;
  /** Whether __schema/__type are served; false also drops "Did you mean" suggestions from errors. */
  introspection: boolean;
  limits: QueryLimits;
  cors: CorsSettings;
  /** `audit.reads`: one access event per request listing the users it returned. */
  auditReads: boolean;
  /** The process's Prometheus metrics (src/server/metrics.ts), created once at start; served at GET /metrics. */
  metrics: Metrics;
}

export interface RunningGateway {
  url: string;
  port: number;
  /**
   * Graceful shutdown (SIGTERM, docs/resilience.md): at once /readyz answers 503 `draining` and new
   * /graphql requests 503 `SHUTTING_DOWN`; the requests in flight get up to `graceMs` to finish
   * (then their connections are ended), and the server stops listening. Resolves when it has;
   * call `close()` after it to stop the rest.
   */
  drain(graceMs: number): Promise<void>;
  /** Stops at once: open connections are ended, in-flight requests with them. */
  close(): Promise<void>;
}

/**
 * The gateway's HTTP server: POST/GET /graphql (Apollo), GET /graphql from a browser (the local
 * IDE), /ide/* (its assets), /healthz (the process is alive), /readyz (should it get traffic; see
 * readiness.ts), /metrics (Prometheus; metrics.ts). A small node:http integration of Apollo
 * Server, so the IDE and the API share one port without a web framework. Per /graphql request,
 * in this order and before Apollo sees anything: the request id (kept from `x-request-id` when
 * safe, on every answer from here on), CORS, the drain (503), the body size from Content-Length
 * (413, nothing read), the caller (401, nothing read), then the body (413 again if a body without
 * Content-Length runs over). From the CORS check on, every /graphql request gets one access log
 * line when its response closes (access-log-plugin.ts); Apollo's handling runs inside the
 * operation's trace span (tracing-plugin.ts).
 */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const accessLog = new AccessLog(opts.logger);
  const tracing = new OperationTracing();
  const apollo = new ApolloServer<RequestScope>({
    schema: opts.schema,
    formatError: (formatted, error) => formatError(formatted, error, { suggestions: opts.introspection }),
    includeStacktraceInErrorResponses: false,
    introspection: opts.introspection,
    // graphql-js stops lexing past this many tokens, before any parse tree is built.
    parseOptions: { maxTokens: opts.limits.maxTokens },
    validationRules: shapeRules(opts.limits),
    // No automatic persisted queries: no client here needs them, and an unauthenticated-looking
    // hash lookup is one more cache a caller could fill. Batched requests stay off (the default),
    // so the limits cannot be split across operations of one HTTP request.
    persistedQueries: false,
    // Shutdown is ours (drain.ts, wired to SIGTERM in the CLI). Apollo's own handler stops Apollo
    // and re-sends the signal, which the CLI read as the operator's second "stop now": in-flight
    // requests were cut within ~250 ms instead of being drained.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // Apollo installs its cache-control plugin by default, and that plugin wraps every field
      // resolver (willResolveField) to collect cache hints we never send: per-field cost for nothing.
      ApolloServerPluginCacheControlDisabled(),
      accessPlugin(),
      limitsPlugin(opts.limits),
      gatewayPlugin(opts.logger),
      ...(opts.auditReads ? [auditReadsPlugin()] : []),
      metricsPlugin(opts.metrics),
      // After gatewayPlugin: the errors it adds per failed source are on the response by then.
      accessLog.plugin(),
      tracing.plugin(),
    ],
  });
  await apollo.start();
  const ide = createIde();
  const readiness = new Readiness(opts.sources, undefined, opts.coordination);
  const drain = new Drain();

  const server = http.createServer((req, res) => {
    drain.track(res);
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(errorBody('Internal server error.', 'INTERNAL_SERVER_ERROR'));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname === '/healthz') return sendText(res, 200, 'application/json', '{"status":"ok"}');
    if (url.pathname === '/readyz') {
      const { httpStatus, body } = await readiness.report(() => drain.draining);
      res.setHeader('cache-control', 'no-store');
      return sendText(res, httpStatus, 'application/json', JSON.stringify(body));
    }
    if (url.pathname === '/metrics' && req.method === 'GET') {
      // No authentication, as Prometheus scrapers expect: the series hold no user data (route
      // templates, never usernames), but they do show traffic, sources and error rates. So who can
      // reach it is decided by `server.host`: keep the gateway on loopback or a private interface
      // (or block /metrics at the reverse proxy) when it is exposed beyond the scraper's network.
      const text = await opts.metrics.text();
      res.setHeader('cache-control', 'no-store');
      return sendText(res, 200, opts.metrics.contentType, text);
    }
    // Browsers ask for it on every IDE load; answering keeps the IDE's console free of 404s.
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (url.pathname === '/') {
      // Relative, so it also works behind a reverse proxy that serves the gateway under a path prefix.
      res.writeHead(302, { location: 'graphql' });
      return void res.end();
    }
    if (url.pathname.startsWith('/ide/') && req.method === 'GET') {
      const asset = ide.asset(url.pathname.slice('/ide/'.length));
      if (!asset) return sendText(res, 404, 'text/plain', 'Not found');
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' });
      return void res.end(asset.body);
    }
    if (url.pathname !== '/graphql') return sendText(res, 404, 'text/plain', 'Not found');
    // Set before any answer, so the 401/413/400/503 written here carry it as Apollo's answers do.
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    if (applyCors(opts.cors, req, res)) return;
    // One access line when the response closes, however the request ends from here on.
    const access = accessLog.begin(requestId, res);
    if (drain.draining) {
      access.refused('SHUTTING_DOWN');
      // After CORS, so a browser can read the refusal. The body is read and dropped, so the client
      // finishes sending and sees the 503 before the connection closes (Connection: close, drain.ts).
      req.resume();
      return sendText(res, 503, 'application/json', errorBody('The gateway is shutting down.', 'SHUTTING_DOWN'));
    }
    // The IDE page holds no data; the analyst pastes a credential into it.
    if (req.method === 'GET' && !url.search && (req.headers.accept ?? '').includes('text/html')) {
      access.skip();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': IDE_CSP, 'x-content-type-options': 'nosniff' });
      return void res.end(ide.html);
    }

    const declared = Number(req.headers['content-length'] ?? 0);
    // Refusals answered here never reach Apollo (nor its metrics plugin), and the body that would
    // name the operation is not read: they count as "anonymous".
    if (declared > opts.limits.maxBodyBytes) {
      opts.metrics.graphql(null, 'refused');
      access.refused('QUERY_TOO_COMPLEX');
      return tooLarge(req, res, opts.limits.maxBodyBytes);
    }

    const auth = await opts.authenticator.authenticate(req.headers);
    if (!auth.ok) {
      res.setHeader('www-authenticate', auth.reason === 'missing' ? 'Bearer realm="staffgraph"' : 'Bearer realm="staffgraph", error="invalid_token"');
      req.resume(); // the body is not needed; let it drain so the connection can be reused
      opts.metrics.graphql(null, 'refused');
      access.refused('UNAUTHENTICATED');
      return sendText(res, 401, 'application/json', errorBody('Authentication is required: send a valid bearer token or API key.', 'UNAUTHENTICATED'));
    }

    const raw = await readBody(req, opts.limits.maxBodyBytes);
    if (raw === null) {
      opts.metrics.graphql(null, 'refused');
      access.refused('QUERY_TOO_COMPLEX');
      return tooLarge(req, res, opts.limits.maxBodyBytes);
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    let body: unknown = undefined;
    if (raw.length && (headers.get('content-type') ?? '').includes('application/json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        access.refused('BAD_REQUEST');
        return sendText(res, 400, 'application/json', errorBody('The request body is not valid JSON.', 'BAD_REQUEST'));
      }
    }
    const userAgent = req.headers['user-agent'];
    const scope = new RequestScope(opts, auth.caller, { ip: req.socket.remoteAddress ?? null, userAgent: typeof userAgent === 'string' ? userAgent : null }, requestId);
    res.once('close', () => scope.dispose());
    access.attach(scope);
    // Inside the operation span's context, so the vendor calls' spans are its children.
    const result = await tracing.run(req.headers, scope, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
        context: async () => scope,
      }),
    );
    access.apolloAnswered(result.status ?? 200, result.body.kind === 'complete' ? result.body.string : undefined);
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of result.headers) outHeaders[k] = v;
    res.writeHead(result.status ?? 200, outHeaders);
    if (result.body.kind === 'complete') return void res.end(result.body.string);
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${shownHost}:${port}/graphql`,
    port,
    drain: (graceMs) => drain.drain(server, graceMs),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await apollo.stop();
    },
  };
}

function tooLarge(_req: http.IncomingMessage, res: http.ServerResponse, max: number): void {
  // Close rather than drain: the point is not to read a body this large. Node ends the socket
  // once the answer is written (destroying it here could reset the connection before the client reads it).
  res.setHeader('connection', 'close');
  sendText(res, 413, 'application/json', JSON.stringify({ errors: [{ message: `The request body is over the maxBodyBytes limit of ${max}.`, extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxBodyBytes', max } }] }));
}

/** The body, or null once it runs past `max` bytes (then reading stops). */
function readBody(req: http.IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.pause();
        resolve(null);
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function errorBody(message: string, code: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

function sendText(res: http.ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { 'content-type': type });
  res.end(text);
}
