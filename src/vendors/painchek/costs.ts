import type { ReadCosts } from '../../core/connector';
import { PAGE_SIZE } from './client';

/**
 * Sites a PainChek account is assumed to hold for the estimate: facilityAccess reads the sites
 * catalog and every page of each site's access list (PainChek has no "sites of a user" route).
 */
const SITES = 5;

/** PainChek: pages of 20; the role is on the user; facility access costs the site lists. */
export const PAINCHEK_COSTS: ReadCosts = {
  listUsers: (first) => Math.ceil(first / PAGE_SIZE),
  usersById: (n) => n,
  userTypesOf: () => 0,
  facilityAccessOf: (n) => 1 + SITES + Math.ceil(n / PAGE_SIZE),
  catalog: 1,
  health: 1,
  write: 4,
};
