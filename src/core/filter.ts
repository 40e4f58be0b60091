import type { UserFilter, UserRecord } from './model';

/**
 * The gateway-side meaning of every UserFilter field. Connectors push down what their vendor can
 * evaluate and always re-apply this predicate to what comes back, so a pushed-down filter can
 * never widen or narrow the result compared with the gateway-only path.
 */
export function matchesFilter(user: UserRecord, filter: UserFilter | null | undefined): boolean {
  if (!filter) return true;
  if (filter.active != null && user.active !== filter.active) return false;
  if (filter.status != null && user.status !== filter.status) return false;
  if (filter.email != null && !equalsIgnoreCase(user.email, filter.email)) return false;
  if (filter.username != null && !equalsIgnoreCase(user.username, filter.username)) return false;
  if (filter.firstName != null && !startsWithIgnoreCase(user.firstName, filter.firstName)) return false;
  if (filter.lastName != null && !startsWithIgnoreCase(user.lastName, filter.lastName)) return false;
  if (filter.externalId != null && user.identifiers.externalId !== filter.externalId) return false;
  return true;
}

export function isEmptyFilter(filter: UserFilter | null | undefined): boolean {
  return !filter || Object.values(filter).every((v) => v == null);
}

function equalsIgnoreCase(value: string | null, wanted: string): boolean {
  return value != null && value.toLocaleLowerCase('en') === wanted.toLocaleLowerCase('en');
}

function startsWithIgnoreCase(value: string | null, prefix: string): boolean {
  return value != null && value.toLocaleLowerCase('en').startsWith(prefix.toLocaleLowerCase('en'));
}
