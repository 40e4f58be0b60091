import type { SimRequest, SimResponse } from '../../../sim/types';
import { PAGE_SIZE } from '../types';

/**
 * Open Dental's error shape. The docs say "(with explanation)" but never show the body; this folder's README
 * infers a JSON string, so every error is `"<message>"` with the status. Change it here only.
 */
export function odError(status: number, message: string): SimResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(message) };
}

/** Thrown by request parsing and handlers; the route guard turns it into odError. */
export class OdHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * A "true"/"false" query parameter (exact lower-case strings, as the docs write them). Absent →
 * undefined; anything else → 400. Names are case-sensitive: `includehidden` is not `includeHidden`.
 */
export function boolParam(req: SimRequest, name: string): boolean | undefined {
  const v = req.query.get(name);
  if (v === null) return undefined;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new OdHttpError(400, `${name} must be either "true" or "false".`);
}

/** A non-negative integer query parameter; absent → undefined. */
export function intParam(req: SimRequest, name: string): number | undefined {
  const v = req.query.get(name);
  if (v === null) return undefined;
  if (!/^\d{1,15}$/.test(v)) throw new OdHttpError(400, `${name} must be a whole number.`);
  return Number(v);
}

/**
 * Limit/Offset paging (apiimplementation): Limit defaults to 100 and is clamped to 100 (the Remote
 * API's hard limit — a larger Limit is not an error, it just returns at most 100 rows); Limit=0 → 400.
 */
export function paginate<T>(req: SimRequest, rows: T[]): T[] {
  const limit = intParam(req, 'Limit') ?? PAGE_SIZE;
  if (limit < 1) throw new OdHttpError(400, 'Limit must be greater than 0.');
  const offset = intParam(req, 'Offset') ?? 0;
  return rows.slice(offset, offset + Math.min(limit, PAGE_SIZE));
}

/** The JSON object body of a POST/PUT, or 400. */
export function objectBody(req: SimRequest): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new OdHttpError(400, 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new OdHttpError(400, 'The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

/** Rejects fields the method does not document (docs/architecture.md §9). */
export function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) if (!allowed.includes(key)) throw new OdHttpError(400, `${key} is not a valid field for this method.`);
}
