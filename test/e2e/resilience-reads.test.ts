import 'reflect-metadata';
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startStack, type GqlResponse, type Stack } from '../support/stack';
import { configForSimulators, startApp } from '../../src/app';
import { createLogger } from '../../src/core/logger';
import { findVendor } from '../../src/vendors/registry';
import { openTestStore } from '../../src/store/open-store';
import { Matrix, codes, matching, oneError, sample, scrape, timed } from './resilience-kit';

/**
 * Resilience tier, reads and writes against one vendor failing (docs/resilience.md), through the
 * gateway over loopback HTTP. Each case asserts what the client sees (code, path), how many
 * attempts reached the simulator (its request log) and, where it matters, the time.
 *
 * The stack keeps the production retry defaults (2 retries, 100 ms base) but short undici
 * timeouts (400 ms to headers, 400 ms of body silence) so a timeout case takes ~1 s, and a
 * breaker that never opens here (its own file tests it): consecutive failures from one case must
 * not turn the next case into a breaker case.
 */
const HEADERS_TIMEOUT_MS = 400;
const BODY_TIMEOUT_MS = 400;
let stack: Stack;
const matrix = new Matrix('Reads and writes, one vendor failing');

before(async () => {
  stack = await startStack({ users: 12, http: { headersTimeoutMs: HEADERS_TIMEOUT_MS, bodyTimeoutMs: BODY_TIMEOUT_MS }, resilience: { breakerFailures: 1000 } });
});
after(async () => {
  matrix.print();
  await stack.close();
});
afterEach(() => stack.resetAll());

const COREMR_LIST = /^\/ws\/users\/$/;
const LIST_QUERY = `{ users(sources: ["coremr"], first: 5) { nodes { id } sourceErrors { source code } } }`;

async function coremrLists() {
  return matching(await stack.sims.coremr!.control.requests(), 'GET', COREMR_LIST);
}

async function retriesOfCoremrList(): Promise<number> {
  return sample(await scrape(stack.url), 'staffgraph_vendor_retries_total', { source: 'coremr', method: 'GET', route: '/ws/users/' }) ?? 0;
}

/** A failed list: the one error names the source at path ["users"], and the connection's sourceErrors agree. */
function assertListFailed(res: GqlResponse, code: string) {
  assert.equal(res.status, 200);
  oneError(res, code, 'coremr', ['users']);
  assert.deepEqual(res.body.data!.users.nodes, []);
  assert.deepEqual(res.body.data!.users.sourceErrors, [{ source: 'coremr', code }]);
}

function assertListOk(res: GqlResponse) {
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  assert.equal(res.body.data!.users.nodes.length, 5);
  assert.deepEqual(res.body.data!.users.sourceErrors, []);
}

describe('timeouts', () => {
  test('no headers within headersTimeoutMs: the read is retried twice, then SOURCE_TIMEOUT', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'latency', latencyMs: 8000, method: 'GET', path: COREMR_LIST.source });
    const retriesBefore = await retriesOfCoremrList();
    const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
    assertListFailed(res, 'SOURCE_TIMEOUT');
    const lists = await coremrLists();
    assert.equal(lists.length, 3, 'first attempt + 2 retries');
    assert.equal((await retriesOfCoremrList()) - retriesBefore, 2, 'both retries counted in /metrics');
    // At least three headers timeouts; and well before the vendor's 8 s. (undici runs its headers
    // and body timers on a coarse ~0.5 s tick, so a 400 ms timeout fires after 0.4–1 s: three
    // attempts take ~3 s, hence the vendor's 8 s and the headroom.)
    assert.ok(ms >= 3 * HEADERS_TIMEOUT_MS, `answered after ${ms} ms`);
    assert.ok(ms < 7000, `answered in ${ms} ms, not after the vendor's 8 s`);
    matrix.add({ case: 'headers timeout (GET, vendor silent 8 s, headersTimeoutMs 400)', code: codes(res), attempts: String(lists.length), ms });
  });

  test('a body that stalls past bodyTimeoutMs: SOURCE_TIMEOUT, not retried (the headers came)', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'slow-body', latencyMs: 8000, method: 'GET', path: COREMR_LIST.source });
    const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
    assertListFailed(res, 'SOURCE_TIMEOUT');
    const lists = await coremrLists();
    assert.equal(lists.length, 1);
    assert.ok(ms >= BODY_TIMEOUT_MS && ms < 7000, `answered in ${ms} ms, not after the vendor's 8 s`);
    matrix.add({ case: 'slow body (stalls 8 s mid-body, bodyTimeoutMs 400)', code: codes(res), attempts: String(lists.length), ms });
  });

  test('a body with a pause under bodyTimeoutMs is read whole', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'slow-body', latencyMs: 150, method: 'GET', path: COREMR_LIST.source });
    const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
    assertListOk(res);
    const lists = await coremrLists();
    assert.equal(lists.length, 1);
    assert.equal(lists[0]!.fault, 'slow-body');
    matrix.add({ case: 'slow body (150 ms pause, under bodyTimeoutMs)', code: codes(res), attempts: String(lists.length), ms });
  });
});

