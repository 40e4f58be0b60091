import type { SimHandler, SimRequest, SimResponse } from '../../../sim/types';
import { OdHttpError, odError } from './errors';
import type { ApiPermission, OdState } from './state';

/**
 * Wraps a vendor route with Open Dental's request checks, in this order:
 *  1. `Authorization: ODFHIR {DeveloperKey}/{CustomerKey}` naming an enabled key pair, else 401;
 *  2. `Content-Type: application/json` (parameters such as charset allowed) on every request, GET too, else 400;
 *  3. the method's ApiPermission (ReadAll for GETs, Setup for POST/PUT), else 401;
 *  4. throttling per customer key when switched on: 429 with Retry-After (whole seconds, rounded up).
 * Requests rejected by 1–3 do not count towards the throttle window.
 */
export function guarded(state: OdState, permission: ApiPermission, handler: SimHandler): SimHandler {
  return async (req: SimRequest): Promise<SimResponse> => {
    const key = authenticate(state, req.headers.authorization);
    if (!key) return odError(401, 'Invalid or missing ODFHIR developer key or customer key.');
    if (!isJson(req.headers['content-type'])) return odError(400, 'Content-Type must be application/json.');
    if (!key.permissions.has(permission)) return odError(401, `This API key does not have the ${permission} permission.`);
    const waitMs = state.throttle(key.customerKey, Date.now());
    if (waitMs > 0) {
      const out = odError(429, 'Too many requests for this customer key.');
      out.headers = { ...out.headers, 'retry-after': String(Math.ceil(waitMs / 1000)) };
      return out;
    }
    try {
      return await handler(req);
    } catch (err) {
      if (err instanceof OdHttpError) {
        const out = odError(err.status, err.message);
        out.headers = { ...out.headers, ...err.headers };
        return out;
      }
      throw err;
    }
  };
}

function authenticate(state: OdState, header: string | undefined) {
  const m = /^ODFHIR ([^/\s]+)\/([^/\s]+)$/.exec(header ?? '');
  return m ? state.findKey(m[1]!, m[2]!) : undefined;
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}
