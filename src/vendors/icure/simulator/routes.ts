import { Router } from '../../../sim/router';
import type { SimRequest, SimResponse } from '../../../sim/types';
import { authenticate, unauthorized, type TokenService } from './auth';
import { toDto, type Result, type StoredUser, type UserStore } from './state';

/** Kraken's `icure.pagination.defaultLimit`. */
export const DEFAULT_PAGE_LIMIT = 1000;

/**
 * The iCure REST v2 routes the gateway uses (this folder's README), plus
 * GET /rest/v2/user/current for health checks. Errors are `{"message": "…"}` as JSON, except the
 * 404 of a get-by-id / get-by-email, which has no body (Spring's ResponseStatusException).
 */
export function buildRouter(store: UserStore, tokens: TokenService): Router {
  const authed = (handler: (req: SimRequest, caller: StoredUser) => SimResponse) => (req: SimRequest): SimResponse => {
    const who = authenticate(req, store, tokens);
    return 'response' in who ? who.response : handler(req, who.user);
  };

  return (
    new Router()
      // ---- JWT flow (unauthenticated routes) -------------------------------------------------
      .add('POST', '/rest/v2/auth/login', (req) => {
        const body = json(req);
        const creds = body as { username?: unknown; password?: unknown } | undefined;
        if (!creds || typeof creds.username !== 'string' || typeof creds.password !== 'string') return error(400, 'Failed to read HTTP message');
        const durationParam = req.query.get('duration');
        if (durationParam !== null && !/^[1-9]\d*$/.test(durationParam)) return error(400, 'duration must be a positive number of seconds');
        const user = store.authenticate(creds.username, creds.password);
        if (!user) return unauthorized('Invalid username or password').response;
        // `duration` (seconds) is capped by the server's configured validity.
        const ttl = durationParam === null ? tokens.tokenTtlSeconds : Math.min(Number(durationParam), tokens.tokenTtlSeconds);
        return ok({ token: tokens.issue(user.id, 'access', ttl), refreshToken: tokens.issue(user.id, 'refresh'), successful: true });
      })
      .add('POST', '/rest/v2/auth/refresh', (req) => {
        const header = req.headers['refresh-token'];
        const raw = (Array.isArray(header) ? header[0] : header)?.replace(/^Bearer\s+/i, '').trim();
        const userId = raw ? tokens.verify(raw, 'refresh') : null;
        if (!userId || !store.canAct(userId)) return unauthorized('Invalid or expired refresh token').response;
        // Our choice: the answer carries a new access token only; the refresh token stays valid.
        return ok({ token: tokens.issue(userId, 'access'), successful: true });
      })

      // ---- users ---------------------------------------------------------------------------------
      .add('GET', '/rest/v2/user', authed((req) => {
        const limitParam = req.query.get('limit');
        if (limitParam !== null && !/^[1-9]\d*$/.test(limitParam)) return error(400, 'limit must be a positive integer');
        const startKey = req.query.get('startKey');
        const page = store.page({
          startKey: startKey === null || startKey === '' ? null : startKey,
          startDocumentId: req.query.get('startDocumentId'),
          limit: limitParam === null ? DEFAULT_PAGE_LIMIT : Number(limitParam),
          skipPatients: req.query.get('skipPatients') !== 'false',
        });
        const body: Record<string, unknown> = { rows: page.rows.map(toDto) };
        if (page.next) body.nextKeyPair = { startKey: page.next.login ?? '', startKeyDocId: page.next.id };
        return ok(body);
      }))
      .add('POST', '/rest/v2/user', authed((req) => answer(store.create(json(req)), toDto)))
      .add('PUT', '/rest/v2/user', authed((req) => answer(store.modify(json(req)), toDto)))
      .add('GET', '/rest/v2/user/current', authed((_req, caller) => ok(toDto(caller))))
      .add('GET', '/rest/v2/user/byEmail/:email', authed((req) => {
        const user = store.byEmail(req.params.email!);
        return user ? ok(toDto(user)) : { status: 404 };
      }))
      .add('GET', '/rest/v2/user/byHealthcarePartyId/:id', authed((req) => ok(store.byHealthcarePartyId(req.params.id!))))
      .add('GET', '/rest/v2/user/:id', authed((req) => {
        const user = store.get(req.params.id!);
        if (!user) return { status: 404 };
        const out = ok(toDto(user));
        store.afterRead(user.id); // a simulated concurrent writer acts after our answer was taken
        return out;
      }))
      .add('DELETE', '/rest/v2/user/:id', authed((req) => answer(store.softDelete(req.params.id!, req.query.get('rev')), (v) => v)))
      .add('PUT', '/rest/v2/user/:id/properties', authed((req) => answer(store.setProperties(req.params.id!, json(req)), toDto)))
  );
}

/** The request body as JSON; undefined when absent or not JSON (the handlers answer 400). */
export function json(req: SimRequest): unknown {
  if (req.body.length === 0) return undefined;
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function error(status: number, message: string): SimResponse {
  return { status, body: { message } };
}

function ok(body: unknown): SimResponse {
  return { status: 200, body };
}

function answer<T>(result: Result<T>, render: (v: T) => unknown): SimResponse {
  return result.ok ? ok(render(result.value)) : error(result.status, result.message);
}
