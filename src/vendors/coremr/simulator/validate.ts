import {
  BOOLEAN_FIELDS,
  CREATE_ONLY_FIELDS,
  READ_ONLY_FIELDS,
  STRING_FIELDS,
  WRITABLE_FIELDS,
  type CoremrUser,
  type WritableField,
} from '../records';

/**
 * Payload rules of POST /ws/users/ and PUT /ws/users/{username}. Documented: required fields on
 * add, String(n) limits (mi 1, ssn 9, lab_provider_id 50), read-only fields, usertype/password
 * "only available when adding". Our choices where the doc is silent (README.md):
 *  - an unknown field, a read-only field, or usertype/password on PUT is a 400 (not ignored);
 *  - "" is stored as null (an empty string clears a field, like null);
 *  - ssn, when set, is exactly 9 digits; password is at least 8 characters (the simulated
 *    install's "password restrictions as configured"); email format is not checked;
 *  - usernames are exact and case-sensitive; "", ".", "..", "/" and whitespace are refused.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; status: 400 | 404; message: string };

export type WritableRecord = Pick<CoremrUser, WritableField>;

const MAX_LENGTH: Partial<Record<WritableField, number>> = { mi: 1, ssn: 9, lab_provider_id: 50 };
export const PASSWORD_MIN_LENGTH = 8;
const KNOWN = new Set<string>(['username', ...WRITABLE_FIELDS, ...READ_ONLY_FIELDS, ...CREATE_ONLY_FIELDS]);

const bad = (message: string): { ok: false; status: 400; message: string } => ({ ok: false, status: 400, message });

/** Parses a JSON object body; null for anything else. */
export function jsonObject(body: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Rejects unknown and read-only keys, and usertype/password unless the route creates a user. */
function checkKeys(body: Record<string, unknown>, createOnlyAllowed: boolean): Checked<null> {
  for (const key of Object.keys(body)) {
    if (!KNOWN.has(key)) return bad(`Unknown field "${key}".`);
    if ((READ_ONLY_FIELDS as readonly string[]).includes(key)) return bad(`Field "${key}" is read-only.`);
    if (!createOnlyAllowed && (CREATE_ONLY_FIELDS as readonly string[]).includes(key)) {
      return bad(`Field "${key}" is only available when adding a new user.`);
    }
  }
  return { ok: true, value: null };
}

/**
 * The writable record a body describes. Omitted fields take `defaults` (POST: create defaults;
 * PUT: cleared values, since PUT replaces the whole writable record).
 */
function writable(body: Record<string, unknown>, defaults: WritableRecord): Checked<WritableRecord> {
  const out: WritableRecord = { ...defaults };
  for (const f of STRING_FIELDS) {
    if (!(f in body)) continue;
    const v = body[f];
    if (v !== null && typeof v !== 'string') return bad(`Field "${f}" must be a string or null.`);
    const s = v === '' ? null : v;
    const max = MAX_LENGTH[f];
    if (s !== null && max !== undefined && s.length > max) return bad(`Field "${f}" must be at most ${max} characters.`);
    out[f] = s;
  }
  if (out.ssn !== null && !/^\d{9}$/.test(out.ssn)) return bad('Field "ssn" must be exactly 9 digits.');
  for (const f of BOOLEAN_FIELDS) {
    if (!(f in body)) continue;
    if (typeof body[f] !== 'boolean') return bad(`Field "${f}" must be a boolean.`);
    out[f] = body[f] as boolean;
  }
  if ('enc_categories' in body) {
    const v = body.enc_categories;
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 15) return bad('Field "enc_categories" must be an integer bit mask from 0 to 15.');
    out.enc_categories = v as number;
  }
  if ('enc_type' in body) {
    const v = body.enc_type;
    if (v !== null && !Number.isInteger(v)) return bad('Field "enc_type" must be an integer or null.');
    out.enc_type = v as number | null;
  }
  if (!out.fname) return bad('Field "fname" is required.');
  if (!out.lname) return bad('Field "lname" is required.');
  return { ok: true, value: out };
}

/** What PUT leaves in an omitted field: strings null, booleans false, enc_categories 0, enc_type null. */
export function clearedRecord(): WritableRecord {
  const out = {} as Record<WritableField, unknown>;
  for (const f of STRING_FIELDS) out[f] = null;
  for (const f of BOOLEAN_FIELDS) out[f] = false;
  out.enc_categories = 0;
  out.enc_type = null;
  return out as WritableRecord;
}

/** Defaults of an omitted field on POST: active true, everything else cleared. */
function createDefaults(): WritableRecord {
  return { ...clearedRecord(), active: true };
}

export function isValidUsername(v: unknown): v is string {
  return typeof v === 'string' && v !== '.' && v !== '..' && /^[^\s/]+$/.test(v);
}

export function validateCreate(body: Record<string, unknown>): Checked<{ username: string; usertype: string; password: string; fields: WritableRecord }> {
  const keys = checkKeys(body, true);
  if (!keys.ok) return keys;
  for (const f of ['username', 'usertype', 'password'] as const) {
    if (typeof body[f] !== 'string' || body[f] === '') return bad(`Field "${f}" is required.`);
  }
  if (!isValidUsername(body.username)) return bad('Field "username" may not contain "/" or whitespace, nor be "." or "..".');
  if ((body.password as string).length < PASSWORD_MIN_LENGTH) return bad(`Field "password" must be at least ${PASSWORD_MIN_LENGTH} characters.`);
  const fields = writable(body, createDefaults());
  if (!fields.ok) return fields;
  return { ok: true, value: { username: body.username, usertype: body.usertype as string, password: body.password as string, fields: fields.value } };
}

export function validatePut(body: Record<string, unknown>, username: string): Checked<WritableRecord> {
  const keys = checkKeys(body, false);
  if (!keys.ok) return keys;
  if ('username' in body && body.username !== username) return bad('Field "username" cannot be changed.');
  return writable(body, clearedRecord());
}
