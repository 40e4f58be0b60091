import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { parseAuthConfig, type JwtConfig } from './config';
import { JwtVerifier } from './jwt';

/** jwksUrl against a real server on 127.0.0.1: refresh on an unknown kid, cooldown, failures. */
const ISS = 'https://login.example.org/';
const AUD = 'staffgraph';

interface Jwks {
  server: Server;
  url: string;
  requests: number;
  /** What the next GET answers: a key set, an HTTP status, or 'hang' (never answers). */
  reply: { keys: object[] } | number | 'hang';
}

async function startJwks(): Promise<Jwks> {
  const state: Jwks = { server: createServer(), url: '', requests: 0, reply: { keys: [] } };
  state.server.on('request', (_req, res) => {
    state.requests++;
    const r = state.reply;
    if (r === 'hang') return;
    if (typeof r === 'number') {
      res.writeHead(r).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r));
  });
  await new Promise<void>((ok) => state.server.listen(0, '127.0.0.1', ok));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/.well-known/jwks.json`;
  return state;
}

function config(url: string): JwtConfig {
  const parsed = parseAuthConfig({ jwt: { issuer: ISS, audience: AUD, jwksUrl: url } }, { configDir: '/', defaultMode: 'required' });
  assert.ok(parsed.ok && parsed.config.jwt);
  return parsed.config.jwt;
}

async function token(key: CryptoKey, kid: string): Promise<string> {
  return new SignJWT({ scope: 'users:read' })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(ISS)
    .setAudience(AUD)
    .setSubject('svc-1')
    .setExpirationTime('5m')
    .sign(key);
}

async function jwk(key: CryptoKey, kid: string): Promise<object> {
  return { ...(await exportJWK(key)), kid, alg: 'RS256', use: 'sig' };
}

describe('JwtVerifier: jwksUrl', () => {
  let jwks: Jwks;
  let k1: { privateKey: CryptoKey; publicKey: CryptoKey };
  let k2: { privateKey: CryptoKey; publicKey: CryptoKey };

  before(async () => {
    jwks = await startJwks();
    k1 = await generateKeyPair('RS256');
    k2 = await generateKeyPair('RS256');
  });
  after(() => {
    jwks.server.closeAllConnections();
    jwks.server.close();
  });

  test('fetches once, then serves from cache', async () => {
    jwks.requests = 0;
    jwks.reply = { keys: [await jwk(k1.publicKey, 'k1')] };
    const verifier = new JwtVerifier(config(jwks.url));
    for (let i = 0; i < 5; i++) assert.equal((await verifier.verify(await token(k1.privateKey, 'k1')))?.id, 'svc-1');
    assert.equal(jwks.requests, 1);
  });

  test('rotation: a new kid verifies after the cooldown, with one more request', async () => {
    jwks.requests = 0;
    jwks.reply = { keys: [await jwk(k1.publicKey, 'k1')] };
    const reasons: string[] = [];
    const verifier = new JwtVerifier(config(jwks.url), { jwksCooldownMs: 500, onReject: (r) => reasons.push(r) });
    assert.ok(await verifier.verify(await token(k1.privateKey, 'k1')));
    assert.equal(jwks.requests, 1);

    jwks.reply = { keys: [await jwk(k1.publicKey, 'k1'), await jwk(k2.publicKey, 'k2')] };
    const rotated = await token(k2.privateKey, 'k2');
    assert.equal(await verifier.verify(rotated), null, 'still inside the cooldown');
    assert.deepEqual(reasons, ['unknown_kid']);
    assert.equal(jwks.requests, 1, 'no request inside the cooldown');

    await sleep(600);
    assert.equal((await verifier.verify(rotated))?.id, 'svc-1');
    assert.equal(jwks.requests, 2);
    assert.ok(await verifier.verify(await token(k1.privateKey, 'k1')), 'the old key still in the set still verifies');
    assert.equal(jwks.requests, 2);
  });

  test('a flood of unknown kids does not hammer the key server', async () => {
    jwks.requests = 0;
    jwks.reply = { keys: [await jwk(k1.publicKey, 'k1')] };
    const reasons: string[] = [];
    const verifier = new JwtVerifier(config(jwks.url), { onReject: (r) => reasons.push(r) });
    assert.ok(await verifier.verify(await token(k1.privateKey, 'k1')));
    const bogus = await Promise.all(Array.from({ length: 20 }, (_, i) => token(k2.privateKey, `made-up-${i}`)));
    const results = await Promise.all(bogus.map((t) => verifier.verify(t)));
    assert.ok(results.every((r) => r === null));
    assert.equal(reasons.length, 20);
    assert.ok(reasons.every((r) => r === 'unknown_kid'));
    assert.equal(jwks.requests, 1);
  });

  test('a failing key server → jwks_unavailable, not a throw', async () => {
    jwks.requests = 0;
    jwks.reply = 500;
    const reasons: string[] = [];
    const verifier = new JwtVerifier(config(jwks.url), { onReject: (r) => reasons.push(r) });
    assert.equal(await verifier.verify(await token(k1.privateKey, 'k1')), null);
    assert.deepEqual(reasons, ['jwks_unavailable']);
    assert.equal(jwks.requests, 1);
  });

  test('a key server that never answers times out', async () => {
    jwks.reply = 'hang';
    const reasons: string[] = [];
    const verifier = new JwtVerifier(config(jwks.url), { jwksTimeoutMs: 200, onReject: (r) => reasons.push(r) });
    const started = Date.now();
    assert.equal(await verifier.verify(await token(k1.privateKey, 'k1')), null);
    assert.ok(Date.now() - started < 2_000, 'gave up near the 200 ms timeout');
    assert.deepEqual(reasons, ['jwks_unavailable']);
    jwks.server.closeAllConnections();
  });
});
