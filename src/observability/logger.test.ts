import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createLogger, effectiveLogLevel } from './logger';

function capture(level: Parameters<typeof createLogger>[0]) {
  const lines: string[] = [];
  return { logger: createLogger(level, (l) => lines.push(l)), lines };
}

test('one JSON object per line: level name, ISO time, event, then the fields', () => {
  const { logger, lines } = capture('debug');
  logger.info('request', { requestId: 'r1', ms: 12, ok: true, none: null, skipped: undefined });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0]!.includes('\n'), 'the write hook gets the line without its newline');
  const rec = JSON.parse(lines[0]!);
  assert.deepEqual(Object.keys(rec), ['level', 'time', 'event', 'requestId', 'ms', 'ok', 'none']);
  assert.equal(rec.level, 'info');
  assert.equal(rec.event, 'request');
  assert.match(rec.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(rec.pid, undefined, 'no pid or hostname on every line');
  assert.equal(rec.hostname, undefined);
});

test('levels: below the configured one nothing is written', () => {
  const { logger, lines } = capture('warn');
  logger.debug('a');
  logger.info('b');
  logger.warn('c');
  logger.error('d');
  assert.deepEqual(
    lines.map((l) => [JSON.parse(l).level, JSON.parse(l).event]),
    [
      ['warn', 'c'],
      ['error', 'd'],
    ],
  );
});

test('methods work detached from the logger (vendor-http passes `logger.warn` around)', () => {
  const { logger, lines } = capture('info');
  const warn = logger.warn;
  warn('breaker_state', { source: 's', state: 'open' });
  assert.equal(JSON.parse(lines[0]!).state, 'open');
});

test('sensitive keys are censored even when a caller passes them (second line of defence)', () => {
  const { logger, lines } = capture('info');
  logger.info('oops', { source: 'dental', password: 'hunter2', authorization: 'Bearer abc', token: 't0k3n', ssn: '123-45-6789', clientSecret: 's3cr3t' });
  const text = lines.join('\n');
  for (const secret of ['hunter2', 'Bearer abc', 't0k3n', '123-45-6789', 's3cr3t']) assert.ok(!text.includes(secret), secret);
  const rec = JSON.parse(lines[0]!);
  assert.equal(rec.password, '[redacted]');
  assert.equal(rec.source, 'dental', 'other fields are kept');
});

test('an event name is never mistaken for a format string, nor replaced by a field named "event"', () => {
  const { logger, lines } = capture('info');
  logger.info('%s %d %j', { n: 1 });
  logger.info('real', { event: 'forged' });
  assert.equal(JSON.parse(lines[0]!).event, '%s %d %j');
  assert.equal(JSON.parse(lines[1]!).event, 'real');
});

test('LOG_LEVEL overrides the configured level; empty means unset; anything else is a one-line error', () => {
  assert.equal(effectiveLogLevel('info', {}), 'info');
  assert.equal(effectiveLogLevel('info', { LOG_LEVEL: '' }), 'info');
  assert.equal(effectiveLogLevel('info', { LOG_LEVEL: 'debug' }), 'debug');
  assert.equal(effectiveLogLevel('debug', { LOG_LEVEL: 'WARN' }), 'warn');
  assert.throws(() => effectiveLogLevel('info', { LOG_LEVEL: 'verbose' }), (e: Error) => e instanceof RangeError && /LOG_LEVEL must be one of debug, info, warn, error, not "verbose"/.test(e.message) && !e.message.includes('\n'));
  // pino's own level names that are not ours are refused too.
  assert.throws(() => effectiveLogLevel('info', { LOG_LEVEL: 'trace' }), RangeError);
});

test('the default destination is stderr, written synchronously: a line logged right before exit is kept', () => {
  const script = `const { createLogger } = require(${JSON.stringify(join(__dirname, 'logger.js'))}); createLogger('info').warn('last_words', { n: 1 }); process.exit(3);`;
  const res = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(res.status, 3);
  assert.equal(res.stdout, '');
  const rec = JSON.parse(res.stderr.trim());
  assert.equal(rec.event, 'last_words');
  assert.equal(rec.level, 'warn');
});
