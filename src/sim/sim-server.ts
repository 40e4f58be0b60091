import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from './router';
import { Rng } from './seed';
import { FAULT_KINDS, type FaultSpec, type LoggedRequest, type SimRequest, type SimResponse } from './types';

/**
 * The HTTP shell every vendor simulator runs in. The vendor supplies a Router and its own error
 * shape; this file adds what all simulators share:
 *  - a request log of every vendor request (method, path, query, headers, body, status),
 *  - fault injection (status, 429 + Retry-After, malformed JSON, dropped connection, slow body, latency,
 *    an HTML page, an oversized body, a hang, one broken record; FaultSpec in types.ts describes each),
 *  - a fixed latency (`--latency-ms`),
 *  - test controls under the reserved prefix /__sim/ (no vendor route starts with it); these are
 *    neither logged nor subject to faults or latency.
 */
export const CONTROL_PREFIX = '/__sim/';

export interface SimServerOptions {
  name: string;
  router: Router;
  /** Restores the seeded state (POST /__sim/reset). */
  reset(): void;
  /** 0 or undefined picks a free port. Always binds 127.0.0.1. */
  port?: number;
  latencyMs?: number;
  /** Seed for fault-rate draws. */
  seed?: number;
  /** Vendor-specific controls; patterns are written in full, e.g. '/__sim/tokens/expire'. */
  controls?: Router;
  /** The vendor's own error response for a status (used for unknown routes, faults and crashes). */
  errorResponse(status: number, message: string): SimResponse;
}

export interface SimServer {
  origin: string;
  port: number;
  readonly log: LoggedRequest[];
  close(): Promise<void>;
}

interface ActiveFault {
  id: number;
  spec: FaultSpec;
  pathRe: RegExp | null;
  seen: number;
  applied: number;
}

