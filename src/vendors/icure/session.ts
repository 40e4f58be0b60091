import { awaitWithin } from '../../http/cancel';
import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import { parseJson, statusError, type VendorHttp } from '../../http/vendor-http';
import type { JwtResponse } from './types';

/**
 * The JWT session of one source (created once in createConnector, shared by every request):
 *  - logs in once (POST /rest/v2/auth/login), and concurrent callers share the one in-flight login;
 *  - refreshes with the refresh token (POST /rest/v2/auth/refresh, header `Refresh-Token`) shortly
 *    before the access token's `exp` (decoded from the JWT), falling back to a login when the
 *    refresh token is refused;
 *  - `renew()` re-logs in after a 401 (the server may revoke tokens before their `exp`).
 * Tokens live only in this object: they are never logged, returned or put in an error.
 */
export class JwtSession {
  private current: Tokens | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly http: VendorHttp,
    private readonly sourceId: string,
    private readonly credentials: { username: string; password: string },
    /** Clock in epoch ms; injectable so tests can step past a token's expiry without waiting. */
    private readonly now: () => number = Date.now,
  ) {}

  /** A token valid for a while yet: the cached one, a refreshed one, or a new login. */
  async token(ctx?: RequestContext): Promise<string> {
    const c = this.current;
    if (c && !this.expiringSoon(c.accessExpMs, c.accessLifetimeMs)) return c.token;
    const canRefresh = c?.refreshToken != null && !this.expiringSoon(c.refreshExpMs, c.refreshLifetimeMs);
    return this.shared(ctx, () => (canRefresh ? this.refresh(c!.refreshToken!) : this.login()));
  }

  /** After `rejected` got a 401: log in again, unless another caller already replaced it. */
  async renew(rejected: string, ctx?: RequestContext): Promise<string> {
    if (this.pending) return this.shared(ctx, () => this.login());
    if (this.current && this.current.token !== rejected) return this.current.token;
    this.current = null;
    return this.shared(ctx, () => this.login());
  }

  /**
   * One token call at a time for the whole source. It runs under the source's requestTimeoutMs,
   * not under one GraphQL request's deadline (other requests wait on it too); each caller still
   * stops waiting when its own request is aborted.
   */
  private shared(ctx: RequestContext | undefined, start: () => Promise<string>): Promise<string> {
    if (!this.pending) this.pending = start().finally(() => (this.pending = null));
    return awaitWithin(this.pending, ctx?.signal, () => new SourceError('SOURCE_TIMEOUT', this.sourceId, undefined, { requestSent: false }));
  }

  private async login(): Promise<string> {
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
    this.store(body.token, body.refreshToken ?? null);
    return body.token;
  }

  private async refresh(refreshToken: string): Promise<string> {
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
    this.store(body.token, body.refreshToken ?? refreshToken);
    return body.token;
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

  private store(token: string, refreshToken: string | null): void {
    const access = jwtTimes(token);
    const refresh = refreshToken ? jwtTimes(refreshToken) : null;
    this.current = {
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
   * the token is used until the server answers 401.
   */
  private expiringSoon(expMs: number | null, lifetimeMs: number | null): boolean {
    if (expMs === null) return false;
    const marginMs = Math.min(60_000, lifetimeMs !== null ? lifetimeMs / 5 : 60_000);
    return this.now() >= expMs - marginMs;
  }
}

interface Tokens {
  token: string;
  accessExpMs: number | null;
  accessLifetimeMs: number | null;
  refreshToken: string | null;
  refreshExpMs: number | null;
  refreshLifetimeMs: number | null;
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

