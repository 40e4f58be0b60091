import type { ReadCosts } from '../../core/connector';
import { PAGE_SIZE } from './types';

/**
 * Pages the get-by-id scan is assumed to need (Open Dental has no get-by-id: one scan of every
 * page per request, however many ids are asked). 10 pages of 100 = an office of 1,000 users.
 */
const SCAN_PAGES = 10;

/** Open Dental: list pages of 100 (+1 when a cursor starts mid-page); groups and clinics are one catalog call each. */
export const OPENDENTAL_COSTS: ReadCosts = {
  listUsers: (first) => Math.ceil(first / PAGE_SIZE) + 1,
  usersById: (n) => (n > 0 ? SCAN_PAGES : 0),
  userTypesOf: () => 1,
  facilityAccessOf: () => 1,
  catalog: 1,
  health: 1,
  write: 4,
};
