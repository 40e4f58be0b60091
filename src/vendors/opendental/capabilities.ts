import type { Capabilities } from '../../core/connector';

/** What Open Dental can do, for the capability matrix and the core's checks (docs/architecture.md §4). */
export const CAPABILITIES: Capabilities = {
  userTypeCatalog: true,
  facilityCatalog: true,
  multipleUserTypes: true,
  // ClinicNum is one default clinic; the UI's per-user clinic restrictions are not in the API.
  multipleFacilities: false,
  // Only `active=true` maps to the API (leave includeHidden off); everything else is filtered in the gateway.
  pushdownFilters: ['active'],
  personFields: [], // names, e-mail and phone cannot be written through the Open Dental API
  writes: {
    createUser: {
      supported: true,
      verbs: 'POST /userods (UserName, first UserGroupNum, Password), then PUT /userods/{UserNum} (userGroupNums, ClinicNum, IsHidden, EmployeeNum) only when needed',
    },
    updateUser: { supported: true, verbs: 'PUT /userods/{UserNum} (partial: IsHidden from active, EmployeeNum from employeeNumber)' },
    setUserActive: { supported: true, verbs: 'PUT /userods/{UserNum} {IsHidden}' },
    deleteUser: { supported: false, alternative: 'Open Dental users cannot be deleted; deactivate with setUserActive(active: false)' },
    assignUserType: { supported: true, verbs: 'GET /userods?includeHidden=true (list scan for the current groups), then PUT /userods/{UserNum} {userGroupNums}' },
    removeUserType: { supported: true, verbs: 'GET /userods?includeHidden=true (list scan for the current groups), then PUT /userods/{UserNum} {userGroupNums}' },
    grantFacilityAccess: {
      supported: true,
      verbs: "PUT /userods/{UserNum} {ClinicNum}: sets the user's one default clinic (always primary), replacing the previous one",
    },
    updateFacilityAccess: {
      supported: false,
      alternative: 'An Open Dental user has one clinic, always primary; use grantFacilityAccess to change it',
    },
    revokeFacilityAccess: {
      supported: false,
      alternative: 'setting ClinicNum 0 would widen access to all clinics; grant another clinic instead',
    },
  },
};
