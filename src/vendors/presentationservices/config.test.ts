import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSourceConfig } from './config';

describe('presentationservices config', () => {
  it('accepts username and password, defaults deviceId, and takes an optional organization', () => {
    assert.deepEqual(parseSourceConfig({ auth: { username: 'gw', password: 'pw-123456' }, options: undefined }), {
      ok: true, auth: { username: 'gw', password: 'pw-123456', deviceId: 'staffgraph' }, options: {},
    });
    const withOrg = parseSourceConfig({ auth: { username: 'gw', password: 'p', deviceId: 'kiosk' }, options: { organization: 'UNC' } });
    assert.deepEqual(withOrg, { ok: true, auth: { username: 'gw', password: 'p', deviceId: 'kiosk' }, options: { organization: 'UNC' } });
  });

  const cases: Array<[string, { auth: unknown; options: unknown }, string[]]> = [
    ['a missing auth block', { auth: undefined, options: {} }, ['auth.username: is required', 'auth.password: is required']],
    ['an auth block that is not an object', { auth: 'secret-value', options: {} }, ['auth: must be an object']],
    ['empty and mistyped values', { auth: { username: ' ', password: 12345678, deviceId: '' }, options: {} }, ['auth.username: must not be empty', 'auth.password: must be a string', 'auth.deviceId: must not be empty']],
    ['unknown keys', { auth: { username: 'a', password: 'b', token: 'secret-token' }, options: { org: 'UNC' } }, ['auth.token: unknown key', 'options.org: unknown key']],
    ['an organization with a slash', { auth: { username: 'a', password: 'b' }, options: { organization: 'UNC/X' } }, ['options.organization: must not contain "/"']],
  ];
  for (const [name, raw, problems] of cases) {
    it(`reports ${name}, one line per key, without values`, () => {
      const res = parseSourceConfig(raw);
      assert.equal(res.ok, false);
      assert.deepEqual(!res.ok && res.problems, problems);
      const text = JSON.stringify(res);
      for (const secret of ['secret-value', '12345678', 'secret-token']) assert.ok(!text.includes(secret));
    });
  }
});
