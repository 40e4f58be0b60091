import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair } from 'jose';
import { parseAuthConfig, unknownSourceProblems, type AuthConfig } from './config';

const SECRET = 'super-secret-value-0123456789abcdefXYZ';
const HASH = 'sha256:' + 'ab'.repeat(32);
const HASH2 = 'sha256:' + 'cd'.repeat(32);
let dir: string;
let privateD: string;

function parse(raw: unknown, defaultMode: 'required' | 'none' = 'required') {
  return parseAuthConfig(raw, { configDir: dir, defaultMode });
}

function problems(raw: unknown, defaultMode: 'required' | 'none' = 'required'): string[] {
  const r = parse(raw, defaultMode);
  assert.equal(r.ok, false, 'expected problems');
  return r.ok ? [] : r.problems;
}

function ok(raw: unknown, defaultMode: 'required' | 'none' = 'required'): AuthConfig {
  const r = parse(raw, defaultMode);
  assert.ok(r.ok, r.ok ? '' : r.problems.join('\n'));
  return r.config;
}

const jwt = { issuer: 'https://login.example.org/', audience: 'staffgraph', jwksFile: 'jwks.json' };
const key = { name: 'hr-offboarding', hash: HASH, scopes: ['users:read', 'users:write'] };

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-authcfg-'));
  const pair = await generateKeyPair('RS256', { extractable: true });
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1' }] }));
  const priv = await exportJWK(pair.privateKey);
  privateD = priv.d ?? '';
  writeFileSync(join(dir, 'private.json'), JSON.stringify({ keys: [priv] }));
  writeFileSync(join(dir, 'notjson.json'), 'SECRET-CONTENT-' + SECRET);
  writeFileSync(join(dir, 'notjwks.json'), JSON.stringify({ kty: 'RSA', n: 'SECRETN' }));
  writeFileSync(join(dir, 'empty.json'), JSON.stringify({ keys: [] }));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('parseAuthConfig: valid', () => {
  test('a full block, with defaults filled in', () => {
    const c = ok({ mode: 'required', jwt, apiKeys: [key, { name: 'auditor', hash: HASH2.toUpperCase().replace('SHA256', 'sha256'), scopes: ['audit:read'], sources: ['icure'] }] });
    assert.equal(c.mode, 'required');
    assert.ok(c.jwt);
    assert.deepEqual(c.jwt.audience, ['staffgraph']);
    assert.deepEqual(c.jwt.algorithms, ['RS256', 'ES256']);
    assert.equal(c.jwt.clockToleranceSeconds, 30);
    assert.equal(c.jwt.scopesClaim, 'scope');
    assert.equal(c.jwt.sourcesClaim, null);
    assert.equal(c.jwt.secret, null);
    assert.equal(c.jwt.jwks?.kind, 'file');
    assert.equal(c.jwt.jwks?.kind === 'file' && c.jwt.jwks.path, join(dir, 'jwks.json'));
    assert.deepEqual(c.apiKeys, [
      { name: 'hr-offboarding', hash: HASH, scopes: ['users:read', 'users:write'], sources: null },
      { name: 'auditor', hash: HASH2, scopes: ['audit:read'], sources: ['icure'] },
    ]);
  });

  test('mode comes from the caller when absent; none needs no credentials', () => {
    assert.equal(ok({ apiKeys: [key] }).mode, 'required');
    assert.equal(ok(undefined, 'none').mode, 'none');
    assert.equal(ok({ mode: 'none' }).mode, 'none');
  });

  test('jwksUrl (https, or http on loopback), audience array, Entra scp, HS256 with a secret', () => {
    const c = ok({ jwt: { issuer: 'i', audience: ['a', 'b'], jwksUrl: 'https://login.example.org/jwks', scopesClaim: 'scp', sourcesClaim: 'sg_src' } });
    assert.equal(c.jwt?.jwks?.kind === 'url' && c.jwt.jwks.url.href, 'https://login.example.org/jwks');
    assert.deepEqual(c.jwt?.audience, ['a', 'b']);
    assert.equal(c.jwt?.scopesClaim, 'scp');
    assert.equal(c.jwt?.sourcesClaim, 'sg_src');
    ok({ jwt: { issuer: 'i', audience: 'a', jwksUrl: 'http://127.0.0.1:8080/jwks' } });
    const hs = ok({ jwt: { issuer: 'i', audience: 'a', algorithms: ['HS256'], secret: SECRET } });
    assert.equal(hs.jwt?.jwks, null);
    assert.deepEqual(hs.jwt?.secret, new TextEncoder().encode(SECRET));
  });
});

