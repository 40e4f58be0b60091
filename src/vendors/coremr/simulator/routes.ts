import { Router } from '../../../sim/router';
import type { SimHandler, SimRequest, SimResponse } from '../../../sim/types';
import type { CoremrUser } from '../records';
import type { KeyRegistry } from './auth';
import { isUsertype, facilityName } from './catalog';
import { likeMatcher } from './like';
import { digestPassword, facilityView, isoSeconds, type SimUser, type UserStore } from './state';
import { jsonObject, validateCreate, validatePut, type WritableRecord } from './validate';

/**
 * The CorEMR Users (v1) routes, trailing slashes exactly as documented: collections end with
 * "/", items do not; anything else is a 404. Every route needs a valid CWS signature (401).
 * Errors are {"message": "..."} with 400 (payload), 401 (signature), 404 (unknown user, usertype
 * or facility code) — unverified assumptions (this folder's README), see README.md.
 */
export function errorBody(status: number, message: string): SimResponse {
  return { status, body: { message } };
}

const LIKE_FILTERS = ['fname', 'mi', 'lname', 'email'] as const;

export function vendorRoutes(store: UserStore, keys: KeyRegistry): Router {
  const authed =
    (handler: SimHandler): SimHandler =>
    (req) => {
      const refused = keys.check(req);
      return refused ? errorBody(401, refused) : handler(req);
    };
  /** Runs `handler` with the user named by the :username param, or answers 404. */
  const withUser = (handler: (req: SimRequest, user: SimUser) => SimResponse): SimHandler =>
    authed((req) => {
      const user = store.get(req.params.username!);
      return user ? handler(req, user) : errorBody(404, 'User not found.');
    });
  const withBody = (req: SimRequest, handler: (body: Record<string, unknown>) => SimResponse): SimResponse => {
    const body = jsonObject(req.body);
    return body ? handler(body) : errorBody(400, 'Request body must be a JSON object.');
  };

  const r = new Router();

  r.add('GET', '/ws/users/', authed((req) => {
    const active = req.query.get('active');
    if (active !== null && active !== '' && active !== '1' && active !== '0') return errorBody(400, 'Filter "active" must be 1 or 0.');
    // An empty filter value is no filter (choice, README.md); unknown parameters are ignored.
    const likes = LIKE_FILTERS.flatMap((f) => {
      const v = req.query.get(f);
      return v ? [{ field: f, match: likeMatcher(v) }] : [];
    });
    const users = store
      .all()
      .filter((u) => (active === null || active === '' ? true : u.record.active === (active === '1')))
      .filter((u) => likes.every((l) => l.match(u.record[l.field])));
    return { status: 200, body: users.map((u) => u.record) };
  }));

  r.add('POST', '/ws/users/', authed((req) =>
    withBody(req, (body) => {
      const checked = validateCreate(body);
      if (!checked.ok) return errorBody(checked.status, checked.message);
      const { username, usertype, password, fields } = checked.value;
      if (store.get(username)) return errorBody(400, 'Username already exists.');
      if (!isUsertype(usertype)) return errorBody(404, 'Usertype not found.');
      const record = recordOf(username, fields, { last_logged_in: null, date_created: isoSeconds(new Date()) });
      // The add payload has no facility field, so a new user starts with no facility access.
      store.add({ record, types: [usertype], facilities: [], passwordDigest: digestPassword(password) });
      return { status: 201, body: record };
    }),
  ));

  r.add('GET', '/ws/users/:username', withUser((_req, user) => ({ status: 200, body: user.record })));

  r.add('PUT', '/ws/users/:username', withUser((req, user) =>
    withBody(req, (body) => {
      const checked = validatePut(body, user.record.username);
      if (!checked.ok) return errorBody(checked.status, checked.message);
      user.record = recordOf(user.record.username, checked.value, user.record);
      return { status: 200, body: user.record };
    }),
  ));

  r.add('DELETE', '/ws/users/:username', withUser((_req, user) => {
    store.delete(user.record.username);
    return { status: 200, body: user.record };
  }));

  r.add('GET', '/ws/users/:username/types/', withUser((_req, user) => ({ status: 200, body: user.types.map((name) => ({ name })) })));

  r.add('POST', '/ws/users/:username/types/', withUser((req, user) =>
    withBody(req, (body) => {
      const extra = Object.keys(body).find((k) => k !== 'name');
      if (extra !== undefined) return errorBody(400, `Unknown field "${extra}".`);
      if (typeof body.name !== 'string' || body.name === '') return errorBody(400, 'Field "name" is required.');
      if (!isUsertype(body.name)) return errorBody(404, 'Usertype not found.');
      if (user.types.includes(body.name)) return errorBody(400, 'Usertype is already assigned to the user.');
      user.types.push(body.name);
      return { status: 201, body: { name: body.name } };
    }),
  ));

  r.add('DELETE', '/ws/users/:username/types/:usertype', withUser((req, user) => {
    const name = req.params.usertype!;
    if (!user.types.includes(name)) return errorBody(404, 'Usertype not assigned to the user.');
    if (user.types.length === 1) return errorBody(400, 'A user must keep at least one usertype.');
    user.types = user.types.filter((t) => t !== name);
    return { status: 200, body: { name } };
  }));

  r.add('GET', '/ws/users/:username/facilities/', withUser((_req, user) => ({ status: 200, body: user.facilities.map(facilityView) })));

  r.add('POST', '/ws/users/:username/facilities/', withUser((req, user) =>
    withBody(req, (body) => {
      const invalid = facilityKeys(body, ['code', 'primary']);
      if (invalid) return invalid;
      if (typeof body.code !== 'string' || body.code === '') return errorBody(400, 'Field "code" is required.');
      if (facilityName(body.code) === null) return errorBody(404, 'Facility not found.');
      if (user.facilities.some((f) => f.code === body.code)) return errorBody(400, 'Facility is already assigned to the user.');
      // The first facility is primary whatever was sent, so a user with access has exactly one primary.
      const primary = body.primary === true || user.facilities.length === 0;
      if (primary) user.facilities.forEach((f) => (f.primary = false));
      const access = { code: body.code, primary };
      user.facilities.push(access);
      return { status: 201, body: facilityView(access) };
    }),
  ));

  r.add('PUT', '/ws/users/:username/facilities/:code', withUser((req, user) =>
    withBody(req, (body) => {
      const access = user.facilities.find((f) => f.code === req.params.code);
      if (!access) return errorBody(404, 'Facility not assigned to the user.');
      const invalid = facilityKeys(body, ['primary']);
      if (invalid) return invalid;
      // PUT replaces the writable record, and primary is its only writable field: omitted = false.
      const primary = body.primary === true;
      if (access.primary && !primary) return errorBody(400, 'A user must keep one primary facility; make another facility primary instead.');
      if (primary) user.facilities.forEach((f) => (f.primary = f === access));
      return { status: 200, body: facilityView(access) };
    }),
  ));

  r.add('DELETE', '/ws/users/:username/facilities/:code', withUser((req, user) => {
    const access = user.facilities.find((f) => f.code === req.params.code);
    if (!access) return errorBody(404, 'Facility not assigned to the user.');
    if (user.facilities.length === 1) return errorBody(400, 'A user must keep at least one facility.');
    if (access.primary) return errorBody(400, 'The primary facility cannot be removed; make another facility primary first.');
    user.facilities = user.facilities.filter((f) => f !== access);
    return { status: 200, body: facilityView(access) };
  }));

  return r;
}