describe('status answers', () => {
  for (const status of [500, 502, 503, 504]) {
    test(`${status} then 200 on GET: retried once, the client sees the data, the retry is counted in /metrics`, async () => {
      await stack.sims.coremr!.control.fault({ kind: 'status', status, times: 1, method: 'GET', path: COREMR_LIST.source });
      const retriesBefore = await retriesOfCoremrList();
      const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
      assertListOk(res);
      const lists = await coremrLists();
      assert.deepEqual(lists.map((r) => r.status), [status, 200]);
      assert.equal((await retriesOfCoremrList()) - retriesBefore, 1);
      const text = await scrape(stack.url);
      assert.ok(sample(text, 'staffgraph_vendor_requests_total', { source: 'coremr', method: 'GET', route: '/ws/users/', status: String(status) })! >= 1, 'the failed attempt is counted under its status');
      matrix.add({ case: `${status} then 200 on GET`, code: codes(res), attempts: String(lists.length), ms });
    });
  }

  test('503 on every attempt: 3 attempts (1 + retries 2), then SOURCE_UNAVAILABLE', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'status', status: 503, method: 'GET', path: COREMR_LIST.source });
    const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
    assertListFailed(res, 'SOURCE_UNAVAILABLE');
    const lists = await coremrLists();
    assert.deepEqual(lists.map((r) => r.status), [503, 503, 503]);
    matrix.add({ case: '503 on every GET attempt', code: codes(res), attempts: String(lists.length), ms });
  });

  test('500 on POST: one attempt, never retried; the mutation reports SOURCE_UNAVAILABLE and its step', async () => {
    await stack.sims.icure!.control.fault({ kind: 'status', status: 500, method: 'POST', path: '^/rest/v2/user$' });
    const { value: res, ms } = await timed(() =>
      stack.gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } userErrors { field code } steps { method route status ok } } }`, {
        i: { source: 'icure', username: 'post500@example.org', email: 'post500@example.org', firstName: 'Po', lastName: 'St' },
      }),
    );
    const p = res.body.data!.createUser;
    assert.deepEqual(p.userErrors, [{ field: null, code: 'SOURCE_UNAVAILABLE' }]);
    assert.deepEqual(p.steps, [{ method: 'POST', route: '/rest/v2/user', status: 500, ok: false }]);
    assert.equal(p.user, null);
    const posts = matching(await stack.sims.icure!.control.requests(), 'POST', /^\/rest\/v2\/user$/);
    assert.equal(posts.length, 1, 'a write is never retried');
    matrix.add({ case: '500 on POST (createUser, iCure)', code: p.userErrors.map((e: any) => e.code).join(', '), attempts: String(posts.length), ms });
  });
});

describe('connection resets', () => {
  test('reset before an answer on GET (dropped before the handler): retried, the client sees the data', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'drop', when: 'before', times: 1, method: 'GET', path: COREMR_LIST.source });
    const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
    assertListOk(res);
    const lists = await coremrLists();
    assert.deepEqual(lists.map((r) => [r.fault, r.status]), [['drop', null], [null, 200]]);
    matrix.add({ case: 'reset on GET (once)', code: codes(res), attempts: String(lists.length), ms });
  });

  test('reset on every GET attempt: 3 attempts, then SOURCE_UNAVAILABLE', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'drop', when: 'after', method: 'GET', path: COREMR_LIST.source });
    const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
    assertListFailed(res, 'SOURCE_UNAVAILABLE');
    const lists = await coremrLists();
    assert.equal(lists.length, 3);
    matrix.add({ case: 'reset on every GET attempt', code: codes(res), attempts: String(lists.length), ms });
  });

  test('reset after the vendor ran a POST: OUTCOME_UNKNOWN, one attempt, and no later step of the write is sent', async () => {
    const ids = await stack.gql(`{ userTypes(source: "opendental") { id } facilities(source: "opendental") { id } }`);
    const type = ids.body.data!.userTypes[0].id;
    const facility = ids.body.data!.facilities[0].id;
    await stack.sims.opendental!.control.clearRequests();
    await stack.sims.opendental!.control.fault({ kind: 'drop', when: 'after', method: 'POST', path: '^/api/v1/userods$' });
    const { value: res, ms } = await timed(() =>
      stack.gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } userErrors { field code } steps { method route status ok } } }`, {
        i: { source: 'opendental', username: 'reset.post', password: 'Str0ngPass1', userTypeIds: [type], facilityIds: [facility] },
      }),
    );
    const p = res.body.data!.createUser;
    assert.deepEqual(p.userErrors, [{ field: null, code: 'OUTCOME_UNKNOWN' }]);
    assert.deepEqual(p.steps, [{ method: 'POST', route: '/userods', status: null, ok: false }]);
    const log = await stack.sims.opendental!.control.requests();
    const posts = matching(log, 'POST', /^\/api\/v1\/userods$/);
    assert.equal(posts.length, 1, 'never retried');
    assert.deepEqual(matching(log, 'PUT', /./), [], 'the clinic PUT that would follow is not sent');
    matrix.add({ case: 'reset on POST after the vendor applied it (createUser, Open Dental)', code: p.userErrors.map((e: any) => e.code).join(', '), attempts: String(posts.length), ms });
  });
});

