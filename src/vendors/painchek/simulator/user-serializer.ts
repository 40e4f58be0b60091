import { isUUID } from 'class-validator';
import type { FieldError } from './envelope';
import { ROLES, type SimData, type SimUser } from './state';

/**
 * The user serializer's input rules, DRF style: required fields on create, partial on PATCH,
 * read-only and unknown keys ignored, one message per field with DRF's wording.
 */

/** Django's AbstractUser limits: first_name/last_name 150, email 254 characters. */
const MAX_LENGTH: Record<string, number> = { first_name: 150, last_name: 150, email: 254 };
const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export type UserWrite = Partial<Pick<SimUser, 'first_name' | 'last_name' | 'email' | 'role' | 'is_active' | 'phone' | 'position' | 'institution' | 'external_id' | 'full_site_access'>>;

type Check = (v: unknown) => string | null;

const text = (opts: { nullable: boolean; blank: boolean }, field: string): Check => (v) => {
  if (v === null) return opts.nullable ? null : 'This field may not be null.';
  if (typeof v !== 'string') return 'Not a valid string.';
  if (!opts.blank && v.trim() === '') return 'This field may not be blank.';
  const max = MAX_LENGTH[field];
  if (max !== undefined && v.length > max) return `Ensure this field has no more than ${max} characters.`;
  return null;
};
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'Must be a valid boolean.');

const FIELDS: Record<keyof UserWrite, { required: boolean; check: Check }> = {
  first_name: { required: true, check: text({ nullable: false, blank: false }, 'first_name') },
  last_name: { required: true, check: text({ nullable: false, blank: false }, 'last_name') },
  email: { required: true, check: text({ nullable: false, blank: false }, 'email') },
  role: { required: true, check: (v) => (typeof v === 'string' && (ROLES as readonly string[]).includes(v) ? null : `"${String(v)}" is not a valid choice.`) },
  is_active: { required: false, check: bool },
  phone: { required: false, check: text({ nullable: true, blank: true }, 'phone') },
  position: { required: false, check: text({ nullable: true, blank: true }, 'position') },
  institution: { required: false, check: (v) => (v === null || (typeof v === 'string' && isUUID(v, 'all')) ? null : 'Must be a valid UUID.') },
  external_id: { required: false, check: text({ nullable: true, blank: true }, 'external_id') },
  full_site_access: { required: false, check: bool },
};

/**
 * Validates a create (partial=false) or PATCH (partial=true) body against the current data.
 * `self` is the user being patched (excluded from the uniqueness checks).
 */
export function validateUserWrite(data: SimData, body: Record<string, unknown>, partial: boolean, self?: SimUser): { ok: true; value: UserWrite } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const value: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(FIELDS)) {
    if (!(field in body) || body[field] === undefined) {
      if (rule.required && !partial) errors.push({ field, detail: 'This field is required.' });
      continue;
    }
    const problem = rule.check(body[field]);
    if (problem) errors.push({ field, detail: problem });
    else value[field] = body[field];
  }
  const email = value['email'];
  if (typeof email === 'string') {
    if (!EMAIL_RE.test(email)) errors.push({ field: 'email', detail: 'Enter a valid email address.' });
    else if ([...data.users.values()].some((u) => u !== self && u.email.toLowerCase() === email.toLowerCase())) {
      errors.push({ field: 'email', detail: 'user with this email already exists.' });
    }
  }
  const externalId = value['external_id'];
  if (typeof externalId === 'string' && externalId !== '' && [...data.users.values()].some((u) => u !== self && u.external_id === externalId)) {
    errors.push({ field: 'external_id', detail: 'user with this external id already exists.' });
  }
  const institution = value['institution'];
  if (typeof institution === 'string' && !data.sites.some((s) => s.uuid === institution)) {
    errors.push({ field: 'institution', detail: `Invalid pk "${institution}" - object does not exist.` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: value as UserWrite };
}
