import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { SCOPES, isScope, type Scope } from './caller';

/**
 * The `auth:` block of the gateway config (docs/callers-and-limits.md, contract). The parser receives the block
 * after `${ENV_VAR}` substitution and returns either a checked config or one line per problem,
 * each prefixed with its key path. A problem line never contains a secret, a key hash or the
 * content of a JWKS file: only key names, paths and the offending non-secret word.
 */
export type AuthMode = 'required' | 'none';

/** Algorithms a token may be signed with; `none` is not in this list and never can be. */
export const JWT_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
  'HS256', 'HS384', 'HS512',
] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** A JSON Web Key Set as read from `jwksFile` (public keys only). */
export interface JwksDocument {
  keys: Array<Record<string, unknown>>;
}

/** Where the verification keys for asymmetric algorithms come from. */
export type JwksSource =
  | { kind: 'file'; path: string; jwks: JwksDocument }
  | { kind: 'url'; url: URL };

export interface JwtConfig {
  issuer: string;
  audience: string[];
  /** null only when every allowed algorithm is HS* (then `secret` is set). */
  jwks: JwksSource | null;
  algorithms: JwtAlgorithm[];
  /** The HMAC key for HS* tokens, as bytes; null when no HS* algorithm is allowed. */
  secret: Uint8Array | null;
  /** Leeway for `exp`/`nbf`, in seconds. Defaults to 30. */
  clockToleranceSeconds: number;
  /** Claim holding the scopes (space-separated string or array). Defaults to "scope". */
  scopesClaim: string;
  /** Claim holding the granted source ids; null = not configured (every caller sees every source). */
  sourcesClaim: string | null;
}

export interface ApiKeyConfig {
  name: string;
  /** "sha256:" + 64 lower-case hex digits: the config never holds the key itself. */
  hash: string;
  scopes: Scope[];
  /** null = every configured source. */
  sources: string[] | null;
}

export interface AuthConfig {
  mode: AuthMode;
  jwt: JwtConfig | null;
  apiKeys: ApiKeyConfig[];
}

export type AuthConfigResult = { ok: true; config: AuthConfig } | { ok: false; problems: string[] };

export const API_KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const HASH = /^sha256:[0-9a-f]{64}$/i;
const DEFAULT_ALGORITHMS: JwtAlgorithm[] = ['RS256', 'ES256'];
/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
const MIN_SECRET_BYTES: Record<string, number> = { HS256: 32, HS384: 48, HS512: 64 };
/** More leeway than five minutes would hide a broken clock rather than absorb skew. */
const MAX_CLOCK_TOLERANCE_SECONDS = 300;

const nonEmpty = z.string().min(1, 'must not be empty');

const topSchema = z.strictObject({
  mode: z.enum(['required', 'none']).optional(),
  jwt: z.unknown().optional(),
  apiKeys: z.array(z.unknown()).optional(),
});

// Shape only; the words inside (algorithms, URL, file) are checked below with messages that teach.
const jwtSchema = z.strictObject({
  issuer: nonEmpty,
  audience: z.union([nonEmpty, z.array(nonEmpty).min(1, 'must list at least one audience')]),
  jwksFile: nonEmpty.optional(),
  jwksUrl: nonEmpty.optional(),
  algorithms: z.array(z.string()).min(1, 'must list at least one algorithm').optional(),
  // A string, but its value must never reach a message: zod's own messages for it name only types.
  secret: z.string().optional(),
  clockToleranceSeconds: z.number().int().min(0).max(MAX_CLOCK_TOLERANCE_SECONDS).default(30),
  scopesClaim: nonEmpty.default('scope'),
  sourcesClaim: nonEmpty.optional(),
});

const apiKeySchema = z.strictObject({
  name: z.string(),
  hash: z.string(),
  scopes: z.array(z.string()).min(1, 'must list at least one scope'),
  sources: z.array(nonEmpty).min(1, 'must list at least one source, or be left out for every source').optional(),
});

