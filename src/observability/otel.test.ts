import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { createLogger } from './logger';
import { otlpTracesUrl, startTracing, tracesWanted } from './otel';
import { tracer, vendorSpan } from './tracing';

after(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

test('tracesWanted: off unless an exporter or an OTLP endpoint is named; OTEL_SDK_DISABLED and none win', () => {
  const cases: Array<[NodeJS.ProcessEnv, string[], string[]]> = [
    [{}, [], []],
    [{ OTEL_SERVICE_NAME: 'x' }, [], []],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, ['otlp'], []],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, ['otlp'], []],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }, [], []],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }, ['otlp'], []],
    [{ OTEL_TRACES_EXPORTER: 'console' }, ['console'], []],
    [{ OTEL_TRACES_EXPORTER: 'OTLP, console,otlp' }, ['otlp', 'console'], []],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, [], []],
    [{ OTEL_TRACES_EXPORTER: 'otlp,none' }, [], []],
    [{ OTEL_TRACES_EXPORTER: 'zipkin,console' }, ['console'], ['zipkin']],
    [{ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }, [], []],
    [{ OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, [], []],
    [{ OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: 'otlp' }, ['otlp'], []],
  ];
  for (const [env, exporters, unknown] of cases) assert.deepEqual(tracesWanted(env), { exporters, unknown }, JSON.stringify(env));
});

test('otlpTracesUrl: the traces endpoint as is, or the generic one with /v1/traces', () => {
  assert.equal(otlpTracesUrl({}), undefined);
  assert.equal(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' }), 'http://c:4318/v1/traces');
  assert.equal(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:1/x' }), 'http://t:1/x');
});

test('off: no provider is registered, spans stay no-ops, and the shutdown is a no-op', async () => {
  const lines: string[] = [];
  const stop = startTracing({}, createLogger('debug', (l) => lines.push(l)));
  const span = tracer().startSpan('x');
  assert.equal(span.isRecording(), false);
  span.end();
  await stop();
  assert.deepEqual(lines, [], 'nothing to say when tracing is off');
});

test('otlp: spans reach an OTLP/HTTP collector with service.name, flushed by the shutdown; vendor spans carry templates only', async () => {
  const received: Array<{ path: string; type: string; body: string }> = [];
  const collector = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', type: String(req.headers['content-type']), body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => collector.listen(0, '127.0.0.1', () => r()));
  const port = (collector.address() as AddressInfo).port;
  try {
    const lines: string[] = [];
    const stop = startTracing(
      { OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'staffgraph-test', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces` },
      createLogger('info', (l) => lines.push(l)),
      '9.9.9',
    );
    assert.deepEqual(JSON.parse(lines[0]!), { ...JSON.parse(lines[0]!), event: 'tracing', exporters: 'otlp', serviceName: 'staffgraph-test' });
    await tracer().startActiveSpan('graphql.query Test', async (op) => {
      await vendorSpan({ source: 'dental', method: 'GET', route: '/userods/{UserNum}' }, async () => 'done');
      op.end();
    });
    assert.equal(received.length, 0, 'batched until the flush');
    await stop();
    await stop(); // a second call is the same shutdown
    assert.equal(received.length, 1);
    assert.equal(received[0]!.path, '/v1/traces');
    assert.match(received[0]!.type, /json/);
    const body = received[0]!.body;
    assert.ok(body.includes('"staffgraph-test"'));
    assert.ok(body.includes('"9.9.9"'));
    assert.ok(body.includes('graphql.query Test'));
    assert.ok(body.includes('GET /userods/{UserNum}'));
  } finally {
    collector.close();
  }
});
