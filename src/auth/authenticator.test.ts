import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { createLogger } from '../core/logger';
import { generateApiKey, hashApiKey } from './api-keys';
import { createAuthenticator, type Authenticator } from './authenticator';
import { parseAuthConfig, type AuthConfig } from './config';

const ISS = 'https://login.example.org/';
const AUD = 'staffgraph';

let dir: string;
let signingKey: CryptoKey;
let goodJwt: string;
const KEY = generateApiKey();

function config(raw: Record<string, unknown>): AuthConfig {
  const parsed = parseAuthConfig(raw, { configDir: dir, defaultMode: 'required' });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'));
  return parsed.config;
}

const apiKeys = [{ name: 'hr-offboarding', hash: hashApiKey(KEY), scopes: ['users:read', 'users:write'], sources: ['dental'] }];

function setup(raw: Record<string, unknown>): { auth: Authenticator; lines: string[] } {
  const lines: string[] = [];
  return { auth: createAuthenticator(config(raw), { logger: createLogger('debug', (l) => lines.push(l)) }), lines };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-authn-'));
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'e1', alg: 'ES256' }] }));
  goodJwt = await new SignJWT({ scope: 'users:read', name: 'Grace' })
    .setProtectedHeader({ alg: 'ES256', kid: 'e1' })
    .setIssuer(ISS)
    .setAudience(AUD)
    .setSubject('grace-1')
    .setExpirationTime('5m')
    .sign(signingKey);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('authenticator', () => {
  const table: Array<{ name: string; headers: () => IncomingHttpHeaders; reason: string | null; kind: string | null }> = [
    { name: 'Bearer api key', headers: () => ({ authorization: `Bearer ${KEY}` }), reason: null, kind: 'API_KEY' },
    { name: 'bearer (any case) api key', headers: () => ({ authorization: `bearer ${KEY}` }), reason: null, kind: 'API_KEY' },
    { name: 'x-api-key', headers: () => ({ 'x-api-key': KEY }), reason: null, kind: 'API_KEY' },
    { name: 'both headers', headers: () => ({ authorization: `Bearer ${KEY}`, 'x-api-key': KEY }), reason: 'ambiguous', kind: null },
    { name: 'Basic scheme', headers: () => ({ authorization: `Basic ${Buffer.from(`u:${KEY}`).toString('base64')}` }), reason: 'unsupported_scheme', kind: null },
    { name: 'no credentials', headers: () => ({}), reason: 'missing', kind: null },
    { name: 'empty Bearer', headers: () => ({ authorization: 'Bearer ' }), reason: 'malformed', kind: null },
    { name: 'repeated x-api-key', headers: () => ({ 'x-api-key': `${KEY}, ${KEY}` }), reason: 'malformed', kind: null },
    { name: 'wrong key', headers: () => ({ authorization: `Bearer ${generateApiKey()}` }), reason: 'unknown_key', kind: 'API_KEY' },
    { name: 'JWT shape without auth.jwt', headers: () => ({ authorization: `Bearer ${goodJwt}` }), reason: 'jwt_not_configured', kind: 'JWT' },
    { name: 'alg none token without auth.jwt', headers: () => ({ authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }), reason: 'jwt_not_configured', kind: 'JWT' },
  ];

  for (const c of table) {
    test(`api keys only: ${c.name}`, async () => {
      const { auth, lines } = setup({ apiKeys });
      assert.equal(auth.mode, 'required');
      const result = await auth.authenticate(c.headers());
      const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      if (c.reason === null) {
        assert.ok(result.ok);
        assert.equal(result.caller.kind, 'API_KEY');
        assert.equal(result.caller.id, 'hr-offboarding');
        assert.deepEqual([...result.caller.scopes], ['users:read', 'users:write']);
        assert.equal(logged.length, 1);
        assert.deepEqual({ ...logged[0], time: undefined }, { time: undefined, level: 'debug', event: 'auth_ok', kind: 'API_KEY', id: 'hr-offboarding' });
      } else {
        assert.deepEqual(result, { ok: false, reason: c.reason });
        assert.equal(logged.length, 1);
        assert.deepEqual({ ...logged[0], time: undefined }, { time: undefined, level: 'warn', event: 'auth_rejected', reason: c.reason, kind: c.kind });
      }
      for (const line of lines) {
        assert.ok(!line.includes(KEY.slice(3)), 'key in log');
        assert.ok(!line.includes(goodJwt.split('.')[1]), 'token in log');
        assert.ok(!line.includes(hashApiKey(KEY).slice(7)), 'hash in log');
      }
    });
  }

  test('JWT configured: a good token → JWT caller, logged by kind and id only', async () => {
    const { auth, lines } = setup({ jwt: { issuer: ISS, audience: AUD, jwksFile: 'jwks.json' }, apiKeys });
    const result = await auth.authenticate({ authorization: `Bearer ${goodJwt}` });
    assert.ok(result.ok);
    assert.equal(result.caller.kind, 'JWT');
    assert.equal(result.caller.id, 'grace-1');
    assert.equal(lines.length, 1);
    assert.deepEqual(Object.keys(JSON.parse(lines[0]) as object).sort(), ['event', 'id', 'kind', 'level', 'time']);
    assert.ok(!lines[0].includes('Grace'));
    // API keys still work beside JWTs.
    assert.ok((await auth.authenticate({ 'x-api-key': KEY })).ok);
  });

  test('JWT configured: a bad token → its reason, no token or claim in the log', async () => {
    const { auth, lines } = setup({ jwt: { issuer: 'https://other.example.org/', audience: AUD, jwksFile: 'jwks.json' } });
    const result = await auth.authenticate({ authorization: `Bearer ${goodJwt}` });
    assert.deepEqual(result, { ok: false, reason: 'wrong_issuer' });
    assert.equal(lines.length, 1);
    assert.deepEqual({ ...JSON.parse(lines[0]), time: 0 }, { time: 0, level: 'warn', event: 'auth_rejected', reason: 'wrong_issuer', kind: 'JWT' });
    for (const part of goodJwt.split('.')) assert.ok(!lines[0].includes(part));
    assert.ok(!lines[0].includes('grace-1'));
  });

  test('JWT configured: alg none is refused by the verifier', async () => {
    const { auth } = setup({ jwt: { issuer: ISS, audience: AUD, jwksFile: 'jwks.json' } });
    const payload = Buffer.from(JSON.stringify({ iss: ISS, aud: AUD, sub: 'x', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    assert.deepEqual(await auth.authenticate({ authorization: `Bearer eyJhbGciOiJub25lIn0.${payload}.` }), { ok: false, reason: 'alg_not_allowed' });
  });

  test('mode none: every request is the anonymous caller holding every scope, credentials or not', async () => {
    const { auth, lines } = setup({ mode: 'none' });
    assert.equal(auth.mode, 'none');
    for (const headers of [{}, { authorization: 'Basic xyz' }, { 'x-api-key': 'nope' }]) {
      const result = await auth.authenticate(headers);
      assert.ok(result.ok);
      assert.equal(result.caller.kind, 'NONE');
      assert.equal(result.caller.scopes.size, 4);
      assert.equal(result.caller.sources, null);
    }
    assert.deepEqual(lines, []);
    auth.close();
  });

  test('fast: 2 000 api key checks against 50 keys take well under a second', async () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ name: `svc-${i}`, hash: hashApiKey(generateApiKey()), scopes: ['users:read'] }));
    const auth = createAuthenticator(config({ apiKeys: [...many, ...apiKeys] }), { logger: createLogger('warn', () => {}) });
    const started = process.hrtime.bigint();
    for (let i = 0; i < 2_000; i++) assert.ok((await auth.authenticate({ 'x-api-key': KEY })).ok);
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1_000);
  });
});
