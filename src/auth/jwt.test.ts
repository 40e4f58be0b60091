import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import type { Caller } from './caller';
import { parseAuthConfig, type JwtConfig } from './config';
import { JwtVerifier, type JwtRejectReason } from './jwt';

const ISS = 'https://login.example.org/';
const AUD = 'staffgraph';
const SECRET = 'a-test-hmac-secret-of-at-least-32-bytes!';
const now = (): number => Math.floor(Date.now() / 1000);

interface Pair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}
let dir: string;
let rsa: Pair;
let ec: Pair;
let stranger: Pair;
let rsaPem: string;

async function publicJwk(pair: Pair, kid: string, alg: string): Promise<Record<string, unknown>> {
  return { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' };
}

function writeJwks(file: string, keys: Array<Record<string, unknown>>): void {
  writeFileSync(file, JSON.stringify({ keys }));
}

/** A jwt config through the real parser, so the tests cover what start-up builds. */
function jwtConfig(jwt: Record<string, unknown>): JwtConfig {
  const parsed = parseAuthConfig({ jwt: { issuer: ISS, audience: AUD, ...jwt } }, { configDir: dir, defaultMode: 'required' });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'));
  assert.ok(parsed.config.jwt);
  return parsed.config.jwt;
}

interface SignOptions {
  alg?: string;
  kid?: string | null;
  key?: CryptoKey | Uint8Array;
  claims?: JWTPayload;
  iss?: string;
  aud?: string;
  sub?: string | null;
  expSeconds?: number | null; // seconds from now; null = no exp
}

async function sign(o: SignOptions = {}): Promise<string> {
  const alg = o.alg ?? 'RS256';
  const kid = o.kid === undefined ? 'rsa-1' : o.kid;
  const jwt = new SignJWT({ ...o.claims })
    .setProtectedHeader(kid === null ? { alg } : { alg, kid })
    .setIssuer(o.iss ?? ISS)
    .setAudience(o.aud ?? AUD)
    .setIssuedAt();
  if (o.sub !== null) jwt.setSubject(o.sub ?? 'u-123');
  if (o.expSeconds !== null) jwt.setExpirationTime(now() + (o.expSeconds ?? 300));
  return jwt.sign(o.key ?? rsa.privateKey);
}

function b64(json: object): string {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-jwt-'));
  rsa = await generateKeyPair('RS256');
  ec = await generateKeyPair('ES256');
  stranger = await generateKeyPair('RS256');
  rsaPem = await exportSPKI(rsa.publicKey);
  writeJwks(join(dir, 'jwks.json'), [await publicJwk(rsa, 'rsa-1', 'RS256'), await publicJwk(ec, 'ec-1', 'ES256')]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

type Expect = { reason: JwtRejectReason } | { caller: (c: Caller) => void };
interface Case {
  name: string;
  token: () => Promise<string>;
  config?: Record<string, unknown>;
  expect: Expect;
}

const base = { jwksFile: 'jwks.json', sourcesClaim: 'staffgraph_sources' };
const withSecret = { ...base, algorithms: ['RS256', 'ES256', 'HS256'], secret: SECRET };

const cases: Case[] = [
  {
    name: 'good RS256 token → caller with scopes and sources',
    token: () => sign({ claims: { scope: 'users:read users:pii', staffgraph_sources: ['dental', 'jail-emr'], name: 'Ada Admin' } }),
    expect: {
      caller: (c) => {
        assert.equal(c.kind, 'JWT');
        assert.equal(c.id, 'u-123');
        assert.equal(c.name, 'Ada Admin');
        assert.deepEqual([...c.scopes].sort(), ['users:pii', 'users:read']);
        assert.deepEqual([...(c.sources ?? [])].sort(), ['dental', 'jail-emr']);
      },
    },
  },
  {
    name: 'good ES256 token',
    token: () => sign({ alg: 'ES256', kid: 'ec-1', key: ec.privateKey, claims: { scope: 'audit:read' } }),
    expect: { caller: (c) => assert.deepEqual([...c.scopes], ['audit:read']) },
  },
  {
    name: 'alg none (unsigned, hand-built)',
    token: async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISS, aud: AUD, sub: 'u-1', exp: now() + 300, scope: 'users:write' })}.`,
    expect: { reason: 'alg_not_allowed' },
  },
  { name: 'wrong aud', token: () => sign({ aud: 'someone-else' }), expect: { reason: 'wrong_audience' } },
  { name: 'wrong iss', token: () => sign({ iss: 'https://evil.example.org/' }), expect: { reason: 'wrong_issuer' } },
  { name: 'expired beyond the 30 s tolerance', token: () => sign({ expSeconds: -120 }), expect: { reason: 'expired' } },
  {
    name: 'expired 10 s ago, within the 30 s tolerance → ok',
    token: () => sign({ expSeconds: -10 }),
    expect: { caller: (c) => assert.equal(c.id, 'u-123') },
  },
  {
    name: 'expired 10 s ago with clockToleranceSeconds 0',
    token: () => sign({ expSeconds: -10 }),
    config: { ...base, clockToleranceSeconds: 0 },
    expect: { reason: 'expired' },
  },
  { name: 'nbf five minutes ahead', token: () => sign({ claims: { nbf: now() + 300 } }), expect: { reason: 'not_yet_valid' } },
  {
    name: 'payload tampered (scope widened) → bad signature',
    token: async () => {
      const [h, , s] = (await sign({ claims: { scope: 'users:read' } })).split('.');
      return `${h}.${b64({ iss: ISS, aud: AUD, sub: 'u-123', exp: now() + 300, scope: 'users:read users:write' })}.${s}`;
    },
    expect: { reason: 'bad_signature' },
  },
  {
    name: 'signed by a key not in the JWKS, unknown kid',
    token: () => sign({ kid: 'rsa-unknown', key: stranger.privateKey }),
    expect: { reason: 'unknown_kid' },
  },
  {
    name: 'signed by a key not in the JWKS, reusing a known kid → bad signature',
    token: () => sign({ kid: 'rsa-1', key: stranger.privateKey }),
    expect: { reason: 'bad_signature' },
  },
  {
    name: 'HS256 against an RS256/ES256-only config',
    token: () => sign({ alg: 'HS256', key: new TextEncoder().encode(SECRET) }),
    expect: { reason: 'alg_not_allowed' },
  },
  {
    name: 'alg confusion: HS256 keyed with the RSA public key PEM, RS256/ES256-only config',
    token: () => sign({ alg: 'HS256', key: new TextEncoder().encode(rsaPem) }),
    expect: { reason: 'alg_not_allowed' },
  },
  {
    name: 'alg confusion with HS256 allowed: the public key is never an HMAC key',
    token: () => sign({ alg: 'HS256', key: new TextEncoder().encode(rsaPem) }),
    config: withSecret,
    expect: { reason: 'bad_signature' },
  },
  {
    name: 'HS256 accepted when secret and HS256 are configured',
    token: () => sign({ alg: 'HS256', kid: null, key: new TextEncoder().encode(SECRET), claims: { scope: 'users:read' } }),
    config: withSecret,
    expect: { caller: (c) => assert.deepEqual([...c.scopes], ['users:read']) },
  },
  { name: 'no sub', token: () => sign({ sub: null }), expect: { reason: 'missing_sub' } },
  { name: 'no exp', token: () => sign({ expSeconds: null }), expect: { reason: 'missing_exp' } },
  { name: 'not a JWS at all', token: async () => 'abc.def.ghi', expect: { reason: 'malformed' } },
  {
    name: 'scopes as an array; unknown scopes dropped',
    token: () => sign({ claims: { scope: ['users:read', 'users:admin', 'users:write', 42] } }),
    expect: { caller: (c) => assert.deepEqual([...c.scopes].sort(), ['users:read', 'users:write']) },
  },
  {
    name: 'scopes as a string; unknown scopes dropped',
    token: () => sign({ claims: { scope: '  users:read openid users:admin  users:write ' } }),
    expect: { caller: (c) => assert.deepEqual([...c.scopes].sort(), ['users:read', 'users:write']) },
  },
  {
    name: 'scopes as an array of strings',
    token: () => sign({ claims: { scope: ['users:read', 'profile', 'audit:read'] } }),
    expect: { caller: (c) => assert.deepEqual([...c.scopes].sort(), ['audit:read', 'users:read']) },
  },
  {
    name: 'Entra scp with scopesClaim scp (scope claim ignored)',
    token: () => sign({ claims: { scp: 'users:read users:pii', scope: 'users:write' } }),
    config: { ...base, scopesClaim: 'scp' },
    expect: { caller: (c) => assert.deepEqual([...c.scopes].sort(), ['users:pii', 'users:read']) },
  },
  {
    name: 'no scopes claim → no scopes',
    token: () => sign(),
    expect: { caller: (c) => assert.equal(c.scopes.size, 0) },
  },
  {
    name: 'sources claim absent → every source (null)',
    token: () => sign({ claims: { scope: 'users:read' } }),
    expect: { caller: (c) => assert.equal(c.sources, null) },
  },
  {
    name: 'sources claim as a space-separated string',
    token: () => sign({ claims: { staffgraph_sources: 'dental icure' } }),
    expect: { caller: (c) => assert.deepEqual([...(c.sources ?? [])], ['dental', 'icure']) },
  },
  {
    name: 'sources claim present but empty array → no source at all, not every source',
    token: () => sign({ claims: { staffgraph_sources: [] } }),
    expect: { caller: (c) => assert.equal(c.sources?.size, 0) },
  },
  {
    name: 'sources claim of the wrong type is refused, never widened',
    token: () => sign({ claims: { staffgraph_sources: { dental: true } } }),
    expect: { reason: 'bad_sources_claim' },
  },
  {
    name: 'sources claim ignored when sourcesClaim is not configured',
    token: () => sign({ claims: { staffgraph_sources: ['dental'] } }),
    config: { jwksFile: 'jwks.json' },
    expect: { caller: (c) => assert.equal(c.sources, null) },
  },
  {
    name: 'name falls back to preferred_username, bounded to 200 characters',
    token: () => sign({ claims: { preferred_username: 'x'.repeat(500) } }),
    expect: { caller: (c) => assert.equal(c.name, 'x'.repeat(200)) },
  },
  {
    name: 'name falls back to sub',
    token: () => sign({ sub: 'only-sub' }),
    expect: { caller: (c) => assert.equal(c.name, 'only-sub') },
  },
];

describe('JwtVerifier: token table', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const reasons: string[] = [];
      const verifier = new JwtVerifier(jwtConfig(c.config ?? base), { onReject: (r) => reasons.push(r) });
      const caller = await verifier.verify(await c.token());
      if ('reason' in c.expect) {
        assert.equal(caller, null);
        assert.deepEqual(reasons, [c.expect.reason]);
      } else {
        assert.ok(caller, `rejected: ${reasons.join(',')}`);
        assert.deepEqual(reasons, []);
        c.expect.caller(caller);
      }
    });
  }

  test('never throws, even for junk input', async () => {
    const reasons: string[] = [];
    const verifier = new JwtVerifier(jwtConfig(base), { onReject: (r) => reasons.push(r) });
    for (const junk of ['', '.', 'a.b.c', '..', 'x'.repeat(20_000), `${b64({ alg: 'RS256' })}.!!!.x`]) {
      assert.equal(await verifier.verify(junk), null);
    }
    assert.ok(reasons.every((r) => r === 'malformed' || r === 'alg_not_allowed'), reasons.join(','));
  });

  test('without kid, a set with several keys of the type is tried key by key', async () => {
    writeJwks(join(dir, 'two.json'), [await publicJwk(stranger, 'a', 'RS256'), await publicJwk(rsa, 'b', 'RS256')]);
    const verifier = new JwtVerifier(jwtConfig({ jwksFile: 'two.json' }));
    assert.equal((await verifier.verify(await sign({ kid: null })))?.id, 'u-123');
    const reasons: string[] = [];
    const strict = new JwtVerifier(jwtConfig({ jwksFile: 'two.json' }), { onReject: (r) => reasons.push(r) });
    const other = (await generateKeyPair('RS256')).privateKey;
    assert.equal(await strict.verify(await sign({ kid: null, key: other })), null);
    assert.deepEqual(reasons, ['bad_signature']);
  });

  test('rejection reasons carry no token content', async () => {
    const reasons: string[] = [];
    const verifier = new JwtVerifier(jwtConfig(base), { onReject: (r) => reasons.push(r) });
    await verifier.verify(await sign({ aud: 'secret-audience-name', claims: { scope: 'users:read' } }));
    assert.deepEqual(reasons, ['wrong_audience']);
  });
});

describe('JwtVerifier: jwksFile rotation', () => {
  test('an unknown kid re-reads the rewritten file; the new key verifies', async () => {
    const file = join(dir, 'rotate.json');
    writeJwks(file, [await publicJwk(rsa, 'rsa-1', 'RS256')]);
    const reasons: string[] = [];
    const verifier = new JwtVerifier(jwtConfig({ jwksFile: 'rotate.json' }), { onReject: (r) => reasons.push(r), jwksCooldownMs: 0 });
    const next = await generateKeyPair('ES256');
    const newToken = await sign({ alg: 'ES256', kid: 'ec-2', key: next.privateKey });
    assert.equal(await verifier.verify(newToken), null);
    assert.deepEqual(reasons, ['unknown_kid']);

    writeJwks(file, [await publicJwk(next, 'ec-2', 'ES256')]);
    assert.equal((await verifier.verify(newToken))?.id, 'u-123');
    // The old key left the file, so its tokens stop verifying once the file is read again.
    assert.equal(await verifier.verify(await sign()), null);
  });

  test('re-reads at most once per cooldown', async () => {
    const file = join(dir, 'cooldown.json');
    writeJwks(file, [await publicJwk(rsa, 'rsa-1', 'RS256')]);
    const reasons: string[] = [];
    const verifier = new JwtVerifier(jwtConfig({ jwksFile: 'cooldown.json' }), { onReject: (r) => reasons.push(r) });
    const next = await generateKeyPair('RS256');
    const newToken = await sign({ kid: 'rsa-2', key: next.privateKey });
    assert.equal(await verifier.verify(newToken), null); // reads the file (first unknown kid), still unknown
    writeJwks(file, [await publicJwk(rsa, 'rsa-1', 'RS256'), await publicJwk(next, 'rsa-2', 'RS256')]);
    assert.equal(await verifier.verify(newToken), null); // within the 30 s cooldown: no second read
    assert.deepEqual(reasons, ['unknown_kid', 'unknown_kid']);
  });

  test('a file that became unreadable keeps the old keys', async () => {
    const file = join(dir, 'broken.json');
    writeJwks(file, [await publicJwk(rsa, 'rsa-1', 'RS256')]);
    const reasons: string[] = [];
    const verifier = new JwtVerifier(jwtConfig({ jwksFile: 'broken.json' }), { onReject: (r) => reasons.push(r), jwksCooldownMs: 0 });
    writeFileSync(file, '{ not json');
    assert.equal(await verifier.verify(await sign({ kid: 'rsa-9', key: stranger.privateKey })), null);
    assert.deepEqual(reasons, ['jwks_unavailable']);
    assert.equal((await verifier.verify(await sign()))?.id, 'u-123');
  });
});
