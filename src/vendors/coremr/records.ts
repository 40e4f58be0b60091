/**
 * CorEMR Users (v1) payload shapes, exactly as the vendor doc names them (snake_case, real JSON
 * booleans, ISO 8601 DateTimes, `enc_categories` an integer bit mask). Shared by the connector
 * (mapper, client) and the simulator so both speak the same field list.
 */

/** A user as `GET /ws/users/` and `GET /ws/users/{username}` return it. */
export interface CoremrUser {
  active: boolean;
  username: string;
  title: string | null;
  title_full: string | null;
  fname: string | null;
  mi: string | null;
  lname: string | null;
  email: string | null;
  employee_number: string | null;
  home_phone: string | null;
  work_phone: string | null;
  /** Vendor PII: read only to be re-sent on PUT; never mapped into a unified record. */
  ssn: string | null;
  notes: string | null;
  dea_number: string | null;
  npi_number: string | null;
  /** Bit mask: 1 Medical, 2 Dental, 4 Mental Health, 8 Other. */
  enc_categories: number;
  enc_type: number | null;
  lab_provider_id: string | null;
  bypass_external_auth: boolean;
  does_password_expire: boolean;
  locked: boolean;
  /** Read-only DateTime, e.g. 1994-11-05T13:15:30Z; null when the user never logged in. */
  last_logged_in: string | null;
  /** Read-only DateTime. */
  date_created: string | null;
}

/** `GET /ws/users/{username}/types/` items. */
export interface CoremrUserType {
  name: string;
}

/** `GET /ws/users/{username}/facilities/` items. */
export interface CoremrFacilityAccess {
  name: string | null;
  code: string;
  primary: boolean;
}

export const ENC_CATEGORY = { MEDICAL: 1, DENTAL: 2, MENTAL_HEALTH: 4, OTHER: 8 } as const;
/** Every bit of enc_categories set (15). */
export const ENC_CATEGORIES_ALL = 15;

/** Writable string fields of a user (PUT clears an omitted one to null). */
export const STRING_FIELDS = [
  'title',
  'title_full',
  'fname',
  'mi',
  'lname',
  'email',
  'employee_number',
  'home_phone',
  'work_phone',
  'ssn',
  'notes',
  'dea_number',
  'npi_number',
  'lab_provider_id',
] as const;
/** Writable boolean fields of a user (PUT clears an omitted one to false). */
export const BOOLEAN_FIELDS = ['active', 'bypass_external_auth', 'does_password_expire', 'locked'] as const;
/** Writable integer fields: enc_categories (cleared to 0) and enc_type (cleared to null). */
export const INTEGER_FIELDS = ['enc_categories', 'enc_type'] as const;
/** Every field PUT /ws/users/{username} replaces. */
export const WRITABLE_FIELDS = [...BOOLEAN_FIELDS, ...STRING_FIELDS, ...INTEGER_FIELDS] as const;
export type WritableField = (typeof WRITABLE_FIELDS)[number];
/** Marked `*` (read-only) in the doc: never sent by the connector, 400 in the simulator. */
export const READ_ONLY_FIELDS = ['last_logged_in', 'date_created'] as const;
/** Accepted on POST /ws/users/ only ("Only available when adding new user"). */
export const CREATE_ONLY_FIELDS = ['usertype', 'password'] as const;

/** The writable part of a user, as the body of PUT /ws/users/{username} (plus the unchanged username). */
export type CoremrUserWrite = { username: string } & Pick<CoremrUser, WritableField>;

/** The body of POST /ws/users/. */
export type CoremrUserCreate = { username: string; usertype: string; password: string } & Partial<Pick<CoremrUser, WritableField>>;

/** Query filters of GET /ws/users/, in vendor form (active 1|0, fname/lname/email LIKE patterns). */
export interface UserListQuery {
  active?: '1' | '0';
  fname?: string;
  lname?: string;
  email?: string;
}
