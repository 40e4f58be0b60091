import { findVendor } from '../../src/vendors/registry';
import { HTTP_DEFAULTS } from '../../src/http/vendor-http';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import type { LoggedRequest } from '../../src/sim/types';
import { painchekFacts } from '../../bench/catalog-facts';
import { MINIMUMS } from '../../bench/minimums';

/**
 * The batching claim, as numbers: the canonical query per source makes exactly the vendor requests
 * the API allows at best (bench/minimums.ts), none twice, catalogs in parallel with the first list
 * page, and CorEMR's per-user calls in parallel under the per-source cap (8). Counts come from the
 * simulators' request logs; parallelism from what was in flight, never from timing.
 */
const CANONICAL = (source: string) =>
  `{ users(sources: ["${source}"], first: 100) { edges { node { id userTypes { name } facilityAccess { primary facility { code name } } } } } }`;

let stack: Stack;
before(async () => {
  stack = await startStack({ users: 150 });
  // A little latency so that calls made in parallel really overlap in the simulator.
  for (const s of Object.values(stack.sims)) await s.control.setLatency(15);
});
after(() => stack.close());

async function run(source: string): Promise<LoggedRequest[]> {
  const control = stack.sims[source]!.control;
  await stack.gql(CANONICAL(source)); // warm: tokens and logins are once per connector, not per query
  await control.clearRequests();
  const res = await stack.gql(CANONICAL(source));
  assert.equal(res.body.errors, undefined);
  assert.equal(res.body.data!.users.edges.length, 100);
  const log = await control.requests();
  const keys = log.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`);
  assert.equal(new Set(keys).size, keys.length, `${source}: no request made twice`);
  assert.ok(log.every((r) => r.method === 'GET'), `${source}: reads only`);
  return log;
}

const sentBeforeAnswered = (later: LoggedRequest, earlier: LoggedRequest) => earlier.doneSeq !== null && later.doneBefore < earlier.doneSeq;

describe('upstream requests of users(sources:[X], first:100) { userTypes facilityAccess }', () => {
  test('coremr: 1 list + 100 types + 100 facilities, in parallel, never more than the adaptive ceiling at once', async () => {
    const log = await run('coremr');
    assert.equal(log.length, MINIMUMS.coremr!(100, ZERO).requests);
    assert.equal(log.filter((r) => r.path === '/ws/users/').length, 1);
    assert.equal(log.filter((r) => /\/types\/$/.test(r.path)).length, 100);
    assert.equal(log.filter((r) => /\/facilities\/$/.test(r.path)).length, 100);
    const peak = Math.max(...log.map((r) => r.inFlight));
    assert.ok(peak >= 4, `per-user calls overlap (peak ${peak})`);
    assert.ok(peak <= HTTP_DEFAULTS.maxConcurrencyCeiling, `the per-source ceiling holds (peak ${peak})`);
  });

  test('opendental: one Limit=100 page + usergroups + clinics, the catalogs sent before the page was answered', async () => {
    const log = await run('opendental');
    assert.equal(log.length, MINIMUMS.opendental!(100, ZERO).requests);
    const list = log.find((r) => r.path.endsWith('/userods'))!;
    for (const cat of log.filter((r) => r !== list)) assert.ok(sentBeforeAnswered(cat, list), `${cat.path} in parallel with the list page`);
  });

  test('painchek: 5 user pages + the sites + every page of each site’s access list; sites in parallel with page 1', async () => {
    const facts = await painchekFacts(stack.sims.painchek!.sim as unknown as { baseUrl: string; auth: Record<string, string> });
    const log = await run('painchek');
    assert.equal(log.length, MINIMUMS.painchek!(100, facts).requests, JSON.stringify(facts));
    assert.equal(log.filter((r) => r.path === '/api/account/users/').length, 5);
    const page1 = log.find((r) => r.path === '/api/account/users/' && (r.query.page ?? '1') === '1')!;
    const sites = log.find((r) => r.path === '/api/sites/')!;
    assert.ok(sentBeforeAnswered(sites, page1) || sentBeforeAnswered(page1, sites), 'sites catalog and first page overlap');
    const later = log.filter((r) => r.path === '/api/account/users/' && r !== page1);
    assert.ok(later.every((p) => later.every((q) => p === q || sentBeforeAnswered(p, q) || sentBeforeAnswered(q, p))), 'pages 2–5 in parallel');
  });

  test('icure: one keyset page; roles are on the user and there are no facilities', async () => {
    const log = await run('icure');
    assert.equal(log.length, MINIMUMS.icure!(100, ZERO).requests);
  });

  test('presentationservices: the user list + roles + facilities of the organization, in parallel', async () => {
    const log = await run('presentationservices');
    assert.equal(log.length, MINIMUMS.presentationservices!(100, ZERO).requests);
    const list = log.find((r) => r.path.endsWith('/users'))!;
    for (const cat of log.filter((r) => r !== list)) assert.ok(sentBeforeAnswered(cat, list), `${cat.path} in parallel with the list`);
  });

  test('a second identical query in the same request costs nothing more (per-request loaders)', async () => {
    await stack.sims.coremr!.control.clearRequests();
    const q = `{ a: users(sources: ["coremr"], first: 20) { nodes { userTypes { name } } } b: users(sources: ["coremr"], first: 20) { nodes { userTypes { name } } } }`;
    await stack.gql(q);
    assert.equal((await stack.sims.coremr!.control.requests()).length, 21);
  });
});

const ZERO = { sites: 0, sitePages: 0, siteAccessPages: 0, maxSiteAccessPages: 0 };

describe('adaptive concurrency', () => {
  test('grows past where it starts while the vendor keeps up, never past its ceiling', async () => {
    const small = await startStack({ vendors: [findVendor('coremr')!], users: 100, latencyMs: 5, http: { maxConcurrency: 2, maxConcurrencyCeiling: 6 } });
    try {
      for (let i = 0; i < 3; i++) {
        await small.clearLogs();
        const res = await small.gql(`{ users(sources: ["coremr"], first: 100) { nodes { userTypes { name } facilityAccess { primary } } } }`);
        assert.equal(res.body.errors, undefined);
        const log = await small.sims.coremr!.control.requests();
        assert.equal(log.length, 201);
        const peak = Math.max(...log.map((r) => r.inFlight));
        assert.ok(peak <= 6, `never past the ceiling (peak ${peak})`);
        if (i === 2) assert.ok(peak > 2, `grew from where it started (peak ${peak})`);
      }
    } finally {
      await small.close();
    }
  });
});

describe('per-user calls start as soon as their users are on the page', () => {
  test('CorEMR types and facilities are sent while a later source’s list is still out, and no call is added', async () => {
    const own = await startStack({ vendors: [findVendor('coremr')!, findVendor('painchek')!], users: 20 });
    try {
      const QUERY = `{ users(sources: ["coremr", "painchek"], first: 40) { nodes { id userTypes { name } facilityAccess { primary } } } }`;
      await own.gql(QUERY); // warm: PainChek signs in once
      const LIST_MS = 400;
      await own.sims.painchek!.control.fault({ kind: 'latency', latencyMs: LIST_MS, method: 'GET', path: '^/api/account/users/$' });
      await own.clearLogs();
      const res = await own.gql(QUERY);
      assert.equal(res.body.errors, undefined, res.text);
      assert.equal(res.body.data!.users.nodes.length, 40);
      const coremr = await own.sims.coremr!.control.requests();
      const list = matchingRequests(await own.sims.painchek!.control.requests(), /^\/api\/account\/users\/$/);
      assert.equal(coremr.length, 1 + 2 * 20, 'exactly the list and two calls per user: nothing extra');
      assert.ok(list.length >= 1);
      const listSent = Date.parse(list[0]!.at);
      const lastPerUser = Math.max(...coremr.filter((r) => /\/(types|facilities)\/$/.test(r.path)).map((r) => Date.parse(r.at)));
      // Started when graphql reached the field, they would all come after PainChek's list answered.
      assert.ok(lastPerUser - listSent < LIST_MS - 100, `last CorEMR per-user call ${lastPerUser - listSent} ms after PainChek's list was sent (its answer took ${LIST_MS} ms)`);
    } finally {
      await own.close();
    }
  });

  test('a relation under @skip is not started', async () => {
    const own = await startStack({ vendors: [findVendor('coremr')!], users: 10 });
    try {
      await own.clearLogs();
      const res = await own.gql(`query($s: Boolean!) { users(sources: ["coremr"], first: 10) { nodes { id userTypes @skip(if: $s) { name } } } }`, { s: true });
      assert.equal(res.body.errors, undefined, res.text);
      assert.equal((await own.sims.coremr!.control.requests()).length, 1, 'the list only');
    } finally {
      await own.close();
    }
  });
});

function matchingRequests(log: LoggedRequest[], path: RegExp): LoggedRequest[] {
  return log.filter((r) => r.method === 'GET' && path.test(r.path));
}
