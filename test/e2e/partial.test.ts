import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import type { FaultSpec } from '../../src/sim/types';

let stack: Stack;
before(async () => {
  // A short per-source deadline (one vendor call) inside a longer request deadline: a slow source
  // times out on its own budget and the sources after it still answer.
  // Every test injects failures into the same sources: the breaker (5 in a row by default) is
  // raised so that each test meets the vendor's failure, not the breaker left open by the last one.
  stack = await startStack({ users: 30, requestTimeoutMs: 10_000, http: { requestTimeoutMs: 1000 }, resilience: { breakerFailures: 1000 }, server: { limits: { maxFirst: 500 } } });
});
after(() => stack.close());
afterEach(() => stack.resetAll());

const QUERY = `{ users(first: 500) { nodes { id source { id } } sourceErrors { source code message } } }`;

/** Everything a response or log line must never contain: hosts, URLs, credentials, vendor bodies, stacks. */
function assertNothingLeaks(text: string) {
  assert.doesNotMatch(text, /127\.0\.0\.1|localhost|https?:\/\//, 'no vendor host or URL');
  assert.doesNotMatch(text, /\bat [\w.<>]+ \(|\.js:\d+/, 'no stack trace');
  assert.doesNotMatch(text, /Injected failure|Request was throttled|truncated/, 'no vendor body fragment');
  for (const { sim } of Object.values(stack.sims)) {
    for (const v of Object.values(sim.auth)) {
      if (typeof v === 'string' && v.length >= 6 && !['gateway', 'staffgraph', 'basic', 'jwt', 'CWS-SHA256', 'CWS-SHA1'].includes(v)) {
        assert.ok(!text.includes(v), `no credential of ${sim.vendor}`);
      }
    }
  }
}

async function expectPartial(failing: string, fault: FaultSpec, code: string) {
  await stack.sims[failing]!.control.fault(fault);
  const res = await stack.gql(QUERY);
  assert.equal(res.status, 200);
  const data = res.body.data!.users;
  const present = new Set(data.nodes.map((n: any) => n.source.id));
  for (const id of Object.keys(stack.sims)) assert.equal(present.has(id), id !== failing, `${id} ${id === failing ? 'missing' : 'present'}`);
  assert.deepEqual(data.sourceErrors.map((e: any) => [e.source, e.code]), [[failing, code]]);
  const errors = res.body.errors ?? [];
  assert.equal(errors.length, 1, 'exactly one error for the failing source');
  assert.equal(errors[0]!.extensions!.code, code);
  assert.equal(errors[0]!.extensions!.source, failing);
  assert.deepEqual(errors[0]!.path, ['users']);
  assertNothingLeaks(res.text);
  assertNothingLeaks(stack.logLines.join('\n'));
}

describe('one source failing never fails the query', () => {
  test('a 5xx answer → SOURCE_UNAVAILABLE for that source only', () => expectPartial('coremr', { kind: 'status', status: 503 }, 'SOURCE_UNAVAILABLE'));
  test('garbage (malformed JSON) → SOURCE_BAD_RESPONSE', () => expectPartial('painchek', { kind: 'malformed-json', path: 'users' }, 'SOURCE_BAD_RESPONSE'));
  test('slower than the request deadline → SOURCE_TIMEOUT', () => expectPartial('icure', { kind: 'latency', latencyMs: 4000 }, 'SOURCE_TIMEOUT'));
  test('a dropped connection → SOURCE_UNAVAILABLE', () => expectPartial('opendental', { kind: 'drop' }, 'SOURCE_UNAVAILABLE'));
  test('429 with Retry-After → SOURCE_RATE_LIMITED', async () => {
    await expectPartial('presentationservices', { kind: 'rate-limit', retryAfterSeconds: 7, path: '/users$' }, 'SOURCE_RATE_LIMITED');
  });
  test('a failing relation nulls only that field, with code and source', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'status', status: 500, path: '/types/$' });
    const res = await stack.gql(`{ users(first: 2, sources: ["coremr", "opendental"]) { nodes { id userTypes { name } } } }`);
    const nodes = res.body.data!.users.nodes;
    assert.equal(nodes.length, 2);
    assert.ok(nodes.every((n: any) => n.userTypes === null));
    assert.ok(res.body.errors!.length >= 1);
    for (const e of res.body.errors!) {
      assert.equal(e.extensions!.code, 'SOURCE_UNAVAILABLE');
      assert.equal(e.extensions!.source, 'coremr');
      assert.equal(e.path![3], 'userTypes');
    }
    assertNothingLeaks(res.text);
  });
});

describe('catalog roots', () => {
  test('a failing catalog nulls only its own root field: the other roots and sources still answer', async () => {
    // userTypes(source:) and facilities(source:) used to be non-null roots, so one Open Dental 503
    // nulled the whole `data` and took every other root field down with it.
    await stack.sims.opendental!.control.fault({ kind: 'status', status: 503, path: '^/api/v1/usergroups' });
    const res = await stack.gql(`{ dental: userTypes(source: "opendental") { id } ps: userTypes(source: "presentationservices") { id } sites: facilities(source: "opendental") { id } sources { id } }`);
    assert.equal(res.status, 200);
    const data = res.body.data!;
    assert.equal(data.dental, null);
    assert.ok(data.ps.length > 0, 'another source\'s catalog still answers');
    assert.ok(data.sites.length > 0, 'the same source\'s other catalog still answers');
    assert.equal(data.sources.length, 5);
    assert.deepEqual(res.body.errors!.map((e: any) => [e.path.join('.'), e.extensions.code, e.extensions.source]), [['dental', 'SOURCE_UNAVAILABLE', 'opendental']]);
    assertNothingLeaks(res.text);
  });
});

describe('cursors', () => {
  test('an `after` that decodes to JSON null, a number or an array is BAD_USER_INPUT on `after`, not an internal error', async () => {
    await stack.clearLogs();
    for (const json of ['null', '42', '[1,2]', '"text"']) {
      const after = Buffer.from(json, 'utf8').toString('base64url');
      const res = await stack.gql(`query($after: String) { users(first: 1, after: $after) { nodes { id } } }`, { after });
      const e = res.body.errors?.[0];
      assert.equal(e?.extensions?.code, 'BAD_USER_INPUT', json);
      assert.equal(e?.extensions?.field, 'after', json);
    }
    assert.deepEqual(Object.values(await stack.vendorCalls()), [0, 0, 0, 0, 0], 'no vendor was asked');
  });
});

describe('a source that is down', () => {
  test('a closed simulator → SOURCE_UNAVAILABLE; the others answer (runs last: it stops a simulator)', async () => {
    await stack.sims.presentationservices!.sim.close();
    const res = await stack.gql(QUERY);
    const data = res.body.data!.users;
    assert.deepEqual(data.sourceErrors.map((e: any) => [e.source, e.code]), [['presentationservices', 'SOURCE_UNAVAILABLE']]);
    assert.ok(data.nodes.length > 0);
    const health = await stack.gql(`{ sources { id health { status errorCode } } }`);
    const ps = health.body.data!.sources.find((s: any) => s.id === 'presentationservices');
    assert.deepEqual(ps.health, { status: 'DOWN', errorCode: 'SOURCE_UNAVAILABLE' });
    assertNothingLeaks(res.text + health.text);
  });
});
