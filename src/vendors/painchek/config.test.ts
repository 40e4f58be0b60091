import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { vendor } from './index';

const parse = (auth: unknown, options: unknown = {}) => vendor.parseSourceConfig({ auth, options }, '/tmp');

describe('painchek config', () => {
  it('accepts client credentials and no options', () => {
    assert.deepEqual(parse({ clientId: 'id', clientSecret: 'shh' }), { ok: true, auth: { clientId: 'id', clientSecret: 'shh' }, options: {} });
  });

  it('one line per problem, naming the key, never the secret', () => {
    const res = parse({ clientId: '', clientSecret: 42, client_secret: 'leaked-value' }, { org: 'x' });
    assert.equal(res.ok, false);
    const problems = res.ok ? [] : res.problems;
    assert.deepEqual(problems.sort(), [
      'auth.clientId must be a non-empty string (the PainChek integration client id)',
      'auth.clientSecret must be a non-empty string (the PainChek integration client secret)',
      'auth.client_secret is not a known key',
      'options.org is not a known key',
    ]);
    assert.equal(problems.join('\n').includes('leaked-value'), false);
  });

  it('a missing or non-object auth block', () => {
    assert.deepEqual(parse(undefined), { ok: false, problems: ['auth.clientId must be a non-empty string (the PainChek integration client id)', 'auth.clientSecret must be a non-empty string (the PainChek integration client secret)'] });
    assert.deepEqual(parse('id:secret'), { ok: false, problems: ['auth must be an object'] });
  });

  it('registers as painchek on port 7103', () => {
    assert.deepEqual([vendor.vendor, vendor.displayName, vendor.defaultSimPort], ['painchek', 'PainChek', 7103]);
  });
});
