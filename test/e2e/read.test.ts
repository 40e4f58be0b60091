import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import { USER_FIELDS, walkAll, type WalkedUser } from '../support/queries';
import { VENDORS } from '../../src/vendors/registry';

const SOURCE_IDS = VENDORS.map((v) => v.vendor);
let stack: Stack;
let everyone: WalkedUser[];

before(async () => {
  stack = await startStack({ users: 60 });
  everyone = (await walkAll(stack, { first: 100 })).users;
});
after(() => stack.close());

describe('sources', () => {
  test('lists every configured source in order, with vendor, capabilities and live health', async () => {
    const res = await stack.gql(`{ sources { id vendor name capabilities { userTypeCatalog facilityCatalog multipleUserTypes multipleFacilities pushdownFilters
      operations { operation supported verbs alternative } } health { status latencyMs errorCode } } }`);
    assert.equal(res.body.errors, undefined);
    const sources = res.body.data!.sources as Array<any>;
    assert.deepEqual(sources.map((s) => s.id), SOURCE_IDS);
    assert.deepEqual(sources.map((s) => s.vendor), SOURCE_IDS.map((v) => v.toUpperCase()));
    for (const s of sources) {
      assert.equal(s.health.status, 'UP', s.id);
      assert.equal(s.health.errorCode, null);
      assert.equal(s.capabilities.operations.length, 9);
      for (const op of s.capabilities.operations) assert.ok(op.supported ? op.verbs : op.alternative, `${s.id} ${op.operation} explains itself`);
    }
  });

  test('health is checked at most once per 5 seconds across requests (a polling dashboard spends no vendor budget)', async () => {
    await stack.gql(`{ sources { health { status } } }`);
    await stack.clearLogs();
    const again = await stack.gql(`{ sources { id health { status checkedAt } } }`);
    assert.ok(again.body.data!.sources.every((s: any) => s.health.status === 'UP'));
    for (const [id, s] of Object.entries(stack.sims)) assert.deepEqual(await s.control.requests(), [], `${id}: no vendor call`);
  });
});

