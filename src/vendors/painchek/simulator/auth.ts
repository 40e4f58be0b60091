import { randomInt } from 'node:crypto';
import type { SimRequest, SimResponse } from '../../../sim/types';
import { invalid, pcError } from './envelope';

/** The docs' example: tokens live 36000 seconds (ten hours). */
export const DEFAULT_EXPIRES_IN_SECONDS = 36_000;
/** The docs' example token is 30 characters of [A-Za-z0-9] (django-oauth-toolkit style). */
const TOKEN_LENGTH = 30;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Client-credentials tokens: POST /api/integration/auth/ issues a Bearer token; every other route
 * checks it. Tokens are sessions, not seed data: `/__sim/reset` keeps them, `/__sim/tokens/expire`
 * ends them all.
 */
export class TokenStore {
  /** token → expiry (epoch ms). */
  private readonly tokens = new Map<string, number>();

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    readonly expiresInSeconds: number,
  ) {}

  /** POST /api/integration/auth/ (form-urlencoded client_id, client_secret). */
  issue(req: SimRequest): SimResponse {
    const type = String(req.headers['content-type'] ?? '').toLowerCase();
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      return pcError(415, 'unsupported_media_type', 'Unsupported media type in request.');
    }
    const form = new URLSearchParams(req.body.toString('utf8'));
    const missing = ['client_id', 'client_secret'].filter((k) => !form.get(k));
    if (missing.length) return invalid(missing.map((field) => ({ field, detail: 'This field is required.' })));
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
      return pcError(401, 'authentication_failed', 'Invalid client credentials.');
    }
    let token = '';
    for (let i = 0; i < TOKEN_LENGTH; i++) token += ALPHABET[randomInt(ALPHABET.length)];
    this.tokens.set(token, Date.now() + this.expiresInSeconds * 1000);
    return { status: 200, body: { expires_in: this.expiresInSeconds, token_type: 'Bearer', access_token: token, scope: 'write read' } };
  }

  /** null when the request carries a live Bearer token, else DRF's 401 (with WWW-Authenticate). */
  reject(req: SimRequest): SimResponse | null {
    const header = req.headers.authorization;
    const challenge = { 'www-authenticate': 'Bearer realm="api"' };
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
    if (!m) return pcError(401, 'not_authenticated', 'Authentication credentials were not provided.', undefined, challenge);
    const expiresAt = this.tokens.get(m[1]!);
    if (expiresAt === undefined || expiresAt <= Date.now()) {
      return pcError(401, 'authentication_failed', 'Incorrect authentication credentials.', undefined, challenge);
    }
    return null;
  }

  /** Ends every token now; returns how many were live. */
  expireAll(): number {
    const now = Date.now();
    let live = 0;
    for (const [token, expiresAt] of this.tokens) {
      if (expiresAt > now) live++;
      this.tokens.set(token, now);
    }
    return live;
  }
}
