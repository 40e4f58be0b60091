import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startStack, type Stack } from '../support/stack';

/**
 * Traces (docs/observability.md): one SERVER span per GraphQL operation, one CLIENT span per vendor call
 * as its child in the same trace, an inbound `traceparent` continued, and no attribute holding a
 * real vendor path, the query text or a variable. The gateway runs in this process (startStack),
 * so a provider registered here with an in-memory exporter sees every span it makes.
 */
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

let stack: Stack;
before(async () => {
  stack = await startStack({ users: 30 });
  // Warm every source: a shared token or login belongs to no request (see the access log test).
  for (const id of Object.keys(stack.sims)) await stack.gql(`{ users(first: 1, sources: ["${id}"]) { edges { node { id } } } }`);
});
after(async () => {
  await stack.close();
  await provider.shutdown();
  // Leave the process's OTel globals as they were found.
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(async () => {
  await stack.clearLogs();
  exporter.reset();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The operation span of one request (by request id) and every span of its trace. */
async function traceOf(requestId: string | null): Promise<{ op: ReadableSpan; spans: ReadableSpan[] }> {
  assert.ok(requestId);
  await sleep(20);
  const ops = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER && s.attributes['staffgraph.request_id'] === requestId);
  assert.equal(ops.length, 1, 'one operation span per request');
  const traceId = ops[0]!.spanContext().traceId;
  return { op: ops[0]!, spans: exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId) };
}

async function simulatorCalls(): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await stack.vendorCalls()).filter(([, n]) => n > 0));
}

function bySource(spans: ReadableSpan[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of spans) {
    const id = String(s.attributes['staffgraph.source']);
    out[id] = (out[id] ?? 0) + 1;
  }
  return out;
}

const TRACED = `query StaffTrace($first: Int!, $filter: UserFilter) {
  users(first: $first, filter: $filter, sources: ["coremr", "opendental", "painchek"]) {
    edges { node { id username userTypes { name } } }
  }
}`;

describe('spans of one query', () => {
  test('one SERVER span named after the operation; every vendor call a CLIENT child in its trace, as many as the simulators logged', async () => {
    const res = await stack.gql(TRACED, { first: 40, filter: { active: true } });
    assert.equal(res.body.errors, undefined);
    const { op, spans } = await traceOf(res.headers.get('x-request-id'));
    assert.equal(op.name, 'graphql.query StaffTrace');
    assert.equal(op.attributes['graphql.operation.name'], 'StaffTrace');
    assert.equal(op.attributes['graphql.operation.type'], 'query');
    assert.equal(op.attributes['staffgraph.outcome'], 'ok');
    assert.equal(op.attributes['http.response.status_code'], 200);
    assert.equal(op.attributes['staffgraph.error_codes'], undefined);
    assert.equal(op.status.code, SpanStatusCode.UNSET);
    assert.equal(op.parentSpanContext, undefined, 'no traceparent came in: a new trace');

    const vendor = spans.filter((s) => s !== op);
    assert.ok(vendor.length > 0);
    for (const s of vendor) {
      assert.equal(s.kind, SpanKind.CLIENT);
      assert.equal(s.parentSpanContext?.spanId, op.spanContext().spanId, `${s.name} is a child of the operation span`);
      assert.match(s.name, /^(GET|POST|PUT|PATCH|DELETE) \//);
      assert.equal(typeof s.attributes['http.response.status_code'], 'number');
    }
    assert.deepEqual(bySource(vendor), await simulatorCalls());
    // No vendor span landed outside the operation's trace.
    assert.equal(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT).length, vendor.length);
  });

  test('an inbound traceparent is continued: same trace id, the caller’s span as the parent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const res = await stack.gql('query Continued { users(first: 3, sources: ["icure"]) { edges { node { id } } } }', {}, { traceparent: `00-${traceId}-${parentId}-01` });
    const { op, spans } = await traceOf(res.headers.get('x-request-id'));
    assert.equal(op.spanContext().traceId, traceId);
    assert.equal(op.parentSpanContext?.spanId, parentId);
    assert.equal(op.name, 'graphql.query Continued');
    const vendor = spans.filter((s) => s !== op);
    assert.deepEqual(bySource(vendor), await simulatorCalls());
    assert.ok(vendor.every((s) => s.spanContext().traceId === traceId));
  });

  test('a malformed traceparent is ignored: a new trace', async () => {
    const res = await stack.gql('query Fresh { sources { id } }', {}, { traceparent: '00-zzzz-0000-01' });
    const { op } = await traceOf(res.headers.get('x-request-id'));
    assert.equal(op.parentSpanContext, undefined);
    assert.match(op.spanContext().traceId, /^[0-9a-f]{32}$/);
  });

  test('a source failing: the operation span is an error with the codes; the vendor spans of every attempt are errors', async () => {
    await stack.sims.icure!.control.fault({ kind: 'status', status: 503, method: 'GET' });
    try {
      const res = await stack.gql('query Broken { users(first: 3, sources: ["icure"]) { edges { node { id } } } }');
      const { op, spans } = await traceOf(res.headers.get('x-request-id'));
      assert.equal(op.attributes['staffgraph.outcome'], 'error');
      assert.deepEqual(op.attributes['staffgraph.error_codes'], ['SOURCE_UNAVAILABLE']);
      assert.equal(op.status.code, SpanStatusCode.ERROR);
      const vendor = spans.filter((s) => s !== op);
      assert.deepEqual(bySource(vendor), await simulatorCalls());
      assert.ok(vendor.length >= 2, 'the read was retried');
      assert.ok(vendor.every((s) => s.status.code === SpanStatusCode.ERROR && s.attributes['http.response.status_code'] === 503));
    } finally {
      await stack.sims.icure!.control.clearFaults();
    }
  });

  test('a caller error (NOT_FOUND) is recorded but does not mark the span failed', async () => {
    const res = await stack.gql('query Missing { userTypes(source: "nope") { name } }');
    const { op, spans } = await traceOf(res.headers.get('x-request-id'));
    assert.deepEqual(op.attributes['staffgraph.error_codes'], ['NOT_FOUND']);
    assert.equal(op.attributes['staffgraph.outcome'], 'error');
    assert.equal(op.status.code, SpanStatusCode.UNSET);
    assert.equal(spans.length, 1, 'no vendor call');
  });
});

