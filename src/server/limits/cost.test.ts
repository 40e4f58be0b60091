import 'reflect-metadata';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getOperationAST, getVariableValues, parse, validate, type GraphQLSchema } from 'graphql';
import { buildGatewaySchema } from '../../schema/build';
import { VENDORS } from '../../vendors/registry';
import { encodeId } from '../../core/ids';
import type { ReadCosts } from '../../core/connector';
import { COREMR_COSTS } from '../../vendors/coremr/costs';
import { OPENDENTAL_COSTS } from '../../vendors/opendental/costs';
import { PAINCHEK_COSTS } from '../../vendors/painchek/costs';
import { ICURE_COSTS } from '../../vendors/icure/costs';
import { PS_COSTS } from '../../vendors/presentationservices/costs';
import { DEFAULT_FIRST, operationCost, type CostModel, type OperationCost } from './cost';

/**
 * operationCost (docs/callers-and-limits.md: maxCost counts the vendor calls a query can cause) over the five
 * real vendors' declared costs. Every query is first validated against the real schema, and its
 * variables are coerced with graphql's getVariableValues, as limits-plugin.ts does, so these are
 * queries a client could actually send. Expected numbers are derived from the declared costs:
 *   coremr   list 1, byId n, userTypes n, facilityAccess n, catalog 0, health 1, write 6
 *   opendental list ceil(first/100)+1, byId 10 (one scan) for any n ≥ 1, userTypes 1, facilityAccess 1, catalog 1, write 4
 *   painchek list ceil(first/20), byId n, userTypes 0, facilityAccess 6 + ceil(n/20), catalog 1, write 4
 *   icure    list ceil(first/900), byId n, relations 0, catalog 1, write 2
 *   ps       list 1, byId n, userTypes 1, facilityAccess 1, catalog 1, write 3
 */
const ALL = ['coremr', 'opendental', 'painchek', 'icure', 'presentationservices'] as const;
const COSTS: Record<string, ReadCosts> = {
  coremr: COREMR_COSTS,
  opendental: OPENDENTAL_COSTS,
  painchek: PAINCHEK_COSTS,
  icure: ICURE_COSTS,
  presentationservices: PS_COSTS,
};

function model(visibleSources: readonly string[] = ALL): CostModel {
  // Like limits-plugin.ts: only visible connectors have costs.
  return { visibleSources, costsOf: (id) => (visibleSources.includes(id) ? COSTS[id] : undefined) };
}

/** A model whose costsOf answers every source, so visibility is decided by visibleSources alone. */
function leakyModel(visibleSources: readonly string[]): CostModel {
  return { visibleSources, costsOf: (id) => COSTS[id] };
}

let schema: GraphQLSchema;
before(async () => {
  schema = await buildGatewaySchema(VENDORS.map((v) => v.vendor));
});

function price(query: string, opts: { variables?: Record<string, unknown>; model?: CostModel } = {}): OperationCost {
  const doc = parse(query);
  assert.deepEqual(
    validate(schema, doc).map((e) => e.message),
    [],
    'the test query must be valid against the real schema',
  );
  const op = getOperationAST(doc);
  assert.ok(op);
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], opts.variables ?? {});
  assert.ok(!coerced.errors, coerced.errors?.map((e) => e.message).join('; '));
  return operationCost(doc, op, coerced.coerced, opts.model ?? model());
}

const cost = (query: string, opts?: { variables?: Record<string, unknown>; model?: CostModel }) => price(query, opts).cost;

const userId = (source: string, nativeId: string) => encodeId('User', source, nativeId);
const BOTH = 'userTypes { name } facilityAccess { primary }';

