import { randomUUID } from 'node:crypto';
import { Router } from '../../../sim/router';
import type { SimHandler, SimRequest, SimResponse } from '../../../sim/types';
import type { TokenStore } from './auth';
import { invalid, jsonBody, notFound, paginate, pcError } from './envelope';
import { accessKey, auditSpaced, auditT, serializeUser, type MicroClock, type SimAccess, type SimData, type SimUser } from './state';
import { validateUserWrite } from './user-serializer';

type Verb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const VERBS: Verb[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface SimContext {
  /** Replaced wholesale by reset(). */
  state: { data: SimData };
  tokens: TokenStore;
  clock: MicroClock;
}

/**
 * The vendor routes. Every path ends with "/" as documented; the router matches exactly, so a
 * missing slash is 404 (docs/architecture.md §9). As in DRF, authentication runs before the method check, so
 * an unauthenticated request to a known route with a wrong verb is 401, an authenticated one 405.
 */
export function buildRouter(sim: SimContext): Router {
  const router = new Router();
  const data = () => sim.state.data;
  const resource = (pattern: string, handlers: Partial<Record<Verb, SimHandler>>, authenticated = true) => {
    for (const verb of VERBS) {
      router.add(verb, pattern, (req) => {
        const denied = authenticated ? sim.tokens.reject(req) : null;
        if (denied) return denied;
        const handler = handlers[verb];
        if (!handler) return pcError(405, 'method_not_allowed', `Method "${verb}" not allowed.`, undefined, { allow: Object.keys(handlers).join(', ') });
        return handler(req);
      });
    }
  };

  resource('/api/integration/auth/', { POST: (req) => sim.tokens.issue(req) }, false);

  resource('/api/account/users/', {
    GET: (req) => {
      const externalId = req.query.get('external_id');
      // django-filter ignores an empty filter value.
      const users = [...data().users.values()].filter((u) => !externalId || u.external_id === externalId);
      return paginate(req, users, (u) => serializeUser(data(), u));
    },
    POST: (req) => {
      const body = jsonBody(req);
      if (!body.ok) return body.res;
      const checked = validateUserWrite(data(), body.value, false);
      if (!checked.ok) return invalid(checked.errors);
      const v = checked.value;
      const joined = sim.clock.now();
      const user: SimUser = {
        uuid: randomUUID(),
        email: v.email!,
        first_name: v.first_name!,
        last_name: v.last_name!,
        phone: v.phone ?? null,
        institution: v.institution ?? null,
        position: v.position ?? null,
        avatar: null,
        has_activated: false,
        role: v.role!,
        is_active: v.is_active ?? true,
        date_joined: joined,
        modified_at: sim.clock.now(),
        external_id: v.external_id ?? null,
        full_site_access: v.full_site_access ?? false,
      };
      data().users.set(user.uuid, user);
      return { status: 201, body: serializeUser(data(), user) };
    },
  });

  const updateUser = (partial: boolean) => (req: SimRequest): SimResponse => {
    const user = data().users.get(req.params['uuid']!);
    if (!user) return notFound();
    const body = jsonBody(req);
    if (!body.ok) return body.res;
    const checked = validateUserWrite(data(), body.value, partial, user);
    if (!checked.ok) return invalid(checked.errors);
    Object.assign(user, checked.value);
    user.modified_at = sim.clock.now();
    return { status: 200, body: serializeUser(data(), user) };
  };
  resource('/api/account/users/:uuid/', {
    GET: (req) => {
      const user = data().users.get(req.params['uuid']!);
      return user ? { status: 200, body: serializeUser(data(), user) } : notFound();
    },
    PUT: updateUser(false),
    PATCH: updateUser(true),
  });

  resource('/api/sites/', {
    GET: (req) => {
      const externalId = req.query.get('external_id');
      const sites = data().sites.filter((s) => s.deleted_at === null && (!externalId || s.external_id === externalId));
      return paginate(req, sites, (s) => ({ ...s }));
    },
  });

  // [inferred, docs/architecture.md §9] a site's active access records, paginated like every list.
  resource('/api/sites/:site/users/', {
    GET: (req) => {
      const site = req.params['site']!;
      if (!data().sites.some((s) => s.uuid === site)) return notFound();
      const records = [...data().access.values()].filter((a) => a.site === site && a.active);
      return paginate(req, records, (a) => structuredClone(a));
    },
  });

  const setAccess = (active: boolean) => (req: SimRequest): SimResponse => {
    const site = req.params['site']!;
    const userUuid = req.params['user']!;
    if (!data().sites.some((s) => s.uuid === site) || !data().users.has(userUuid)) return notFound();
    const key = accessKey(site, userUuid);
    let record = data().access.get(key);
    if (!record) {
      if (!active) return notFound();
      const now = sim.clock.now();
      record = { uuid: randomUUID(), site, active: false, audit: [], user: userUuid, created_by: data().apiUserUuid, created_at: now, modified_by: data().apiUserUuid, modified_at: now };
      data().access.set(key, record);
    }
    // Granting existing access is "effectively ignored" (docs); revoking revoked access likewise.
    if (record.active !== active) changeAccess(record, active, data().apiUserUuid, sim.clock.now());
    return { status: 200, body: structuredClone(record) };
  };
  resource('/api/sites/:site/users/:user/', { PATCH: setAccess(true), DELETE: setAccess(false) });

  return router;
}

function changeAccess(record: SimAccess, active: boolean, by: string, now: string): void {
  record.active = active;
  record.modified_by = by;
  record.modified_at = now;
  // The docs' audit shows both timestamp styles; alternate them so clients meet both.
  const changedAt = record.audit.length % 2 === 0 ? auditSpaced(now) : auditT(now);
  record.audit.push({ user: record.user, site: record.site, active, changed_by: by, changed_at: changedAt });
}

/** Vendor-specific test controls under /__sim/. */
export function buildControls(sim: SimContext): Router {
  return new Router().add('POST', '/__sim/tokens/expire', () => ({ status: 200, body: { expired: sim.tokens.expireAll() } }));
}
