import type { ReadCosts } from '../../core/connector';

/** iCure: one keyset page holds up to 1,000 rows (a little over `first`, see loaders.ts); roles are on the user; no facilities. */
export const ICURE_COSTS: ReadCosts = {
  listUsers: (first) => Math.ceil(first / 900),
  usersById: (n) => n,
  userTypesOf: () => 0,
  facilityAccessOf: () => 0,
  catalog: 1,
  health: 1,
  // GET (for the rev) + PUT.
  write: 2,
};