describe('users: list pages plus relations', () => {
  const cases: Array<{ name: string; query: string; expected: number }> = [
    { name: 'coremr, no relations: one list call', query: `{ users(sources:["coremr"], first:100) { nodes { id } } }`, expected: 1 },
    { name: 'coremr, userTypes only: 1 + 100', query: `{ users(sources:["coremr"], first:100) { nodes { userTypes { name } } } }`, expected: 101 },
    { name: 'coremr, facilityAccess only: 1 + 100', query: `{ users(sources:["coremr"], first:100) { nodes { facilityAccess { primary } } } }`, expected: 101 },
    {
      name: 'coremr, both relations: 1 + 2 × 100 (DESIGN §11: CorEMR 2 per user)',
      query: `{ users(sources:["coremr"], first:100) { nodes { ${BOTH} } } }`,
      expected: 201,
    },
    { name: 'icure, both relations: one keyset page, relations free', query: `{ users(sources:["icure"], first:100) { nodes { ${BOTH} } } }`, expected: 1 },
    { name: 'opendental, both relations: 2 list pages (ceil(100/100)+1) + groups + clinics', query: `{ users(sources:["opendental"], first:100) { nodes { ${BOTH} } } }`, expected: 4 },
    { name: 'opendental, no relations: 2 list pages', query: `{ users(sources:["opendental"], first:100) { nodes { id } } }`, expected: 2 },
    { name: 'painchek, facilityAccess: 5 pages + (1 sites + 5 site lists) + ceil(100/20)', query: `{ users(sources:["painchek"], first:100) { nodes { facilityAccess { primary } } } }`, expected: 16 },
    { name: 'painchek, userTypes: role is on the user, 5 pages only', query: `{ users(sources:["painchek"], first:100) { nodes { userTypes { name } } } }`, expected: 5 },
    { name: 'presentationservices, both relations: list + roles + facilities', query: `{ users(sources:["presentationservices"], first:100) { nodes { ${BOTH} } } }`, expected: 3 },
    { name: 'only pageInfo / sourceErrors: still the list call', query: `{ users(sources:["coremr"], first:100) { pageInfo { hasNextPage } sourceErrors { code } } }`, expected: 1 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(cost(c.query), c.expected);
    });
  }
});

describe('users: the same selection in every shape costs the same', () => {
  // coremr: one relation 1 + 100, both 1 + 200; opendental both relations 2 + 1 + 1.
  const shapes = (source: string, rel: string): Record<string, string> => ({
    nodes: `{ users(sources:["${source}"], first:100) { nodes { ${rel} } } }`,
    'edges.node': `{ users(sources:["${source}"], first:100) { edges { cursor node { ${rel} } } } }`,
    'named fragment on User': `{ users(sources:["${source}"], first:100) { nodes { ...U } } } fragment U on User { ${rel} }`,
    'inline fragment on User': `{ users(sources:["${source}"], first:100) { nodes { ... on User { ${rel} } } } }`,
    'fragment on UserConnection': `{ users(sources:["${source}"], first:100) { ...C } } fragment C on UserConnection { edges { node { ${rel} } } }`,
    'users inside a fragment on Query': `query Q { ...R } fragment R on Query { users(sources:["${source}"], first:100) { nodes { ${rel} } } }`,
    'nested fragments': `{ users(sources:["${source}"], first:100) { ...C } } fragment C on UserConnection { nodes { ...U } } fragment U on User { ... on User { ${rel} } }`,
    'nodes and edges.node both select it (counted once)': `{ users(sources:["${source}"], first:100) { nodes { ${rel} } edges { node { ${rel} } } } }`,
    'the relation selected twice in nodes (counted once)': `{ users(sources:["${source}"], first:100) { nodes { ${rel} ${rel} } } }`,
  });
  for (const [source, rel, expected] of [
    ['coremr', 'userTypes { name }', 101],
    ['coremr', 'facilityAccess { facility { code } }', 101],
    ['coremr', BOTH, 201],
    ['opendental', BOTH, 4],
  ] as const) {
    for (const [shape, query] of Object.entries(shapes(source, rel))) {
      test(`${source} ${rel.split(' ')[0]}${rel.includes('facilityAccess') && rel.includes('userTypes') ? '+facilityAccess' : ''}: ${shape} = ${expected}`, () => {
        assert.equal(cost(query), expected);
      });
    }
  }
});