describe('what a span never holds', () => {
  test('no real vendor path, no query text, no variable value: only the bounded attribute set', async () => {
    const marker = 'Zqmarkerlastname';
    const res = await stack.gql(TRACED, { first: 25, filter: { lastName: marker } });
    assert.equal(res.body.errors, undefined);
    const listed = await stack.gql<{ users: { edges: Array<{ node: { id: string; username: string | null } }> } }>(TRACED, { first: 25, filter: null });
    const logged = Object.values(await Promise.all(Object.values(stack.sims).map((s) => s.control.requests()))).flat();
    const spans = exporter.getFinishedSpans();
    const allowed = new Set(['staffgraph.request_id', 'graphql.operation.name', 'graphql.operation.type', 'staffgraph.outcome', 'staffgraph.error_codes', 'http.response.status_code', 'staffgraph.source', 'http.request.method', 'url.template', 'staffgraph.transport']);
    for (const s of spans) for (const key of Object.keys(s.attributes)) assert.ok(allowed.has(key), `unexpected attribute ${key} on ${s.name}`);
    const values = spans.flatMap((s) => [s.name, ...Object.values(s.attributes).flat().map(String)]);
    const templates = new Set(spans.map((s) => String(s.attributes['url.template'] ?? '')));
    // Real paths that are not templates (they name a user: /ws/users/<username>/types/ …).
    const realPaths = [...new Set(logged.map((r) => r.path))].filter((p) => !templates.has(p) && ![...templates].some((t) => t.endsWith(p)));
    assert.ok(realPaths.length > 0, 'the simulators saw per-user paths');
    const forbidden = [...realPaths, marker, 'users(first', 'StaffTrace($first', ...listed.body.data!.users.edges.flatMap((e) => [e.node.id, e.node.username ?? '']).filter((v) => v.length >= 4)];
    for (const f of forbidden) assert.ok(!values.some((v) => v.includes(f)), `no span holds ${JSON.stringify(f)}`);
  });
});
