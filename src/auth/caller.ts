/**
 * Who is calling (docs/callers-and-limits.md, contract). Built once per HTTP request by the authenticator and
 * kept in the request scope; every access decision reads it from there and nowhere else.
 */
export const SCOPES = ['users:read', 'users:pii', 'users:write', 'audit:read'] as const;
export type Scope = (typeof SCOPES)[number];

export type CallerKind = 'JWT' | 'API_KEY' | 'NONE';

export interface Caller {
  kind: CallerKind;
  /** Stable id: the token's `sub` (JWT), the key's configured name (API_KEY), "anonymous" (NONE). */
  id: string;
  /** Human name for audit lines: the token's `name`/`preferred_username`/`sub`, the key's name. */
  name: string;
  scopes: ReadonlySet<Scope>;
  /** The sources this caller may see; null = every configured source. */
  sources: ReadonlySet<string> | null;
}

/** `auth.mode: none` (loopback only): every request is this caller, holding every scope. */
export function anonymousCaller(): Caller {
  return { kind: 'NONE', id: 'anonymous', name: 'anonymous', scopes: new Set(SCOPES), sources: null };
}

export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return caller.scopes.has(scope);
}

/** Whether the caller may know that `sourceId` exists (a source outside the grant is answered as unknown). */
export function seesSource(caller: Caller, sourceId: string): boolean {
  return caller.sources === null || caller.sources.has(sourceId);
}