describe('users: which sources are priced', () => {
  test('no sources argument: every visible source, lists add up, per-request parts once each', () => {
    // lists: coremr 1 + opendental 2 + painchek 5 + icure 1 + ps 1 = 10
    assert.equal(cost(`{ users(first:100) { nodes { id } } }`), 10);
    // + userTypes per-request: opendental 1, ps 1; + 100 users at the dearest source (coremr)
    assert.equal(cost(`{ users(first:100) { nodes { userTypes { name } } } }`), 10 + 2 + 100);
    // + facilityAccess per-request: opendental 1, painchek 6, ps 1; + dearest per-user part (coremr 100 > painchek 5)
    assert.equal(cost(`{ users(first:100) { nodes { facilityAccess { primary } } } }`), 10 + 8 + 100);
  });

  test('no sources argument, both relations: 10 lists + 10 per-request + 200 at the dearest source (coremr, both relations summed)', () => {
    assert.equal(cost(`{ users(first:100) { nodes { ${BOTH} } } }`), 220);
  });

  test('a restricted caller (icure only) is priced on icure only', () => {
    const icure = model(['icure']);
    assert.equal(cost(`{ users(first:100) { nodes { ${BOTH} } } }`, { model: icure }), 1);
    assert.equal(cost(`{ users(sources:["coremr","icure","painchek"], first:100) { nodes { ${BOTH} } } }`, { model: icure }), 1);
    // Visibility is decided by visibleSources, even if costsOf knows the others.
    assert.equal(cost(`{ users(first:100) { nodes { ${BOTH} } } }`, { model: leakyModel(['icure']) }), 1);
  });

  test('naming a source the caller cannot see costs nothing', () => {
    for (const m of [model(['icure']), leakyModel(['icure'])]) {
      assert.equal(cost(`{ users(sources:["coremr"], first:100) { nodes { ${BOTH} } } }`, { model: m }), 0);
    }
  });

  test('an unknown source name costs nothing; an empty list costs nothing', () => {
    assert.equal(cost(`{ users(sources:["nope"], first:100) { nodes { ${BOTH} } } }`), 0);
    assert.equal(cost(`{ users(sources:[], first:100) { nodes { ${BOTH} } } }`), 0);
  });

  test('two named sources: their list pages add up', () => {
    assert.equal(cost(`{ users(sources:["painchek","opendental"], first:100) { nodes { id } } }`), 5 + 2);
  });

  test('sources from a variable', () => {
    assert.equal(cost(`query($s: [ID!]) { users(sources:$s, first:100) { nodes { id } } }`, { variables: { s: ['painchek'] } }), 5);
    // A variable left out: every visible source.
    assert.equal(cost(`query($s: [ID!]) { users(sources:$s, first:100) { nodes { id } } }`), 10);
  });

  test('two users fields: list pages add up, per-request relation parts are paid once per source', () => {
    // opendental: (2 + 2) lists + groups 1 + clinics 1 once
    assert.equal(cost(`{ a: users(sources:["opendental"], first:100) { nodes { ${BOTH} } } b: users(sources:["opendental"], first:100) { nodes { ${BOTH} } } }`), 6);
  });

  test('Source.health under users: once per listed source', () => {
    assert.equal(cost(`{ users(sources:["coremr","icure"], first:10) { nodes { source { health { status } } } } }`), 2 + 2);
    // ...and shared with a top-level sources { health }: each source's health once in all.
    assert.equal(cost(`{ users(sources:["coremr","icure"], first:10) { nodes { source { health { status } } } } sources { health { status } } }`), 2 + 5);
    // Source without health: nothing extra.
    assert.equal(cost(`{ users(sources:["coremr","icure"], first:10) { nodes { source { id name } } } }`), 2);
  });
});

