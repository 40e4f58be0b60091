import { identifiers, type FacilityRecord, type UserRecord, type UserTypeRecord } from '../../core/model';
import type { Clinic, OdBool, Userod, UserodCreated, UserGroup } from './types';

/**
 * Pure mapping between Open Dental records and the unified model (docs/architecture.md §3). Open Dental has
 * no first/last name, phone, title or dates on a user: those stay null.
 */

const isTrue = (v: OdBool | undefined): boolean => v === 'true';
export const toOdBool = (b: boolean): OdBool => (b ? 'true' : 'false');
const nonEmpty = (s: string): string | null => (s.trim() === '' ? null : s);
/** 0 means "not linked" for EmployeeNum, ProviderNum and ClinicNum. */
const linked = (n: number): string | null => (n === 0 ? null : String(n));

/** A GET/PUT-shaped userod, or the POST shape (its singular UserGroupNum is the only group it knows). */
export function toUserRecord(sourceId: string, u: Userod | UserodCreated): UserRecord {
  const hidden = isTrue(u.IsHidden);
  const groupNums = 'userGroupNums' in u ? u.userGroupNums : [u.UserGroupNum];
  return {
    sourceId,
    nativeId: String(u.UserNum),
    username: u.UserName,
    displayName: nonEmpty(u.employeeName) ?? nonEmpty(u.providerName) ?? u.UserName,
    firstName: null,
    middleInitial: null,
    lastName: null,
    email: nonEmpty(u.emailAddress),
    phone: null,
    title: null,
    status: hidden ? 'INACTIVE' : 'ACTIVE',
    active: !hidden,
    createdAt: null,
    updatedAt: null,
    lastLoginAt: null,
    identifiers: identifiers({ employeeNumber: linked(u.EmployeeNum), providerNumber: linked(u.ProviderNum) }),
    // ClinicNum 0 = no default clinic = "Headquarters", which reaches every clinic.
    allFacilities: u.ClinicNum === 0,
    refs: {
      userTypeIds: groupNums.map(String),
      facilities: u.ClinicNum === 0 ? [] : [{ facilityId: String(u.ClinicNum), primary: true }],
    },
  };
}

export function toUserTypeRecord(sourceId: string, g: UserGroup): UserTypeRecord {
  return { sourceId, nativeId: String(g.UserGroupNum), name: g.Description, description: null };
}

export function toFacilityRecord(sourceId: string, c: Clinic): FacilityRecord {
  return { sourceId, nativeId: String(c.ClinicNum), code: nonEmpty(c.Abbr ?? '') ?? String(c.ClinicNum), name: nonEmpty(c.Description) };
}

/**
 * A user's default clinic that GET /clinics did not list (a hidden, closed clinic): still shown, so
 * access is never silently dropped, with the ClinicNum as its code and no name.
 */
export function unlistedFacility(sourceId: string, clinicNum: string): FacilityRecord {
  return { sourceId, nativeId: clinicNum, code: clinicNum, name: null };
}
