import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import type { LoggedRequest } from '../../src/sim/types';
import { sample } from '../support/metrics-text';

// End-to-end tier: GET /metrics (docs/resilience.md — the metric names and labels are a contract).
// The vendor counters are checked against the simulator's own request log, never against timing.

let stack: Stack;
before(async () => {
  stack = await startStack({ users: 12 });
});
after(() => stack.close());

async function scrape(): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(new URL('/metrics', stack.url));
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

const CORE_QUERY = `query CoremrTypes { users(sources: ["coremr"], first: 3) { nodes { id userTypes { name } } } }`;

describe('GET /metrics', () => {
  let log: LoggedRequest[];
  let text: string;

  before(async () => {
    const res = await stack.gql(CORE_QUERY);
    assert.equal(res.body.errors, undefined);
    assert.equal(res.body.data!.users.nodes.length, 3);
    log = await stack.sims.coremr!.control.requests();
    const scraped = await scrape();
    assert.equal(scraped.status, 200);
    assert.match(scraped.type, /^text\/plain; version=0\.0\.4/);
    text = scraped.text;
  });

  test('vendor calls are counted by source, method, route template and status, as many as the simulator saw', () => {
    const lists = log.filter((r) => r.method === 'GET' && r.path.endsWith('/ws/users/') && r.status === 200);
    assert.ok(lists.length >= 1);
    assert.equal(sample(text, 'staffgraph_vendor_requests_total', { source: 'coremr', method: 'GET', route: '/ws/users/', status: '200' }), lists.length);
    const types = log.filter((r) => /\/ws\/users\/[^/]+\/types\/$/.test(r.path));
    assert.equal(types.length, 3, 'one types call per user');
    assert.equal(sample(text, 'staffgraph_vendor_requests_total', { source: 'coremr', method: 'GET', route: '/ws/users/{username}/types/', status: '200' }), 3);
    // Every call the simulator logged is in some series of this source, and no more.
    const coremrTotal = text
      .split('\n')
      .filter((l) => l.startsWith('staffgraph_vendor_requests_total{') && l.includes('source="coremr"'))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    assert.equal(coremrTotal, log.length);
    assert.ok(sample(text, 'staffgraph_vendor_request_duration_seconds_count', { source: 'coremr', method: 'GET', route: '/ws/users/' })! >= 1);
  });

  test('no real path or username reaches a label', () => {
    const usernames = new Set(log.map((r) => /\/ws\/users\/([^/]+)\//.exec(r.path)?.[1]).filter((u): u is string => !!u));
    assert.ok(usernames.size >= 3, `seeded usernames found in the log (${[...usernames].join(', ')})`);
    for (const u of usernames) assert.ok(!text.includes(u), `username ${u} is not in the metrics`);
    const routes = [...text.matchAll(/route="([^"]*)"/g)].map((m) => m[1]!);
    assert.ok(routes.length > 0);
    for (const r of routes) assert.doesNotMatch(r, /\/ws\/users\/[^/{]+\//, `route ${r} is a template`);
    // Other sources were not asked: no series for them.
    for (const id of Object.keys(stack.sims).filter((id) => id !== 'coremr')) {
      assert.ok(!text.includes(`staffgraph_vendor_requests_total{source="${id}"`), `no ${id} call counted`);
    }
  });

  test('a named operation is counted with outcome ok and timed', () => {
    assert.equal(sample(text, 'staffgraph_graphql_requests_total', { operation: 'CoremrTypes', outcome: 'ok' }), 1);
    assert.equal(sample(text, 'staffgraph_graphql_duration_seconds_count', { operation: 'CoremrTypes' }), 1);
  });

  test('default process metrics are on the same registry', () => {
    assert.match(text, /^process_cpu_user_seconds_total \d/m);
    assert.match(text, /^# TYPE process_resident_memory_bytes gauge$/m);
  });
});

describe('graphql outcomes', () => {
  test('an over-limit query is counted as refused, and no vendor is called', async () => {
    await stack.clearLogs();
    const res = await stack.gql(`query TooMany { users(first: 500) { nodes { id } } }`);
    assert.equal(res.status, 400);
    assert.equal(res.body.errors![0]!.extensions!.code, 'QUERY_TOO_COMPLEX');
    for (const [id, n] of Object.entries(await stack.vendorCalls())) assert.equal(n, 0, `no ${id} call`);
    const { text } = await scrape();
    assert.equal(sample(text, 'staffgraph_graphql_requests_total', { operation: 'TooMany', outcome: 'refused' }), 1);
    assert.equal(sample(text, 'staffgraph_graphql_requests_total', { operation: 'TooMany', outcome: 'ok' }), undefined);
  });

  test('an unnamed operation is "anonymous"; one with errors is "error"', async () => {
    const before = sample((await scrape()).text, 'staffgraph_graphql_requests_total', { operation: 'anonymous', outcome: 'ok' }) ?? 0;
    assert.equal((await stack.gql(`{ sources { id } }`)).body.errors, undefined);
    const bad = await stack.gql(`query Broken { node(id: "not-an-id") { id } }`);
    assert.equal(bad.body.errors![0]!.extensions!.code, 'BAD_USER_INPUT');
    const { text } = await scrape();
    assert.equal(sample(text, 'staffgraph_graphql_requests_total', { operation: 'anonymous', outcome: 'ok' }), before + 1);
    assert.equal(sample(text, 'staffgraph_graphql_requests_total', { operation: 'Broken', outcome: 'error' }), 1);
  });

  test('the operation label is bounded: a sent name that is not a name is cut to 64 of [A-Za-z0-9_]', async () => {
    const sent = `${'x'.repeat(80)}-"}\n`;
    await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ (', operationName: sent }) });
    const { text } = await scrape();
    assert.equal(sample(text, 'staffgraph_graphql_requests_total', { operation: 'x'.repeat(64), outcome: 'error' }), 1);
  });

  test('a vendor call that got no response is counted with its transport outcome, under the route template', async () => {
    const control = stack.sims.coremr!.control;
    await control.fault({ kind: 'drop', when: 'before', method: 'GET', path: '^/ws/users/$' });
    try {
      const res = await stack.gql(`query Dropped { users(sources: ["coremr"], first: 3) { nodes { id } } }`);
      assert.ok(res.body.errors?.length, 'the failure is reported');
    } finally {
      await control.clearFaults();
    }
    const { text } = await scrape();
    assert.ok(sample(text, 'staffgraph_vendor_requests_total', { source: 'coremr', method: 'GET', route: '/ws/users/', status: 'reset' })! >= 1, text.split('\n').filter((l) => l.includes('coremr')).join('\n'));
    assert.equal(sample(text, 'staffgraph_graphql_requests_total', { operation: 'Dropped', outcome: 'error' }), 1);
  });
});

test('speculative first pages of later sources are counted used or unused (staffgraph_speculative_pages_total)', async () => {
  const used = async () => sample((await scrape()).text, 'staffgraph_speculative_pages_total', { outcome: 'used' }) ?? 0;
  const unused = async () => sample((await scrape()).text, 'staffgraph_speculative_pages_total', { outcome: 'unused' }) ?? 0;
  const all = `{ users(first: 100) { nodes { id } } }`; // 5 sources × 12 users: every source is needed
  assert.equal((await stack.gql(all)).body.errors, undefined); // learns every source's size
  const [u0, n0] = [await used(), await unused()];
  assert.equal((await stack.gql(all)).body.errors, undefined);
  assert.equal(await used(), u0 + 4, 'sources 2–5 asked at once, and all of them needed');
  assert.equal(await unused(), n0);
});
