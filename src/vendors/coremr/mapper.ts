import { identifiers, type FacilityAccessRecord, type UserFilter, type UserRecord, type UserStatus, type UserTypeRecord } from '../../core/model';
import type { CreateUserInput, UpdateUserInput } from '../../core/writes';
import {
  BOOLEAN_FIELDS,
  STRING_FIELDS,
  WRITABLE_FIELDS,
  type CoremrFacilityAccess,
  type CoremrUser,
  type CoremrUserCreate,
  type CoremrUserType,
  type CoremrUserWrite,
  type UserListQuery,
  type WritableField,
} from './records';

/**
 * Pure CorEMR ⇄ unified mapping (docs/architecture.md §3). It owns every vendor quirk:
 *  - "" and a missing field read as null (the doc does not say which one CorEMR uses for "unset");
 *  - DateTimes are ISO 8601; one without a zone is read as UTC (the doc says "local time is
 *    assumed", i.e. the install's zone, which the gateway cannot know);
 *  - status: LOCKED when locked, else INACTIVE when !active, else ACTIVE;
 *  - ssn is read only so that a PUT can send it back unchanged: it never enters a unified record.
 */

// ---------------------------------------------------------------------------------------------
// Shape checks: the client turns a null from these into SOURCE_BAD_RESPONSE.

/**
 * A user record with every field present (missing optional fields become null/false/0), or null
 * when the JSON is not a user: username must be a non-empty string and active a boolean; every
 * other field, when present, must have its documented type.
 */
export function normalizeUser(v: unknown): CoremrUser | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const u = v as Record<string, unknown>;
  if (typeof u.username !== 'string' || u.username === '' || typeof u.active !== 'boolean') return null;
  const out = { username: u.username } as Record<string, unknown>;
  for (const f of STRING_FIELDS) {
    const x = u[f] ?? null;
    if (x !== null && typeof x !== 'string') return null;
    out[f] = x;
  }
  for (const f of BOOLEAN_FIELDS) {
    const x = u[f] ?? false;
    if (typeof x !== 'boolean') return null;
    out[f] = x;
  }
  const enc = u.enc_categories ?? 0;
  const encType = u.enc_type ?? null;
  if (!Number.isInteger(enc) || (encType !== null && !Number.isInteger(encType))) return null;
  out.enc_categories = enc;
  out.enc_type = encType;
  for (const f of ['last_logged_in', 'date_created'] as const) {
    const x = u[f] ?? null;
    if (x !== null && typeof x !== 'string') return null;
    out[f] = x;
  }
  return out as unknown as CoremrUser;
}

/**
 * A relation list (usertypes, facilities) is usable only if every item is. User lists are not
 * read this way: the reader maps them record by record (kit mapPage), so one bad user costs only
 * itself; normalizeUserList stays for the fixture tests of the strict shape.
 */
function normalizeList<T>(v: unknown, item: (x: unknown) => T | null): T[] | null {
  if (!Array.isArray(v)) return null;
  const out: T[] = [];
  for (const x of v) {
    const t = item(x);
    if (!t) return null;
    out.push(t);
  }
  return out;
}

export const normalizeUserList = (v: unknown): CoremrUser[] | null => normalizeList(v, normalizeUser);

export const normalizeUserTypes = (v: unknown): CoremrUserType[] | null => normalizeList(v, normalizeUserType);