/** name and code are read-only on facility access; primary, when sent, is a JSON boolean. */
function facilityKeys(body: Record<string, unknown>, allowed: string[]): SimResponse | null {
  for (const key of Object.keys(body)) {
    if (allowed.includes(key)) continue;
    return errorBody(400, key === 'name' || key === 'code' ? `Field "${key}" is read-only.` : `Unknown field "${key}".`);
  }
  if ('primary' in body && typeof body.primary !== 'boolean') return errorBody(400, 'Field "primary" must be a boolean.');
  return null;
}

/** A user record with its keys in the doc's order. */
function recordOf(username: string, w: WritableRecord, ro: Pick<CoremrUser, 'last_logged_in' | 'date_created'>): CoremrUser {
  return {
    active: w.active,
    username,
    title: w.title,
    title_full: w.title_full,
    fname: w.fname,
    mi: w.mi,
    lname: w.lname,
    email: w.email,
    employee_number: w.employee_number,
    home_phone: w.home_phone,
    work_phone: w.work_phone,
    ssn: w.ssn,
    notes: w.notes,
    dea_number: w.dea_number,
    npi_number: w.npi_number,
    enc_categories: w.enc_categories,
    enc_type: w.enc_type,
    lab_provider_id: w.lab_provider_id,
    bypass_external_auth: w.bypass_external_auth,
    does_password_expire: w.does_password_expire,
    locked: w.locked,
    last_logged_in: ro.last_logged_in,
    date_created: ro.date_created,
  };
}
