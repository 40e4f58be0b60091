/**
 * Open Dental wire shapes (API "Userods", "UserGroups", "Clinics"), as the docs show them.
 * PascalCase fields are database columns; lower-case ones (employeeName, userGroupNums, …) are
 * derived and read-only. Booleans are the strings "true"/"false".
 */

export type OdBool = 'true' | 'false';

/** One row of GET /userods and the body of a PUT /userods/{UserNum} response. */
export interface Userod {
  UserNum: number;
  UserName: string;
  /** 25.1.10+: every user group the user belongs to. */
  userGroupNums: number[];
  /** 0 when the user is not an employee. */
  EmployeeNum: number;
  employeeName: string;
  /** 0 when the user is not a provider. */
  ProviderNum: number;
  providerName: string;
  /** The user's default clinic; 0 = none ("Headquarters", every clinic). */
  ClinicNum: number;
  emailAddress: string;
  IsHidden: OdBool;
  /** Non-zero for CEMT (enterprise) users, which GET /userods leaves out unless includeCEMT=true. */
  UserNumCEMT?: number;
  IsPasswordResetRequired?: OdBool;
}

/**
 * The 201 body of POST /userods: singular UserGroupNum (only the one posted), no userGroupNums,
 * no UserNumCEMT — and the password echoed in plain text, which the client drops at once.
 */
export interface UserodCreated {
  UserNum: number;
  UserName: string;
  UserGroupNum: number;
  EmployeeNum: number;
  employeeName: string;
  ProviderNum: number;
  providerName: string;
  ClinicNum: number;
  emailAddress: string;
  IsHidden: OdBool;
  IsPasswordResetRequired?: OdBool;
}

export interface UserGroup {
  UserGroupNum: number;
  Description: string;
  /** Non-zero for CEMT groups, left out unless includeCEMT=true. */
  UserGroupNumCEMT: number;
}

export interface UserGroupAttach {
  UserGroupAttachNum: number;
  UserNum: number;
  UserGroupNum: number;
}

export interface Clinic {
  ClinicNum: number;
  Description: string;
  Address: string;
  Address2: string;
  City: string;
  State: string;
  Zip: string;
  Phone: string;
  Abbr: string;
  IsHidden: OdBool;
}

/** The fields PUT /userods/{UserNum} accepts; any other field is a 400 (docs/architecture.md §9). */
export interface UserodPut {
  userGroupNums?: number[];
  EmployeeNum?: number;
  ProviderNum?: number;
  ClinicNum?: number;
  IsHidden?: OdBool;
  IsPasswordResetRequired?: OdBool;
}
export const PUT_FIELDS: ReadonlyArray<keyof UserodPut> = ['userGroupNums', 'EmployeeNum', 'ProviderNum', 'ClinicNum', 'IsHidden', 'IsPasswordResetRequired'];

export interface UserodPost {
  UserName: string;
  UserGroupNum: number;
  Password: string;
  IsPasswordResetRequired?: OdBool;
}
export const POST_FIELDS: ReadonlyArray<keyof UserodPost> = ['UserName', 'UserGroupNum', 'Password', 'IsPasswordResetRequired'];

/** Remote API page size: default and maximum rows per list request (Limit). */
export const PAGE_SIZE = 100;