describe('users: first', () => {
  // painchek's list depends on first: ceil(first / 20) pages.
  const q = (arg: string, vars = '') => `query${vars} { users(sources:["painchek"]${arg}) { nodes { id } } }`;
  const cases: Array<{ name: string; query: string; variables?: Record<string, unknown>; cost: number; largestFirst: number }> = [
    { name: 'literal 30', query: q(', first:30'), cost: 2, largestFirst: 30 },
    { name: 'from a variable ($n = 30 given)', query: q(', first:$n', '($n: Int!)'), variables: { n: 30 }, cost: 2, largestFirst: 30 },
    { name: 'from a variable default (Int = 30, not given)', query: q(', first:$n', '($n: Int = 30)'), cost: 2, largestFirst: 30 },
    { name: 'a given variable beats its default', query: q(', first:$n', '($n: Int = 30)'), variables: { n: 100 }, cost: 5, largestFirst: 100 },
    { name: 'absent: the schema default 50', query: q(''), cost: 3, largestFirst: 50 },
    { name: 'literal 1', query: q(', first:1'), cost: 1, largestFirst: 1 },
    { name: 'literal 500 (over maxFirst: reported for the plugin to refuse)', query: q(', first:500'), cost: 25, largestFirst: 500 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(price(c.query, { variables: c.variables }), { cost: c.cost, largestFirst: c.largestFirst });
    });
  }

  test('DEFAULT_FIRST is the schema default of users(first:)', () => {
    const arg = schema.getQueryType()!.getFields().users!.args.find((a) => a.name === 'first')!;
    assert.equal(arg.defaultValue, 50);
    assert.equal(DEFAULT_FIRST, 50);
  });

  test('largestFirst: the largest over several aliased users fields', () => {
    const r = price(`{
      a: users(sources:["icure"], first:10) { nodes { id } }
      b: users(sources:["icure"], first:100) { nodes { id } }
      c: users(first:30) { nodes { id } }
    }`);
    // a 1 + b 1 + c over all five at first 30: coremr 1, opendental 2, painchek 2, icure 1, ps 1
    assert.deepEqual(r, { cost: 1 + 1 + 7, largestFirst: 100 });
  });

  test('largestFirst counts a users field even on a source the caller cannot see, and through variables', () => {
    assert.deepEqual(price(`query($n: Int!) { users(sources:["coremr"], first:$n) { nodes { id } } }`, { variables: { n: 400 }, model: model(['icure']) }), { cost: 0, largestFirst: 400 });
  });

  test('largestFirst is 0 with no users field', () => {
    assert.deepEqual(price(`{ sources { id } }`), { cost: 0, largestFirst: 0 });
  });
});

