/**
 * The simulator's in-memory records. These hold secrets (password, pin, tagId) because the vendor
 * does; `publicUser` in users.ts is the only shape that leaves the simulator for a user record.
 */

export const USER_STATUSES = ['ACTIVE', 'SUSPENDED'] as const;
export type SimUserStatus = (typeof USER_STATUSES)[number];

export interface SimOrganization {
  id: string;
  name: string;
}

export interface SimFacility {
  id: string;
  name: string;
  organizationId: string;
}

export interface SimWorkspace {
  id: string;
  name: string;
  facilityId: string;
  organizationId: string;
}

export interface SimRoom {
  id: string;
  name: string;
  workspaceId: string;
}

/**
 * A permission as the doc's accountFact shows it. `organizationId` absent means "relative to the
 * user's own facility" (the doc's `list_patients_from_current_facility` has none).
 */
export interface SimPermission {
  id: number;
  name: string;
  organizationId?: string;
}

export interface SimRole {
  id: number;
  name: string;
  description: string;
  organizationId: string;
  permissions: SimPermission[];
}

export interface SimUser {
  userId: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  /** Plain text, as the vendor stores it (doc: "At the moment, this is plain text"). */
  password: string;
  pin: string | null;
  tagId: string | null;
  organizationId: string;
  facilityId: string;
  roleId: number;
  status: SimUserStatus;
}

export interface SimSession {
  token: string;
  /** null for a temporal session (no account behind it). */
  userId: string | null;
  deviceId: string | null;
  temporal: boolean;
  /** Simulator clock, epoch ms. */
  issuedAt: number;
  lastUsedAt: number;
}

export interface SeedData {
  organizations: SimOrganization[];
  facilities: SimFacility[];
  workspaces: SimWorkspace[];
  rooms: SimRoom[];
  roles: SimRole[];
  /** Insertion order is the vendor's list order. */
  users: SimUser[];
}
