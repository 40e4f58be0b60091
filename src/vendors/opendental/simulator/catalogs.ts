import type { SimRequest, SimResponse } from '../../../sim/types';
import { OdHttpError, boolParam, intParam, paginate } from './errors';
import type { OdState } from './state';

/** GET /usergroups — ordered by UserGroupNum; CEMT groups only with includeCEMT=true. */
export function listUserGroups(state: OdState, req: SimRequest): SimResponse {
  const includeCEMT = boolParam(req, 'includeCEMT') ?? false;
  const rows = state.data.groups.filter((g) => includeCEMT || g.UserGroupNumCEMT === 0).sort((a, b) => a.UserGroupNum - b.UserGroupNum);
  return { status: 200, body: paginate(req, rows) };
}

/**
 * GET /usergroupattaches — optional UserNum and UserGroupNum filters. The doc lists 404: the
 * simulator answers it when a filter names a user or group that does not exist.
 */
export function listUserGroupAttaches(state: OdState, req: SimRequest): SimResponse {
  const userNum = intParam(req, 'UserNum');
  const groupNum = intParam(req, 'UserGroupNum');
  if (userNum !== undefined && !state.user(userNum)) throw new OdHttpError(404, 'Userod not found.');
  if (groupNum !== undefined && !state.data.groups.some((g) => g.UserGroupNum === groupNum)) throw new OdHttpError(404, 'UserGroupNum not found.');
  const rows = state.data.attaches
    .filter((a) => (userNum === undefined || a.UserNum === userNum) && (groupNum === undefined || a.UserGroupNum === groupNum))
    .sort((a, b) => a.UserGroupAttachNum - b.UserGroupAttachNum);
  return { status: 200, body: paginate(req, rows) };
}

/** GET /clinics — non-hidden clinics, ordered by ClinicNum. */
export function listClinics(state: OdState, req: SimRequest): SimResponse {
  const rows = state.data.clinics.filter((c) => c.IsHidden === 'false').sort((a, b) => a.ClinicNum - b.ClinicNum);
  return { status: 200, body: paginate(req, rows) };
}
