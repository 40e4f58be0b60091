import 'reflect-metadata';
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { StartedSimulator } from '../../src/core/connector';
import { createLogger } from '../../src/core/logger';
import { VENDORS } from '../../src/vendors/registry';
import { configForSimulators, startApp } from '../../src/app';
import { SimControl } from '../../src/sim/control';
import { openTestStore } from '../../src/store/open-store';
import type { Store } from '../../src/store/types';
import type { RunningGateway } from '../../src/server/http-server';
import { anonymousCaller } from '../../src/auth/caller';
import { startThrowingGateway } from '../support/throwing-schema';
import { DEFAULT_LIMITS } from '../../src/server/limits/query-limits';

/**
 * Operations (docs/resilience.md): request ids, /readyz, the graceful drain. The Stack of
 * test/support/stack.ts hides its gateway, so this file starts the same thing itself: five
 * simulators and one store, shared, and a fresh gateway (`startApp`) per test that needs one — a
 * fresh gateway also has a fresh 5-second health cache, and a drained one cannot be reused.
 */
const started: StartedSimulator[] = [];
const controls: Record<string, SimControl> = {};
let store: Store;
const apps: Array<Awaited<ReturnType<typeof startApp>>> = [];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

before(async () => {
  for (const v of VENDORS) started.push(await v.startSimulator({ port: 0, users: 10, seed: 1 }));
  VENDORS.forEach((v, i) => (controls[v.vendor] = new SimControl(started[i]!.origin)));
  store = await openTestStore('pglite');
});
after(async () => {
  for (const app of apps) await app.close(); // also after a drain: close() must still work
  await Promise.all(started.map((s) => s.close()));
  await store.close();
});
afterEach(async () => {
  await Promise.all(Object.values(controls).map((c) => c.reset()));
});

async function gateway() {
  const config = configForSimulators(started.map((sim, i) => ({ id: VENDORS[i]!.vendor, sim })));
  const app = await startApp(config, VENDORS, createLogger('error', () => {}), { store });
  apps.push(app);
  return app;
}

function origin(app: RunningGateway): string {
  return app.url.replace(/\/graphql$/, '');
}

async function post(url: string, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text), text };
}

/** GET /readyz, asked again while a source is still `unknown` (its first check outran the probe's budget). */
async function readyz(app: RunningGateway, settle = true) {
  for (let i = 0; ; i++) {
    const res = await fetch(`${origin(app)}/readyz`);
    const text = await res.text();
    const body = JSON.parse(text);
    if (!settle || i >= 20 || !body.sources.some((s: any) => s.state === 'unknown')) return { status: res.status, headers: res.headers, body, text };
    await new Promise((r) => setTimeout(r, 100));
  }
}

function assertNoVendorDetail(text: string) {
  assert.doesNotMatch(text, /127\.0\.0\.1|localhost|https?:\/\/|SOURCE_|error/i, 'no vendor host, URL, error code or text');
  for (const s of started) assert.ok(!text.includes(String(new URL(s.baseUrl).port)), 'no vendor port');
}

/** Vendor requests logged since the last reset, by source id. */
async function vendorCalls(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [id, c] of Object.entries(controls)) out[id] = (await c.requests()).length;
  return out;
}

