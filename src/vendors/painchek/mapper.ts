import { identifiers, type FacilityAccessRecord, type FacilityRecord, type UserRecord, type UserStatus, type UserTypeRecord } from '../../core/model';
import type { CreateUserInput, UpdateUserInput } from '../../core/writes';
import type { PcSite, PcUser } from './payloads';

/**
 * Pure mapping between PainChek payloads and the unified records. Every PainChek quirk lives
 * here: "" vs null, microsecond timestamps, the single `role`, `institution` as the primary site,
 * the write-only `full_site_access`.
 */

/** The documented roles. There is no roles endpoint, so the catalog is static. */
export const ROLES = ['license_admin', 'admin', 'user'] as const;
export type PcRole = (typeof ROLES)[number];

const ROLE_INFO: Record<PcRole, { name: string; description: string }> = {
  license_admin: { name: 'License Admin', description: 'A Super Administrator with all rights; always has full site access.' },
  admin: { name: 'Admin', description: 'An administrator.' },
  user: { name: 'User', description: 'A regular user.' },
};

export function isRole(value: string): value is PcRole {
  return (ROLES as readonly string[]).includes(value);
}

export function toUserRecord(sourceId: string, u: PcUser): UserRecord {
  const firstName = blankToNull(u.first_name);
  const lastName = blankToNull(u.last_name);
  const email = blankToNull(u.email);
  return {
    sourceId,
    nativeId: u.uuid,
    username: email,
    displayName: [firstName, lastName].filter(Boolean).join(' ') || email || u.uuid,
    firstName,
    middleInitial: null,
    lastName,
    email,
    phone: blankToNull(u.phone),
    title: blankToNull(u.position),
    status: statusOf(u),
    active: u.is_active,
    createdAt: toDate(u.date_joined),
    updatedAt: toDate(u.modified_at),
    lastLoginAt: null,
    identifiers: identifiers({ externalId: u.external_id ?? null }),
    // A license_admin always has full site access (docs). For other roles full_site_access is
    // write-only, so the answer is unknown.
    allFacilities: u.role === 'license_admin' ? true : null,
    refs: {
      userTypeIds: [u.role],
      facilities: u.institution ? [{ facilityId: u.institution, primary: true }] : [],
    },
  };
}

function statusOf(u: PcUser): UserStatus {
  if (!u.is_active) return 'INACTIVE';
  if (!u.has_activated) return 'PENDING_ACTIVATION';
  return 'ACTIVE';
}

/** The three documented roles; an undocumented (custom) role keeps its raw value as its name. */
export function toUserTypeRecord(sourceId: string, role: string): UserTypeRecord {
  const info = isRole(role) ? ROLE_INFO[role] : null;
  return { sourceId, nativeId: role, name: info?.name ?? role, description: info?.description ?? null };
}

export function roleCatalog(sourceId: string): UserTypeRecord[] {
  return ROLES.map((r) => toUserTypeRecord(sourceId, r));
}

export function toFacilityRecord(sourceId: string, s: PcSite): FacilityRecord {
  return { sourceId, nativeId: s.uuid, code: s.external_id || s.uuid, name: blankToNull(s.name) };
}

/**
 * A user's sites: the institution first (primary), then the sites with an active access record,
 * in catalog order, each once. A site missing from the catalog (e.g. deleted) still appears,
 * with its uuid as code and no name.
 */
export function facilityAccessFor(sourceId: string, user: UserRecord, accessSiteIds: ReadonlySet<string>, catalog: ReadonlyMap<string, FacilityRecord>): FacilityAccessRecord[] {
  const facility = (id: string): FacilityRecord => catalog.get(id) ?? { sourceId, nativeId: id, code: id, name: null };
  const primary = user.refs.facilities?.find((f) => f.primary)?.facilityId ?? null;
  const out: FacilityAccessRecord[] = primary ? [{ facility: facility(primary), primary: true }] : [];
  for (const id of catalog.keys()) if (id !== primary && accessSiteIds.has(id)) out.push({ facility: facility(id), primary: false });
  for (const id of accessSiteIds) if (id !== primary && !catalog.has(id)) out.push({ facility: facility(id), primary: false });
  return out;
}

/**
 * POST /api/account/users/ body. `role` is the single user type; `institution` the primary
 * facility; `full_site_access` is always false (access is granted site by site).
 */
export function toCreateBody(input: CreateUserInput): Record<string, unknown> {
  return {
    first_name: input.firstName,
    last_name: input.lastName,
    email: input.email,
    role: input.userTypeIds?.[0],
    is_active: input.active ?? true,
    ...optional('phone', input.phone),
    ...optional('position', input.title),
    ...optional('external_id', input.externalId),
    ...optional('institution', input.primaryFacilityId),
    full_site_access: false,
  };
}

/** PATCH /api/account/users/{uuid}/ body: only the fields present in the input (null clears). */
export function toPatchBody(input: UpdateUserInput): Record<string, unknown> {
  return {
    ...optional('first_name', input.firstName),
    ...optional('last_name', input.lastName),
    ...optional('email', input.email),
    ...optional('phone', input.phone),
    ...optional('position', input.title),
    ...optional('is_active', input.active),
    ...optional('external_id', input.externalId),
  };
}

const INPUT_FIELDS: Record<string, string> = {
  first_name: 'input.firstName',
  last_name: 'input.lastName',
  email: 'input.email',
  phone: 'input.phone',
  position: 'input.title',
  is_active: 'input.active',
  external_id: 'input.externalId',
  role: 'input.userTypeIds',
  institution: 'input.primaryFacilityId',
};

/** The unified input field a vendor validation error names, or null for one we never send. */
export function inputFieldOf(vendorField: string | undefined): string | null {
  return vendorField ? (INPUT_FIELDS[vendorField] ?? null) : null;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function blankToNull(value: string | null | undefined): string | null {
  return value == null || value === '' ? null : value;
}

/** ISO 8601 with microseconds and Z; anything unparseable is null rather than a wrong date. */
function toDate(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
