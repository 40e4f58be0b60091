import { Pool } from 'undici';
import type { SourceHttpSettings } from '../core/connector';

/**
 * One keep-alive undici Pool per source origin, created once at start. Timeouts are explicit:
 * undici's defaults (300 s headers and body) are far past any request deadline.
 */
export function createPool(origin: string, s: Required<SourceHttpSettings>): Pool {
  return new Pool(origin, {
    connections: s.connections,
    connect: { timeout: s.connectTimeoutMs },
    headersTimeout: s.headersTimeoutMs,
    bodyTimeout: s.bodyTimeoutMs,
    // Under the 5 s keep-alive of Node's http server (the usual vendor front): we close an idle
    // socket before the server does, so a request never lands on a socket being closed.
    keepAliveTimeout: 4_000,
  });
}