async function untilVendorSaw(id: string, path: RegExp): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await controls[id]!.requests()).some((r) => path.test(r.path))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${id} never saw ${path}`);
}

/** One POST over node:http, to see the response's Connection header and the socket's end. */
function rawPost(url: string, query: string, agent: http.Agent): Promise<{ status: number; connection: string | undefined; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body: JSON.parse(text) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

const SLOW_QUERY = `{ users(sources: ["coremr"], first: 5) { nodes { id } sourceErrors { source code } } }`;
const COREMR_LIST = /^\/ws\/users\/$/;

describe('x-request-id', () => {
  test('a valid inbound id is kept: response header, and 128 characters is still valid', async () => {
    const app = await gateway();
    for (const id of ['abc-123.X_9', 'a'.repeat(128)]) {
      const res = await post(app.url, '{ sources { id } }', { 'x-request-id': id });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-request-id'), id);
    }
  });

  test('anything else is replaced by a random UUID, not trimmed or echoed', async () => {
    const app = await gateway();
    for (const id of ['a'.repeat(129), 'has space', 'a,b', '<script>', 'semi;colon', 'slash/x', '']) {
      const res = await post(app.url, '{ sources { id } }', { 'x-request-id': id });
      assert.equal(res.status, 200);
      const got = res.headers.get('x-request-id')!;
      assert.match(got, UUID, JSON.stringify(id));
      assert.ok(!res.text.includes(id) || id === '', 'the refused id is not echoed in the body');
    }
    // A repeated header arrives joined ("a, b") and is refused like any other comma.
    const headers = new Headers({ 'content-type': 'application/json' });
    headers.append('x-request-id', 'one');
    headers.append('x-request-id', 'two');
    const res = await fetch(app.url, { method: 'POST', headers, body: JSON.stringify({ query: '{ sources { id } }' }) });
    await res.text();
    assert.match(res.headers.get('x-request-id')!, UUID);
    // None given: a UUID, different per request.
    const a = (await post(app.url, '{ sources { id } }')).headers.get('x-request-id');
    const b = (await post(app.url, '{ sources { id } }')).headers.get('x-request-id');
    assert.match(a!, UUID);
    assert.notEqual(a, b);
  });

  test("the kept id is a masked error's extensions.requestId, and the 401/413 the HTTP layer answers carry it", async () => {
    const gw = await startThrowingGateway({
      // Refuses the requests that say so, to reach the HTTP layer's own 401.
      authenticator: { authenticate: async (h) => (h['x-test-deny'] ? { ok: false as const, reason: 'missing' } : { ok: true as const, caller: anonymousCaller() }) },
    });
    try {
      const masked = await post(gw.url, '{ boom }', { 'x-request-id': 'trace-42' });
      assert.equal(masked.body.errors[0].extensions.code, 'INTERNAL_SERVER_ERROR');
      assert.equal(masked.body.errors[0].extensions.requestId, 'trace-42');
      assert.equal(masked.headers.get('x-request-id'), 'trace-42');

      const denied = await post(gw.url, '{ boom }', { 'x-request-id': 'trace-401', 'x-test-deny': '1' });
      assert.equal(denied.status, 401);
      assert.equal(denied.body.errors[0].extensions.code, 'UNAUTHENTICATED');
      assert.equal(denied.headers.get('x-request-id'), 'trace-401');

      const big = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'trace-413' }, body: 'x'.repeat(DEFAULT_LIMITS.maxBodyBytes + 1) });
      await big.text();
      assert.equal(big.status, 413);
      assert.equal(big.headers.get('x-request-id'), 'trace-413');

      const deniedBad = await post(gw.url, '{ boom }', { 'x-request-id': 'bad id', 'x-test-deny': '1' });
      assert.equal(deniedBad.status, 401);
      assert.match(deniedBad.headers.get('x-request-id')!, UUID);

      // Probes need no credentials (this authenticator would refuse them) and name no source here.
      for (const [path, body] of [['/healthz', { status: 'ok' }], ['/readyz', { status: 'ready', redis: 'off', sources: [] }]] as const) {
        const res = await fetch(`${origin(gw)}${path}`, { headers: { 'x-test-deny': '1' } });
        assert.equal(res.status, 200, path);
        assert.deepEqual(await res.json(), body);
      }
    } finally {
      await gw.close();
    }
  });
});

describe('/readyz', () => {
  test('200 ready with every source up, in configured order; ids and states only', async () => {
    const app = await gateway();
    const res = await readyz(app);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(res.body, { status: 'ready', redis: 'off', sources: VENDORS.map((v) => ({ id: v.vendor, state: 'up' })) });
    assertNoVendorDetail(res.text);
  });

  test('a source that is down is "down" and the gateway stays ready (200): one vendor must not take every instance out', async () => {
    const app = await gateway();
    await controls.presentationservices!.fault({ kind: 'drop', when: 'before' });
    const res = await readyz(app);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ready');
    assert.deepEqual(res.body.sources, VENDORS.map((v) => ({ id: v.vendor, state: v.vendor === 'presentationservices' ? 'down' : 'up' })));
    assertNoVendorDetail(res.text);
    // Cached: a second probe within 5 s asks no vendor.
    await Promise.all(Object.values(controls).map((c) => c.clearRequests()));
    assert.equal((await readyz(app)).status, 200);
    assert.deepEqual(await vendorCalls(), Object.fromEntries(VENDORS.map((v) => [v.vendor, 0])));
  });

  test('a vendor whose health check hangs does not hold the probe: answered within the budget as "unknown", still 200', async () => {
    const app = await gateway();
    await controls.icure!.fault({ kind: 'latency', latencyMs: 2000 });
    const t0 = Date.now();
    const res = await readyz(app, false);
    const elapsedMs = Date.now() - t0;
    assert.equal(res.status, 200);
    // Well under the vendor's 2 s: the probe did not wait for it (its own budget is 500 ms; the rest is headroom for a loaded CI machine).
    assert.ok(elapsedMs < 1900, `answered in ${elapsedMs} ms`);
    assert.equal(res.body.sources.find((s: any) => s.id === 'icure').state, 'unknown');
  });
});

describe('drain', () => {
  test('in-flight requests finish; new ones get 503 SHUTTING_DOWN; /readyz 503; idle keep-alive sockets close; drain resolves after the last response', async () => {
    const app = await gateway();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    try {
      // An idle keep-alive socket from before the drain: closed when the drain starts.
      const warm = await rawPost(app.url, '{ sources { id } }', agent);
      assert.equal(warm.status, 200);
      assert.notEqual(warm.connection, 'close');
      const idleSocket = Object.values(agent.freeSockets).flat()[0]!;
      assert.ok(idleSocket, 'a free keep-alive socket');
      const idleClosed = new Promise<void>((r) => idleSocket.once('close', () => r()));

      await controls.coremr!.fault({ kind: 'latency', latencyMs: 800, method: 'GET', path: COREMR_LIST.source });
      const slow = rawPost(app.url, SLOW_QUERY, new http.Agent({ keepAlive: true }));
      await untilVendorSaw('coremr', COREMR_LIST);
      // The vendor holds the request 800 ms from its arrival, which was before this instant.
      const vendorSawAt = Date.now();

      const t0 = Date.now();
      let drainedAt = 0;
      const drained = app.drain(5000).then(() => (drainedAt = Date.now()));
      await idleClosed;

      const ready = await readyz(app, false);
      assert.equal(ready.status, 503);
      assert.equal(ready.body.status, 'draining');
      assert.deepEqual(ready.body.sources.map((s: any) => s.id), VENDORS.map((v) => v.vendor));
      assertNoVendorDetail(ready.text);
      assert.equal((await fetch(`${origin(app)}/healthz`)).status, 200, 'still alive');

      await Promise.all(Object.values(controls).map((c) => c.clearRequests()));
      const refused = await post(app.url, `{ users(sources: ["opendental"], first: 5) { nodes { id } } }`, { 'x-request-id': 'late-1' });
      assert.equal(refused.status, 503);
      assert.deepEqual(refused.body, { errors: [{ message: 'The gateway is shutting down.', extensions: { code: 'SHUTTING_DOWN' } }] });
      assert.equal(refused.headers.get('x-request-id'), 'late-1');
      assert.equal(drainedAt, 0, 'drain waits for the slow request');
      const calls = await vendorCalls();
      for (const v of VENDORS) if (v.vendor !== 'coremr') assert.equal(calls[v.vendor], 0, `a refused request calls no vendor (${v.vendor})`);

      const done = await slow;
      assert.equal(done.status, 200);
      assert.equal(done.connection, 'close', 'a keep-alive client is told to go elsewhere after its request');
      assert.equal(done.body.errors, undefined);
      assert.deepEqual(done.body.data.users.sourceErrors, []);
      assert.ok(done.body.data.users.nodes.length > 0);

      await drained;
      // Server side: the drain waited out the vendor's 800 ms (the client's own 'end' may come a tick after the server closed).
      assert.ok(drainedAt - vendorSawAt >= 700, `drain resolved ${drainedAt - vendorSawAt} ms after the vendor got the request`);
      assert.ok(drainedAt - t0 < 3000, `drain did not wait out the grace (${drainedAt - t0} ms)`);
      await assert.rejects(fetch(`${origin(app)}/healthz`), 'the server no longer listens');
    } finally {
      agent.destroy();
    }
  });

  test('a request slower than the grace is cut at the grace: its client sees the connection end, and drain resolves then', async () => {
    const app = await gateway();
    await controls.coremr!.fault({ kind: 'latency', latencyMs: 4000, method: 'GET', path: COREMR_LIST.source });
    const slow = post(app.url, SLOW_QUERY);
    const slowOutcome = slow.then(
      () => 'answered',
      () => 'connection ended',
    );
    await untilVendorSaw('coremr', COREMR_LIST);
    const t0 = Date.now();
    await app.drain(400);
    const elapsedMs = Date.now() - t0;
    // At the grace, not at the 4 s request's end (headroom for a loaded CI machine).
    assert.ok(elapsedMs >= 380 && elapsedMs < 3500, `drain took ${elapsedMs} ms`);
    assert.equal(await slowOutcome, 'connection ended');
    await assert.rejects(fetch(`${origin(app)}/healthz`), 'the server no longer listens');
    // A second drain is the same (finished) drain.
    await app.drain(400);
  });
});
