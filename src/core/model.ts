/**
 * The unified domain model the core works with. These are plain records, not GraphQL classes:
 * connectors produce them (through their pure mappers) and the schema layer exposes them.
 * Secrets (passwords, tokens, PINs) and SSNs never enter these records.
 */

/**
 * Precedence when a vendor says several things at once: INACTIVE (deactivated) wins over LOCKED and
 * PENDING_ACTIVATION, so `active === (status !== 'INACTIVE')` holds for every user of every vendor
 * and the filters `active: false` and `status: INACTIVE` select the same users.
 */
export const USER_STATUSES = ['ACTIVE', 'INACTIVE', 'LOCKED', 'PENDING_ACTIVATION'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export interface UserIdentifiers {
  npi: string | null;
  dea: string | null;
  employeeNumber: string | null;
  providerNumber: string | null;
  externalId: string | null;
  healthcarePartyId: string | null;
}

export const EMPTY_IDENTIFIERS: UserIdentifiers = Object.freeze(identifiers());

/**
 * A full identifiers record from the ones a vendor has, the rest null. Built as one object
 * literal for every user a mapper reads: a spread of EMPTY_IDENTIFIERS with fields added after it
 * takes V8's slow path, measurably so at hundreds of users per answer.
 */
export function identifiers(known: Partial<UserIdentifiers> = {}): UserIdentifiers {
  return {
    npi: known.npi ?? null,
    dea: known.dea ?? null,
    employeeNumber: known.employeeNumber ?? null,
    providerNumber: known.providerNumber ?? null,
    externalId: known.externalId ?? null,
    healthcarePartyId: known.healthcarePartyId ?? null,
  };
}

export interface UserRecord {
  sourceId: string;
  /** The vendor's own key: CorEMR username, Open Dental UserNum, PainChek uuid, iCure id, PS userId. */
  nativeId: string;
  username: string | null;
  displayName: string;
  firstName: string | null;
  middleInitial: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  title: string | null;
  status: UserStatus;
  /** The vendor's enable flag: false when deactivated (CorEMR active=false, OD IsHidden, PainChek is_active=false, iCure DISABLED, PS SUSPENDED). */
  active: boolean;
  createdAt: Date | null;
  updatedAt: Date | null;
  lastLoginAt: Date | null;
  identifiers: UserIdentifiers;
  /** True when the user reaches every facility; null where the vendor does not say. */
  allFacilities: boolean | null;
  /**
   * Keys the vendor's loaders need to resolve relations without reading the user again
   * (Open Dental userGroupNums and ClinicNum, PainChek role and institution, ...). Never exposed.
   */
  refs: UserRefs;
}

export interface UserRefs {
  userTypeIds?: string[];
  facilities?: Array<{ facilityId: string; primary: boolean }>;
}

export interface UserTypeRecord {
  sourceId: string;
  nativeId: string;
  name: string;
  description: string | null;
}

export interface FacilityRecord {
  sourceId: string;
  nativeId: string;
  code: string;
  name: string | null;
}

export interface FacilityAccessRecord {
  facility: FacilityRecord;
  primary: boolean;
}

/**
 * Filters on `users`. Semantics are fixed here so that a filter pushed down to a vendor and one
 * applied in the gateway give the same result (see filter.ts):
 * - email, username: case-insensitive exact match
 * - firstName, lastName: case-insensitive prefix ("starts with")
 * - externalId: exact, case-sensitive (PainChek compares it as an exact string)
 * - active, status: exact
 */
export interface UserFilter {
  active?: boolean | null;
  status?: UserStatus | null;
  email?: string | null;
  username?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  externalId?: string | null;
}

export interface UserPage {
  users: UserRecord[];
  /** The vendor position after the last returned user, or null when the source is exhausted. Opaque to the core. */
  next: string | null;
  /**
   * Records of the vendor pages this call read that could not be mapped (wrong shape) and were
   * left out, so that one bad record does not cost the whole page (docs/kit.md, "one bad record").
   * The users walk reports them as one SOURCE_BAD_RESPONSE error for the source. 0 or absent: none.
   */
  skipped?: number;
}

export type SourceHealthStatus = 'UP' | 'DOWN';
export interface SourceHealthRecord {
  status: SourceHealthStatus;
  latencyMs: number | null;
  checkedAt: Date;
  errorCode: string | null;
}
