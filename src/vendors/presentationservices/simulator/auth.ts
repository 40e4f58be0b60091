import type { SimRequest, SimResponse } from '../../../sim/types';
import { failure, type Params } from './envelope';
import type { SimSession, SimUser } from './model';
import type { SimState } from './state';

/**
 * GET /validateAccount (doc): one of username+password, email+password, tagId (or the older pin)
 * — each with deviceId — or temporal=true. Success is HTTP 200 with the doc's
 * validateAccountFact envelope. Failure keeps that envelope with success=false:
 *  - 400 when the parameters match no documented combination (deviceId missing included);
 *  - 401 when the credentials match no ACTIVE account (a SUSPENDED account cannot log in).
 */
export function validateAccount(state: SimState, req: SimRequest): SimResponse {
  const q = req.query;
  const get = (k: string) => (q.get(k) ?? '') || null;
  if (q.get('temporal') === 'true') {
    const s = state.openSession(null, get('deviceId'), true);
    return loginOk({ pin: null, username: null, token: s.token, userId: null, facilityId: null, organizationId: null, activeDevices: [], role: null });
  }
  const deviceId = get('deviceId');
  const username = get('username');
  const email = get('email');
  const password = get('password');
  const tagId = get('tagId');
  const pin = get('pin');
  let match: ((u: SimUser) => boolean) | null = null;
  if (username && password) match = (u) => u.username === username && u.password === password;
  else if (email && password) match = (u) => u.email.toLowerCase() === email.toLowerCase() && u.password === password;
  else if (tagId) match = (u) => u.tagId === tagId;
  else if (pin) match = (u) => u.pin === pin;
  if (!match || !deviceId) return loginFailure(400, 'Missing parameters');
  const user = [...state.users.values()].find((u) => u.status === 'ACTIVE' && match(u));
  if (!user) return loginFailure(401, 'Invalid credentials');
  const s = state.openSession(user.userId, deviceId, false);
  const role = state.role(user.roleId);
  return loginOk({
    pin: user.pin,
    username: user.username,
    token: s.token,
    userId: user.userId,
    facilityId: user.facilityId,
    organizationId: user.organizationId,
    activeDevices: state.activeDevices(user.userId, s.token),
    role: role
      ? { id: role.id, description: role.description, name: role.name, permissions: role.permissions, organizationId: role.organizationId }
      : null,
  });
}

function loginOk(accountFact: Record<string, unknown>): SimResponse {
  return { status: 200, body: { validateAccountFact: { statusFact: { success: true }, accountFact } } };
}

function loginFailure(status: number, message: string): SimResponse {
  return { status, body: { validateAccountFact: { statusFact: { success: false, message } } } };
}

export interface Caller {
  session: SimSession;
  /** null for a temporal session. */
  user: SimUser | null;
}

/**
 * Checks `token` + `userId` (+ `temporalSession=true` for temporal tokens). 401 in the envelope
 * when the token is missing, unknown or expired, when the session kind does not match
 * `temporalSession`, or when `userId` is not the session's account; 403 when a temporal token
 * calls a route outside its subset.
 */
export function authenticate(state: SimState, params: Params, opts: { temporalAllowed: boolean }): Caller | SimResponse {
  const token = params.get('token');
  const session = token ? state.liveSession(token) : null;
  if (!session) return failure(401, 'Invalid or expired token');
  if (session.temporal !== (params.get('temporalSession') === 'true')) return failure(401, 'Invalid or expired token');
  if (session.temporal) return opts.temporalAllowed ? { session, user: null } : failure(403, 'Not allowed with a temporal session');
  const user = session.userId ? state.users.get(session.userId) : undefined;
  if (!user || user.status !== 'ACTIVE' || params.get('userId') !== user.userId) return failure(401, 'Invalid or expired token');
  return { session, user };
}

export function isResponse(x: unknown): x is SimResponse {
  return typeof x === 'object' && x !== null && 'status' in x && typeof (x as { status: unknown }).status === 'number';
}
