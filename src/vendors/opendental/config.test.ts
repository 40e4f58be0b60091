import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSourceConfig } from './config';

describe('opendental config', () => {
  it('accepts { developerKey, customerKey } and optional passwordRequiresSymbol', () => {
    assert.deepEqual(parseSourceConfig({ auth: { developerKey: 'dev', customerKey: 'cust' }, options: undefined }), {
      ok: true,
      auth: { developerKey: 'dev', customerKey: 'cust' },
      options: {},
    });
    assert.equal(parseSourceConfig({ auth: { developerKey: 'dev', customerKey: 'cust' }, options: { passwordRequiresSymbol: true } }).ok, true);
  });

  it('one problem per bad key, naming the key and never the secret', () => {
    const out = parseSourceConfig({ auth: { developerKey: 'se/cret', customerKey: '', extra: 'x' }, options: { passwordRequiresSymbol: 'yes', limit: 5 } });
    assert.equal(out.ok, false);
    const problems = (out as { problems: string[] }).problems;
    assert.deepEqual([...problems].sort(), [
      'auth.customerKey must be a non-empty string without "/" or whitespace',
      'auth.developerKey must be a non-empty string without "/" or whitespace',
      'auth.extra is not a known key',
      'options.limit is not a known key',
      'options.passwordRequiresSymbol must be true or false',
    ]);
    assert.ok(problems.every((p) => !p.includes('se/cret')));
  });

  it('missing auth keys are named', () => {
    const out = parseSourceConfig({ auth: undefined, options: {} });
    assert.deepEqual((out as { problems: string[] }).problems.sort(), [
      'auth.customerKey must be a non-empty string without "/" or whitespace',
      'auth.developerKey must be a non-empty string without "/" or whitespace',
    ]);
    assert.deepEqual((parseSourceConfig({ auth: 'dev/cust', options: {} }) as { problems: string[] }).problems, ['auth must be an object']);
  });
});
