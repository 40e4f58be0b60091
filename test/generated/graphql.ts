/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All given fields must match. */
export type UserFilter = {
  active: boolean | null | undefined;
  /** Exact, case-insensitive. */
  email: string | null | undefined;
  /** Exact (PainChek external_id). */
  externalId: string | null | undefined;
  /** Case-insensitive prefix. */
  firstName: string | null | undefined;
  /** Case-insensitive prefix. */
  lastName: string | null | undefined;
  status: UserStatus | null | undefined;
  /** Exact, case-insensitive. */
  username: string | null | undefined;
};

/** Unified account state. */
export type UserStatus =
  /** Can sign in. */
  | 'ACTIVE'
  /** Deactivated (CorEMR active=false, Open Dental hidden, PainChek is_active=false, iCure DISABLED, PresentationServices SUSPENDED). */
  | 'INACTIVE'
  /** Enabled but locked out. */
  | 'LOCKED'
  /** Created but not yet activated by the user. */
  | 'PENDING_ACTIVATION';

/** The vendor API behind a source. */
export type Vendor =
  | 'COREMR'
  | 'ICURE'
  | 'OPENDENTAL'
  | 'PAINCHEK'
  | 'PRESENTATIONSERVICES';

/** A mutation that a source may or may not support. */
export type WriteOperation =
  | 'ASSIGN_USER_TYPE'
  | 'CREATE_USER'
  | 'DELETE_USER'
  | 'GRANT_FACILITY_ACCESS'
  | 'REMOVE_USER_TYPE'
  | 'REVOKE_FACILITY_ACCESS'
  | 'SET_USER_ACTIVE'
  | 'UPDATE_FACILITY_ACCESS'
  | 'UPDATE_USER';

export type SourcesQueryVariables = Exact<{ [key: string]: never; }>;


export type SourcesQuery = { sources: Array<{ id: string, vendor: Vendor, name: string, capabilities: { userTypeCatalog: boolean, facilityCatalog: boolean, multipleUserTypes: boolean, multipleFacilities: boolean, pushdownFilters: Array<string>, operations: Array<{ operation: WriteOperation, supported: boolean, verbs: string | null, alternative: string | null }> }, health: { status: string, latencyMs: number | null, errorCode: string | null } }> };

export type UserByIdQueryVariables = Exact<{
  id: string | number;
}>;


export type UserByIdQuery = { user: { id: string, nativeId: string, username: string | null, displayName: string, firstName: string | null, lastName: string | null, email: string | null, phone: string | null, title: string | null, status: UserStatus, createdAt: string | null, lastLoginAt: string | null, allFacilities: boolean | null, identifiers: { npi: string | null, dea: string | null, employeeNumber: string | null, providerNumber: string | null, externalId: string | null, healthcarePartyId: string | null } | null } | null };

export type UsersPageQueryVariables = Exact<{
  first: number;
  after: string | null | undefined;
  filter: UserFilter | null | undefined;
  sources: Array<string | number> | string | number | null | undefined;
}>;


export type UsersPageQuery = { users: { edges: Array<{ cursor: string, node: { id: string, nativeId: string, displayName: string, email: string | null, status: UserStatus, active: boolean, source: { id: string, vendor: Vendor }, userTypes: Array<{ id: string, name: string }> | null, facilityAccess: Array<{ primary: boolean, facility: { id: string, code: string, name: string | null } }> | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null }, sourceErrors: Array<{ source: string, code: string, message: string }> } };
