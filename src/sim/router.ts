import type { SimHandler } from './types';

/**
 * Exact-match router for simulators. Patterns use `:name` for one path segment and match the
 * trailing slash exactly as written, because several vendors treat `/x` and `/x/` differently.
 * Params are percent-decoded.
 */
export class Router {
  private readonly routes: Array<{ method: string; parts: string[]; handler: SimHandler }> = [];

  add(method: string, pattern: string, handler: SimHandler): this {
    this.routes.push({ method: method.toUpperCase(), parts: pattern.split('/'), handler });
    return this;
  }

  /** The handler and params for a request, or a hint of why none matched. */
  match(method: string, pathname: string):
    | { kind: 'found'; handler: SimHandler; params: Record<string, string> }
    | { kind: 'method-not-allowed'; allowed: string[] }
    | { kind: 'not-found' } {
    const parts = pathname.split('/');
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchParts(route.parts, parts);
      if (!params) continue;
      if (route.method === method.toUpperCase()) return { kind: 'found', handler: route.handler, params };
      allowed.push(route.method);
    }
    return allowed.length ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }
}

function matchParts(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const a = actual[i]!;
    if (p.startsWith(':')) {
      if (a === '') return null;
      try {
        params[p.slice(1)] = decodeURIComponent(a);
      } catch {
        return null;
      }
    } else if (p !== a) return null;
  }
  return params;
}
