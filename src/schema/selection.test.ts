import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema, graphql, type GraphQLResolveInfo } from 'graphql';
import { pageNodeFields } from './selection';

const schema = buildSchema(`
  type Query { users: UserConnection }
  type UserConnection { nodes: [User!]! edges: [UserEdge!]! }
  type UserEdge { node: User! cursor: String }
  type User { id: ID! userTypes: [Name!] facilityAccess: [Name!] person: Person }
  type Person { accounts: [User!]! }
  type Name { name: String }
`);

/** The node fields `users` would see for `query` (with `variables`). */
async function asked(query: string, variables: Record<string, unknown> = {}): Promise<string[]> {
  let seen: Set<string> | null = null;
  const rootValue = { users: (_: unknown, _ctx: unknown, info: GraphQLResolveInfo) => ((seen = pageNodeFields(info)), { nodes: [], edges: [] }) };
  const res = await graphql({ schema, source: query, rootValue, variableValues: variables, fieldResolver: (src, args, ctx, info) => {
    const v = (src as Record<string, unknown>)[info.fieldName];
    return typeof v === 'function' ? (v as (a: unknown, c: unknown, i: GraphQLResolveInfo) => unknown)(args, ctx, info) : v;
  } });
  assert.equal(res.errors, undefined, JSON.stringify(res.errors));
  return [...(seen ?? [])].sort();
}

test('fields on every node: nodes, edges.node, fragments and inline fragments on User', async () => {
  assert.deepEqual(await asked('{ users { nodes { id userTypes { name } } } }'), ['id', 'userTypes']);
  assert.deepEqual(await asked('{ users { edges { node { facilityAccess { name } } } } }'), ['facilityAccess']);
  assert.deepEqual(await asked('{ users { ...C } } fragment C on UserConnection { edges { node { ...U } } } fragment U on User { userTypes { name } }'), ['userTypes']);
  assert.deepEqual(await asked('{ users { nodes { ... on User { facilityAccess { name } } } } }'), ['facilityAccess']);
});

test('never a field graphql would not ask of every node: @skip/@include, nested users, edge cursors', async () => {
  assert.deepEqual(await asked('query($s: Boolean!) { users { nodes { id userTypes @skip(if: $s) { name } } } }', { s: true }), ['id']);
  assert.deepEqual(await asked('query($s: Boolean!) { users { nodes { id userTypes @skip(if: $s) { name } } } }', { s: false }), ['id', 'userTypes']);
  assert.deepEqual(await asked('{ users { nodes { id ... @include(if: false) { facilityAccess { name } } } } }'), ['id']);
  assert.deepEqual(await asked('{ users { nodes { id person { accounts { userTypes { name } } } } } }'), ['id', 'person'], 'a nested user’s relation is not one of the page’s nodes');
  assert.deepEqual(await asked('{ users { edges { cursor } } }'), []);
});
