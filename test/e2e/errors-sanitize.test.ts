import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutEchoedValue } from '../../src/server/format-error';

// Table-driven: graphql-js coercion messages quote the rejected value; ours must not.
const CASES: Array<[string, string]> = [
  [
    'Variable "$input" got invalid value { password: "Hunter22!", email: "x" }; Field "nope" is not defined by type "CreateUserInput".',
    'Variable "$input" has an invalid value; Field "nope" is not defined by type "CreateUserInput".',
  ],
  [
    'Variable "$first" got invalid value "abc"; Int cannot represent non-integer value: "abc"',
    'Variable "$first" has an invalid value; Int cannot represent the given value.',
  ],
  [
    'Variable "$input" got invalid value "123456789" at "input.ssn"; String cannot represent a non string value: 123456789',
    'Variable "$input" has an invalid value at "input.ssn"; String cannot represent the given value.',
  ],
  ['Expected value of type "Int!", found "secret".', 'Expected a value of type "Int!".'],
  ['Cannot query field "password" on type "User".', 'Cannot query field "password" on type "User".'],
];

for (const [input, expected] of CASES) {
  test(`sanitizes: ${input.slice(0, 50)}`, () => {
    const out = withoutEchoedValue(input);
    assert.equal(out, expected);
    for (const secret of ['Hunter22!', '123456789', '"abc"', 'secret']) {
      if (input.includes(secret) && !expected.includes(secret)) assert.ok(!out.includes(secret), `leaked ${secret}`);
    }
  });
}
