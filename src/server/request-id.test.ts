import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestIdFrom } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('kept: 1–128 characters of [A-Za-z0-9._-]', () => {
  for (const id of ['a', 'Req-1.2_3', 'A'.repeat(128), '0f8fad5b-d9cb-469f-a165-70867728950e', '...', '-_-']) assert.equal(requestIdFrom(id), id);
});

test('replaced by a random UUID: too long, empty, absent, repeated, or any other character', () => {
  const refused: Array<string | string[] | undefined> = ['A'.repeat(129), '', undefined, ['a', 'b'], 'a, b', 'a b', 'a\nb', 'a\tb', 'a/b', 'a:b', 'a"b', 'é', '%41', 'a+b'];
  for (const id of refused) {
    const got = requestIdFrom(id);
    assert.match(got, UUID, JSON.stringify(id));
    assert.notEqual(got, id);
  }
  assert.notEqual(requestIdFrom(undefined), requestIdFrom(undefined), 'a fresh one each time');
});
