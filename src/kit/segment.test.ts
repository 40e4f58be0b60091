import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validate } from 'class-validator';
import { IsPathSegment, isPathSegment } from './segment';

test('isPathSegment agrees with path.ts: "", "." and ".." and non-strings are refused', () => {
  for (const bad of ['', '.', '..', 1, null, undefined, {}]) assert.equal(isPathSegment(bad), false, String(bad));
  for (const good of ['a', '...', 'a/b', 'a b', '%2e%2e', 'ç']) assert.equal(isPathSegment(good), true, good);
});

class Ids {
  @IsPathSegment() userId?: unknown;
  @IsPathSegment({ each: true }) facilityIds?: unknown;
}

test('IsPathSegment names the property and the rule, never the value; each checks every element', async () => {
  const errors = await validate(Object.assign(new Ids(), { userId: '..', facilityIds: ['ok', '.'] }));
  assert.deepEqual(errors.map((e) => [e.property, Object.values(e.constraints ?? {})[0]]), [
    ['userId', 'userId must be non-empty and not "." or "..".'],
    ['facilityIds', 'facilityIds must hold ids that are non-empty and not "." or "..".'],
  ]);
  assert.deepEqual(await validate(Object.assign(new Ids(), { userId: 'u1', facilityIds: ['a', 'b'] })), []);
});
