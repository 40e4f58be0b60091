import 'reflect-metadata';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getIntrospectionQuery, GraphQLError, Lexer, parse, Source, specifiedRules, TokenKind, validate, type GraphQLSchema } from 'graphql';
import { buildGatewaySchema } from '../../schema/build';
import { VENDORS } from '../../vendors/registry';
import { formatError } from '../format-error';
import { DEFAULT_LIMITS, type QueryLimits } from './query-limits';
import { shapeRules } from './shape-rules';

/**
 * The shape limits of docs/callers-and-limits.md as validation rules over the real schema: each limit passes at
 * its value and refuses one past it, with QUERY_TOO_COMPLEX naming the limit and its value, and
 * with no other error (graphql-js's own rules accept every query here).
 */
let schema: GraphQLSchema;
before(async () => {
  schema = await buildGatewaySchema(VENDORS.map((v) => v.vendor));
});

function check(query: string, limits: QueryLimits = DEFAULT_LIMITS): readonly GraphQLError[] {
  return validate(schema, parse(query), [...specifiedRules, ...shapeRules(limits)]);
}

function passes(query: string, limits?: QueryLimits): void {
  assert.deepEqual(check(query, limits).map((e) => e.message), []);
}

function refused(query: string, limit: string, max: number, found: number, limits?: QueryLimits): void {
  const errors = check(query, limits);
  assert.equal(errors.length, 1, errors.map((e) => e.message).join('\n'));
  const [err] = errors;
  assert.equal(err!.message, `The query is over the ${limit} limit of ${max} (found ${found}).`);
  assert.equal(err!.extensions.code, 'QUERY_TOO_COMPLEX');
  assert.equal(err!.extensions.limit, limit);
  assert.equal(err!.extensions.max, max);
  assert.deepEqual(err!.extensions.http, { status: 400 });
  // armor's own wording ("Syntax Error: Query depth limit …") never reaches the client.
  assert.doesNotMatch(err!.message, /Syntax Error|exceeded/);
}

test('DEFAULT_LIMITS are the values of docs/callers-and-limits.md', () => {
  assert.deepEqual(DEFAULT_LIMITS, { maxBodyBytes: 102400, maxTokens: 2000, maxDepth: 8, maxAliases: 15, maxDirectives: 20, maxRootFields: 10, maxFirst: 100, maxCost: 1000 });
});

