import type { Coordination } from '../../coordination/coordination';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import { parseJson, statusError, type VendorHttp } from '../../http/vendor-http';
import { CredentialCache, type Issued } from '../../kit';
import type { JwtResponse } from './types';

/**
 * The JWT session of one source (created once in createConnector, shared by every request), on the
 * kit's CredentialCache (single flight, not cached on failure, each waiter bounded by its own
 * request, `invalidate` after a 401):
 *  - logs in once (POST /rest/v2/auth/login);
 *  - renews shortly before the access token's `exp` (decoded from the JWT) with the refresh token
 *    (POST /rest/v2/auth/refresh, header `Refresh-Token`) while that one is still good, falling back
 *    to a login when it is not or when the refresh is refused;
 *  - after a 401 the client invalidates the tokens (kit sendWithRelogin): the next one is a login.
 * Tokens live only in this object: they are never logged, returned or put in an error.
 */
export class JwtSession {
  readonly tokens: CredentialCache<Tokens>;

  constructor(
    private readonly http: VendorHttp,
    private readonly sourceId: string,
    private readonly credentials: { username: string; password: string },
    /** Clock in epoch ms; injectable so tests can step past a token's expiry without waiting. */
    private readonly now: () => number = Date.now,
    coordination?: Coordination,
  ) {
    // One login for every instance when they share Redis (docs/instances.md).
    this.tokens = new CredentialCache(sourceId, (previous) => this.issue(previous), now, coordination);
  }

  /** The access token to send (for callers outside sendWithRelogin). */
  async token(ctx?: RequestContext): Promise<string> {
    return (await this.tokens.get(ctx?.signal)).token;
  }

  /** Refresh while the refresh token is good, else log in. */
  private async issue(previous: Issued<Tokens> | null): Promise<Issued<Tokens>> {
    const c = previous?.value;
    const canRefresh = c?.refreshToken != null && !this.expiringSoon(c.refreshExpMs, c.refreshLifetimeMs);
    const tokens = canRefresh ? await this.refresh(c!.refreshToken!) : await this.login();
    return { value: tokens, renewAt: renewAtOf(tokens.accessExpMs, tokens.accessLifetimeMs) };
  }

  private async login(): Promise<Tokens> {
    const res = await this.tokenCall(() =>
      this.http.request({
        method: 'POST',
        path: '/rest/v2/auth/login',
        route: '/rest/v2/auth/login',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username: this.credentials.username, password: this.credentials.password }),
      }),
    );
    // 401 bad credentials; 406/412/417 password or 2FA problems: all mean "cannot authenticate".
    if ([401, 403, 406, 412, 417].includes(res.status)) throw new SourceError('SOURCE_AUTH_FAILED', this.sourceId, undefined, { status: res.status });
    if (res.status !== 200) throw statusError(this.sourceId, res, false);
    const body = this.jwtBody(res);
    return tokensOf(body.token, body.refreshToken ?? null);
  }

  private async refresh(refreshToken: string): Promise<Tokens> {
    const res = await this.tokenCall(() =>
      this.http.request({
        method: 'POST',
        path: '/rest/v2/auth/refresh',
        route: '/rest/v2/auth/refresh',
        headers: { 'refresh-token': refreshToken, accept: 'application/json' },
      }),
    );
    if (res.status === 401 || res.status === 403) return this.login();
    if (res.status !== 200) throw statusError(this.sourceId, res, false);
    const body = this.jwtBody(res);
    // The refresh answer may omit a new refresh token: the old one stays valid until its own exp.
    return tokensOf(body.token, body.refreshToken ?? refreshToken);
  }

  private jwtBody(res: Parameters<typeof parseJson>[1]): JwtResponse {
    const body = parseJson<unknown>(this.sourceId, res);
    if (!isJwtResponse(body)) throw new SourceError('SOURCE_BAD_RESPONSE', this.sourceId, undefined, { status: res.status });
    if (body.successful === false) throw new SourceError('SOURCE_AUTH_FAILED', this.sourceId, undefined, { status: res.status });
    return body;
  }

  /** Token calls change no user data: their transport failures never make a write's outcome unknown. */
  private async tokenCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof SourceError) throw new SourceError(err.code, this.sourceId, undefined, { status: err.details.status });
      throw err;
    }
  }

  /** Whether a token with this `exp` is due for renewal (renewAtOf). */
  private expiringSoon(expMs: number | null, lifetimeMs: number | null): boolean {
    const at = renewAtOf(expMs, lifetimeMs);
    return at !== null && this.now() >= at;
  }
}

export interface Tokens {
  token: string;
  accessExpMs: number | null;
  accessLifetimeMs: number | null;
  refreshToken: string | null;
  refreshExpMs: number | null;
  refreshLifetimeMs: number | null;
}

function tokensOf(token: string, refreshToken: string | null): Tokens {
  const access = jwtTimes(token);
  const refresh = refreshToken ? jwtTimes(refreshToken) : null;
  return {
    token,
    accessExpMs: access.expMs,
    accessLifetimeMs: access.lifetimeMs,
    refreshToken,
    refreshExpMs: refresh?.expMs ?? null,
    refreshLifetimeMs: refresh?.lifetimeMs ?? null,
  };
}

/**
 * Renew 60 s before `exp` (one fifth of the lifetime for tokens shorter than five minutes), so a
 * token never expires between being read here and reaching the server. Without a readable `exp`
 * the token is used until the server answers 401 (null).
 */
function renewAtOf(expMs: number | null, lifetimeMs: number | null): number | null {
  if (expMs === null) return null;
  return expMs - Math.min(60_000, lifetimeMs !== null ? lifetimeMs / 5 : 60_000);
}

/** `exp` (and `exp - iat`) of a JWT in epoch ms; nulls when the token is not a readable JWT. */
export function jwtTimes(token: string): { expMs: number | null; lifetimeMs: number | null } {
  const payload = token.split('.')[1];
  if (!payload) return { expMs: null, lifetimeMs: null };
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown; iat?: unknown };
    const expMs = typeof claims.exp === 'number' ? claims.exp * 1000 : null;
    const lifetimeMs = expMs !== null && typeof claims.iat === 'number' ? expMs - claims.iat * 1000 : null;
    return { expMs, lifetimeMs: lifetimeMs !== null && lifetimeMs > 0 ? lifetimeMs : null };
  } catch {
    return { expMs: null, lifetimeMs: null };
  }
}

function isJwtResponse(v: unknown): v is JwtResponse {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.token === 'string' && o.token !== '' && (o.refreshToken == null || typeof o.refreshToken === 'string');
}