export function normalizeUserType(v: unknown): CoremrUserType | null {
  const name = (v as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name !== '' ? { name } : null;
}

export const normalizeFacilities = (v: unknown): CoremrFacilityAccess[] | null => normalizeList(v, normalizeFacility);

export function normalizeFacility(v: unknown): CoremrFacilityAccess | null {
  if (typeof v !== 'object' || v === null) return null;
  const f = v as Record<string, unknown>;
  const name = f.name ?? null;
  const primary = f.primary ?? false;
  if (typeof f.code !== 'string' || f.code === '' || (name !== null && typeof name !== 'string') || typeof primary !== 'boolean') return null;
  return { name, code: f.code, primary };
}

// ---------------------------------------------------------------------------------------------
// Read: vendor → unified.

export function toUserRecord(sourceId: string, u: CoremrUser): UserRecord {
  const firstName = text(u.fname);
  const lastName = text(u.lname);
  return {
    sourceId,
    nativeId: u.username,
    username: u.username,
    displayName: [firstName, lastName].filter((s) => s !== null).join(' ') || u.username,
    firstName,
    middleInitial: text(u.mi),
    lastName,
    email: text(u.email),
    phone: text(u.work_phone),
    title: text(u.title),
    status: statusOf(u),
    active: u.active,
    createdAt: dateTime(u.date_created),
    updatedAt: null,
    lastLoginAt: dateTime(u.last_logged_in),
    identifiers: identifiers({ npi: text(u.npi_number), dea: text(u.dea_number), employeeNumber: text(u.employee_number) }),
    allFacilities: null,
    refs: {},
  };
}

/**
 * LOCKED wins over INACTIVE (the mapping this folder was specified with), so a locked and
 * deactivated user reads as status LOCKED with active=false: `active` is always the vendor flag.
 */
/** INACTIVE wins over LOCKED (src/core/model.ts): a deactivated account is deactivated, locked or not. */
export function statusOf(u: Pick<CoremrUser, 'active' | 'locked'>): UserStatus {
  if (!u.active) return 'INACTIVE';
  return u.locked ? 'LOCKED' : 'ACTIVE';
}

export function toUserTypeRecord(sourceId: string, t: CoremrUserType): UserTypeRecord {
  return { sourceId, nativeId: t.name, name: t.name, description: null };
}

export function toFacilityAccessRecord(sourceId: string, f: CoremrFacilityAccess): FacilityAccessRecord {
  return { facility: { sourceId, nativeId: f.code, code: f.code, name: text(f.name) }, primary: f.primary };
}

/** The string itself; null for null, undefined or "". */
function text(v: string | null | undefined): string | null {
  return v === null || v === undefined || v === '' ? null : v;
}

const ZONELESS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** ISO 8601 DateTime or Date → Date; null when absent or unparseable. */
export function dateTime(v: string | null): Date | null {
  if (!v) return null;
  const d = new Date(ZONELESS.test(v) ? `${v}Z` : v);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** LIKE's wildcards and escape: a filter value containing one is not pushed down. */
const LIKE_SPECIAL = /[%_\\]/;

/**
 * The part of a unified filter CorEMR can evaluate (capabilities.pushdownFilters), as the query
 * of GET /ws/users/. firstName/lastName (case-insensitive prefix) become `fname=Ann%`, email
 * (case-insensitive exact) `email=a@b.org`; MySQL LIKE is case-insensitive under the default
 * collations. A value containing %, _ or \ stays in the gateway. status ACTIVE/INACTIVE imply
 * active=1/0, which narrows the list without changing the result. The vendor's answer is a
 * superset either way: the reader always re-applies matchesFilter.
 */
export function toListQuery(filter: UserFilter): UserListQuery {
  const q: UserListQuery = {};
  const active = filter.active ?? (filter.status === 'ACTIVE' ? true : filter.status === 'INACTIVE' ? false : null);
  if (active != null) q.active = active ? '1' : '0';
  if (pushable(filter.firstName)) q.fname = `${filter.firstName}%`;
  if (pushable(filter.lastName)) q.lname = `${filter.lastName}%`;
  if (pushable(filter.email)) q.email = filter.email;
  return q;
}

function pushable(v: string | null | undefined): v is string {
  return typeof v === 'string' && v !== '' && !LIKE_SPECIAL.test(v);
}

// ---------------------------------------------------------------------------------------------
// Write: unified → vendor.

/** Unified input field → CorEMR user field, for the fields both sides have. */
const INPUT_FIELDS = [
  ['firstName', 'fname'],
  ['middleInitial', 'mi'],
  ['lastName', 'lname'],
  ['email', 'email'],
  ['phone', 'work_phone'],
  ['title', 'title'],
  ['active', 'active'],
  ['employeeNumber', 'employee_number'],
  ['npi', 'npi_number'],
  ['dea', 'dea_number'],
  ['ssn', 'ssn'],
] as const satisfies ReadonlyArray<readonly [keyof UpdateUserInput, WritableField]>;

/** The body of POST /ws/users/: the required fields and every other field the input sets (null = not sent). */
export function toCreateBody(input: CreateUserInput & { username: string; password: string }, usertype: string): CoremrUserCreate {
  const body: Record<string, unknown> = { username: input.username, usertype, password: input.password };
  for (const [from, to] of INPUT_FIELDS) {
    const v = input[from];
    if (v !== undefined && v !== null) body[to] = v;
  }
  return body as CoremrUserCreate;
}

/**
 * The body of PUT /ws/users/{username}: PUT replaces the whole writable record (docs/architecture.md §9), so
 * it is the record just read with the patch applied — every unchanged field (ssn included) sent
 * back as read, read-only fields (last_logged_in, date_created) left out. A null in the patch
 * clears the field; undefined keeps it.
 */
export function toPutBody(current: CoremrUser, patch: UpdateUserInput): CoremrUserWrite {
  const body: Record<string, unknown> = { username: current.username };
  for (const f of WRITABLE_FIELDS) body[f] = current[f];
  for (const [from, to] of INPUT_FIELDS) {
    const v = patch[from];
    if (v !== undefined) body[to] = v;
  }
  return body as CoremrUserWrite;
}
