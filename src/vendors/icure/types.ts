/**
 * iCure REST v2 wire shapes (Kraken `UserDto`, `PaginatedList`, `DocIdentifier`, `JwtResponse`), as
 * this folder's README lists them. Every field but `id` is optional because Kraken serialises with
 * `@JsonInclude(NON_NULL)`: a null field is simply absent.
 */

/** `UsersStatusDto`: upper case on the wire. */
export const ICURE_STATUSES = ['ACTIVE', 'DISABLED', 'REGISTERING'] as const;
export type IcureStatus = (typeof ICURE_STATUSES)[number];

/** `UsersTypeDto`: lower case on the wire. */
export const ICURE_USER_TYPES = ['database', 'ldap', 'token'] as const;
export type IcureUserType = (typeof ICURE_USER_TYPES)[number];

export interface PropertyStubDto {
  id?: string;
  type?: { identifier?: string; type?: string };
  typedValue?: { type?: string; stringValue?: string; booleanValue?: boolean; integerValue?: number; doubleValue?: number };
  deletionDate?: number;
}

export interface UserDto {
  id: string;
  /** CouchDB revision "N-<32 hex>"; required on PUT (400 when missing, 409 when stale). */
  rev?: string;
  /** Epoch ms; set by the soft delete. */
  deletionDate?: number;
  /** Epoch ms. */
  created?: number;
  /** Epoch ms (an `Instant` serialised as a number). */
  createdDate?: number;
  termsOfUseDate?: number;
  name?: string;
  login?: string;
  email?: string;
  mobilePhone?: string;
  status?: string;
  type?: string;
  roles?: string[];
  permissions?: unknown[];
  properties?: PropertyStubDto[];
  identifier?: unknown[];
  healthcarePartyId?: string;
  patientId?: string;
  deviceId?: string;
  autoDelegations?: Record<string, string[]>;
  /** Write-only: a plain password is hashed by the server; responses never carry it. */
  passwordHash?: string;
  /** Stripped and ignored by the server on create and modify. */
  groupId?: string;
  /** Read-only metadata computed by the cloud. */
  systemMetadata?: { roles?: string[]; isAdmin?: boolean; inheritsRoles?: boolean; [k: string]: unknown };
  /** Anything a newer server adds is carried through a GET + PUT untouched. */
  [other: string]: unknown;
}

/** `PaginatedList<UserDto>` of v2: `nextKeyPair` is omitted on the last page. */
export interface PaginatedUsers<Row = UserDto> {
  rows: Row[];
  nextKeyPair?: { startKey: unknown; startKeyDocId: string };
}

/** `JwtResponse` of POST /rest/v2/auth/login and /refresh. */
export interface JwtResponse {
  token: string;
  refreshToken?: string;
  successful?: boolean;
}