describe('user(id) and node(id): lookups grouped per source', () => {
  const aliased = (ids: string[], sel = 'id') => `{ ${ids.map((id, i) => `u${i}: user(id: "${id}") { ${sel} }`).join(' ')} }`;

  test('500 aliased user(id) with distinct CorEMR ids: 500 calls (no batch endpoint)', () => {
    const ids = Array.from({ length: 500 }, (_, i) => userId('coremr', `user${i}`));
    assert.equal(cost(aliased(ids)), 500);
  });

  test('500 aliased user(id) with the same CorEMR id: one lookup (the DataLoader dedupes), relations once', () => {
    const ids = Array.from({ length: 500 }, () => userId('coremr', 'same'));
    assert.equal(cost(aliased(ids)), COREMR_COSTS.usersById(1));
    assert.equal(cost(aliased(ids)), 1);
    assert.equal(cost(aliased(ids, 'id userTypes { name } facilityAccess { primary }')), 3);
    // Two distinct ids, relations on one of them only.
    assert.equal(cost(`{ a: user(id: "${userId('coremr', 'x')}") { userTypes { name } } b: user(id: "${userId('coremr', 'y')}") { id } }`), 3);
  });

  test('Open Dental ids: one scan estimate (10 pages) however many', () => {
    for (const n of [1, 2, 500]) {
      const ids = Array.from({ length: n }, (_, i) => userId('opendental', String(i + 1)));
      assert.equal(cost(aliased(ids)), 10, `n=${n}`);
    }
  });

  test('ids of two sources: each source grouped separately', () => {
    const ids = [userId('coremr', 'a'), userId('opendental', '1'), userId('coremr', 'b'), userId('opendental', '2'), userId('icure', 'x')];
    assert.equal(cost(aliased(ids)), 2 + 10 + 1);
  });

  const zero: Array<{ name: string; id: string; m?: CostModel }> = [
    { name: 'not base64 JSON', id: 'not-an-id' },
    { name: 'empty', id: '' },
    { name: 'JSON of the wrong shape', id: Buffer.from(JSON.stringify(['User', 'coremr']), 'utf8').toString('base64url') },
    { name: 'an unknown node type', id: Buffer.from(JSON.stringify(['Patient', 'coremr', 'x']), 'utf8').toString('base64url') },
    { name: 'an unknown source', id: userId('ghost', 'x') },
    { name: 'a source the caller cannot see', id: userId('coremr', 'x'), m: model(['icure']) },
    { name: 'a source the caller cannot see (costsOf knows it)', id: userId('coremr', 'x'), m: leakyModel(['icure']) },
  ];
  for (const z of zero) {
    test(`user(id) with ${z.name}: 0`, () => {
      assert.equal(cost(`{ user(id: "${z.id}") { ${BOTH} } }`, { model: z.m }), 0);
      assert.equal(cost(`{ node(id: "${z.id}") { id ... on User { ${BOTH} } } }`, { model: z.m }), 0);
    });
  }

  test('user(id) from a variable', () => {
    assert.equal(cost(`query($id: ID!) { user(id: $id) { ${BOTH} } }`, { variables: { id: userId('coremr', 'x') } }), 3);
  });

  const withRelations: Array<{ name: string; query: string; expected: number }> = [
    { name: 'coremr user + userTypes + facilityAccess = 1 + 1 + 1', query: `{ user(id: "${userId('coremr', 'x')}") { ${BOTH} } }`, expected: 3 },
    { name: 'coremr user + userTypes = 2', query: `{ user(id: "${userId('coremr', 'x')}") { userTypes { name } } }`, expected: 2 },
    { name: 'coremr node(id) of a User with relations in an inline fragment = 3', query: `{ node(id: "${userId('coremr', 'x')}") { ... on User { ${BOTH} } } }`, expected: 3 },
    { name: 'coremr user relations through a named fragment = 3', query: `{ user(id: "${userId('coremr', 'x')}") { ...U } } fragment U on User { ${BOTH} }`, expected: 3 },
    { name: 'two coremr users with userTypes = 2 lookups + 2 relation calls', query: aliased([userId('coremr', 'a'), userId('coremr', 'b')], 'userTypes { name }'), expected: 4 },
    { name: 'opendental user + both relations = scan 10 + groups 1 + clinics 1', query: `{ user(id: "${userId('opendental', '7')}") { ${BOTH} } }`, expected: 12 },
    { name: 'two opendental users + both relations: scan and catalogs once', query: aliased([userId('opendental', '7'), userId('opendental', '8')], BOTH), expected: 12 },
    { name: 'painchek user + facilityAccess = 1 + 6 + ceil(1/20)', query: `{ user(id: "${userId('painchek', 'u')}") { facilityAccess { primary } } }`, expected: 8 },
    { name: 'icure user + both relations = 1', query: `{ user(id: "${userId('icure', 'u')}") { ${BOTH} } }`, expected: 1 },
    { name: 'coremr user + source.health = 1 + 1', query: `{ user(id: "${userId('coremr', 'x')}") { source { health { status } } } }`, expected: 2 },
  ];
  for (const c of withRelations) {
    test(c.name, () => assert.equal(cost(c.query), c.expected));
  }
});