describe('parseAuthConfig: problems', () => {
  const cases: Array<{ name: string; raw: unknown; expect: string | RegExp }> = [
    { name: '"none" algorithm', raw: { jwt: { ...jwt, algorithms: ['RS256', 'none'] } }, expect: 'auth.jwt.algorithms[1]: "none" is never allowed' },
    { name: 'unknown algorithm', raw: { jwt: { ...jwt, algorithms: ['RS1'] } }, expect: /^auth\.jwt\.algorithms\[0\]: unknown algorithm "RS1" \(known: RS256, / },
    { name: 'HS256 without a secret', raw: { jwt: { ...jwt, algorithms: ['RS256', 'HS256'] } }, expect: /^auth\.jwt\.algorithms: HS256 need auth\.jwt\.secret/ },
    { name: 'short secret', raw: { jwt: { ...jwt, algorithms: ['HS256'], secret: 'short-SECRETVALUE' } }, expect: 'auth.jwt.secret: must be at least 32 bytes for HS256' },
    { name: 'HS512 needs 64 bytes', raw: { jwt: { ...jwt, algorithms: ['HS512'], secret: SECRET } }, expect: 'auth.jwt.secret: must be at least 64 bytes for HS512' },
    { name: 'secret without an HS algorithm', raw: { jwt: { ...jwt, secret: SECRET } }, expect: 'auth.jwt.secret: is set but auth.jwt.algorithms lists no HS256/HS384/HS512' },
    { name: 'secret not a string', raw: { jwt: { ...jwt, algorithms: ['HS256'], secret: 12345678 } }, expect: /^auth\.jwt\.secret: Invalid input: expected string/ },
    { name: 'both jwksFile and jwksUrl', raw: { jwt: { ...jwt, jwksUrl: 'https://x.example/jwks' } }, expect: 'auth.jwt: give jwksFile or jwksUrl, not both' },
    { name: 'neither jwksFile nor jwksUrl', raw: { jwt: { issuer: 'i', audience: 'a' } }, expect: /^auth\.jwt: give jwksFile or jwksUrl \(one is required unless auth\.jwt\.secret is set\)/ },
    { name: 'RS256 with only a secret', raw: { jwt: { issuer: 'i', audience: 'a', algorithms: ['RS256', 'HS256'], secret: SECRET } }, expect: 'auth.jwt: give jwksFile or jwksUrl (needed for RS256)' },
    { name: 'plain http jwksUrl off loopback', raw: { jwt: { issuer: 'i', audience: 'a', jwksUrl: 'http://login.example.org/jwks' } }, expect: 'auth.jwt.jwksUrl: must be an https URL (http only for a loopback host)' },
    { name: 'jwksFile missing', raw: { jwt: { ...jwt, jwksFile: 'nope.json' } }, expect: /^auth\.jwt\.jwksFile: .*nope\.json cannot be read$/ },
    { name: 'jwksFile not JSON', raw: { jwt: { ...jwt, jwksFile: 'notjson.json' } }, expect: /notjson\.json is not valid JSON$/ },
    { name: 'jwksFile not a JWKS', raw: { jwt: { ...jwt, jwksFile: 'notjwks.json' } }, expect: /notjwks\.json is not a JWKS/ },
    { name: 'jwksFile without keys', raw: { jwt: { ...jwt, jwksFile: 'empty.json' } }, expect: /empty\.json holds no keys$/ },
    { name: 'jwksFile with a private key', raw: { jwt: { ...jwt, jwksFile: 'private.json' } }, expect: /private\.json must hold public keys only/ },
    { name: 'clock tolerance too large', raw: { jwt: { ...jwt, clockToleranceSeconds: 3600 } }, expect: /^auth\.jwt\.clockToleranceSeconds: / },
    { name: 'empty issuer', raw: { jwt: { ...jwt, issuer: '' } }, expect: 'auth.jwt.issuer: must not be empty' },
    { name: 'unknown key in auth', raw: { apiKeys: [key], jwks: {} }, expect: /^auth: Unrecognized key: "jwks"/ },
    { name: 'unknown key in auth.jwt', raw: { jwt: { ...jwt, secrett: SECRET } }, expect: /^auth\.jwt: Unrecognized key: "secrett"/ },
    { name: 'unknown key in an api key', raw: { apiKeys: [{ ...key, key: SECRET }] }, expect: /^auth\.apiKeys\[0\]: Unrecognized key: "key"/ },
    { name: 'bad mode', raw: { mode: 'optional', apiKeys: [key] }, expect: /^auth\.mode: Invalid option/ },
    { name: 'required with neither jwt nor apiKeys', raw: { mode: 'required' }, expect: /^auth\.mode: "required" needs auth\.jwt or auth\.apiKeys/ },
    { name: 'default required with an empty apiKeys list', raw: { apiKeys: [] }, expect: /^auth\.mode: "required" needs/ },
    { name: 'bad hash', raw: { apiKeys: [{ ...key, hash: 'md5:SECRETHASHVALUE' }] }, expect: 'auth.apiKeys[0].hash: must be "sha256:" followed by 64 hex digits' },
    { name: 'short hash', raw: { apiKeys: [{ ...key, hash: HASH.slice(0, -1) }] }, expect: 'auth.apiKeys[0].hash: must be "sha256:" followed by 64 hex digits' },
    {
      name: 'unknown scope',
      raw: { apiKeys: [key, { ...key, name: 'b', hash: HASH2 }, { name: 'c', hash: 'sha256:' + 'ef'.repeat(32), scopes: ['users:admin'] }] },
      expect: 'auth.apiKeys[2].scopes[0]: unknown scope "users:admin" (known: users:read, users:pii, users:write, audit:read)',
    },
    { name: 'no scopes', raw: { apiKeys: [{ ...key, scopes: [] }] }, expect: 'auth.apiKeys[0].scopes: must list at least one scope' },
    { name: 'empty sources list', raw: { apiKeys: [{ ...key, sources: [] }] }, expect: /^auth\.apiKeys\[0\]\.sources: must list at least one source/ },
    { name: 'duplicate names', raw: { apiKeys: [key, { ...key, hash: HASH2 }] }, expect: 'auth.apiKeys[1].name: "hr-offboarding" is already used by auth.apiKeys[0]' },
    { name: 'duplicate hashes', raw: { apiKeys: [key, { ...key, name: 'other' }] }, expect: 'auth.apiKeys[1].hash: same key as auth.apiKeys[0]' },
    { name: 'bad name', raw: { apiKeys: [{ ...key, name: '-bad name' }] }, expect: /^auth\.apiKeys\[0\]\.name: must be 1–63 letters/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const lines = problems(c.raw);
      const hit = lines.some((l) => (typeof c.expect === 'string' ? l === c.expect : c.expect.test(l)));
      assert.ok(hit, `expected ${String(c.expect)} in:\n${lines.join('\n')}`);
      for (const l of lines) {
        assert.ok(!l.includes(SECRET) && !l.includes('SECRET'), `secret echoed: ${l}`);
        assert.ok(!l.includes(HASH.slice(7, 30)) && !l.includes(HASH2.slice(7, 30)), `hash echoed: ${l}`);
        if (privateD) assert.ok(!l.includes(privateD.slice(0, 12)), `key material echoed: ${l}`);
        assert.ok(!l.includes('\n'), 'one line per problem');
      }
    });
  }

  test('every problem in one run, none echoing a secret or hash', () => {
    const lines = problems({
      jwt: { issuer: 'i', audience: 'a', jwksFile: 'notjson.json', algorithms: ['HS256', 'none'], secret: 'SECRET-short' },
      apiKeys: [{ name: 'a', hash: 'sha256:SECRETHASH', scopes: ['nope'] }, { name: 'a', hash: HASH, scopes: ['users:read'] }, { name: 'a', hash: HASH, scopes: ['users:read'] }],
    });
    assert.ok(lines.length >= 6, lines.join('\n'));
    assert.ok(!lines.join(' ').includes('SECRET'));
    assert.ok(!lines.join(' ').includes(HASH.slice(7)));
  });
});

describe('unknownSourceProblems', () => {
  test('names each api key source that is not configured', () => {
    const c = ok({ apiKeys: [key, { name: 'b', hash: HASH2, scopes: ['users:read'], sources: ['dental', 'ghost'] }] });
    assert.deepEqual(unknownSourceProblems(c, ['dental', 'icure']), ['auth.apiKeys[1].sources[1]: unknown source "ghost" (known: dental, icure)']);
    assert.deepEqual(unknownSourceProblems(c, ['dental', 'ghost']), []);
  });
});
