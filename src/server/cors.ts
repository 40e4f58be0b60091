import type http from 'node:http';

/**
 * CORS for browser front-ends on other origins (`server.cors.origins`, none by default: the
 * gateway's own IDE is same-origin and needs none). Only listed origins get CORS headers; a
 * preflight from any other origin is answered 403 with none, so the browser blocks the call.
 * Credentials travel in the Authorization header, never in cookies, so no Allow-Credentials.
 */
export interface CorsSettings {
  origins: readonly string[];
}

const ALLOWED_HEADERS = 'authorization, content-type, x-api-key, x-request-id, apollo-require-preflight';
/** Browsers may cache a preflight answer for this long, seconds. */
const PREFLIGHT_MAX_AGE_S = 600;

/**
 * Adds CORS headers for an allowed origin. Returns true when the request was a preflight and has
 * been answered (the caller stops there).
 */
export function applyCors(cors: CorsSettings, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const origin = req.headers.origin;
  const allowed = typeof origin === 'string' && cors.origins.includes(origin);
  if (cors.origins.length) res.setHeader('vary', 'Origin');
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', 'x-request-id, www-authenticate');
  }
  if (!preflight) return false;
  if (!allowed) {
    res.writeHead(403).end();
    return true;
  }
  res.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': ALLOWED_HEADERS,
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
  });
  res.end();
  return true;
}