describe('catalogs: once per source and kind', () => {
  const ut = (s: string, n: string) => encodeId('UserType', s, n);
  const fa = (s: string, n: string) => encodeId('Facility', s, n);
  const cases: Array<{ name: string; query: string; expected: number; m?: CostModel }> = [
    { name: 'node(id) of an Open Dental UserType', query: `{ node(id: "${ut('opendental', '1')}") { id } }`, expected: 1 },
    { name: 'node(id) of an Open Dental Facility', query: `{ node(id: "${fa('opendental', '1')}") { id } }`, expected: 1 },
    { name: 'node(id) of a UserType and of a Facility of the same source: 2', query: `{ a: node(id: "${ut('opendental', '1')}") { id } b: node(id: "${fa('opendental', '1')}") { id } }`, expected: 2 },
    { name: 'two UserTypes of the same source: once', query: `{ a: node(id: "${ut('opendental', '1')}") { id } b: node(id: "${ut('opendental', '2')}") { id } }`, expected: 1 },
    { name: 'UserTypes of two sources: once each', query: `{ a: node(id: "${ut('opendental', '1')}") { id } b: node(id: "${ut('presentationservices', 'r')}") { id } }`, expected: 2 },
    { name: 'user(id) given a UserType id: the catalog', query: `{ user(id: "${ut('opendental', '1')}") { id } }`, expected: 1 },
    { name: 'node(id) of a CorEMR UserType: catalog 0 (no catalog route)', query: `{ node(id: "${ut('coremr', 'x')}") { id } }`, expected: 0 },
    { name: 'node(id) of an invisible source\'s UserType: 0', query: `{ node(id: "${ut('opendental', '1')}") { id } }`, expected: 0, m: model(['icure']) },
    { name: 'userTypes(source:"opendental") + facilities(source:"opendental") = 2', query: `{ userTypes(source:"opendental") { name } facilities(source:"opendental") { code } }`, expected: 2 },
    { name: 'the same catalog twice (aliased): once', query: `{ a: userTypes(source:"opendental") { name } b: userTypes(source:"opendental") { id } }`, expected: 1 },
    { name: 'both catalogs twice: 2', query: `{ a: userTypes(source:"opendental") { name } b: userTypes(source:"opendental") { id } c: facilities(source:"opendental") { code } d: facilities(source:"opendental") { id } }`, expected: 2 },
    { name: 'catalogs of two sources: once each', query: `{ a: userTypes(source:"opendental") { name } b: userTypes(source:"painchek") { name } }`, expected: 2 },
    { name: 'catalog of an invisible source: 0', query: `{ userTypes(source:"opendental") { name } }`, expected: 0, m: model(['icure']) },
    { name: 'catalog of an unknown source: 0', query: `{ userTypes(source:"ghost") { name } }`, expected: 0 },
    { name: 'catalog source from a variable', query: `query($s: ID!) { facilities(source:$s) { code } }`, expected: 1 },
    {
      name: 'userTypes(source:) and node(id) of one of its UserTypes: the same catalog read, once',
      query: `{ userTypes(source:"opendental") { name } node(id: "${ut('opendental', '1')}") { id } }`,
      expected: 1,
    },
    {
      name: 'facilities(source:) and node(id) of one of its Facilities: once',
      query: `{ facilities(source:"opendental") { code } node(id: "${fa('opendental', '1')}") { id } }`,
      expected: 1,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const variables = c.query.includes('$s') ? { s: 'presentationservices' } : undefined;
      assert.equal(cost(c.query, { model: c.m, variables }), c.expected);
    });
  }
});

describe('sources, health and introspection', () => {
  const cases: Array<{ name: string; query: string; expected: number; m?: CostModel }> = [
    { name: 'sources { health }: one per visible source', query: `{ sources { health { status } } }`, expected: 5 },
    { name: 'sources { health } for a caller of two sources', query: `{ sources { id health { status latencyMs } } }`, expected: 2, m: model(['icure', 'coremr']) },
    { name: 'sources { health } twice (aliased): still once per source', query: `{ a: sources { health { status } } b: sources { health { checkedAt } } }`, expected: 5 },
    { name: 'sources { health } through a fragment', query: `{ sources { ...S } } fragment S on Source { health { status } }`, expected: 5 },
    { name: 'sources { id name vendor capabilities }: 0', query: `{ sources { id name vendor capabilities { userTypeCatalog operations { operation supported } } } }`, expected: 0 },
    { name: '__typename: 0', query: `{ __typename }`, expected: 0 },
    { name: '__schema: 0', query: `{ __schema { queryType { name } types { name fields { name } } } }`, expected: 0 },
    { name: '__type: 0', query: `{ __type(name: "User") { name fields { name } } }`, expected: 0 },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(cost(c.query, { model: c.m }), c.expected));
  }

  const healthElsewhere: Array<{ name: string; query: string; expected: number }> = [
    { name: 'a catalog entry\'s source: catalog 1 + health 1', query: `{ userTypes(source:"opendental") { source { health { status } } } }`, expected: 2 },
    { name: 'a facility\'s source under users: 1 list + 100 facilityAccess + health 1', query: `{ users(sources:["coremr"], first:100) { nodes { facilityAccess { facility { source { health { status } } } } } } }`, expected: 102 },
    { name: 'node(id) of a UserType, its source: catalog 1 + health 1', query: `{ node(id: "${encodeId('UserType', 'opendental', '1')}") { ... on UserType { source { health { status } } } } }`, expected: 2 },
    { name: 'a mutation payload\'s user source: write 6 + health 1', query: `mutation { setUserActive(id: "${userId('coremr', 'x')}", active: false) { user { source { health { status } } } } }`, expected: 7 },
    { name: 'one source\'s health through three paths: once', query: `{ userTypes(source:"opendental") { source { health { status } } } users(sources:["opendental"], first:1) { nodes { source { health { status } } } } sources { health { status } } }`, expected: 1 + 2 + 5 },
  ];
  for (const c of healthElsewhere) {
    test(`Source.health through ${c.name}`, () => assert.equal(cost(c.query), c.expected));
  }
});

