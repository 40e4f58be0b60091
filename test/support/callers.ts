import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { AuthConfig } from '../../src/auth/config';
import type { Scope } from '../../src/auth/caller';
import { generateApiKey, hashApiKey } from '../../src/auth/api-keys';

/** A set of test callers: API keys (by name) and a JWT issuer whose JWKS is a file. */
export interface TestCallers {
  auth: AuthConfig;
  /** `Authorization` headers by key name. */
  key(name: string): Record<string, string>;
  /** A signed token with these claims (defaults: sub, aud, iss, exp in 10 minutes). */
  token(claims: JWTPayload, opts?: { kid?: string; alg?: string; key?: CryptoKey }): Promise<string>;
  /** Every credential issued, for "never in a response or a log line" checks. */
  secrets(): string[];
}

export const ISSUER = 'https://login.test.example/';
export const AUDIENCE = 'staffgraph';

export async function makeCallers(keys: Array<{ name: string; scopes: Scope[]; sources?: string[] }>): Promise<TestCallers> {
  const issued = new Map(keys.map((k) => [k.name, generateApiKey()]));
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const dir = mkdtempSync(join(tmpdir(), 'sg-callers-'));
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
  const tokens: string[] = [];
  return {
    auth: {
      mode: 'required',
      jwt: {
        issuer: ISSUER,
        audience: [AUDIENCE],
        jwks: { kind: 'file', path: jwksFile, jwks: { keys: [jwk] } },
        algorithms: ['RS256'],
        secret: null,
        clockToleranceSeconds: 30,
        scopesClaim: 'scope',
        sourcesClaim: 'staffgraph_sources',
      },
      apiKeys: keys.map((k) => ({ name: k.name, hash: hashApiKey(issued.get(k.name)!), scopes: k.scopes, sources: k.sources ?? null })),
    },
    key: (name) => ({ authorization: `Bearer ${issued.get(name)!}` }),
    async token(claims, opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      const t = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: now, exp: now + 600, ...claims })
        .setProtectedHeader({ alg: opts.alg ?? 'RS256', kid: opts.kid ?? 'k1' })
        .sign(opts.key ?? privateKey);
      tokens.push(t);
      return t;
    },
    secrets: () => [...issued.values(), ...tokens],
  };
}

/** An unsigned token (`alg: none`), which must never be accepted. */
export function unsignedToken(claims: JWTPayload): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', typ: 'JWT', kid: 'k1' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'x', exp: now + 600, ...claims })}.`;
}
