import { Router } from '../../../sim/router';
import type { SimClock } from './clock';
import type { TokenService } from './auth';
import { json } from './routes';
import { toDto, type UserStore } from './state';

/**
 * iCure-only test controls (under /__sim/, never logged, never faulted):
 *  - POST /__sim/tokens/expire {refresh?: boolean} — revokes every access token issued so far
 *    (and every refresh token when refresh is true);
 *  - PUT  /__sim/tokens/ttl {tokenTtlSeconds?, refreshTtlSeconds?} — lifetimes of tokens issued from now on;
 *  - POST /__sim/clock {advanceMs} — moves the simulator's clock forward (token expiry without waiting);
 *  - GET  /__sim/users/{id} — the stored user as a client would see it, without a logged request;
 *  - POST /__sim/users/{id}/concurrent-writes {times?: 1, patch?: {...}} — after each of the next
 *    `times` answers to GET /rest/v2/user/{id}, "someone else" writes `patch` and the rev moves on,
 *    so a PUT with the rev just read is stale (409).
 */
export function buildControls(store: UserStore, tokens: TokenService, clock: SimClock): Router {
  return new Router()
    .add('POST', '/__sim/tokens/expire', (req) => {
      const body = (json(req) ?? {}) as { refresh?: unknown };
      tokens.expireAll(body.refresh === true);
      return { status: 204 };
    })
    .add('PUT', '/__sim/tokens/ttl', (req) => {
      const body = (json(req) ?? {}) as { tokenTtlSeconds?: unknown; refreshTtlSeconds?: unknown };
      for (const key of ['tokenTtlSeconds', 'refreshTtlSeconds'] as const) {
        const v = body[key];
        if (v === undefined) continue;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return { status: 400, body: { error: `${key} must be a positive integer` } };
        tokens[key] = v;
      }
      return { status: 204 };
    })
    .add('POST', '/__sim/clock', (req) => {
      const advanceMs = (json(req) as { advanceMs?: unknown } | undefined)?.advanceMs;
      if (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs) || advanceMs < 0) return { status: 400, body: { error: 'advanceMs must be a number >= 0' } };
      clock.offsetMs += advanceMs;
      return { status: 200, body: { now: clock.now() } };
    })
    .add('GET', '/__sim/users/:id', (req) => {
      const user = store.get(req.params.id!);
      return user ? { status: 200, body: toDto(user) } : { status: 404, body: { error: 'no such user' } };
    })
    .add('POST', '/__sim/users/:id/concurrent-writes', (req) => {
      if (!store.get(req.params.id!)) return { status: 404, body: { error: 'no such user' } };
      const body = (json(req) ?? {}) as { times?: unknown; patch?: unknown };
      const times = body.times === undefined ? 1 : body.times;
      if (typeof times !== 'number' || !Number.isInteger(times) || times < 0) return { status: 400, body: { error: 'times must be an integer >= 0' } };
      const patch = body.patch === undefined ? { termsOfUseDate: clock.now() } : body.patch;
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return { status: 400, body: { error: 'patch must be an object' } };
      store.concurrent.set(req.params.id!, { remaining: times, patch: patch as Record<string, unknown> });
      return { status: 204 };
    });
}
