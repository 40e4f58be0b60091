import { value, type FieldError, type Params } from './envelope';
import { USER_STATUSES, type SimUser } from './model';
import type { SimState } from './state';

/**
 * The doc's create/update rules. Every failing rule is reported (not only the first), each as
 * {field, message} with the vendor's form field name. Messages follow the doc's wording and never
 * echo the rejected value.
 */

const CREATE_MANDATORY = ['firstName', 'lastName', 'username', 'email', 'password', 'organization', 'facility', 'role', 'status'];
const UPDATE_MANDATORY = ['firstName', 'lastName', 'organization', 'facility', 'role'];
// Pragmatic "well formed": one @, no spaces, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** "must be longer than 5 characters and shorter than 20" (doc), i.e. 6–19 characters. */
function lengthOk(v: string): boolean {
  return v.length > 5 && v.length < 20;
}

function mandatory(p: Params, fields: string[], errors: FieldError[]): void {
  for (const f of fields) if (value(p, f) == null) errors.push({ field: f, message: `'${f}' is mandatory` });
}

/** Rules shared by create and update; `self` is the user being updated (excluded from uniqueness). */
function common(state: SimState, p: Params, self: SimUser | null, errors: FieldError[]): void {
  const organization = value(p, 'organization');
  const facility = value(p, 'facility');
  const role = value(p, 'role');
  const status = value(p, 'status');
  const others = [...state.users.values()].filter((u) => u !== self);
  if (organization && !state.data.organizations.some((o) => o.id === organization)) {
    errors.push({ field: 'organization', message: "An Organization with 'organization' id must exist" });
  }
  if (facility && !state.data.facilities.some((f) => f.id === facility && f.organizationId === organization)) {
    errors.push({ field: 'facility', message: "A Facility with 'facility' id must exist" });
  }
  if (role && !state.data.roles.some((r) => String(r.id) === role && r.organizationId === organization)) {
    errors.push({ field: 'role', message: "A Role with 'role' id must exist" });
  }
  if (status && !(USER_STATUSES as readonly string[]).includes(status)) {
    errors.push({ field: 'status', message: "A UserStatus with 'status' value must exist" });
  }
  const password = value(p, 'password');
  if (password != null && !lengthOk(password)) {
    errors.push({ field: 'password', message: "'password' must be longer than 5 characters and shorter than 20" });
  }
  for (const field of ['tagId', 'pin'] as const) {
    const v = value(p, field);
    if (v == null || (self && self[field] === v)) continue;
    if (!lengthOk(v)) errors.push({ field, message: `'${field}' must be longer than 5 characters and shorter than 20` });
    else if (others.some((u) => u[field] === v)) errors.push({ field, message: `'${field}' must be unique among existing users` });
  }
  const email = value(p, 'email');
  if (email != null && !(self && self.email === email)) {
    if (!EMAIL.test(email)) errors.push({ field: 'email', message: "'email' must be a well formed email" });
    else if (others.some((u) => u.email.toLowerCase() === email.toLowerCase())) errors.push({ field: 'email', message: "'email' must be unique among existing users" });
  }
}

export function validateCreate(state: SimState, p: Params): FieldError[] {
  const errors: FieldError[] = [];
  mandatory(p, CREATE_MANDATORY, errors);
  common(state, p, null, errors);
  const username = value(p, 'username');
  if (username && [...state.users.values()].some((u) => u.username.toLowerCase() === username.toLowerCase())) {
    errors.push({ field: 'username', message: "'username' must be unique among existing users" });
  }
  return errors;
}

/**
 * Update rules: the mandatory five, the shared rules, username immutable (a different value is an
 * error; the same value is accepted so that clients may re-send the record), and the doc's
 * passwordValidation rule when callers change their own email, password or tagId.
 */
export function validateUpdate(state: SimState, p: Params, target: SimUser, caller: SimUser): FieldError[] {
  const errors: FieldError[] = [];
  mandatory(p, UPDATE_MANDATORY, errors);
  common(state, p, target, errors);
  const username = value(p, 'username');
  if (username != null && username !== target.username) errors.push({ field: 'username', message: "'username' can't be modified" });
  if (caller.userId === target.userId) {
    const email = value(p, 'email');
    const tagId = value(p, 'tagId');
    const changesSecret = (email != null && email !== target.email) || value(p, 'password') != null || (tagId != null && tagId !== target.tagId);
    const old = value(p, 'passwordValidation');
    if (changesSecret && old == null) errors.push({ field: 'passwordValidation', message: "'passwordValidation' is mandatory" });
    else if (changesSecret && old !== target.password) errors.push({ field: 'passwordValidation', message: "'passwordValidation' must be the current password" });
  }
  return errors;
}
