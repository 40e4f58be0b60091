import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import { sample } from '../support/metrics-text';

// The mirror (docs/mirror.md) over Open Dental (a 1 request/s vendor) and CorEMR (2 calls per user):
// refreshes are left to the test (refreshSeconds 3600 after the one at start).
let stack: Stack;
const od = () => stack.sims.opendental!;

async function odUserNums(): Promise<string[]> {
  const res = await stack.gql(`{ users(sources: ["opendental"], first: 100) { nodes { nativeId } } }`);
  return res.body.data!.users.nodes.map((n: { nativeId: string }) => n.nativeId);
}

/** Changes one Open Dental user directly at the vendor (the simulator's own API), not through the gateway. */
async function changeAtVendor(userNum: string, body: Record<string, string>): Promise<void> {
  const auth = od().sim.auth as { developerKey: string; customerKey: string };
  const res = await fetch(`${od().sim.baseUrl}/userods/${userNum}`, {
    method: 'PUT',
    headers: { authorization: `ODFHIR ${auth.developerKey}/${auth.customerKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.text());
}

const CACHED_OD = `query($age: Int) { users(sources: ["opendental"], first: 100, consistency: CACHED, maxAgeSeconds: $age) { totalCount nodes { nativeId active syncedAt userTypes { name } facilityAccess { facility { name } } } } }`;

before(async () => {
  stack = await startStack({ users: 12, http: { minIntervalMs: 200 }, mirror: { opendental: {}, coremr: { share: 0.5 } } });
  await stack.mirror.refresh('opendental');
  await stack.mirror.refresh('coremr');
});
after(() => stack.close());
beforeEach(() => stack.clearLogs());

describe('CACHED reads', () => {
  test('the first copy is a baseline: it puts no CREATED rows in the feed', async () => {
    assert.deepEqual(await stack.store.mirror.changes(0, ['opendental', 'coremr'], 1000), []);
    const res = await stack.gql(`{ sources { id mirror { state users } } }`);
    const od = res.body.data!.sources.find((s: any) => s.id === 'opendental').mirror;
    assert.deepEqual([od.state, od.users > 0], ['READY', true]);
  });

  test('answered from the mirror with no vendor call: users, relations, totalCount, syncedAt; LIVE still asks the vendor', async () => {
    const live = await stack.gql(`{ users(sources: ["opendental"], first: 100) { totalCount nodes { nativeId active syncedAt userTypes { name } facilityAccess { facility { name } } } } }`);
    await stack.clearLogs();
    const cached = await stack.gql(CACHED_OD);
    assert.equal(cached.body.errors, undefined);
    const c = cached.body.data!.users;
    assert.deepEqual(await stack.vendorCalls(), { coremr: 0, opendental: 0, painchek: 0, icure: 0, presentationservices: 0 });
    const strip = (nodes: any[]) => nodes.map(({ syncedAt: _s, ...rest }) => rest);
    assert.deepEqual(strip(c.nodes).sort((a, b) => a.nativeId.localeCompare(b.nativeId)), strip(live.body.data!.users.nodes).sort((a: any, b: any) => a.nativeId.localeCompare(b.nativeId)), 'the same users and relations as a live read');
    assert.equal(c.totalCount, c.nodes.length);
    assert.ok(c.nodes.every((n: any) => typeof n.syncedAt === 'string'));
    assert.equal(live.body.data!.users.totalCount, null);
    assert.ok(live.body.data!.users.nodes.every((n: any) => n.syncedAt === null));
  });

  test('orderBy and paging over the mirror: a total order, pages neither overlap nor skip', async () => {
    const q = `query($after: String) { users(sources: ["opendental", "coremr"], first: 5, after: $after, consistency: CACHED, orderBy: { field: DISPLAY_NAME, direction: DESC }) { totalCount pageInfo { hasNextPage endCursor } nodes { id displayName } } }`;
    const seen: Array<{ id: string; displayName: string }> = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 20; i++) {
      const res: any = await stack.gql(q, { after });
      const u: any = res.body.data!.users;
      total = u.totalCount;
      seen.push(...u.nodes);
      if (!u.pageInfo.hasNextPage) break;
      after = u.pageInfo.endCursor;
    }
    assert.equal(seen.length, total);
    assert.equal(new Set(seen.map((s) => s.id)).size, total);
    const names = seen.map((s) => s.displayName.toLocaleLowerCase('en'));
    assert.deepEqual(names, [...names].sort().reverse());
    assert.deepEqual(Object.values(await stack.vendorCalls()), [0, 0, 0, 0, 0]);
  });

  test('orderBy without CACHED, or over a source with no mirror, is BAD_USER_INPUT on orderBy and calls nobody', async () => {
    for (const q of [
      `{ users(sources: ["opendental"], orderBy: { field: EMAIL }) { nodes { id } } }`,
      `{ users(sources: ["opendental", "icure"], consistency: CACHED, orderBy: { field: EMAIL }) { nodes { id } } }`,
    ]) {
      const res = await stack.gql(q);
      assert.equal(res.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.equal(res.body.errors?.[0]?.extensions?.field, 'orderBy');
    }
    assert.deepEqual(Object.values(await stack.vendorCalls()), [0, 0, 0, 0, 0]);
  });

  test('CACHED over a source without a mirror, or past maxAgeSeconds, is read live (totalCount null)', async () => {
    const res = await stack.gql(`{ users(sources: ["icure"], first: 3, consistency: CACHED) { totalCount nodes { id } } }`);
    assert.equal(res.body.data!.users.totalCount, null);
    assert.equal((await stack.vendorCalls()).icure, 1);
    await new Promise((r) => setTimeout(r, 1100));
    await stack.clearLogs();
    const stale = await stack.gql(CACHED_OD, { age: 1 });
    assert.equal(stale.body.data!.users.totalCount, null, 'older than 1 s: live');
    assert.ok((await stack.vendorCalls()).opendental >= 1);
  });
});

describe('keeping the copy current', () => {
  test('a write through the gateway is visible in CACHED at once, and is one change in the feed', async () => {
    const [num] = await odUserNums();
    const id = (await stack.gql(`{ users(sources: ["opendental"], first: 1) { nodes { id } } }`)).body.data!.users.nodes[0].id;
    const res = await stack.gql(`mutation($id: ID!) { setUserActive(id: $id, active: false) { userErrors { code } user { active } } }`, { id });
    assert.deepEqual(res.body.data!.setUserActive.userErrors, []);
    await stack.clearLogs();
    const cached = await stack.gql(CACHED_OD);
    const node = cached.body.data!.users.nodes.find((n: any) => n.nativeId === num);
    assert.equal(node.active, false);
    assert.equal((await stack.vendorCalls()).opendental, 0);
    const feed = await stack.store.mirror.changes(0, ['opendental'], 100);
    const mine = feed.filter((c) => c.nativeId === num && c.origin === 'write');
    assert.deepEqual(mine.map((c) => c.kind), ['DEACTIVATED']);
  });

  test('a change made at the vendor shows up after the next refresh, as an event with the changed field names', async () => {
    const nums = await odUserNums();
    const target = nums[nums.length - 1]!;
    await changeAtVendor(target, { IsHidden: 'true' });
    const before = await stack.gql(CACHED_OD);
    assert.equal(before.body.data!.users.nodes.find((n: any) => n.nativeId === target).active, true, 'still the old copy before the refresh');
    const seqBefore = (await stack.store.mirror.changes(0, ['opendental'], 1000)).at(-1)?.seq ?? 0;
    await stack.mirror.refresh('opendental');
    const events = await stack.store.mirror.changes(seqBefore, ['opendental'], 100);
    assert.deepEqual(events.map((e) => [e.nativeId, e.kind, e.origin]), [[target, 'DEACTIVATED', 'refresh']]);
    assert.deepEqual(events[0]!.changedFields, ['status', 'active'], 'names, never values');
    const after = await stack.gql(CACHED_OD);
    assert.equal(after.body.data!.users.nodes.find((n: any) => n.nativeId === target).active, false);
  });

  test('a refresh stays within the vendor budget: Open Dental calls at least minIntervalMs apart', async () => {
    await stack.mirror.refresh('opendental');
    const log = await od().control.requests();
    assert.ok(log.length >= 3, `${log.length} calls`);
    const starts = log.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 190, `gap ${starts[i]! - starts[i - 1]!} ms`);
  });

  test('a failed refresh keeps the last good copy and says so in Source.mirror.lastError and the metrics', async () => {
    const scrape = async () => (await fetch(new URL('/metrics', stack.url))).text();
    const counted = (text: string, outcome: string) => sample(text, 'staffgraph_mirror_refreshes_total', { source: 'opendental', outcome }) ?? 0;
    const before = await scrape();
    await od().control.fault({ kind: 'status', status: 503, path: '^/api/v1/userods' });
    await stack.mirror.refresh('opendental');
    const res = await stack.gql(`{ sources { id mirror { enabled state lastError users lastSyncAt } } }`);
    const m = res.body.data!.sources.find((s: any) => s.id === 'opendental').mirror;
    assert.equal(m.enabled, true);
    assert.equal(m.state, 'READY');
    assert.equal(m.lastError, 'SOURCE_UNAVAILABLE');
    assert.ok(m.users > 0);
    const cached = await stack.gql(CACHED_OD);
    assert.equal(cached.body.data!.users.totalCount, m.users, 'still served from the last good copy');
    const after = await scrape();
    assert.equal(counted(after, 'failed'), counted(before, 'failed') + 1);
    assert.equal(counted(after, 'ok'), counted(before, 'ok'));
    assert.ok(counted(after, 'ok') >= 1, 'the refreshes before it were counted ok');
    assert.equal(sample(after, 'staffgraph_mirror_users', { source: 'opendental' }), m.users);
    const age = sample(after, 'staffgraph_mirror_age_seconds', { source: 'opendental' })!;
    assert.ok(age >= 0 && age <= (Date.now() - Date.parse(m.lastSyncAt)) / 1000 + 1, `age ${age}`);
    assert.equal(sample(after, 'staffgraph_mirror_users', { source: 'icure' }), undefined, 'no series for a source without a mirror');
    await od().control.clearFaults();
    const icure = res.body.data!.sources.find((s: any) => s.id === 'icure').mirror;
    assert.deepEqual(icure, { enabled: false, state: 'DISABLED', lastError: null, users: null, lastSyncAt: null });
  });

  test('the copy survives a restart: CACHED answers before any refresh', async () => {
    await od().control.fault({ kind: 'status', status: 503, path: '^/api/v1/' });
    await stack.restartGateway();
    const cached = await stack.gql(CACHED_OD);
    assert.ok(cached.body.data!.users.totalCount > 0);
    await od().control.clearFaults();
  });
});

describe('userChanges', () => {
  test('resumes from endCursor with nothing lost or repeated; a bad since is BAD_USER_INPUT on since', async () => {
    const all = await stack.store.mirror.changes(0, ['opendental', 'coremr'], 10_000);
    assert.ok(all.length >= 2, `${all.length} changes so far`);
    const q = `query($since: String) { userChanges(since: $since, sources: ["opendental", "coremr"], first: 2) { hasMore endCursor nodes { kind userId origin changedFields source { id } user { id active } } } }`;
    const seen: any[] = [];
    let since: string | null = null;
    for (let i = 0; i < 1000; i++) {
      const res: any = await stack.gql(q, { since });
      assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
      const page: any = res.body.data.userChanges;
      seen.push(...page.nodes);
      since = page.endCursor;
      if (!page.hasMore) break;
    }
    assert.equal(seen.length, all.length);
    assert.deepEqual(seen.map((n) => n.kind), all.map((c) => c.kind));
    // Nothing new: the same cursor comes back with no nodes; a later change appears after it.
    const again: any = await stack.gql(q, { since });
    assert.deepEqual([again.body.data.userChanges.nodes.length, again.body.data.userChanges.endCursor], [0, since]);
    const bad = await stack.gql(q, { since: 'not-a-cursor' });
    assert.equal(bad.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(bad.body.errors?.[0]?.extensions?.field, 'since');
  });
});
