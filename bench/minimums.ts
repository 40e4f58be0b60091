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

/** Catalog facts the minimum depends on, read from the simulator by the bench (PainChek's sites). */
export interface CatalogFacts {
  sites: number;
  sitePages: number;
  /** Pages of 20 needed to read every site's access records, summed over sites. */
  siteAccessPages: number;
  /** The largest number of access pages of one site (pages 2+ wait for page 1's count). */
  maxSiteAccessPages: number;
}

export type MinimumFn = (n: number, catalog: CatalogFacts) => Minimum;

export const MINIMUMS: Record<string, MinimumFn> = {
  coremr: (n) => ({ requests: 1 + 2 * n, chain: 2, why: 'list, then types and facilities per user (no batch endpoint)' }),
  opendental: (n) => ({ requests: Math.ceil(n / 100) + 2, chain: Math.ceil(n / 100), why: 'Limit=100 pages; usergroups and clinics in parallel' }),
  painchek: (n, c) => ({
    requests: Math.ceil(n / 20) + c.sitePages + c.siteAccessPages,
    chain: Math.max(2, 2 + (c.maxSiteAccessPages > 1 ? 1 : 0)),
    why: 'page_size≤20 (pages 2+ in parallel after the count), sites, then every page of each site’s access list',
  }),
  icure: () => ({ requests: 1, chain: 1, why: 'one keyset page (limit up to 1000); roles are on the user; no facilities' }),
  presentationservices: () => ({ requests: 3, chain: 1, why: 'user list, roles and facilities of the organization in parallel' }),
};
