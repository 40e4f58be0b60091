import type { SimRequest, SimResponse } from '../../../sim/types';

/**
 * PainChek's response conventions (Django REST framework): the failure envelope
 * {code, detail, errors:[{field?, detail}]} and page-number pagination with absolute links.
 */

export interface FieldError {
  field?: string;
  detail: string;
}

export function pcError(status: number, code: string, detail: string, errors: FieldError[] = [{ detail }], headers?: Record<string, string>): SimResponse {
  return { status, headers, body: { code, detail, errors } };
}

/** DRF's default code per status, for errors the simulator kit raises (unknown route, 405, faults). */
const CODES: Record<number, string> = {
  400: 'invalid',
  401: 'not_authenticated',
  403: 'permission_denied',
  404: 'not_found',
  405: 'method_not_allowed',
  415: 'unsupported_media_type',
  429: 'throttled',
};

export function errorResponse(status: number, message: string): SimResponse {
  return pcError(status, CODES[status] ?? 'error', message);
}

export const notFound = (): SimResponse => pcError(404, 'not_found', 'Not found.');

export function invalid(errors: FieldError[]): SimResponse {
  return pcError(400, 'invalid', 'Invalid input.', errors);
}

/** docs/architecture.md §9: default 10 per page, at most 20 (a larger page_size is capped, not rejected). */
export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 20;

/**
 * DRF PageNumberPagination: `page` (1-based, or "last"), `page_size`; an out-of-range or
 * malformed page is 404 "Invalid page."; a malformed page_size falls back to the default.
 * next/previous are absolute URLs of this request with `page` replaced (query keys sorted, as
 * DRF's replace_query_param does); the link to page 1 drops `page`.
 */
export function paginate<T>(req: SimRequest, items: T[], serialize: (item: T) => unknown): SimResponse {
  const rawSize = req.query.get('page_size');
  const size = rawSize !== null && /^\d+$/.test(rawSize) && Number(rawSize) > 0 ? Math.min(Number(rawSize), MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(items.length / size));
  const rawPage = req.query.get('page') ?? '1';
  const page = rawPage === 'last' ? pages : /^\d+$/.test(rawPage) ? Number(rawPage) : NaN;
  if (!(page >= 1 && page <= pages)) return pcError(404, 'not_found', 'Invalid page.');
  const link = (target: number): string => {
    const q = new URLSearchParams(req.query);
    if (target === 1) q.delete('page');
    else q.set('page', String(target));
    q.sort();
    const qs = q.toString();
    return `${req.origin}${req.path}${qs ? `?${qs}` : ''}`;
  };
  return {
    status: 200,
    body: {
      count: items.length,
      next: page < pages ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: items.slice((page - 1) * size, page * size).map(serialize),
    },
  };
}

/** A JSON object body, or the DRF error for a body that is not one. An empty body is `{}`. */
export function jsonBody(req: SimRequest): { ok: true; value: Record<string, unknown> } | { ok: false; res: SimResponse } {
  if (req.body.length === 0) return { ok: true, value: {} };
  const type = String(req.headers['content-type'] ?? '');
  if (!type.toLowerCase().startsWith('application/json')) {
    return { ok: false, res: pcError(415, 'unsupported_media_type', 'Unsupported media type in request.') };
  }
  let value: unknown;
  try {
    value = JSON.parse(req.body.toString('utf8'));
  } catch {
    return { ok: false, res: pcError(400, 'parse_error', 'JSON parse error.') };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, res: invalid([{ field: 'non_field_errors', detail: 'Invalid data. Expected a dictionary.' }]) };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
