import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from '../core/logger';
import { GatewayContext } from './context';
import { formatError } from './errors';
import { IDE_CSP, ideAsset, ideHtml } from './ide';
import { gatewayPlugin } from './plugins';
import type { SourceSet } from './sources';
import { MemoryIdempotencyStore } from './idempotency';
import type { PayloadRecord } from './mutations';

/** Largest accepted request body: 1 MiB (a GraphQL document plus variables is far smaller). */
const MAX_BODY_BYTES = 1024 * 1024;

export interface GatewayOptions {
  schema: GraphQLSchema;
  sources: SourceSet;
  logger: Logger;
  /** 0 picks a free port. */
  port: number;
  host: string;
  requestTimeoutMs: number;
}

export interface RunningGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The gateway's HTTP server: POST/GET /graphql (Apollo), GET /graphql from a browser (the local
 * IDE), /ide/* (its assets), /healthz. A small node:http integration of Apollo Server, so the IDE and
 * the API share one port without a web framework.
 */
export async function startGateway(opts: GatewayOptions): Promise<RunningGateway> {
  const apollo = new ApolloServer<GatewayContext>({
    schema: opts.schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: true,
    plugins: [ApolloServerPluginLandingPageDisabled(), gatewayPlugin(opts.logger)],
  });
  await apollo.start();
  const idempotency = new MemoryIdempotencyStore<PayloadRecord>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname === '/healthz') return sendText(res, 200, 'application/json', '{"status":"ok"}');
    // Browsers ask for it on every IDE load; answering keeps the IDE's console free of 404s.
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (url.pathname === '/') {
      res.writeHead(302, { location: '/graphql' });
      return void res.end();
    }
    if (url.pathname.startsWith('/ide/') && req.method === 'GET') {
      const asset = ideAsset(url.pathname.slice('/ide/'.length));
      if (!asset) return sendText(res, 404, 'text/plain', 'Not found');
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' });
      return void res.end(asset.body);
    }
    if (url.pathname !== '/graphql') return sendText(res, 404, 'text/plain', 'Not found');
    if (req.method === 'GET' && !url.search && (req.headers.accept ?? '').includes('text/html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': IDE_CSP, 'x-content-type-options': 'nosniff' });
      return void res.end(ideHtml());
    }

    const raw = await readBody(req);
    if (raw === null) return sendText(res, 413, 'application/json', '{"errors":[{"message":"Request body too large.","extensions":{"code":"BAD_REQUEST"}}]}');
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
    let body: unknown = undefined;
    if (raw.length && (headers.get('content-type') ?? '').includes('application/json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendText(res, 400, 'application/json', '{"errors":[{"message":"The request body is not valid JSON.","extensions":{"code":"BAD_REQUEST"}}]}');
      }
    }
    const gctx = new GatewayContext(opts.sources, opts.logger, opts.requestTimeoutMs, idempotency);
    res.once('close', () => gctx.dispose());
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => gctx,
    });
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
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await apollo.stop();
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sendText(res: http.ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, { 'content-type': type });
  res.end(text);
}
