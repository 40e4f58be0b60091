import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  type CryptoKey,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
} from 'jose';
import { isScope, type Caller, type Scope } from './caller';
import { checkJwks, type JwtConfig } from './config';

/**
 * Verifies OIDC access tokens (docs/callers-and-limits.md). Built once at start: the key set (file or URL) is
 * imported once and kept; jose caches imported keys per JWK, so a request costs one signature
 * check. Rejections are reported by a fixed reason word; the token, its claims and the key set
 * never leave this file.
 */
export type JwtRejectReason =
  | 'malformed'
  | 'alg_not_allowed'
  | 'unknown_kid'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'missing_sub'
  | 'missing_exp'
  | 'bad_sources_claim'
  | 'jwks_unavailable';

export type JwtCheck = { ok: true; caller: Caller } | { ok: false; reason: JwtRejectReason };

export interface JwtVerifierOptions {
  /** Told the reason of every rejection (a fixed word, never token content). */
  onReject?: (reason: JwtRejectReason) => void;
  /** Timeout of one JWKS fetch (jwksUrl), in ms. Defaults to 5_000 (five seconds). */
  jwksTimeoutMs?: number;
  /**
   * Least time between two key-set reloads caused by an unknown `kid`, in ms, for jwksUrl and
   * jwksFile alike: a flood of made-up kids costs at most one fetch or file read per period.
   * Defaults to 30_000 (thirty seconds).
   */
  jwksCooldownMs?: number;
}

/** Tokens bigger than this are refused unparsed (16 KiB, Node's default header limit). */
const MAX_TOKEN_CHARS = 16_384;
const MAX_NAME_CHARS = 200;

type KeyLookup = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey | Uint8Array>;

export class JwtVerifier {
  private readonly lookup: KeyLookup;
  private readonly options: JWTVerifyOptions;

  constructor(private readonly config: JwtConfig, private readonly opts: JwtVerifierOptions = {}) {
    const cooldownMs = opts.jwksCooldownMs ?? 30_000;
    const jwks = config.jwks;
    const asymmetric: KeyLookup | null =
      jwks === null
        ? null
        : jwks.kind === 'url'
          ? guardLookup(createRemoteJWKSet(jwks.url, { timeoutDuration: opts.jwksTimeoutMs ?? 5_000, cooldownDuration: cooldownMs }))
          : guardLookup(new FileJwks(jwks.path, jwks.jwks, cooldownMs).lookup);
    const secret = config.secret;
    // HS* tokens are checked with the configured secret only, never with a JWKS member; that is
    // what makes an HMAC "signed" with a public key (alg confusion) fail.
    this.lookup = async (header, token) => {
      if (header.alg?.startsWith('HS')) {
        if (secret === null) throw new Rejection('alg_not_allowed');
        return secret;
      }
      if (asymmetric === null) throw new Rejection('alg_not_allowed');
      return asymmetric(header, token);
    };
    this.options = {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: config.algorithms,
      clockTolerance: config.clockToleranceSeconds,
      requiredClaims: ['exp', 'sub'],
    };
  }

  /** The caller for a valid token, else null (never throws); the reason goes to `onReject`. */
  async verify(token: string): Promise<Caller | null> {
    const result = await this.check(token);
    if (result.ok) return result.caller;
    this.opts.onReject?.(result.reason);
    return null;
  }