describe('maxDepth (8): every field on the longest path counts, the root field as 1', () => {
  // users(1) nodes(2) facilityAccess(3) facility(4) source(5) capabilities(6) operations(7) operation(8)
  const tail = 'facilityAccess { facility { source { capabilities { operations { operation } } } } }';
  const depth8 = `{ users(first: 1) { nodes { ${tail} } } }`;
  // users(1) edges(2) node(3) … operation(9)
  const depth9 = `{ users(first: 1) { edges { node { ${tail} } } } }`;

  test('depth 8 passes', () => passes(depth8));
  test('depth 9 is refused', () => refused(depth9, 'maxDepth', 8, 9));

  const viaFragments: Array<{ name: string; query: string; depth: number }> = [
    { name: 'named fragments, depth 8', query: `{ users(first: 1) { ...C } } fragment C on UserConnection { nodes { ...U } } fragment U on User { ${tail} }`, depth: 8 },
    { name: 'named fragments, depth 9', query: `{ users(first: 1) { ...C } } fragment C on UserConnection { edges { node { ...U } } } fragment U on User { ${tail} }`, depth: 9 },
    { name: 'inline fragments, depth 8', query: `{ ... on Query { users(first: 1) { ... on UserConnection { nodes { ... on User { ${tail} } } } } } }`, depth: 8 },
    { name: 'inline fragments, depth 9', query: `{ ... on Query { users(first: 1) { ... on UserConnection { edges { node { ... on User { ${tail} } } } } } } }`, depth: 9 },
    { name: 'a fragment used at two depths: the deeper counts (9)', query: `{ users(first: 1) { nodes { ...U } edges { node { ...U } } } } fragment U on User { ${tail} }`, depth: 9 },
    { name: 'the whole query in a fragment on Query, depth 9', query: `{ ...Q } fragment Q on Query { users(first: 1) { edges { node { ${tail} } } } }`, depth: 9 },
  ];
  for (const c of viaFragments) {
    test(`${c.name}: ${c.depth > 8 ? 'refused' : 'passes'} (fragments do not add depth)`, () => {
      if (c.depth > 8) refused(c.query, 'maxDepth', 8, c.depth);
      else passes(c.query);
    });
  }

  test('the deepest of several root fields counts', () => {
    refused(`{ sources { id } users(first: 1) { edges { node { ${tail} } } } }`, 'maxDepth', 8, 9);
  });

  test('a configured maxDepth is the one applied', () => {
    const limits = { ...DEFAULT_LIMITS, maxDepth: 3 };
    passes(`{ users(first: 1) { nodes { id } } }`, limits);
    refused(`{ users(first: 1) { nodes { source { id } } } }`, 'maxDepth', 3, 4, limits);
  });

  test('introspection (getIntrospectionQuery) passes with the default limits', () => {
    passes(getIntrospectionQuery());
    passes(getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true }));
  });

  test('a fragment cycle is reported by graphql-js and does not hang or crash the shape rules', () => {
    const errors = check(`{ users(first: 1) { nodes { ...A } } } fragment A on User { source { id } ...B } fragment B on User { id ...A }`);
    assert.ok(errors.some((e) => /Cannot spread fragment "A" within itself/.test(e.message)), errors.map((e) => e.message).join('\n'));
  });
});

describe('maxAliases (15)', () => {
  const aliases = (n: number, field = 'id') => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ');

  test('15 aliases pass', () => passes(`{ sources { ${aliases(15)} } }`));
  test('16 aliases are refused', () => refused(`{ sources { ${aliases(16)} } }`, 'maxAliases', 15, 16));
  test('aliases anywhere in the document add up (8 at the root level + 8 nested)', () => {
    refused(`{ sources { ${aliases(8)} } users(first: 1) { nodes { ${aliases(8)} } } }`, 'maxAliases', 15, 16);
  });
  test('a fragment\'s aliases count once per spread (8 × 2 = 16)', () => {
    refused(`{ sources { ...S } users(first: 1) { nodes { source { ...S } } } } fragment S on Source { ${aliases(8)} }`, 'maxAliases', 15, 16);
    passes(`{ sources { ...S } users(first: 1) { nodes { source { ...S } } } } fragment S on Source { ${aliases(7)} }`);
  });
  test('aliases in inline fragments count', () => refused(`{ sources { ... on Source { ${aliases(16)} } } }`, 'maxAliases', 15, 16));
  test('aliased __typename does not count', () => passes(`{ sources { ${aliases(15)} ${aliases(5, '__typename').replace(/a(\d+):/g, 't$1:')} } }`));
});

describe('maxDirectives (20)', () => {
  const directives = (n: number) => Array.from({ length: n }, () => 'id @include(if: true)').join(' ');

  test('20 directives pass', () => passes(`{ sources { ${directives(20)} } }`));
  test('21 directives are refused', () => refused(`{ sources { ${directives(21)} } }`, 'maxDirectives', 20, 21));
  test('directives on fields, fragment spreads and inline fragments add up', () => {
    const q = (extra: number) =>
      `query($t: Boolean = true) { sources @skip(if: false) { ...S @include(if: $t) ... on Source @include(if: $t) { ${directives(extra)} } } } fragment S on Source { id @skip(if: false) }`;
    passes(q(16)); // 1 + 1 + 1 + 1 + 16 = 20
    refused(q(17), 'maxDirectives', 20, 21);
  });
});

