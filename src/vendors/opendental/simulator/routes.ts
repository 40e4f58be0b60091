import { Router } from '../../../sim/router';
import type { SimRequest, SimResponse } from '../../../sim/types';
import { guarded } from './auth';
import { listClinics, listUserGroupAttaches, listUserGroups } from './catalogs';
import type { OdState } from './state';
import { createUserod, listUserods, updateUserod } from './userods';

/** Open Dental's base path (Remote API: https://api.opendental.com/api/v1). */
export const BASE_PATH = '/api/v1';

/**
 * The vendor routes. Only PUT exists on /userods/{UserNum}: the sim-server answers GET and DELETE
 * there with 405 (docs/architecture.md §9) before any auth check, as a web framework's router would.
 */
export function vendorRoutes(state: OdState): Router {
  const on = (fn: (s: OdState, r: SimRequest) => SimResponse) => (r: SimRequest) => fn(state, r);
  return new Router()
    .add('GET', `${BASE_PATH}/userods`, guarded(state, 'ReadAll', on(listUserods)))
    .add('POST', `${BASE_PATH}/userods`, guarded(state, 'Setup', on(createUserod)))
    .add('PUT', `${BASE_PATH}/userods/:UserNum`, guarded(state, 'Setup', on(updateUserod)))
    .add('GET', `${BASE_PATH}/usergroups`, guarded(state, 'ReadAll', on(listUserGroups)))
    .add('GET', `${BASE_PATH}/usergroupattaches`, guarded(state, 'ReadAll', on(listUserGroupAttaches)))
    .add('GET', `${BASE_PATH}/clinics`, guarded(state, 'ReadAll', on(listClinics)));
}

/**
 * Simulator-only controls (not logged, no auth):
 *  - PUT /__sim/throttle {minIntervalMs}: per-customer-key throttling, 0 = off (the default);
 *  - PUT /__sim/preferences {passwordRequiresSymbol}: the office's "special characters" preference;
 *  - GET /__sim/keys: the key pairs and their permissions (a Setup key and a ReadAll-only key).
 */
export function controlRoutes(state: OdState): Router {
  const json = (r: SimRequest): Record<string, unknown> => {
    try {
      const v: unknown = JSON.parse(r.body.toString('utf8') || '{}');
      return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  return new Router()
    .add('GET', '/__sim/throttle', () => ({ status: 200, body: { minIntervalMs: state.throttleMs } }))
    .add('PUT', '/__sim/throttle', (r) => {
      const v = json(r).minIntervalMs;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return { status: 400, body: { error: 'minIntervalMs must be a number >= 0' } };
      state.throttleMs = v;
      return { status: 204 };
    })
    .add('PUT', '/__sim/preferences', (r) => {
      const v = json(r).passwordRequiresSymbol;
      if (typeof v !== 'boolean') return { status: 400, body: { error: 'passwordRequiresSymbol must be a boolean' } };
      state.passwordRequiresSymbol = v;
      return { status: 204 };
    })
    .add('GET', '/__sim/keys', () => ({
      status: 200,
      body: { keys: state.options.keys.map((k) => ({ developerKey: k.developerKey, customerKey: k.customerKey, permissions: [...k.permissions] })) },
    }));
}