  /** Like verify, with the reason in the result (for the authenticator, which logs it per request). */
  async check(token: string): Promise<JwtCheck> {
    try {
      if (token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
      const header = decodeProtectedHeader(token);
      // The header's alg decides the key type, so it is checked before any key is looked up.
      if (typeof header.alg !== 'string' || !(this.config.algorithms as string[]).includes(header.alg)) {
        return { ok: false, reason: 'alg_not_allowed' };
      }
      const payload = await this.verifySignatureAndClaims(token);
      return this.toCaller(payload);
    } catch (err) {
      return { ok: false, reason: reasonFor(err) };
    }
  }

  private async verifySignatureAndClaims(token: string): Promise<JWTPayload> {
    try {
      return (await jwtVerify(token, this.lookup, this.options)).payload;
    } catch (err) {
      if (codeOf(err) !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw err;
      // A token without `kid` against a set holding several keys of its type: try each (jose
      // hands them out as an async iterator on the error).
      for await (const key of err as AsyncIterable<CryptoKey>) {
        try {
          return (await jwtVerify(token, key, this.options)).payload;
        } catch (inner) {
          if (codeOf(inner) !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw inner;
        }
      }
      throw new Rejection('bad_signature');
    }
  }

  private toCaller(payload: JWTPayload): JwtCheck {
    const sub = payload.sub;
    if (typeof sub !== 'string' || sub === '') return { ok: false, reason: 'missing_sub' };
    let sources: ReadonlySet<string> | null = null;
    if (this.config.sourcesClaim !== null && payload[this.config.sourcesClaim] !== undefined) {
      const list = words(payload[this.config.sourcesClaim]);
      // A present but unreadable grant must not widen to "every source".
      if (list === null) return { ok: false, reason: 'bad_sources_claim' };
      sources = new Set(list);
    }
    const scopes = new Set<Scope>(scopeWords(payload[this.config.scopesClaim]).filter(isScope));
    const name = [payload.name, payload.preferred_username, sub].find((v): v is string => typeof v === 'string' && v !== '') ?? sub;
    return { ok: true, caller: { kind: 'JWT', id: sub, name: Array.from(name).slice(0, MAX_NAME_CHARS).join(''), scopes, sources } };
  }
}

/**
 * jwksFile: keys are kept in memory; an unknown `kid` re-reads the file (rotation = replacing the
 * file), at most once per cooldown. A file that has become unreadable keeps the old keys.
 */
class FileJwks {
  private local: KeyLookup;
  private lastReadMs = Number.NEGATIVE_INFINITY;
  private pending: Promise<boolean> | null = null;

  constructor(private readonly path: string, jwks: object, private readonly cooldownMs: number) {
    this.local = createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]);
  }

  readonly lookup: KeyLookup = async (header, token) => {
    try {
      return await this.local(header, token);
    } catch (err) {
      if (codeOf(err) !== 'ERR_JWKS_NO_MATCHING_KEY' || !(await this.reload())) throw err;
      return this.local(header, token);
    }
  };

  /** true when a fresh key set was loaded; concurrent unknown kids share one read. */
  private reload(): Promise<boolean> {
    if (this.pending) return this.pending;
    if (Date.now() - this.lastReadMs < this.cooldownMs) return Promise.resolve(false);
    this.lastReadMs = Date.now();
    this.pending = readFile(this.path, 'utf8')
      .then((text) => {
        const doc = checkJwks(JSON.parse(text));
        if (typeof doc === 'string') throw new Error(doc);
        this.local = createLocalJWKSet(doc as Parameters<typeof createLocalJWKSet>[0]);
        return true;
      })
      .catch(() => {
        throw new Rejection('jwks_unavailable');
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }
}

/** Key-set failures other than "no such key" (network, timeout, bad JSON) become jwks_unavailable. */
function guardLookup(lookup: KeyLookup): KeyLookup {
  const passThrough = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_NOT_SUPPORTED']);
  return async (header, token) => {
    try {
      return await lookup(header, token);
    } catch (err) {
      if (err instanceof Rejection || passThrough.has(codeOf(err) ?? '')) throw err;
      throw new Rejection('jwks_unavailable');
    }
  };
}

class Rejection extends Error {
  constructor(readonly reason: JwtRejectReason) {
    super(reason);
  }
}

const CLAIM_REASONS: Record<string, JwtRejectReason> = {
  iss: 'wrong_issuer',
  aud: 'wrong_audience',
  nbf: 'not_yet_valid',
  sub: 'missing_sub',
  exp: 'missing_exp',
};

/** jose errors are matched by `code` (stable), never by message. */
function reasonFor(err: unknown): JwtRejectReason {
  if (err instanceof Rejection) return err.reason;
  switch (codeOf(err)) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return CLAIM_REASONS[(err as { claim?: string }).claim ?? ''] ?? 'malformed';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad_signature';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'unknown_kid';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'alg_not_allowed';
    default:
      return 'malformed';
  }
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Scopes only narrow what a caller may do, so a junk member is skipped rather than failing the token. */
function scopeWords(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return words(value) ?? [];
}

/** A claim that is a space-separated string or an array of strings; null for anything else. */
function words(value: unknown): string[] | null {
  if (typeof value === 'string') return value.split(/\s+/).filter((w) => w !== '');
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return null;
}
