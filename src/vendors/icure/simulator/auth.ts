import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { SimRequest, SimResponse } from '../../../sim/types';
import type { SimClock } from './clock';
import type { StoredUser, UserStore } from './state';

/** Access tokens live one hour unless configured (Kraken's default JWT validity). */
export const DEFAULT_TOKEN_TTL_SECONDS = 3_600;
/** Refresh tokens live one day unless configured (not documented; our choice). */
export const DEFAULT_REFRESH_TTL_SECONDS = 86_400;

type TokenKind = 'access' | 'refresh';

/**
 * HS256 JWTs signed with a per-start random secret. A token carries its kind and the "generation"
 * it was issued in; POST /__sim/tokens/expire bumps the generation, which revokes every earlier
 * token at once (the way a server restart with a new key would).
 */
export class TokenService {
  private readonly secret = randomBytes(32);
  private generation: Record<TokenKind, number> = { access: 0, refresh: 0 };

  tokenTtlSeconds: number;
  refreshTtlSeconds: number;

  constructor(
    private readonly clock: SimClock,
    private readonly configured: { tokenTtlSeconds: number; refreshTtlSeconds: number },
  ) {
    this.tokenTtlSeconds = configured.tokenTtlSeconds;
    this.refreshTtlSeconds = configured.refreshTtlSeconds;
  }

  issue(userId: string, kind: TokenKind, ttlSeconds = kind === 'access' ? this.tokenTtlSeconds : this.refreshTtlSeconds): string {
    const iat = Math.floor(this.clock.now() / 1000);
    const header = b64({ alg: 'HS256', typ: 'JWT' });
    const payload = b64({ sub: userId, typ: kind, gen: this.generation[kind], jti: randomUUID(), iat, exp: iat + ttlSeconds });
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
  }

  /** The user id of a valid, unexpired, unrevoked token of this kind; null otherwise. */
  verify(token: string, kind: TokenKind): string | null {
    const [header, payload, signature, ...rest] = token.split('.');
    if (!header || !payload || !signature || rest.length) return null;
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown; typ?: unknown; gen?: unknown; exp?: unknown };
      if (claims.typ !== kind || claims.gen !== this.generation[kind] || typeof claims.exp !== 'number' || typeof claims.sub !== 'string') return null;
      return claims.exp * 1000 > this.clock.now() ? claims.sub : null;
    } catch {
      return null;
    }
  }

  /** Revokes every access token issued so far (and refresh tokens too when asked). */
  expireAll(refreshToo: boolean): void {
    this.generation.access++;
    if (refreshToo) this.generation.refresh++;
  }

  /** Back to the configured lifetimes. Issued tokens stay valid: the seeded API account keeps its id. */
  reset(): void {
    this.tokenTtlSeconds = this.configured.tokenTtlSeconds;
    this.refreshTtlSeconds = this.configured.refreshTtlSeconds;
  }

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
  }
}

/**
 * Who is calling: `Authorization: Basic base64(login:password)` (Kraken's httpBasic) or
 * `Authorization: Bearer <access token>`. Anything else is 401 {"message"}.
 */
export function authenticate(req: SimRequest, store: UserStore, tokens: TokenService): { user: StoredUser } | { response: SimResponse } {
  const header = req.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return unauthorized('Full authentication is required to access this resource');
  const [scheme, credentials] = [value.slice(0, value.indexOf(' ')), value.slice(value.indexOf(' ') + 1).trim()];
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon > 0 ? store.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
    return user ? { user } : unauthorized('Bad credentials');
  }
  if (scheme.toLowerCase() === 'bearer') {
    const userId = tokens.verify(credentials, 'access');
    const user = userId && store.canAct(userId) ? store.get(userId) : undefined;
    return user ? { user } : unauthorized('Invalid or expired JWT');
  }
  return unauthorized('Full authentication is required to access this resource');
}

export function unauthorized(message: string): { response: SimResponse } {
  return { response: { status: 401, body: { message } } };
}

function b64(o: unknown): string {
  return Buffer.from(JSON.stringify(o)).toString('base64url');
}