export function parseAuthConfig(raw: unknown, opts: { configDir: string; defaultMode: AuthMode }): AuthConfigResult {
  const problems: string[] = [];
  const top = topSchema.safeParse(raw ?? {});
  if (!top.success) return { ok: false, problems: zodProblems('auth', top.error) };
  const mode = top.data.mode ?? opts.defaultMode;
  const jwt = top.data.jwt === undefined ? null : parseJwt(top.data.jwt, opts.configDir, problems);
  const apiKeys = parseApiKeys(top.data.apiKeys ?? [], problems);
  if (mode === 'required' && top.data.jwt === undefined && apiKeys.length === 0 && !top.data.apiKeys?.length) {
    problems.push('auth.mode: "required" needs auth.jwt or auth.apiKeys (or set mode: none on loopback)');
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, config: { mode, jwt, apiKeys } };
}

/** Problems for api keys that name a source the gateway does not have (checked by the caller, which knows the sources). */
export function unknownSourceProblems(config: AuthConfig, sourceIds: string[]): string[] {
  const known = new Set(sourceIds);
  const problems: string[] = [];
  config.apiKeys.forEach((key, i) => {
    key.sources?.forEach((id, j) => {
      if (!known.has(id)) problems.push(`auth.apiKeys[${i}].sources[${j}]: unknown source "${id}" (known: ${sourceIds.join(', ')})`);
    });
  });
  return problems;
}

function parseJwt(raw: unknown, configDir: string, problems: string[]): JwtConfig | null {
  const parsed = jwtSchema.safeParse(raw);
  if (!parsed.success) {
    problems.push(...zodProblems('auth.jwt', parsed.error));
    return null;
  }
  const j = parsed.data;
  const before = problems.length;
  const algorithms = checkAlgorithms(j.algorithms ?? DEFAULT_ALGORITHMS, j.algorithms !== undefined, problems);
  const hmac = algorithms.filter((a) => a.startsWith('HS'));
  const asymmetric = algorithms.filter((a) => !a.startsWith('HS'));
  const secret = j.secret === undefined ? null : new TextEncoder().encode(j.secret);

  if (secret === null && hmac.length) {
    problems.push(`auth.jwt.algorithms: ${hmac.join(', ')} need auth.jwt.secret (HMAC keys are never taken from a JWKS)`);
  }
  if (secret !== null) {
    if (!hmac.length) problems.push('auth.jwt.secret: is set but auth.jwt.algorithms lists no HS256/HS384/HS512');
    const minBytes = Math.max(0, ...hmac.map((a) => MIN_SECRET_BYTES[a] ?? 0));
    if (secret.length < minBytes) problems.push(`auth.jwt.secret: must be at least ${minBytes} bytes for ${hmac.join(', ')}`);
  }

  let jwks: JwksSource | null = null;
  if (j.jwksFile !== undefined && j.jwksUrl !== undefined) {
    problems.push('auth.jwt: give jwksFile or jwksUrl, not both');
  } else if (j.jwksFile !== undefined) {
    const path = resolve(configDir, j.jwksFile);
    const doc = readJwksFile(path);
    if (typeof doc === 'string') problems.push(`auth.jwt.jwksFile: ${path} ${doc}`);
    else jwks = { kind: 'file', path, jwks: doc };
  } else if (j.jwksUrl !== undefined) {
    const url = jwksUrl(j.jwksUrl);
    if (url === null) problems.push('auth.jwt.jwksUrl: must be an https URL (http only for a loopback host)');
    else jwks = { kind: 'url', url };
  } else if (secret === null || asymmetric.length) {
    const why = secret === null ? 'one is required unless auth.jwt.secret is set' : `needed for ${asymmetric.join(', ')}`;
    problems.push(`auth.jwt: give jwksFile or jwksUrl (${why})`);
  }

  if (problems.length > before) return null;
  return {
    issuer: j.issuer,
    audience: typeof j.audience === 'string' ? [j.audience] : j.audience,
    jwks,
    algorithms,
    secret: hmac.length ? secret : null,
    clockToleranceSeconds: j.clockToleranceSeconds,
    scopesClaim: j.scopesClaim,
    sourcesClaim: j.sourcesClaim ?? null,
  };
}