describe('users across sources', () => {
  test('walks every source in configured order with no duplicates or gaps', async () => {
    const ids = everyone.map((u) => u.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    const order = everyone.map((u) => SOURCE_IDS.indexOf(u.source.id));
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'sources in configured order');
    let total = 0;
    for (const source of SOURCE_IDS) {
      const one = (await walkAll(stack, { first: 100, sources: [source] })).users;
      assert.ok(one.length > 0, `${source} has users`);
      assert.deepEqual(one.map((u) => u.id), everyone.filter((u) => u.source.id === source).map((u) => u.id), `${source}: same users, same order`);
      total += one.length;
    }
    assert.equal(everyone.length, total, 'no gaps');
  });

  test('page sizes that straddle vendor pages and sources give the same sequence', async () => {
    for (const first of [7, 33]) {
      const walked = await walkAll(stack, { first });
      assert.deepEqual(walked.users.map((u) => u.id), everyone.map((u) => u.id), `first: ${first}`);
    }
  });

  test('an edge cursor resumes right after its edge', async () => {
    const res = await stack.gql(`{ users(first: 25) { edges { cursor node { id } } } }`);
    const edges = res.body.data!.users.edges as Array<{ cursor: string; node: { id: string } }>;
    const next = await stack.gql(`query($a: String) { users(first: 3, after: $a) { nodes { id } } }`, { a: edges[9]!.cursor });
    assert.deepEqual(next.body.data!.users.nodes.map((n: { id: string }) => n.id), everyone.slice(10, 13).map((u) => u.id));
  });

  test('a cursor from another query is rejected, naming the argument', async () => {
    const first = await stack.gql(`{ users(first: 2) { pageInfo { endCursor } } }`);
    const cursor = first.body.data!.users.pageInfo.endCursor as string;
    const res = await stack.gql(`query($a: String) { users(first: 2, after: $a, filter: { active: true }) { nodes { id } } }`, { a: cursor });
    assert.equal(res.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(res.body.errors?.[0]?.extensions?.field, 'after');
    const garbage = await stack.gql(`{ users(first: 2, after: "not-a-cursor") { nodes { id } } }`);
    assert.equal(garbage.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  test('an unknown source id is NOT_FOUND naming `sources`', async () => {
    const res = await stack.gql(`{ users(first: 2, sources: ["nope"]) { nodes { id } } }`);
    assert.equal(res.body.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    assert.equal(res.body.errors?.[0]?.extensions?.field, 'sources');
  });
});

describe('user(id) and node(id)', () => {
  test('global ids round-trip for every source', async () => {
    for (const source of SOURCE_IDS) {
      const u = everyone.find((x) => x.source.id === source)!;
      const res = await stack.gql(`query($id: ID!) { user(id: $id) { ${USER_FIELDS} } node(id: $id) { __typename id ... on User { nativeId } } }`, { id: u.id });
      assert.equal(res.body.errors, undefined, source);
      assert.deepEqual(res.body.data!.user, u, source);
      assert.deepEqual(res.body.data!.node, { __typename: 'User', id: u.id, nativeId: u.nativeId });
    }
  });

  test('catalog ids round-trip through node(id)', async () => {
    const res = await stack.gql(`{ users(first: 3, sources: ["opendental"]) { nodes { userTypes { id name } facilityAccess { facility { id code } } } } }`);
    const t = res.body.data!.users.nodes[0].userTypes[0];
    const back = await stack.gql(`query($id: ID!) { node(id: $id) { __typename id ... on UserType { name source { id } } } }`, { id: t.id });
    assert.deepEqual(back.body.data!.node, { __typename: 'UserType', id: t.id, name: t.name, source: { id: 'opendental' } });
  });

  test('an unknown user is null; a malformed id is BAD_USER_INPUT', async () => {
    const u = everyone[0]!;
    const missingId = Buffer.from(JSON.stringify(['User', u.source.id, 'no-such-user-zz9'])).toString('base64url');
    const res = await stack.gql(`query($id: ID!) { user(id: $id) { id } }`, { id: missingId });
    assert.equal(res.body.errors, undefined);
    assert.equal(res.body.data!.user, null);
    const bad = await stack.gql(`{ user(id: "garbage!!") { id } }`);
    assert.equal(bad.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(bad.body.data?.user, null);
  });
});

describe('mapping of the docs’ own example records', () => {
  const byNative = (source: string, nativeId: string) => everyone.find((u) => u.source.id === source && u.nativeId === nativeId);

  test('Open Dental: Lynda (provider, clinic 1) and Charlie (hidden employee)', () => {
    const lynda = byNative('opendental', '1');
    assert.ok(lynda, 'Lynda is seeded');
    assert.equal(lynda.username, 'Lynda');
    assert.equal(lynda.displayName, 'Lynda Larson, DMD');
    assert.equal(lynda.email, 'LyndaLarson@email.com');
    assert.equal(lynda.status, 'ACTIVE');
    assert.equal(lynda.identifiers.providerNumber, '9');
    assert.equal(lynda.identifiers.employeeNumber, null);
    assert.equal(lynda.allFacilities, false);
    const charlie = byNative('opendental', '2');
    assert.ok(charlie);
    assert.equal(charlie.displayName, 'Charles Sorenson');
    assert.equal(charlie.status, 'INACTIVE');
    assert.equal(charlie.active, false);
  });

  test('PainChek: User E and User F', () => {
    const e = byNative('painchek', 'c0d06995-87dd-4437-a92e-338f53b7dba5');
    assert.ok(e, 'User E is seeded');
    assert.equal(e.displayName, 'User E');
    assert.equal(e.username, 'user_e@painchek.com');
    assert.equal(e.createdAt, '2017-08-28T12:13:38.364Z');
    assert.equal(e.phone, null, '"" becomes null');
    assert.equal(e.status, 'ACTIVE');
  });

  test('every user maps the unified invariants', () => {
    for (const u of everyone) {
      assert.ok(u.displayName.length > 0, u.id);
      assert.equal(u.active, u.status !== 'INACTIVE', `${u.id}: active agrees with status`);
      assert.ok(!('ssn' in u));
    }
  });
});

describe('catalogs', () => {
  test('userTypes and facilities answer where the vendor has a catalog, UNSUPPORTED_BY_VENDOR where not', async () => {
    const sources = (await stack.gql(`{ sources { id capabilities { userTypeCatalog facilityCatalog } } }`)).body.data!.sources as Array<any>;
    for (const s of sources) {
      const res = await stack.gql(`query($s: ID!) { userTypes(source: $s) { id name source { id } } }`, { s: s.id });
      if (s.capabilities.userTypeCatalog) {
        assert.equal(res.body.errors, undefined, s.id);
        assert.ok(res.body.data!.userTypes.length > 0, s.id);
        assert.ok(res.body.data!.userTypes.every((t: any) => t.source.id === s.id));
      } else {
        assert.equal(res.body.errors?.[0]?.extensions?.code, 'UNSUPPORTED_BY_VENDOR', s.id);
        assert.equal(res.body.errors?.[0]?.extensions?.source, s.id);
      }
      const fac = await stack.gql(`query($s: ID!) { facilities(source: $s) { id code name } }`, { s: s.id });
      if (s.capabilities.facilityCatalog) assert.ok(fac.body.data!.facilities.length > 0, s.id);
      else assert.equal(fac.body.errors?.[0]?.extensions?.code, 'UNSUPPORTED_BY_VENDOR', s.id);
    }
  });
});

describe('filters', () => {
  // The expected result is computed here from the unfiltered walk with the documented semantics,
  // so a filter pushed down to a vendor must give exactly what the gateway-side predicate gives.
  const lower = (s: string | null) => (s ?? '').toLowerCase();
  const cases: Array<{ name: string; filter: (u: WalkedUser) => Record<string, unknown>; pred: (f: Record<string, any>) => (u: WalkedUser) => boolean }> = [
    { name: 'active: false', filter: () => ({ active: false }), pred: () => (u) => !u.active },
    { name: 'active: true', filter: () => ({ active: true }), pred: () => (u) => u.active },
    { name: 'email (case-insensitive)', filter: (u) => ({ email: u.email!.toUpperCase() }), pred: (f) => (u) => lower(u.email) === lower(f.email) },
    { name: 'lastName prefix', filter: (u) => ({ lastName: u.lastName!.slice(0, 2).toLowerCase() }), pred: (f) => (u) => lower(u.lastName).startsWith(lower(f.lastName)) },
    { name: 'firstName prefix with a LIKE wildcard is literal', filter: () => ({ firstName: 'A%' }), pred: () => (u) => lower(u.firstName).startsWith('a%') },
    { name: 'status', filter: () => ({ status: 'INACTIVE' }), pred: () => (u) => u.status === 'INACTIVE' },
  ];
  for (const c of cases) {
    test(`${c.name}: same result as the gateway predicate, on every source`, async () => {
      for (const source of SOURCE_IDS) {
        const mine = everyone.filter((u) => u.source.id === source);
        const sample = mine.find((u) => u.email && u.lastName) ?? mine[0]!;
        if (!sample.email && c.name.startsWith('email')) continue;
        if (!sample.lastName && c.name.startsWith('lastName')) continue;
        const filter = c.filter(sample);
        const expected = mine.filter(c.pred(filter)).map((u) => u.id);
        const actual = (await walkAll(stack, { first: 40, sources: [source], filter })).users.map((u) => u.id);
        assert.deepEqual(actual, expected, `${source} ${JSON.stringify(filter)}`);
      }
    });
  }
  test('externalId filter', async () => {
    const withExt = everyone.filter((u) => u.identifiers.externalId);
    assert.ok(withExt.length > 0, 'some user has an external id');
    const target = withExt[0]!;
    const res = await walkAll(stack, { first: 50, filter: { externalId: target.identifiers.externalId } });
    assert.deepEqual(res.users.map((u) => u.id), withExt.filter((u) => u.identifiers.externalId === target.identifiers.externalId).map((u) => u.id));
  });
});

describe('input validation', () => {
  test('first out of range and a malformed email filter are BAD_USER_INPUT naming the field, with no vendor call', async () => {
    await stack.clearLogs();
    const res = await stack.gql(`{ users(first: 0, filter: { email: "not-an-email" }) { nodes { id } } }`);
    const err = res.body.errors?.[0];
    assert.equal(err?.extensions?.code, 'BAD_USER_INPUT');
    const fields = (err?.extensions?.fields as Array<{ field: string; rules: string[] }>).map((f) => f.field).sort();
    assert.deepEqual(fields, ['filter.email', 'first']);
    assert.ok(!res.text.includes('not-an-email'), 'the rejected value is not echoed');
    for (const s of Object.values(stack.sims)) assert.deepEqual(await s.control.requests(), [], 'no vendor call');
  });
});
