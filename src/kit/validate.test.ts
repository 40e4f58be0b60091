import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IsEmpty, IsOptional, IsString, MaxLength, ValidationError, validate } from 'class-validator';
import { RULE_OPTIONS, checkRules, checkValues } from './validate';

class Rules {
  @MaxLength(4, { message: 'name must be at most 4 characters.' })
  @IsString({ message: 'name must be a string.' })
  @IsOptional()
  name?: unknown;

  @IsEmpty({ message: 'ssn is not supported.', context: { code: 'UNSUPPORTED_BY_VENDOR' } })
  ssn?: unknown;
}

test('one error per field (the first rule broken), prefixed field, the rule message, context code', async () => {
  const errors = await checkValues(Rules, { name: 12345, ssn: '123456789' }, 'input.');
  assert.deepEqual(errors, [
    { field: 'input.name', code: 'BAD_USER_INPUT', message: 'name must be a string.' },
    { field: 'input.ssn', code: 'UNSUPPORTED_BY_VENDOR', message: 'ssn is not supported.' },
  ]);
  assert.deepEqual(await checkValues(Rules, { name: 'abc' }), []);
});

test('the rejected value and the rules object never travel in the ValidationErrors', async () => {
  const errors: ValidationError[] = await validate(Object.assign(new Rules(), { name: 'S3cret-password' }), RULE_OPTIONS);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.value, undefined);
  assert.equal(errors[0]!.target, undefined);
  assert.ok(!JSON.stringify(await checkValues(Rules, { name: 'S3cret-password' })).includes('S3cret'));
});

test('forbidUnknownValues: an object without rules is refused, not waved through', async () => {
  const errors = await checkRules({ anything: 1 });
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'BAD_USER_INPUT');
});