describe('bodies that are not what was asked for', () => {
  test('malformed JSON (200): SOURCE_BAD_RESPONSE, not retried, no body fragment echoed', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'malformed-json', method: 'GET', path: COREMR_LIST.source });
    const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
    assertListFailed(res, 'SOURCE_BAD_RESPONSE');
    assert.ok(!res.text.includes('truncated'));
    const lists = await coremrLists();
    assert.equal(lists.length, 1);
    matrix.add({ case: 'malformed JSON (200)', code: codes(res), attempts: String(lists.length), ms });
  });

  test('an HTML page with 200 (a proxy sign-in page): SOURCE_BAD_RESPONSE, not retried, nothing of the page echoed', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'html', method: 'GET', path: COREMR_LIST.source });
    const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
    assertListFailed(res, 'SOURCE_BAD_RESPONSE');
    assert.doesNotMatch(res.text, /sign in|<html|DOCTYPE/i);
    const lists = await coremrLists();
    assert.deepEqual(lists.map((r) => [r.fault, r.status]), [['html', 200]]);
    matrix.add({ case: 'HTML page with 200', code: codes(res), attempts: String(lists.length), ms });
  });

  for (const chunked of [true, false]) {
    const how = chunked ? 'streamed chunked, no Content-Length' : 'with Content-Length';
    test(`a 6 MiB body ${how} (cap 5 MiB): SOURCE_BAD_RESPONSE, not retried, the rest not read`, async () => {
      await stack.sims.coremr!.control.fault({ kind: 'oversized', bytes: 6 * 1024 * 1024, chunked, method: 'GET', path: COREMR_LIST.source });
      const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
      assertListFailed(res, 'SOURCE_BAD_RESPONSE');
      const lists = await coremrLists();
      assert.equal(lists.length, 1);
      const text = await scrape(stack.url);
      assert.ok(sample(text, 'staffgraph_vendor_requests_total', { source: 'coremr', method: 'GET', route: '/ws/users/', status: 'too_large' })! >= 1, 'counted as too_large');
      matrix.add({ case: `oversized body, 6 MiB ${how}`, code: codes(res), attempts: String(lists.length), ms });
    });
  }
});

