/**
 * The simulator's in-memory data: users, sites and site access records, shaped as the PainChek
 * docs print them (field names, order, "" vs null). Writes change it; `reset()` restores the seed.
 */

export const LICENSE_UUID = 'a89e0cc1-fd90-4721-b09b-7f527f5ff626';
export const LICENSE_NAME = 'A89E0CC1-FD90/PainChek Ltd/2018-08-25';
/** The vendor's role choices. Kept apart from the connector's copy on purpose: the simulator stands for the vendor. */
export const ROLES = ['license_admin', 'admin', 'user'] as const;

export interface SimUser {
  uuid: string;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  institution: string | null;
  position: string | null;
  avatar: string | null;
  has_activated: boolean;
  role: string;
  is_active: boolean;
  date_joined: string;
  modified_at: string;
  external_id: string | null;
  /** Write-only on the vendor: stored, never serialised. */
  full_site_access: boolean;
}

export interface SimSite {
  uuid: string;
  license: string;
  license_name: string;
  /** 1 Hospital, 2 Care Home, 3 Hospice, 4 Private. */
  type: 1 | 2 | 3 | 4;
  name: string;
  phone: string;
  email: string;
  address: string;
  postcode: string;
  city: string;
  state: string;
  country: string;
  num_beds: number;
  created_at: string;
  modified_at: string;
  deleted_at: string | null;
  update_stamp: number;
  external_id: string | null;
}

export interface SimAuditEntry {
  user: string;
  site: string;
  active: boolean;
  changed_by: string;
  /** The docs show two formats ("2020-10-01 05:02:39.339036+00:00" and "…T…+00:00"); both occur. */
  changed_at: string;
}

export interface SimAccess {
  uuid: string;
  site: string;
  active: boolean;
  audit: SimAuditEntry[];
  user: string;
  created_by: string;
  created_at: string;
  modified_by: string;
  modified_at: string;
}

export interface SimData {
  /** Insertion order is the list order (the docs' examples first). */
  users: Map<string, SimUser>;
  sites: SimSite[];
  /** Keyed by `${site}/${user}`. */
  access: Map<string, SimAccess>;
  /** The API client's own account uuid: `created_by`/`changed_by` of records it writes. */
  apiUserUuid: string;
}

export function accessKey(site: string, user: string): string {
  return `${site}/${user}`;
}

export function cloneData(data: SimData): SimData {
  return structuredClone(data);
}

/** The user as GET/POST/PATCH return it: the docs' field order, institution_name derived, full_site_access omitted. */
export function serializeUser(data: SimData, u: SimUser): Record<string, unknown> {
  const site = u.institution ? data.sites.find((s) => s.uuid === u.institution) : undefined;
  return {
    uuid: u.uuid,
    license: LICENSE_UUID,
    license_name: LICENSE_NAME,
    email: u.email,
    first_name: u.first_name,
    last_name: u.last_name,
    phone: u.phone,
    institution: u.institution,
    institution_name: site?.name ?? null,
    position: u.position,
    avatar: u.avatar,
    has_activated: u.has_activated,
    role: u.role,
    is_active: u.is_active,
    date_joined: u.date_joined,
    modified_at: u.modified_at,
    external_id: u.external_id,
  };
}

/**
 * Wall-clock timestamps in the vendor's format (ISO 8601, microseconds, Z), strictly increasing so
 * that a PATCH always moves `modified_at` forward even within one millisecond.
 */
export class MicroClock {
  private lastMicros = 0;
  now(): string {
    const micros = Math.max(Math.floor((performance.timeOrigin + performance.now()) * 1000), this.lastMicros + 1);
    this.lastMicros = micros;
    return isoMicros(micros);
  }
}

export function isoMicros(epochMicros: number): string {
  const ms = Math.floor(epochMicros / 1000);
  return new Date(ms).toISOString().slice(0, 23) + String(epochMicros % 1000).padStart(3, '0') + 'Z';
}

/** The audit's other timestamp style: "2020-10-01 05:02:39.339036+00:00". */
export function auditSpaced(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '+00:00');
}

/** The audit's T style: "2020-10-01T05:14:02.226256+00:00". */
export function auditT(iso: string): string {
  return iso.replace('Z', '+00:00');
}
