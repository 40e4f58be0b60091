import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as wait } from 'node:timers/promises';
import type { BreakerState, ResilienceSettings, SourceHttpSettings, VendorMetrics } from '../core/connector';
import type { RequestContext } from '../core/context';
import { SourceError } from '../core/errors';
import { createLogger } from '../core/logger';
import { hang, reply, reset, startScriptedServer, type ScriptedServer } from '../../test/support/scripted-server';
import { VendorHttp } from './vendor-http';

class RecordingMetrics implements VendorMetrics {
  calls: string[] = [];
  retries = 0;
  states: BreakerState[] = [];
  observe(_s: string, method: string, _r: string, status: string) {
    this.calls.push(`${method} ${status}`);
  }
  retried() {
    this.retries++;
  }
  breakerState(_s: string, state: BreakerState) {
    this.states.push(state);
  }
}

function ctx(timeoutMs = 5_000, requestId = 'req-1'): RequestContext & { cancel(): void } {
  const abort = new AbortController();
  return {
    requestId,
    deadlineAt: Date.now() + timeoutMs,
    signal: AbortSignal.any([abort.signal, AbortSignal.timeout(timeoutMs)]),
    vendorCalls: new Map(),
    cancel: () => abort.abort(),
  };
}

let server: ScriptedServer;
let metrics: RecordingMetrics;
let logLines: string[];
const https: VendorHttp[] = [];

function client(o: { http?: SourceHttpSettings; resilience?: ResilienceSettings; forwardRequestId?: boolean } = {}): VendorHttp {
  const h = new VendorHttp(
    { id: 'src', baseUrl: `${server.url}/api`, http: o.http ?? {}, resilience: { retryBaseMs: 20, ...o.resilience }, forwardRequestId: o.forwardRequestId },
    { logger: createLogger('debug', (l) => logLines.push(l)), metrics },
  );
  https.push(h);
  return h;
}

const get = (h: VendorHttp, c: RequestContext = ctx()) => h.request({ method: 'GET', path: '/users', route: '/users', ctx: c });
const post = (h: VendorHttp, c: RequestContext = ctx()) => h.request({ method: 'POST', path: '/users', route: '/users', body: '{}', ctx: c });

async function rejectsWith(p: Promise<unknown>, code: string, extra: Record<string, unknown> = {}) {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SourceError, String(e));
    assert.equal(e.code, code);
    for (const [k, v] of Object.entries(extra)) assert.equal((e.details as Record<string, unknown>)[k], v, k);
    return true;
  });
}