export async function startSimServer(opts: SimServerOptions): Promise<SimServer> {
  const log: LoggedRequest[] = [];
  let faults: ActiveFault[] = [];
  let nextFaultId = 1;
  let seq = 0;
  let doneSeq = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let latencyMs = opts.latencyMs ?? 0;
  const newRng = () => new Rng((opts.seed ?? 1) ^ 0x5eed);
  let rng = newRng();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks)).catch(() => {
        if (!res.headersSent) send(res, opts.errorResponse(500, 'Internal server error'));
        else res.destroy();
      });
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const host = req.headers.host ?? `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const url = new URL(req.url ?? '/', `http://${host}`);
    const simReq: SimRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      params: {},
      origin: `http://${host}`,
    };
    if (url.pathname.startsWith(CONTROL_PREFIX)) return send(res, await control(simReq));

    const entry: LoggedRequest = {
      seq: ++seq,
      at: new Date().toISOString(),
      method: simReq.method,
      path: simReq.path,
      query: queryObject(url.searchParams),
      headers: { ...req.headers },
      body: body.toString('utf8'),
      status: null,
      fault: null,
      inFlight: ++inFlight,
      doneSeq: null,
      doneBefore: doneSeq,
    };
    maxInFlight = Math.max(maxInFlight, inFlight);
    log.push(entry);
    res.once('close', () => {
      inFlight--;
      if (entry.status !== null) entry.doneSeq = ++doneSeq;
    });

    if (latencyMs > 0) await sleep(latencyMs);
    const fault = pickFault(simReq);
    entry.fault = fault?.kind ?? null;
    if (fault?.kind === 'latency') await sleep(fault.latencyMs ?? 1000);
    if (fault?.kind === 'drop' && fault.when !== 'after') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      const out = fault.body !== undefined ? { status: fault.status ?? 500, body: fault.body } : opts.errorResponse(fault.status ?? 500, 'Injected failure');
      entry.status = out.status;
      return send(res, out);
    }
    if (fault?.kind === 'rate-limit') {
      const out = opts.errorResponse(429, 'Request was throttled.');
      out.headers = { ...out.headers, 'retry-after': String(fault.retryAfterSeconds ?? 1) };
      entry.status = 429;
      return send(res, out);
    }
    if (fault?.kind === 'malformed-json') {
      entry.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"truncated": [1, 2,');
      return;
    }
    if (fault?.kind === 'html') {
      entry.status = fault.status ?? 200;
      res.writeHead(entry.status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(HTML_PAGE);
      return;
    }
    if (fault?.kind === 'oversized') {
      entry.status = 200;
      return sendOversized(res, fault.bytes ?? 6 * 1024 * 1024, fault.chunked !== false);
    }
    // Nothing is written: the response stays open until the client (or close()) ends the socket.
    if (fault?.kind === 'hang') return;

    let out = await route(simReq);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'bad-record') out = breakOneRecord(out, fault);
    entry.status = out.status;
    if (fault?.kind === 'slow-body') return sendSlowly(res, out, fault.latencyMs ?? 1000);
    send(res, out);
  }

  async function route(simReq: SimRequest): Promise<SimResponse> {
    const m = opts.router.match(simReq.method, simReq.path);
    if (m.kind === 'not-found') return opts.errorResponse(404, 'Not found.');
    if (m.kind === 'method-not-allowed') {
      const out = opts.errorResponse(405, `Method "${simReq.method}" not allowed.`);
      out.headers = { ...out.headers, allow: m.allowed.join(', ') };
      return out;
    }
    simReq.params = m.params;
    try {
      return await m.handler(simReq);
    } catch {
      return opts.errorResponse(500, 'Internal server error');
    }
  }

  function pickFault(simReq: SimRequest): FaultSpec | null {
    for (const f of faults) {
      if (f.spec.method && f.spec.method.toUpperCase() !== simReq.method) continue;
      if (f.pathRe && !f.pathRe.test(simReq.path)) continue;
      f.seen++;
      if (f.seen <= (f.spec.skip ?? 0)) continue;
      if (f.spec.times != null && f.applied >= f.spec.times) continue;
      if (f.spec.rate != null && f.spec.rate < 1 && rng.next() >= f.spec.rate) continue;
      f.applied++;
      return f.spec;
    }
    return null;
  }

  async function control(simReq: SimRequest): Promise<SimResponse> {
    const p = simReq.path;
    const m = simReq.method;
    if (p === '/__sim/requests' && m === 'GET') {
      const since = Number(simReq.query.get('since') ?? 0);
      return { status: 200, body: { requests: log.filter((r) => r.seq > since) } };
    }
    if (p === '/__sim/requests' && m === 'DELETE') {
      log.length = 0;
      maxInFlight = inFlight;
      return { status: 204 };
    }
    if (p === '/__sim/reset' && m === 'POST') {
      opts.reset();
      log.length = 0;
      faults = [];
      rng = newRng(); // so a failure-rate pattern repeats exactly after every reset
      maxInFlight = inFlight;
      return { status: 204 };
    }
    if (p === '/__sim/faults' && m === 'GET') return { status: 200, body: { faults: faults.map((f) => ({ id: f.id, ...f.spec, seen: f.seen, applied: f.applied })) } };
    if (p === '/__sim/faults' && m === 'DELETE') {
      faults = [];
      return { status: 204 };
    }
    if (p === '/__sim/faults' && m === 'POST') {
      let spec: FaultSpec;
      try {
        spec = JSON.parse(simReq.body.toString('utf8')) as FaultSpec;
      } catch {
        return { status: 400, body: { error: 'body must be a JSON FaultSpec' } };
      }
      const kinds = FAULT_KINDS;
      if (!kinds.includes(spec.kind)) return { status: 400, body: { error: `kind must be one of ${kinds.join(', ')}` } };
      const id = nextFaultId++;
      faults.push({ id, spec, pathRe: spec.path ? new RegExp(spec.path) : null, seen: 0, applied: 0 });
      return { status: 201, body: { id } };
    }
    if (p === '/__sim/latency' && m === 'PUT') {
      const v = Number((JSON.parse(simReq.body.toString('utf8') || '{}') as { latencyMs?: unknown }).latencyMs);
      if (!Number.isFinite(v) || v < 0) return { status: 400, body: { error: 'latencyMs must be a number >= 0' } };
      latencyMs = v;
      return { status: 204 };
    }
    if (p === '/__sim/health' && m === 'GET') return { status: 200, body: { name: opts.name, requests: log.length, latencyMs, inFlight, maxInFlight } };
    if (opts.controls) {
      const cm = opts.controls.match(m, p);
      if (cm.kind === 'found') {
        simReq.params = cm.params;
        return cm.handler(simReq);
      }
    }
    return { status: 404, body: { error: 'unknown simulator control' } };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: http.ServerResponse, out: SimResponse): void {
  const { status, headers = {}, body } = out;
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const isRaw = typeof body === 'string' || Buffer.isBuffer(body);
  const payload = isRaw ? body : JSON.stringify(body);
  const h: Record<string, string> = { ...headers };
  if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = isRaw ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, h);
  res.end(payload);
}

