import { SourceError } from '../core/errors';

/**
 * Encodes one path segment. Rejects "", "." and ".." because encodeURIComponent lets them through
 * unchanged and a URL parser would then walk up the vendor's route tree (`/ws/users/..` → `/ws/`).
 */
export function segment(value: string | number, field = 'id', sourceId = ''): string {
  const text = String(value);
  if (text === '' || text === '.' || text === '..') {
    throw new SourceError('BAD_USER_INPUT', sourceId, `${field} is not a valid path segment.`, { field });
  }
  return encodeURIComponent(text);
}

/**
 * Tagged template that encodes every interpolated value as one path segment:
 * path`/ws/users/${username}/types/` — the only way connectors build routes.
 */
export function path(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += segment(v) + (strings[i + 1] ?? '');
  });
  return out;
}
