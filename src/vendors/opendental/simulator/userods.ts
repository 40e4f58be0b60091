import type { SimRequest, SimResponse } from '../../../sim/types';
import { isStrongPassword } from '../password';
import { POST_FIELDS, PUT_FIELDS } from '../types';
import { OdHttpError, boolParam, objectBody, onlyFields, paginate } from './errors';
import type { SimUser } from './seed';
import type { OdState } from './state';

/** GET /userods — ordered by UserNum; hidden users only with includeHidden=true, CEMT users only with includeCEMT=true. */
export function listUserods(state: OdState, req: SimRequest): SimResponse {
  const includeHidden = boolParam(req, 'includeHidden') ?? false;
  const includeCEMT = boolParam(req, 'includeCEMT') ?? false;
  const rows = state.data.users
    .filter((u) => (includeHidden || !u.IsHidden) && (includeCEMT || u.UserNumCEMT === 0))
    .sort((a, b) => a.UserNum - b.UserNum);
  return { status: 200, body: paginate(req, rows).map((u) => state.render(u)) };
}

/**
 * POST /userods. Checks in the doc's order: UserName (required, no trailing whitespace, unique —
 * case-insensitively, as MySQL compares), UserGroupNum (required, must exist: 404), Password
 * (strong; a symbol too when the office preference is on), IsPasswordResetRequired ("true"/"false").
 */
export function createUserod(state: OdState, req: SimRequest): SimResponse {
  const body = objectBody(req);
  onlyFields(body, POST_FIELDS);
  const { UserName, UserGroupNum, Password, IsPasswordResetRequired } = body;
  if (typeof UserName !== 'string' || UserName === '') throw new OdHttpError(400, 'UserName is required.');
  if (/\s$/.test(UserName)) throw new OdHttpError(400, 'UserName cannot end with whitespace.');
  if (state.data.users.some((u) => u.UserName.toLowerCase() === UserName.toLowerCase())) throw new OdHttpError(400, 'UserName is already in use.');
  if (UserGroupNum === undefined || UserGroupNum === null) throw new OdHttpError(400, 'UserGroupNum is required.');
  if (!Number.isSafeInteger(UserGroupNum)) throw new OdHttpError(400, 'UserGroupNum must be a whole number.');
  if (!state.data.groups.some((g) => g.UserGroupNum === UserGroupNum)) throw new OdHttpError(404, 'UserGroupNum not found.');
  if (typeof Password !== 'string' || Password === '') throw new OdHttpError(400, 'Password is required.');
  if (!isStrongPassword(Password, state.passwordRequiresSymbol)) {
    const symbol = state.passwordRequiresSymbol ? ', and a symbol' : '';
    throw new OdHttpError(400, `Password must be at least 8 characters and have at least one number, one uppercase letter, one lowercase letter${symbol}.`);
  }
  const reset = odBool(IsPasswordResetRequired, 'IsPasswordResetRequired') ?? false;

  const user: SimUser = {
    UserNum: state.nextUserNum(),
    UserName,
    EmployeeNum: 0,
    ProviderNum: 0,
    ClinicNum: 0,
    emailAddress: '',
    IsHidden: false,
    UserNumCEMT: 0,
    IsPasswordResetRequired: reset,
  };
  state.data.users.push(user);
  state.setGroups(user.UserNum, [UserGroupNum as number]);
  return { status: 201, body: state.renderCreated(user, UserGroupNum as number, Password) };
}

/**
 * PUT /userods/{UserNum} — partial: only the documented fields, any other is a 400 (docs/architecture.md §9).
 * `userGroupNums` replaces the whole membership set and may not be empty (Open Dental keeps every
 * user in at least one group). Referenced groups, employees, providers and clinics must exist (404);
 * 0 unlinks an employee/provider, ClinicNum 0 means no default clinic. All checks run before any change.
 */
export function updateUserod(state: OdState, req: SimRequest): SimResponse {
  const userNum = /^\d{1,15}$/.test(req.params.UserNum ?? '') ? Number(req.params.UserNum) : NaN;
  if (Number.isNaN(userNum)) throw new OdHttpError(400, 'UserNum in the URL must be a whole number.');
  const user = state.user(userNum);
  if (!user) throw new OdHttpError(404, 'Userod not found.');
  const body = objectBody(req);
  onlyFields(body, PUT_FIELDS);

  let groups: number[] | undefined;
  if (body.userGroupNums !== undefined) {
    const g = body.userGroupNums;
    if (!Array.isArray(g) || !g.every((n) => Number.isSafeInteger(n))) throw new OdHttpError(400, 'userGroupNums must be an array of UserGroupNums, in [1,2,3] format.');
    if (g.length === 0) throw new OdHttpError(400, 'userGroupNums must contain at least one UserGroupNum.');
    if (!g.every((n) => state.data.groups.some((x) => x.UserGroupNum === n))) throw new OdHttpError(404, 'UserGroupNum not found.');
    groups = [...new Set(g as number[])];
  }
  const employee = refNum(body.EmployeeNum, 'EmployeeNum', (n) => state.data.employees.has(n), 'Employee not found.');
  const provider = refNum(body.ProviderNum, 'ProviderNum', (n) => state.data.providers.has(n), 'Provider not found.');
  const clinic = refNum(body.ClinicNum, 'ClinicNum', (n) => state.data.clinics.some((c) => c.ClinicNum === n), 'Clinic not found.');
  const hidden = odBool(body.IsHidden, 'IsHidden');
  const reset = odBool(body.IsPasswordResetRequired, 'IsPasswordResetRequired');

  if (groups) state.setGroups(userNum, groups);
  if (employee !== undefined) user.EmployeeNum = employee;
  if (provider !== undefined) user.ProviderNum = provider;
  if (clinic !== undefined) user.ClinicNum = clinic;
  if (hidden !== undefined) user.IsHidden = hidden;
  if (reset !== undefined) user.IsPasswordResetRequired = reset;
  return { status: 200, body: state.render(user) };
}

/** Body booleans are accepted only as the strings "true"/"false". */
function odBool(v: unknown, name: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new OdHttpError(400, `${name} must be either "true" or "false".`);
}

function refNum(v: unknown, name: string, exists: (n: number) => boolean, notFound: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new OdHttpError(400, `${name} must be a whole number.`);
  if (v !== 0 && !exists(v as number)) throw new OdHttpError(404, notFound);
  return v as number;
}
