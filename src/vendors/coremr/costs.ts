import type { ReadCosts } from '../../core/connector';

/**
 * CorEMR has no batch endpoint and no paging (see loaders.ts): a list is one GET, and each user's
 * usertypes and facilities are one GET each — the "2 calls per user" of docs/callers-and-limits.md. There is no
 * catalog route, so catalog reads answer UNSUPPORTED_BY_VENDOR without a call.
 */
export const COREMR_COSTS: ReadCosts = {
  listUsers: () => 1,
  usersById: (n) => n,
  userTypesOf: (n) => n,
  facilityAccessOf: (n) => n,
  catalog: 0,
  health: 1,
  // createUser: POST user + one POST per usertype and facility (bounded by the input's list sizes, ~4 in practice).
  write: 6,
};
