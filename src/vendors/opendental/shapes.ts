import type { Clinic, Userod, UserodCreated, UserGroup } from './types';

/**
 * Shape checks for what the connector relies on in Open Dental responses. A body that fails them
 * becomes SOURCE_BAD_RESPONSE in the client; fields the connector does not read are not checked.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isOdBool = (v: unknown): boolean => v === 'true' || v === 'false';
const optional = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);

function hasUserodCore(v: Obj): boolean {
  return (
    isInt(v.UserNum) &&
    isStr(v.UserName) &&
    isInt(v.EmployeeNum) &&
    isStr(v.employeeName) &&
    isInt(v.ProviderNum) &&
    isStr(v.providerName) &&
    isInt(v.ClinicNum) &&
    isStr(v.emailAddress) &&
    isOdBool(v.IsHidden) &&
    optional(v.IsPasswordResetRequired, isOdBool)
  );
}

export function isUserod(v: unknown): v is Userod {
  return isObj(v) && hasUserodCore(v) && Array.isArray(v.userGroupNums) && v.userGroupNums.every(isInt) && optional(v.UserNumCEMT, isInt);
}

export function isUserodCreated(v: unknown): v is UserodCreated {
  return isObj(v) && hasUserodCore(v) && isInt(v.UserGroupNum);
}

export function isUserGroup(v: unknown): v is UserGroup {
  return isObj(v) && isInt(v.UserGroupNum) && isStr(v.Description);
}

export function isClinic(v: unknown): v is Clinic {
  return isObj(v) && isInt(v.ClinicNum) && isStr(v.Description) && optional(v.Abbr, isStr);
}

export function isArrayOf<T>(v: unknown, item: (x: unknown) => x is T): v is T[] {
  return Array.isArray(v) && v.every(item);
}
