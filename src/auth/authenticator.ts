import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../core/logger';
import { ApiKeyRing } from './api-keys';
import { anonymousCaller, type Caller } from './caller';
import type { AuthConfig, AuthMode } from './config';
import { JwtVerifier, type JwtRejectReason, type JwtVerifierOptions } from './jwt';

/**
 * Turns a request's headers into a Caller (docs/callers-and-limits.md). Built once at start; per request it
 * costs one sha256 plus N constant-time compares (API key) or one signature check with keys
 * imported at start (JWT). The HTTP layer answers every failure with 401 UNAUTHENTICATED; the
 * reason word is for logs and tests only and is never shown to the client.
 */
export type AuthRejectReason =
  | 'missing'
  | 'ambiguous' // both Authorization and x-api-key
  | 'unsupported_scheme' // Authorization other than Bearer (e.g. Basic)
  | 'malformed' // empty credential, repeated header
  | 'jwt_not_configured' // a JWS-shaped credential without auth.jwt
  | 'unknown_key'
  | JwtRejectReason;

export type AuthResult = { ok: true; caller: Caller } | { ok: false; reason: AuthRejectReason };

export interface Authenticator {
  mode: AuthMode;
  authenticate(headers: IncomingHttpHeaders): Promise<AuthResult>;
  /** Releases nothing today (jose's remote key set holds no timers); kept so start-up can pair it. */
  close(): void;
}

type CredentialKind = 'JWT' | 'API_KEY';

/** Three dot-separated base64url parts (the third may be empty: an unsigned `alg: none` token must reach the JWT check and be refused there). */
const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const BEARER = /^Bearer +(\S+) *$/i;

export function createAuthenticator(config: AuthConfig, deps: { logger: Logger; jwt?: JwtVerifierOptions }): Authenticator {
  const { logger } = deps;
  if (config.mode === 'none') {
    return { mode: 'none', authenticate: async () => ({ ok: true, caller: anonymousCaller() }), close() {} };
  }
  const jwt = config.jwt ? new JwtVerifier(config.jwt, deps.jwt) : null;
  const ring = new ApiKeyRing(config.apiKeys);

  const reject = (reason: AuthRejectReason, kind: CredentialKind | null): AuthResult => {
    logger.warn('auth_rejected', { reason, kind });
    return { ok: false, reason };
  };

  const authenticate = async (headers: IncomingHttpHeaders): Promise<AuthResult> => {
    const credential = credentialOf(headers);
    if (typeof credential !== 'string') return reject(credential.reason, null);
    const kind: CredentialKind = JWS_COMPACT.test(credential) ? 'JWT' : 'API_KEY';
    let caller: Caller | null;
    if (kind === 'JWT') {
      if (jwt === null) return reject('jwt_not_configured', kind);
      const checked = await jwt.check(credential);
      if (!checked.ok) return reject(checked.reason, kind);
      caller = checked.caller;
    } else {
      caller = ring.verify(credential);
      if (caller === null) return reject('unknown_key', kind);
    }
    logger.debug('auth_ok', { kind: caller.kind, id: caller.id });
    return { ok: true, caller };
  };

  return { mode: 'required', authenticate, close() {} };
}

/** The one credential of the request, or why there is none usable. */
function credentialOf(headers: IncomingHttpHeaders): string | { reason: AuthRejectReason } {
  const authorization = headers.authorization;
  const apiKey = headers['x-api-key'];
  if (authorization !== undefined && apiKey !== undefined) return { reason: 'ambiguous' };
  if (apiKey !== undefined) {
    // Node joins a repeated unknown header with ", "; either way it is not one key.
    if (typeof apiKey !== 'string' || apiKey.trim() === '' || apiKey.includes(',')) return { reason: 'malformed' };
    return apiKey.trim();
  }
  if (authorization === undefined) return { reason: 'missing' };
  const m = BEARER.exec(authorization);
  if (m) return m[1];
  return /^Bearer\b/i.test(authorization) ? { reason: 'malformed' } : { reason: 'unsupported_scheme' };
}
