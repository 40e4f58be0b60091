import type { CatalogFacts } from './minimums';

/**
 * Reads, straight from a PainChek simulator (with the credentials of its source config), the
 * catalog facts its API minimum depends on: how many sites, and how many pages of 20 each site's
 * access list takes. Used by the bench and by the request-count tests.
 */
export async function painchekFacts(source: { baseUrl: string; auth?: Record<string, string> } | undefined): Promise<CatalogFacts> {
  const facts: CatalogFacts = { sites: 0, sitePages: 0, siteAccessPages: 0, maxSiteAccessPages: 0 };
  if (!source?.auth) return facts;
  const tok = await fetch(`${source.baseUrl}/api/integration/auth/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: source.auth.clientId!, client_secret: source.auth.clientSecret! }),
  });
  const headers = { authorization: `Bearer ${((await tok.json()) as { access_token: string }).access_token}` };
  const get = async (path: string) => (await (await fetch(`${source.baseUrl}${path}`, { headers })).json()) as { count: number; results: Array<{ uuid: string }>; next: string | null };
  const sites: string[] = [];
  for (let page = 1; ; page++) {
    const body = await get(`/api/sites/?page=${page}&page_size=20`);
    facts.sitePages++;
    sites.push(...body.results.map((r) => r.uuid));
    if (!body.next) break;
  }
  facts.sites = sites.length;
  for (const site of sites) {
    const pages = Math.max(1, Math.ceil((await get(`/api/sites/${site}/users/?page_size=20`)).count / 20));
    facts.siteAccessPages += pages;
    facts.maxSiteAccessPages = Math.max(facts.maxSiteAccessPages, pages);
  }
  return facts;
}
