import type { ReadCosts } from '../../core/connector';

/** PresentationServices: GET /users is read once per request; roles and facilities are one catalog call each. */
export const PS_COSTS: ReadCosts = {
  listUsers: () => 1,
  usersById: (n) => n,
  userTypesOf: () => 1,
  facilityAccessOf: () => 1,
  catalog: 1,
  health: 1,
  // GET + POST (mandatory fields re-sent).
  write: 3,
};