describe('mutations: the source\'s write plus the payload\'s user relations', () => {
  const coremrUser = userId('coremr', 'jdoe');
  const cases: Array<{ name: string; query: string; expected: number; variables?: Record<string, unknown>; m?: CostModel }> = [
    { name: 'setUserActive on coremr, payload userTypes: write 6 + 1', query: `mutation { setUserActive(id: "${coremrUser}", active: false) { user { userTypes { name } } } }`, expected: 7 },
    { name: 'setUserActive on coremr, payload both relations: write 6 + 2', query: `mutation { setUserActive(id: "${coremrUser}", active: false) { user { ${BOTH} } } }`, expected: 8 },
    { name: 'setUserActive on coremr, no relations: write 6', query: `mutation { setUserActive(id: "${coremrUser}", active: false) { user { id active } userErrors { code } } }`, expected: 6 },
    { name: 'setUserActive on opendental, payload both relations: write 4 + groups + clinics', query: `mutation { setUserActive(id: "${userId('opendental', '3')}", active: false) { user { ${BOTH} } } }`, expected: 6 },
    { name: 'createUser with input.source icure: write 2', query: `mutation { createUser(input: { source: "icure", username: "a", email: "a@example.org" }) { user { id userTypes { name } } } }`, expected: 2 },
    { name: 'createUser with the input in a variable', query: `mutation($in: CreateUserInput!) { createUser(input: $in) { user { id } } }`, variables: { in: { source: 'presentationservices', username: 'a' } }, expected: 3 },
    { name: 'id from a variable', query: `mutation($id: ID!) { deleteUser(id: $id) { deletedUserId } }`, variables: { id: coremrUser }, expected: 6 },
    { name: 'assignUserType by userId', query: `mutation { assignUserType(userId: "${coremrUser}", userTypeId: "${encodeId('UserType', 'coremr', 't')}") { user { id } } }`, expected: 6 },
    { name: 'two mutations add up', query: `mutation { a: setUserActive(id: "${coremrUser}", active: false) { replayed } b: setUserActive(id: "${userId('icure', 'i')}", active: false) { replayed } }`, expected: 6 + 2 },
    { name: 'a mutation on an invisible source: 0', query: `mutation { setUserActive(id: "${coremrUser}", active: false) { user { ${BOTH} } } }`, expected: 0, m: model(['icure']) },
    { name: 'a mutation on an invisible source (costsOf knows it): 0', query: `mutation { setUserActive(id: "${coremrUser}", active: false) { user { ${BOTH} } } }`, expected: 0, m: leakyModel(['icure']) },
    { name: 'createUser in an invisible source: 0', query: `mutation { createUser(input: { source: "coremr", username: "a" }) { user { id } } }`, expected: 0, m: model(['icure']) },
    { name: 'createUser in an unknown source: 0', query: `mutation { createUser(input: { source: "ghost", username: "a" }) { user { id } } }`, expected: 0 },
    { name: 'a mutation whose id does not decode: 0', query: `mutation { setUserActive(id: "garbage", active: false) { user { ${BOTH} } } }`, expected: 0 },
    { name: '__typename in a mutation: 0', query: `mutation { __typename }`, expected: 0 },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(cost(c.query, { model: c.m, variables: c.variables }), c.expected));
  }

  test('mutations report no largestFirst', () => {
    assert.equal(price(`mutation { setUserActive(id: "${coremrUser}", active: false) { replayed } }`).largestFirst, 0);
  });
});