describe('rate limits', () => {
  test('429 with Retry-After: 1: one retry, sent at least 1 s after the first attempt; the client sees the data', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'rate-limit', retryAfterSeconds: 1, times: 1, method: 'GET', path: COREMR_LIST.source });
    const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
    assertListOk(res);
    const lists = await coremrLists();
    assert.deepEqual(lists.map((r) => r.status), [429, 200]);
    const gapMs = Date.parse(lists[1]!.at) - Date.parse(lists[0]!.at);
    assert.ok(gapMs >= 1000, `second attempt ${gapMs} ms after the first`);
    assert.ok(ms < 5000, `answered in ${ms} ms`);
    matrix.add({ case: '429 Retry-After 1, then 200', code: codes(res), attempts: `${lists.length} (gap ${gapMs} ms)`, ms });
  });

  test('429 with Retry-After: 120 (past the deadline) on a list: SOURCE_RATE_LIMITED at once, one attempt', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'rate-limit', retryAfterSeconds: 120, method: 'GET', path: COREMR_LIST.source });
    const { value: res, ms } = await timed(() => stack.gql(LIST_QUERY));
    assertListFailed(res, 'SOURCE_RATE_LIMITED');
    const lists = await coremrLists();
    assert.equal(lists.length, 1);
    assert.ok(ms < 2000, `failed fast: ${ms} ms`);
    matrix.add({ case: '429 Retry-After 120 (users list)', code: codes(res), attempts: String(lists.length), ms });
  });

  test('429 with Retry-After: 120 on a list: the partial-result error carries extensions.retryAfterSeconds 120', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'rate-limit', retryAfterSeconds: 120, method: 'GET', path: COREMR_LIST.source });
    const res = await stack.gql(LIST_QUERY);
    assertListFailed(res, 'SOURCE_RATE_LIMITED');
    assert.equal(res.body.errors![0]!.extensions!.retryAfterSeconds, 120);
  });

  test('429 with Retry-After: 120 on user(id:): SOURCE_RATE_LIMITED at once with retryAfterSeconds 120, one attempt', async () => {
    const listed = await stack.gql(`{ users(sources: ["coremr"], first: 1) { nodes { id nativeId } } }`);
    const { id, nativeId } = listed.body.data!.users.nodes[0];
    await stack.sims.coremr!.control.clearRequests();
    await stack.sims.coremr!.control.fault({ kind: 'rate-limit', retryAfterSeconds: 120, method: 'GET' });
    const { value: res, ms } = await timed(() => stack.gql(`query($id: ID!) { user(id: $id) { id } }`, { id }));
    const e = oneError(res, 'SOURCE_RATE_LIMITED', 'coremr', ['user']);
    assert.equal(e.extensions!.retryAfterSeconds, 120);
    const calls = await stack.sims.coremr!.control.requests();
    assert.deepEqual(calls.map((r) => [r.method, decodeURIComponent(r.path), r.status]), [['GET', `/ws/users/${nativeId}`, 429]]);
    assert.ok(ms < 2000, `failed fast: ${ms} ms`);
    matrix.add({ case: '429 Retry-After 120 (user by id)', code: `${codes(res)} (retryAfterSeconds 120)`, attempts: String(calls.length), ms });
  });
});

describe('a source nobody listens on', () => {
  test('connection refused: SOURCE_UNAVAILABLE fast, one attempt (counted "refused" in /metrics), other sources unaffected', async () => {
    const coremr = findVendor('coremr')!;
    const sim = await coremr.startSimulator({ port: 0, users: 5, seed: 1 });
    const closedPort = await freePort();
    const refusedOrigin = `http://127.0.0.1:${closedPort}`;
    const config = configForSimulators([
      { id: 'coremr', sim: { ...sim, baseUrl: sim.baseUrl.replace(sim.origin, refusedOrigin) } },
      { id: 'live', sim },
    ]);
    const store = await openTestStore('pglite');
    const app = await startApp(config, [coremr], createLogger('error', () => {}), { store });
    try {
      const { value: res, ms } = await timed(async () => {
        const r = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ users(first: 5) { nodes { id source { id } } sourceErrors { source code } } }` }) });
        return (await r.json()) as any;
      });
      assert.equal(res.errors.length, 1);
      assert.equal(res.errors[0].extensions.code, 'SOURCE_UNAVAILABLE');
      assert.equal(res.errors[0].extensions.source, 'coremr');
      assert.deepEqual(res.errors[0].path, ['users']);
      assert.deepEqual(res.data.users.sourceErrors, [{ source: 'coremr', code: 'SOURCE_UNAVAILABLE' }]);
      assert.equal(res.data.users.nodes.length, 5);
      assert.ok(res.data.users.nodes.every((n: any) => n.source.id === 'live'));
      assert.ok(ms < 2000, `refused fast: ${ms} ms`);
      const text = await scrape(app.url);
      const refused = sample(text, 'staffgraph_vendor_requests_total', { source: 'coremr', method: 'GET', route: '/ws/users/', status: 'refused' });
      assert.equal(refused, 1, 'one attempt: a refused connection is not retried');
      matrix.add({ case: 'connection refused (closed port)', code: 'SOURCE_UNAVAILABLE', attempts: `${refused} (gateway metrics; nobody listens)`, ms });
    } finally {
      await app.close();
      await store.close();
      await sim.close();
    }
  });
});

/** A loopback port that was free a moment ago and that nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
