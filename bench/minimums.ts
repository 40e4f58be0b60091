/**
 * What each vendor API allows at best for the canonical query
 *   users(sources:[X], first:N) { userTypes { name } facilityAccess { primary facility { code name } } }
 * — the benchmark's yardstick, derived from the vendor docs (not from our code):
 *  - requests: the fewest upstream calls any client could make;
 *  - chain: round trips on the longest dependent chain with unlimited parallelism.
 * Counts are for a warm gateway (tokens already obtained). Catalog sizes come from the simulator.
 */
export interface Minimum {
  requests: number;
  chain: number;
  why: string;
}

export type MinimumFn = (n: number, catalog: { sites: number; sitePages: number }) => Minimum;

export const MINIMUMS: Record<string, MinimumFn> = {
  coremr: (n) => ({ requests: 1 + 2 * n, chain: 2, why: 'list, then types and facilities per user (no batch endpoint)' }),
  opendental: (n) => ({ requests: Math.ceil(n / 100) + 2, chain: Math.ceil(n / 100), why: 'Limit=100 pages; usergroups and clinics in parallel' }),
  painchek: (n, c) => ({ requests: Math.ceil(n / 20) + c.sitePages + c.sites, chain: 2, why: 'page_size≤20 (pages 2+ in parallel after the count), sites, then each site’s access list' }),
  icure: () => ({ requests: 1, chain: 1, why: 'one keyset page (limit up to 1000); roles are on the user; no facilities' }),
  presentationservices: () => ({ requests: 3, chain: 1, why: 'user list, roles and facilities of the organization in parallel' }),
};
