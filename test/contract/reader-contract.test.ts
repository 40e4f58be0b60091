import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Connector, SourceReader, StartedSimulator, VendorModule } from '../../src/core/connector';
import { backgroundContext, type RequestContext } from '../../src/core/context';
import { SourceError } from '../../src/core/errors';
import { silentLogger } from '../../src/core/logger';
import type { UserRecord } from '../../src/core/model';
import { SimControl } from '../../src/sim/control';
import { VENDORS } from '../../src/vendors/registry';

/**
 * The SourceReader contract (src/core/connector.ts), checked against every vendor's simulator the
 * same way (STYLE rule 8, contract tier). The checks name no vendor: they iterate the registry, so a
 * sixth vendor gets them by adding its line there. A vendor that breaks a check is listed in
 * KNOWN_GAPS below (the check then runs as a todo) until its owner fixes it.
 */
const USERS = 30;
const PAGE = 7;

/** vendor → check name → why it is a todo. The checks themselves never branch on the vendor. */
const KNOWN_GAPS: Record<string, Record<string, string>> = {};

function opts(vendor: string, check: string): { todo?: string } {
  const why = KNOWN_GAPS[vendor]?.[check];
  return why ? { todo: why } : {};
}

/** A context like a GraphQL request's: a 10 s deadline and a vendor call count. */
function requestContext(): RequestContext {
  return { ...backgroundContext(10_000), requestId: 'contract', vendorCalls: new Map() };
}

/** An id shaped like the vendor's own ids (digits, UUID, or a name) that names no seeded user. */
function absentIdLike(ids: string[]): string {
  const sample = ids[0]!;
  let candidate: string;
  if (/^\d+$/.test(sample)) candidate = String(Math.max(...ids.map(Number)) + 100_000);
  else if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(sample)) candidate = '0badc0de-0000-4000-8000-00000000dead';
  else candidate = `${sample.replace(/[^A-Za-z0-9]/g, '').slice(0, 12)}zz9`;
  assert.ok(!ids.includes(candidate));
  return candidate;
}

/** A record without `refs` (the reader's private keys for later loads, never exposed). */
function visible(u: UserRecord): Omit<UserRecord, 'refs'> {
  const { refs: _refs, ...rest } = u;
  return rest;
}

async function unsupported(promise: Promise<unknown>, sourceId: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof SourceError, `a SourceError, got ${String(err)}`);
    assert.equal(err.code, 'UNSUPPORTED_BY_VENDOR');
    assert.equal(err.sourceId, sourceId);
    return true;
  });
}