function checkAlgorithms(list: string[], given: boolean, problems: string[]): JwtAlgorithm[] {
  const out: JwtAlgorithm[] = [];
  list.forEach((alg, i) => {
    const at = given ? `auth.jwt.algorithms[${i}]` : 'auth.jwt.algorithms';
    if (alg.toLowerCase() === 'none') problems.push(`${at}: "none" is never allowed`);
    else if (!(JWT_ALGORITHMS as readonly string[]).includes(alg)) {
      problems.push(`${at}: unknown algorithm "${bounded(alg)}" (known: ${JWT_ALGORITHMS.join(', ')})`);
    } else if (!out.includes(alg as JwtAlgorithm)) out.push(alg as JwtAlgorithm);
  });
  return out;
}

/** Reads and checks a JWKS file; returns the document or the reason (never its content). */
export function readJwksFile(path: string): JwksDocument | string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 'cannot be read';
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  return checkJwks(doc);
}

/** A JWKS must be `{ "keys": [ …public JWKs… ] }` with at least one key. */
export function checkJwks(doc: unknown): JwksDocument | string {
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (typeof doc !== 'object' || doc === null || !Array.isArray(keys)) return 'is not a JWKS (expected {"keys": [...]})';
  if (keys.length === 0) return 'holds no keys';
  for (const k of keys) {
    if (typeof k !== 'object' || k === null || typeof (k as { kty?: unknown }).kty !== 'string') return 'is not a JWKS (every key needs a "kty")';
    // A private or symmetric key in a published key set is a leak waiting to happen; refuse it.
    if ('d' in k || 'k' in k || 'p' in k) return 'must hold public keys only (found private or symmetric key material)';
  }
  return doc as JwksDocument;
}

function jwksUrl(text: string): URL | null {
  if (!URL.canParse(text)) return null;
  const url = new URL(text);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return url;
  return null;
}

function parseApiKeys(list: unknown[], problems: string[]): ApiKeyConfig[] {
  const out: ApiKeyConfig[] = [];
  const names = new Map<string, number>();
  const hashes = new Map<string, number>();
  list.forEach((entry, i) => {
    const at = `auth.apiKeys[${i}]`;
    const parsed = apiKeySchema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...zodProblems(at, parsed.error));
      return;
    }
    const k = parsed.data;
    const before = problems.length;
    if (!API_KEY_NAME.test(k.name)) {
      problems.push(`${at}.name: must be 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit`);
    } else if (names.has(k.name)) {
      problems.push(`${at}.name: "${k.name}" is already used by auth.apiKeys[${names.get(k.name)}]`);
    } else names.set(k.name, i);
    const hash = k.hash.toLowerCase();
    if (!HASH.test(hash)) problems.push(`${at}.hash: must be "sha256:" followed by 64 hex digits`);
    else if (hashes.has(hash)) problems.push(`${at}.hash: same key as auth.apiKeys[${hashes.get(hash)}]`);
    else hashes.set(hash, i);
    const scopes: Scope[] = [];
    k.scopes.forEach((s, j) => {
      if (!isScope(s)) problems.push(`${at}.scopes[${j}]: unknown scope "${bounded(s)}" (known: ${SCOPES.join(', ')})`);
      else if (!scopes.includes(s)) scopes.push(s);
    });
    if (problems.length > before) return;
    out.push({ name: k.name, hash, scopes, sources: k.sources ? [...new Set(k.sources)] : null });
  });
  return out;
}

/**
 * zod issues as our lines. Zod's messages name expected types and allowed words, never the input
 * value, so a mistyped secret stays out of them.
 */
function zodProblems(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${prefix}${pathText(i.path)}: ${i.message}`);
}

function pathText(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

/** Echoed non-secret words (an unknown scope or algorithm) are cut short so a pasted blob cannot fill a line. */
function bounded(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
