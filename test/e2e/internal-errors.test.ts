import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startThrowingGateway } from '../support/throwing-schema';
import { createLogger } from '../../src/core/logger';
import { formatError } from '../../src/server/format-error';
import { SourceError } from '../../src/core/errors';

test('an unexpected error is masked to INTERNAL_SERVER_ERROR with the request id, and logged without its message', async () => {
  const lines: string[] = [];
  const gw = await startThrowingGateway({ logger: createLogger('debug', (l) => lines.push(l)) });
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
