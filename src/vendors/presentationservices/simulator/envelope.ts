import type { SimRequest, SimResponse } from '../../../sim/types';

/**
 * The vendor's envelopes. Success is documented: {"data": …, "statusFact": {"success": true}}.
 * Failure is not (NOTES §4.2); the simulator answers {"statusFact": {"success": false, "message"}}
 * with an HTTP status, and validation failures with HTTP 200 plus a top-level
 * `errors: [{field, message}]` naming the vendor's form fields (DESIGN §9).
 */
export interface FieldError {
  field: string;
  message: string;
}

export function ok(data: unknown): SimResponse {
  return { status: 200, body: { data, statusFact: { success: true } } };
}

export function failure(status: number, message: string): SimResponse {
  return { status, body: { statusFact: { success: false, message } } };
}

export function validationFailure(errors: FieldError[]): SimResponse {
  return { status: 200, body: { statusFact: { success: false, message: 'Validation failed' }, errors } };
}

/** The parameters of a call: the query string on GET/DELETE, the form body on POST. */
export type Params = URLSearchParams;

export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** True when the request's Content-Type is a form (any charset parameter). */
export function isForm(req: SimRequest): boolean {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === FORM_TYPE;
}

/**
 * POST parameters come only from a form body; anything else is 415 (DESIGN §9). An empty body
 * with the form type is an empty form.
 */
export function formParams(req: SimRequest): Params | SimResponse {
  if (!isForm(req)) return failure(415, 'Unsupported media type: use application/x-www-form-urlencoded');
  return new URLSearchParams(req.body.toString('utf8'));
}

/**
 * DELETE parameters: the query string, plus a form body when one is sent (the doc's DELETE sample
 * sets the form Content-Type). Query values win.
 */
export function deleteParams(req: SimRequest): Params {
  const params = isForm(req) ? new URLSearchParams(req.body.toString('utf8')) : new URLSearchParams();
  for (const [k, v] of req.query) params.set(k, v);
  return params;
}

/** A parameter's value, with "" treated as absent (the doc: "left empty stay unchanged"). */
export function value(params: Params, name: string): string | null {
  const v = params.get(name);
  return v == null || v === '' ? null : v;
}