function sendSlowly(res: http.ServerResponse, out: SimResponse, pauseMs: number): void {
  const payload = out.body === undefined ? '' : typeof out.body === 'string' || Buffer.isBuffer(out.body) ? out.body : JSON.stringify(out.body);
  res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
  const text = payload.toString();
  const half = Math.floor(text.length / 2);
  res.write(text.slice(0, half));
  setTimeout(() => res.end(text.slice(half)), pauseMs);
}

/** What a proxy or an expired SSO session puts in front of a vendor: a 200 page that is not JSON. */
const HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Please sign in</h1><form method="post" action="/login"><input name="user"><input name="password" type="password"></form></body></html>\n';

/**
 * kind=oversized: a JSON object `{"padding":"xxx…"}` of exactly `total` bytes, written in 64 KiB
 * chunks with back-pressure, so the simulator never holds it whole; it stops writing as soon as the
 * client closes the socket (a gateway that cuts the body off at its cap).
 */
async function sendOversized(res: http.ServerResponse, total: number, chunked: boolean): Promise<void> {
  const prefix = '{"padding":"';
  const suffix = '"}';
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!chunked) headers['content-length'] = String(Math.max(total, prefix.length + suffix.length));
  res.writeHead(200, headers);
  res.write(prefix);
  const piece = Buffer.alloc(64 * 1024, 'x');
  let left = total - prefix.length - suffix.length;
  while (left > 0 && !res.destroyed) {
    const n = Math.min(left, piece.length);
    left -= n;
    if (!res.write(n === piece.length ? piece : piece.subarray(0, n))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  if (!res.destroyed) res.end(suffix);
}

/** kind=bad-record: see FaultSpec. Only JSON bodies (objects and arrays) are touched. */
function breakOneRecord(out: SimResponse, fault: FaultSpec): SimResponse {
  let body: unknown = out.body;
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    try {
      body = JSON.parse(body.toString());
    } catch {
      return out;
    }
  }
  if (body === null || typeof body !== 'object') return out;
  const copy = JSON.parse(JSON.stringify(body)) as unknown;
  const index = fault.index ?? 0;
  const queue: unknown[] = [copy];
  while (queue.length > 0) {
    const node = queue.shift();
    if (Array.isArray(node)) {
      if (node.length > index && node.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e))) {
        node[index] = fault.replaceWith !== undefined ? fault.replaceWith : wrongTypes(node[index] as Record<string, unknown>);
        return { ...out, body: copy };
      }
      queue.push(...node);
    } else if (node !== null && typeof node === 'object') {
      queue.push(...Object.values(node));
    }
  }
  return out;
}

function wrongTypes(record: Record<string, unknown>): Record<string, unknown> {
  const broken: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    broken[k] = v === null ? null : typeof v === 'string' ? 12345 : typeof v === 'number' ? 'not-a-number' : typeof v === 'boolean' ? 'not-a-boolean' : 'not-an-object';
  }
  return broken;
}

function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export { Router };
