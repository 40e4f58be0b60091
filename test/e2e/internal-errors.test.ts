import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeExecutableSchemaForTest } from '../support/throwing-schema';
import { Metrics } from '../../src/server/metrics';
import { startGateway } from '../../src/server/http-server';
import { SourceSet } from '../../src/service/sources';
import { createLogger } from '../../src/core/logger';
import { formatError } from '../../src/server/format-error';
import { SourceError } from '../../src/core/errors';
import { anonymousCaller } from '../../src/auth/caller';
import { MemoryIdempotencyStore } from '../../src/service/idempotency';
import type { AuditTrail } from '../../src/service/audit/audit-trail';
import type { Store } from '../../src/store/types';
import { DEFAULT_LIMITS } from '../../src/server/limits/query-limits';

test('an unexpected error is masked to INTERNAL_SERVER_ERROR with the request id, and logged without its message', async () => {
  const lines: string[] = [];
  const gw = await startGateway({
    schema: makeExecutableSchemaForTest(),
    sources: new SourceSet([]),
    logger: createLogger('debug', (l) => lines.push(l)),
    port: 0,
    host: '127.0.0.1',
    requestTimeoutMs: 5000,
    authenticator: { authenticate: async () => ({ ok: true as const, caller: anonymousCaller() }) },
    idempotency: new MemoryIdempotencyStore(),
    // The throwing schema has no mutations: nothing is audited.
    audit: {} as AuditTrail,
    store: {} as Store,
    introspection: true,
    limits: DEFAULT_LIMITS,
    cors: { origins: [] },
    auditReads: false,
    metrics: new Metrics(),
  });
  try {
    const res = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ boom }' }) });
    const text = await res.text();
    const body = JSON.parse(text);
    const err = body.errors[0];
    assert.equal(err.extensions.code, 'INTERNAL_SERVER_ERROR');
    assert.equal(err.message, 'Internal server error.');
    assert.equal(err.extensions.requestId, res.headers.get('x-request-id'));
    assert.doesNotMatch(text, /hunter2|postgres:\/\/|stacktrace|\.js:\d+/);
    const logged = lines.filter((l) => l.includes('internal_error'));
    assert.equal(logged.length, 1);
    assert.ok(logged[0]!.includes(err.extensions.requestId), 'the log line carries the request id');
    assert.ok(!logged[0]!.includes('hunter2'), 'the message (which may hold input) is not logged');
  } finally {
    await gw.close();
  }
});

test('formatError keeps SourceError codes, source and field, and never the vendor text', () => {
  const out = formatError({ message: 'x' }, new SourceError('SOURCE_AUTH_FAILED', 'dental'));
  assert.deepEqual(out.extensions, { code: 'SOURCE_AUTH_FAILED', source: 'dental' });
  assert.equal(out.message, 'The gateway could not authenticate to the source.');
  const withField = formatError({ message: 'x' }, new SourceError('BAD_USER_INPUT', '', 'after is not a valid cursor.', { field: 'after' }));
  assert.deepEqual(withField.extensions, { code: 'BAD_USER_INPUT', field: 'after' });
});
