import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundList, boundText, boundTextOrNull, exactKey, oneOf, validDate } from './bounds';

test('boundText: control characters, DEL, C1 and line separators escaped; printable text untouched', () => {
  assert.equal(boundText('a\nb\r\tc\u0000d\u007fe\u0085f\u2028g\u2029', 512), 'a\\u000ab\\u000d\\u0009c\\u0000d\\u007fe\\u0085f\\u2028g\\u2029');
  assert.equal(boundText('Zoë 😀 "quoted" \\ back', 512), 'Zoë 😀 "quoted" \\ back');
  // Text the pipeline already escaped passes unchanged (escaping is idempotent on its output).
  const once = boundText('x\ny', 512);
  assert.equal(boundText(once, 512), once);
});

test('boundText: cut to max units with a trailing …, never through a surrogate pair; lone surrogates replaced', () => {
  assert.equal(boundText('abcdef', 4), 'abc…');
  assert.equal(boundText('abcd', 4), 'abcd');
  assert.equal(boundText('ab😀cd', 4), 'ab…', 'the pair at units 2–3 is dropped whole');
  assert.equal(boundText('a\u0000bc', 8), 'a\\u0000…', 'the bound applies after escaping');
  assert.equal(boundText('\ud83dx\ude00', 10), '\ufffdx\ufffd');
  assert.equal(boundText('😀', 10), '😀');
});

test('boundText and friends do not trust the type they are given', () => {
  assert.equal(boundText(42 as unknown as string, 10), '42');
  assert.equal(boundTextOrNull(null, 10), null);
  assert.equal(boundTextOrNull(undefined, 10), null);
  assert.deepEqual(boundList('not-a-list', 3, 5), []);
  assert.deepEqual(boundList(['a', 'b', 'c', 'd'], 3, 5), ['a', 'b', 'c']);
  assert.deepEqual(boundList(['abcdefgh'], 3, 5), ['abcd…']);
  assert.throws(() => oneOf('X', ['A', 'B'], 'outcome'), { name: 'StoreError', code: 'INVALID_RECORD', message: /outcome/ });
  assert.equal(oneOf('A', ['A', 'B'], 'outcome'), 'A');
  assert.throws(() => validDate('2030-01-01', 'at'), { code: 'INVALID_RECORD' });
  assert.throws(() => validDate(new Date(Number.NaN), 'at'), { code: 'INVALID_RECORD' });
});

test('exactKey refuses instead of rewriting, and its message never echoes the value', () => {
  assert.equal(exactKey('caller:abc', 10_000, 'key'), 'caller:abc');
  for (const bad of ['', 'a\nb', 'x'.repeat(11), '\udc00', 7]) {
    assert.throws(() => exactKey(bad, 10, 'key'), (err: Error) => err.name === 'StoreError' && (bad === '' || !err.message.includes(String(bad))));
  }
});
