import { identifiers, type FacilityRecord, type UserRecord, type UserStatus, type UserTypeRecord } from '../../core/model';
import {
  PsAccountFact, PsEnvelope, PsFacility, PsLoginEnvelope, PsOrganization, PsRole, PsUser,
} from './wire';

/**
 * Pure PresentationServices ⇄ unified mapping. It owns the vendor's quirks: the
 * {data, statusFact} and validateAccountFact envelopes, numeric-or-string ids, ACTIVE/SUSPENDED,
 * the single role and the facility that is only unique within its organization.
 */

/**
 * Facilities are listed per organization (GET /organizations/{o}/facilities), so a facility id is
 * only known to be unique inside its organization: the unified facility key is "org/facility".
 * Organization ids are split at the first "/", so they must not contain one (the doc's is "UNC").
 */
export function facilityNativeId(organizationId: string, facilityId: string): string {
  return `${organizationId}/${facilityId}`;
}

export function splitFacilityNativeId(nativeId: string): { organization: string; facility: string } | null {
  const at = nativeId.indexOf('/');
  if (at <= 0 || at === nativeId.length - 1) return null;
  return { organization: nativeId.slice(0, at), facility: nativeId.slice(at + 1) };
}

/**
 * SUSPENDED is the vendor's only documented deactivation. A status the simulator does not know
 * (the full enum is unknown) counts as not active. A record without status — the login's
 * accountFact — is ACTIVE: only active accounts can log in.
 */
export function mapStatus(status: string | null): { status: UserStatus; active: boolean } {
  if (status == null || status === 'ACTIVE') return { status: 'ACTIVE', active: true };
  return { status: 'INACTIVE', active: false };
}

export function vendorStatus(active: boolean): 'ACTIVE' | 'SUSPENDED' {
  return active ? 'ACTIVE' : 'SUSPENDED';
}

export function mapUser(sourceId: string, u: PsUser): UserRecord {
  const { status, active } = mapStatus(u.status);
  const name = [u.firstName, u.lastName].filter((s): s is string => !!s && s.trim() !== '').join(' ');
  return {
    sourceId,
    nativeId: u.userId,
    username: u.username,
    displayName: name || u.username || u.userId,
    firstName: u.firstName,
    middleInitial: null,
    lastName: u.lastName,
    email: u.email,
    phone: null,
    title: null,
    status,
    active,
    createdAt: null,
    updatedAt: null,
    lastLoginAt: null,
    identifiers: identifiers(),
    // The vendor has exactly one facility per user and no "all facilities" notion: unknown, not false.
    allFacilities: null,
    refs: {
      userTypeIds: u.role ? [u.role.id] : [],
      facilities: u.organizationId && u.facilityId ? [{ facilityId: facilityNativeId(u.organizationId, u.facilityId), primary: true }] : [],
    },
  };
}

/** The doc's roles have description "" for none; the unified description is then null. */
export function mapRole(sourceId: string, r: { id: string; name: string | null; description: string | null }): UserTypeRecord {
  return { sourceId, nativeId: r.id, name: r.name ?? r.id, description: r.description?.trim() ? r.description : null };
}

export function mapFacility(sourceId: string, organizationId: string, f: PsFacility): FacilityRecord {
  return { sourceId, nativeId: facilityNativeId(f.organizationId ?? organizationId, f.id), code: f.id, name: f.name };
}

// ---- envelopes --------------------------------------------------------------------------------

export type Envelope = { ok: true; data: unknown } | { ok: false; errors: Array<{ field: string | null }> };

/** null when the body is not the vendor's envelope. */
export function readEnvelope(body: unknown): Envelope | null {
  const parsed = PsEnvelope.safeParse(body);
  if (!parsed.success) return null;
  const e = parsed.data;
  if (e.statusFact.success) return { ok: true, data: e.data ?? null };
  const errors = [...(e.errors ?? []), ...(e.statusFact.errors ?? [])].map((x) => ({ field: x.field ?? null }));
  return { ok: false, errors };
}

export type Login = { ok: true; account: PsAccountFact } | { ok: false };

/** null when the body is not a validateAccountFact envelope (or a success without a usable account). */
export function readLogin(body: unknown): Login | null {
  const parsed = PsLoginEnvelope.safeParse(body);
  if (!parsed.success) return null;
  if (!parsed.data.validateAccountFact.statusFact.success) return { ok: false };
  const account = PsAccountFact.safeParse(parsed.data.validateAccountFact.accountFact);
  return account.success ? { ok: true, account: account.data } : null;
}

export function readUser(data: unknown): PsUser | null {
  const parsed = PsUser.safeParse(data);
  return parsed.success ? parsed.data : null;
}

function listOf<T>(schema: { safeParse(x: unknown): { success: true; data: T } | { success: false } }, data: unknown): T[] | null {
  if (!Array.isArray(data)) return null;
  const out: T[] = [];
  for (const item of data) {
    const parsed = schema.safeParse(item);
    if (!parsed.success) return null;
    out.push(parsed.data);
  }
  return out;
}

export const readUsers = (data: unknown): PsUser[] | null => listOf(PsUser, data);
export const readRoles = (data: unknown): PsRole[] | null => listOf(PsRole, data);
export const readFacilities = (data: unknown): PsFacility[] | null => listOf(PsFacility, data);
export const readOrganizations = (data: unknown): PsOrganization[] | null => listOf(PsOrganization, data);

// ---- vendor field → unified field -------------------------------------------------------------

/** Which unified input field a vendor form field stands for, per kind of write. */
export type FieldMap = Readonly<Record<string, string | null>>;

const PERSON_FIELDS = {
  firstName: 'input.firstName',
  lastName: 'input.lastName',
  email: 'input.email',
  password: 'input.password',
  tagId: 'input.tagId',
  pin: 'input.tagId',
  status: 'input.active',
  // The old password is the gateway's own credential, not an input field.
  passwordValidation: null,
  userId: 'userId',
} as const;

export const CREATE_FIELDS: FieldMap = {
  ...PERSON_FIELDS,
  username: 'input.username',
  organization: 'input.facilityIds',
  facility: 'input.facilityIds',
  role: 'input.userTypeIds',
};

/** Updates re-send organization, facility and role as read: an error on them is not about the input. */
export const UPDATE_FIELDS: FieldMap = { ...PERSON_FIELDS, username: null, organization: null, facility: null, role: null };
export const SET_ACTIVE_FIELDS: FieldMap = { ...UPDATE_FIELDS, status: 'active' };
export const ASSIGN_ROLE_FIELDS: FieldMap = { ...UPDATE_FIELDS, role: 'userTypeId' };
export const GRANT_FACILITY_FIELDS: FieldMap = { ...UPDATE_FIELDS, organization: 'facilityId', facility: 'facilityId' };

export function unifiedField(map: FieldMap, vendorField: string | null): string | null {
  if (vendorField == null || !Object.prototype.hasOwnProperty.call(map, vendorField)) return null;
  return map[vendorField] ?? null;
}