for (const vendor of VENDORS) {
  describe(`SourceReader contract: ${vendor.vendor}`, () => {
    const sourceId = `contract-${vendor.vendor}`;
    let sim: StartedSimulator;
    let control: SimControl;
    let connector: Connector;
    let reader: () => SourceReader;
    /** Every user, from one page big enough to hold them all. */
    let all: UserRecord[];

    before(async () => {
      sim = await vendor.startSimulator({ port: 0, users: USERS, seed: 1 });
      control = new SimControl(sim.origin);
      connector = connect(vendor, sim, sourceId);
      reader = () => connector.reader(requestContext());
      const page = await reader().listUsers({ filter: {}, after: null, first: 1000, include: { userTypes: false, facilityAccess: false } });
      all = page.users;
      assert.equal(page.next, null, 'one page of 1000 holds every user');
    });
    after(async () => {
      await connector?.close();
      await sim?.close();
    });

    const list = (r: SourceReader, first: number, afterPos: string | null) => r.listUsers({ filter: {}, after: afterPos, first, include: { userTypes: false, facilityAccess: false } });

    test('the users are there, each of this source, with a unique nativeId', opts(vendor.vendor, 'users'), () => {
      assert.ok(all.length >= USERS / 2, `${all.length} users listed of ${USERS} seeded`);
      assert.equal(new Set(all.map((u) => u.nativeId)).size, all.length, 'no nativeId twice');
      for (const u of all) assert.equal(u.sourceId, sourceId);
    });

    test(`walking with after (pages of ${PAGE}) covers every user exactly once`, opts(vendor.vendor, 'walk'), async () => {
      const r = reader();
      const seen: string[] = [];
      let afterPos: string | null = null;
      for (let pages = 0; ; pages++) {
        assert.ok(pages < 100, 'the walk ends');
        const page = await list(r, PAGE, afterPos);
        assert.ok(page.users.length <= PAGE, `a page holds at most first (${page.users.length})`);
        seen.push(...page.users.map((u) => u.nativeId));
        if (page.next === null) break;
        assert.ok(page.users.length > 0, 'a page before the end is not empty');
        assert.notEqual(page.next, afterPos, 'the position moves');
        afterPos = page.next;
      }
      assert.equal(new Set(seen).size, seen.length, 'no duplicates');
      assert.deepEqual([...seen].sort(), all.map((u) => u.nativeId).sort(), 'no gaps: the same users as one big page');
    });

    test('first is respected', opts(vendor.vendor, 'first'), async () => {
      for (const first of [1, 3, PAGE]) {
        const page = await list(reader(), first, null);
        assert.equal(page.users.length, first, `first: ${first}`);
        assert.notEqual(page.next, null, 'more users follow');
      }
    });

    test('user(nativeId) of each listed user is the listed record; an absent id is null', opts(vendor.vendor, 'user'), async () => {
      // A fresh reader per lookup: a reader that listed the users may answer from what it primed.
      for (const listed of all) {
        const got = await reader().user(listed.nativeId);
        assert.ok(got, `user(${listed.nativeId}) found`);
        assert.deepEqual(visible(got), visible(listed), `user(${listed.nativeId}) equals the listed record`);
      }
      // Shaped like a real id, so the reader does ask the vendor (and reads its "no such user").
      await control.clearRequests();
      assert.equal(await reader().user(absentIdLike(all.map((u) => u.nativeId))), null);
      assert.ok((await control.requests()).length >= 1, 'the absent id was looked up at the vendor');
    });

    test('userTypesOf / facilityAccessOf are arrays; with a catalog, every entry is in it; without, the catalog call is UNSUPPORTED_BY_VENDOR', opts(vendor.vendor, 'relations'), async () => {
      const r = reader();
      const sample = all.slice(0, 10);
      const types = await Promise.all(sample.map((u) => r.userTypesOf(u)));
      const access = await Promise.all(sample.map((u) => r.facilityAccessOf(u)));
      for (const t of types) assert.ok(Array.isArray(t));
      for (const a of access) assert.ok(Array.isArray(a));
      for (const t of types.flat()) assert.equal(t.sourceId, sourceId);
      for (const a of access.flat()) assert.equal(a.facility.sourceId, sourceId);
      assert.ok(types.flat().length > 0, 'some seeded user has a user type');

      if (connector.capabilities.userTypeCatalog) {
        const catalog = new Set((await reader().userTypes()).map((t) => t.nativeId));
        assert.ok(catalog.size > 0);
        for (const t of types.flat()) assert.ok(catalog.has(t.nativeId), `user type ${t.nativeId} is in the catalog`);
        const first = [...catalog][0]!;
        assert.equal((await reader().userType(first))?.nativeId, first);
      } else {
        await unsupported(reader().userTypes(), sourceId);
      }
      if (connector.capabilities.facilityCatalog) {
        const catalog = new Set((await reader().facilities()).map((f) => f.nativeId));
        assert.ok(catalog.size > 0);
        for (const a of access.flat()) assert.ok(catalog.has(a.facility.nativeId), `facility ${a.facility.nativeId} is in the catalog`);
        const first = [...catalog][0]!;
        assert.equal((await reader().facility(first))?.nativeId, first);
      } else {
        await unsupported(reader().facilities(), sourceId);
      }
    });

    test('health() is UP', opts(vendor.vendor, 'health'), async () => {
      const h = await connector.health(requestContext());
      assert.equal(h.status, 'UP');
      assert.equal(h.errorCode, null);
    });

    test('listUsers(first: N) makes at most costs.listUsers(N) vendor calls', opts(vendor.vendor, 'costs'), async () => {
      await connector.health(requestContext()); // signed in: a login is not a list call
      for (const first of [1, PAGE, USERS, 100]) {
        await control.clearRequests();
        const ctx = requestContext();
        await connector.reader(ctx).listUsers({ filter: {}, after: null, first, include: { userTypes: false, facilityAccess: false } });
        const calls = (await control.requests()).length;
        assert.ok(calls >= 1, `first ${first}: the vendor was asked`);
        assert.ok(calls <= connector.costs.listUsers(first), `first ${first}: ${calls} calls, declared at most ${connector.costs.listUsers(first)}`);
        assert.equal(ctx.vendorCalls!.get(sourceId), calls, 'the request counted the same calls the simulator saw');
      }
    });
  });
}

/** A connector built the way the gateway builds one: the vendor validates its config block, then creates it. */
function connect(vendor: VendorModule, sim: StartedSimulator, sourceId: string): Connector {
  const parsed = vendor.parseSourceConfig({ auth: sim.auth, options: sim.options }, process.cwd());
  if (!parsed.ok) throw new Error(`the simulator's own config is refused: ${parsed.problems.join('; ')}`);
  return vendor.createConnector({ id: sourceId, vendor: vendor.vendor, name: sourceId, baseUrl: sim.baseUrl, auth: parsed.auth, http: sim.http, options: parsed.options }, { logger: silentLogger });
}