describe('maxRootFields (10), after fragments are expanded', () => {
  const roots = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `r${i + from}: sources { id }`).join(' ');

  test('10 root fields pass', () => passes(`{ ${roots(10)} }`));
  test('11 root fields are refused', () => refused(`{ ${roots(11)} }`, 'maxRootFields', 10, 11));
  test('different root fields count alike', () => {
    refused(`{ ${roots(6)} users(first: 1) { nodes { id } } user(id: "x") { id } node(id: "x") { id } userTypes(source: "icure") { id } facilities(source: "icure") { id } }`, 'maxRootFields', 10, 11);
  });
  test('aliased fields through a named fragment count', () => {
    refused(`{ ...R } fragment R on Query { ${roots(11)} }`, 'maxRootFields', 10, 11);
    refused(`{ ${roots(5)} ...R } fragment R on Query { ${roots(6, 5)} }`, 'maxRootFields', 10, 11);
    passes(`{ ${roots(5)} ...R } fragment R on Query { ${roots(5, 5)} }`);
  });
  test('aliased fields through an inline fragment count', () => {
    refused(`{ ${roots(4)} ... on Query { ${roots(7, 4)} } }`, 'maxRootFields', 10, 11);
  });
  test('__typename at the root does not count, aliased or not', () => {
    passes(`{ __typename t: __typename ${roots(10)} }`);
  });
  test('each operation of a document is counted on its own', () => {
    passes(`query A { ${roots(10)} } query B { ${roots(10)} }`);
  });
  test('a mutation\'s root fields count the same', () => {
    const m = (n: number) => Array.from({ length: n }, (_, i) => `m${i}: setUserActive(id: "x", active: false) { replayed }`).join(' ');
    passes(`mutation { ${m(10)} }`);
    refused(`mutation { ${m(11)} }`, 'maxRootFields', 10, 11);
  });
});

describe('maxTokens (2000): graphql-js\'s own parse option, as the server passes it', () => {
  /** `{ sources { id … id } }`: 5 punctuators and names + one token per id. */
  const withTokens = (n: number) => `{ sources { ${Array.from({ length: n - 5 }, () => 'id').join(' ')} } }`;
  const countTokens = (query: string) => {
    const lexer = new Lexer(new Source(query));
    let n = 0;
    while (lexer.advance().kind !== TokenKind.EOF) n++;
    return n;
  };

  test('the documents have exactly the token counts claimed', () => {
    assert.equal(countTokens(withTokens(2000)), 2000);
    assert.equal(countTokens(withTokens(2001)), 2001);
  });
  test('2,000 tokens parse', () => {
    assert.doesNotThrow(() => parse(withTokens(2000), { maxTokens: DEFAULT_LIMITS.maxTokens }));
  });
  test('2,001 tokens are refused by the parser', () => {
    assert.throws(() => parse(withTokens(2001), { maxTokens: DEFAULT_LIMITS.maxTokens }), (err: unknown) => err instanceof GraphQLError && /2000 tokens/.test(err.message));
  });
  test('comments are not tokens', () => {
    assert.doesNotThrow(() => parse(`# ${'x'.repeat(10_000)}\n` + withTokens(2000), { maxTokens: 2000 }));
  });

  test('formatError answers the parser\'s refusal with QUERY_TOO_COMPLEX maxTokens 2000 (graphql 16 says "more that", sic)', () => {
    let err: GraphQLError | undefined;
    try {
      parse(withTokens(2001), { maxTokens: 2000 });
    } catch (e) {
      err = e as GraphQLError;
    }
    assert.ok(err);
    // As Apollo hands it to formatError: the parse error with GRAPHQL_PARSE_FAILED.
    const formatted = { message: err.message, locations: err.locations, extensions: { code: 'GRAPHQL_PARSE_FAILED' } };
    const out = formatError(formatted, err);
    assert.deepEqual(out.extensions, { code: 'QUERY_TOO_COMPLEX', limit: 'maxTokens', max: 2000 });
    assert.equal(out.message, 'The query is over the maxTokens limit of 2000.');
  });
});
