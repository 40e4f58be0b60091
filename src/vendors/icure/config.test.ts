import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSourceConfig } from './config';

describe('parseSourceConfig', () => {
  it('accepts username and password, defaulting mode to basic', () => {
    assert.deepEqual(parseSourceConfig({ auth: { username: 'gw', password: 's3cret' }, options: undefined }), {
      ok: true,
      auth: { username: 'gw', password: 's3cret', mode: 'basic' },
      options: {},
    });
    const jwt = parseSourceConfig({ auth: { username: 'gw', password: 's3cret', mode: 'jwt' }, options: {} });
    assert.equal(jwt.ok && jwt.auth.mode, 'jwt');
  });

  it('names each bad key once and never echoes a secret', () => {
    const r = parseSourceConfig({ auth: { username: '', password: 12345678, mode: 'oauth', token: 'leak-me' }, options: { groupId: 'g' } });
    assert.equal(r.ok, false);
    const problems = r.ok ? [] : r.problems;
    assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), ['auth.mode', 'auth.password', 'auth.token', 'auth.username', 'options.groupId']);
    for (const p of problems) {
      assert.equal(p.includes('12345678'), false);
      assert.equal(p.includes('leak-me'), false);
    }
  });

  it('reports missing keys as required', () => {
    const r = parseSourceConfig({ auth: {}, options: {} });
    assert.deepEqual(r.ok ? [] : r.problems, ['auth.username: is required', 'auth.password: is required']);
  });
});