describe('VendorHttp on a scripted loopback server', () => {
  before(async () => (server = await startScriptedServer()));
  after(async () => {
    for (const h of https) await h.close();
    await server.close();
  });
  beforeEach(() => {
    metrics = new RecordingMetrics();
    logLines = [];
    server.clear();
  });

  test('503 then 200 on a GET: retried once, both attempts counted, the retry counted', async () => {
    server.script(reply(503), reply(200, { users: [1] }));
    const c = ctx();
    const res = await get(client(), c);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.text), { users: [1] });
    assert.equal(server.seen.length, 2);
    assert.deepEqual(metrics.calls, ['GET 503', 'GET 200']);
    assert.equal(metrics.retries, 1);
    assert.equal(c.vendorCalls!.get('src'), 2);
  });

  test('a GET that keeps failing is tried 1 + retries times and the last answer stands', async () => {
    server.script(reply(502), reply(503), reply(504));
    const res = await get(client());
    assert.equal(res.status, 504);
    assert.equal(server.seen.length, 3);
    assert.equal(metrics.retries, 2);
  });

  test('400 and 404 on a GET are the vendor answering: not retried', async () => {
    server.script(reply(404));
    assert.equal((await get(client())).status, 404);
    assert.equal(server.seen.length, 1);
  });

  test('500 on a POST is not retried', async () => {
    server.script(reply(500));
    assert.equal((await post(client())).status, 500);
    assert.equal(server.seen.length, 1);
    assert.equal(metrics.retries, 0);
  });

  test('a reset on a GET is retried; on a POST it is SOURCE_UNAVAILABLE with requestSent (the write may have happened)', async () => {
    server.script(reset, reply(200));
    assert.equal((await get(client())).status, 200);
    assert.equal(server.seen.length, 2);
    server.seen.length = 0;
    server.script(reset);
    await rejectsWith(post(client()), 'SOURCE_UNAVAILABLE', { requestSent: true });
    assert.equal(server.seen.length, 1);
    assert.ok(metrics.calls.includes('POST reset'));
  });

  test('no headers within headersTimeoutMs: a GET is retried, then SOURCE_TIMEOUT', async () => {
    server.script(hang, hang, hang);
    await rejectsWith(get(client({ http: { headersTimeoutMs: 150 } })), 'SOURCE_TIMEOUT');
    assert.equal(server.seen.length, 3);
    assert.deepEqual(metrics.calls, ['GET timeout', 'GET timeout', 'GET timeout']);
  });

  test('429 with a Retry-After that fits is retried after at least that long; one that does not fit is answered at once', async () => {
    server.script(reply(429, {}, { 'retry-after': '1' }), reply(200));
    assert.equal((await get(client())).status, 200);
    assert.equal(server.seen.length, 2);
    assert.ok(server.seen[1]!.at - server.seen[0]!.at >= 990, `waited ${server.seen[1]!.at - server.seen[0]!.at} ms`);
    server.seen.length = 0;
    server.script(reply(429, {}, { 'retry-after': '120' }));
    const t0 = Date.now();
    const res = await get(client());
    assert.equal(res.status, 429, 'the vendor client maps this to SOURCE_RATE_LIMITED with retryAfterSeconds');
    assert.equal(server.seen.length, 1);
    assert.ok(Date.now() - t0 < 1000);
  });

  test('a retry whose back-off would pass the request deadline is not made', async () => {
    server.script(reply(503), reply(200));
    const res = await get(client({ resilience: { retryBaseMs: 2_000 } }), ctx(1_000));
    assert.equal(res.status, 503);
    assert.equal(server.seen.length, 1);
  });

  test('a body over maxResponseBytes is refused: by Content-Length before reading, and while reading a chunked body', async () => {
    const big = 'x'.repeat(4096);
    server.script((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(big.length) });
      res.end(big);
    });
    await rejectsWith(get(client({ resilience: { maxResponseBytes: 1024 } })), 'SOURCE_BAD_RESPONSE');
    server.script((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = 'y'.repeat(512);
      let sent = 0;
      const tick = setInterval(() => {
        if (res.destroyed || sent++ > 50) {
          clearInterval(tick);
          res.end();
        } else res.write(chunk);
      }, 2);
    });
    await rejectsWith(get(client({ resilience: { maxResponseBytes: 1024 } })), 'SOURCE_BAD_RESPONSE');
    assert.ok(metrics.calls.includes('GET too_large'));
  });

  test('the breaker opens after N vendor failures, answers with no call, probes once after the cooldown, and closes on success', async () => {
    const h = client({ resilience: { breakerFailures: 3, breakerCooldownMs: 300 } });
    server.script(reply(500), reply(500), reply(500));
    for (let i = 0; i < 3; i++) assert.equal((await post(h)).status, 500);
    assert.equal(h.breakerState, 'open');
    await rejectsWith(post(h), 'SOURCE_UNAVAILABLE', { requestSent: false, breaker: 'open' });
    assert.equal(server.seen.length, 3, 'no call while open');
    await wait(350);
    server.script(reply(200));
    assert.equal((await post(h)).status, 200, 'the probe');
    assert.equal(h.breakerState, 'closed');
    assert.deepEqual(metrics.states, ['closed', 'open', 'half-open', 'closed']);
    assert.ok(logLines.some((l) => l.includes('"breaker_state"') && l.includes('"open"') && l.includes('"warn"')));
  });

  test('a failed probe re-opens the breaker', async () => {
    const h = client({ resilience: { breakerFailures: 1, breakerCooldownMs: 200 } });
    server.script(reply(503));
    await post(h);
    assert.equal(h.breakerState, 'open');
    await wait(250);
    server.script(reply(503));
    await post(h);
    assert.equal(h.breakerState, 'open');
    assert.equal(server.seen.length, 2);
  });

  test('requests the caller cancelled are not vendor failures: the breaker stays closed', async () => {
    const h = client({ resilience: { breakerFailures: 2 } });
    for (let i = 0; i < 4; i++) {
      server.script(hang);
      const c = ctx();
      const p = get(h, c);
      await wait(30);
      c.cancel();
      await rejectsWith(p, 'SOURCE_TIMEOUT');
    }
    assert.equal(h.breakerState, 'closed');
    assert.equal(server.seen.length, 4, 'a cancelled GET is not retried');
    assert.ok(metrics.calls.every((c) => c === 'GET cancelled'));
  });

  test('a request cancelled while waiting in the rate limiter gives its slot back and sends nothing', async () => {
    const h = client({ http: { minIntervalMs: 300 } });
    await get(h);
    const abandoned = Array.from({ length: 8 }, () => ctx());
    const waits = abandoned.map((c) => get(h, c));
    await wait(20);
    for (const c of abandoned) c.cancel();
    for (const w of waits) await rejectsWith(w, 'SOURCE_TIMEOUT', { requestSent: false });
    const t0 = Date.now();
    await get(h);
    assert.ok(Date.now() - t0 < 600, `next call waited ${Date.now() - t0} ms (8 kept slots would be 2,400 ms)`);
    assert.equal(server.seen.length, 2);
  });

  test('x-request-id is forwarded only when the source says so', async () => {
    await get(client({ forwardRequestId: true }), ctx(5_000, 'abc-123'));
    await get(client(), ctx(5_000, 'abc-123'));
    assert.equal(server.seen[0]!.headers['x-request-id'], 'abc-123');
    assert.equal(server.seen[1]!.headers['x-request-id'], undefined);
  });

  test('a 401 is answered as-is and logged as a vendor auth failure with the source and status (no path, no body)', async () => {
    server.script(reply(401, { error: 'secret-token-xyz rejected' }));
    const res = await h401();
    assert.equal(res.status, 401);
    const line = logLines.find((l) => l.includes('vendor_auth_failed'));
    assert.ok(line);
    const parsed = JSON.parse(line!) as Record<string, unknown>;
    assert.equal(parsed.source, 'src');
    assert.equal(parsed.status, 401);
    assert.equal(parsed.level, 'warn');
    assert.ok(!logLines.join('\n').includes('secret-token-xyz'));
    async function h401() {
      return client().request({ method: 'GET', path: '/users/jdoe', route: '/users/{username}', ctx: ctx() });
    }
    assert.ok(!logLines.join('\n').includes('jdoe'), 'the real path never reaches a log line');
  });

  test('no time left: nothing is sent', async () => {
    await rejectsWith(get(client(), { requestId: 'x', deadlineAt: Date.now() - 1, signal: new AbortController().signal }), 'SOURCE_TIMEOUT', { requestSent: false });
    assert.equal(server.seen.length, 0);
  });
});
