import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { parse } from 'graphql';
import { startStack, type Stack } from '../support/stack';
import { makeCallers, type TestCallers } from '../support/callers';

// staffgraph as an Apollo Federation 2 subgraph (docs/federation.md): composed with a small shifts
// subgraph that references User by id, behind @apollo/gateway, all on loopback. `shift { user }`
// resolves through staffgraph's `_entities`, with its loaders, grants and scopes.
const ROOT = join(__dirname, '..', '..', '..');
let stack: Stack;
let callers: TestCallers;
let shifts: { url: string; stop: () => Promise<void> };
let router: { url: string; stop: () => Promise<void> };
const shiftUsers: Record<string, string> = {};

const SHIFTS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Shift @key(fields: "id") { id: ID! ward: String! user: User }
  type User @key(fields: "id", resolvable: false) { id: ID! }
  type Query { shifts: [Shift!]! }
`;

async function serve(server: ApolloServer<{ authorization?: string }>): Promise<{ url: string; stop: () => Promise<void> }> {
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' }, context: async ({ req }) => ({ authorization: req.headers.authorization }) });
  return { url, stop: () => server.stop() };
}

before(async () => {
  callers = await makeCallers([
    { name: 'reader', scopes: ['users:read'] },
    { name: 'pii', scopes: ['users:read', 'users:pii'] },
    { name: 'emr-only', scopes: ['users:read'], sources: ['coremr'] },
    { name: 'auditor', scopes: ['audit:read'] },
  ]);
  stack = await startStack({ users: 6, auth: callers.auth, server: { federation: true } });
  for (const s of ['coremr', 'opendental', 'icure']) {
    const res = await stack.gql(`{ users(sources: ["${s}"], first: 1) { nodes { id } } }`, undefined, callers.key('reader'));
    shiftUsers[s] = res.body.data!.users.nodes[0].id;
  }
  const shiftList = Object.entries(shiftUsers).map(([s, id], i) => ({ id: `shift-${i}`, ward: `Ward ${s}`, user: { id } }));
  shifts = await serve(new ApolloServer({ schema: buildSubgraphSchema({ typeDefs: parse(SHIFTS_SDL), resolvers: { Query: { shifts: () => shiftList } } }) }));
  const composed = composeServices([
    { name: 'staffgraph', typeDefs: parse(readFileSync(join(ROOT, 'schema', 'subgraph.graphql'), 'utf8')), url: stack.url },
    { name: 'shifts', typeDefs: parse(SHIFTS_SDL), url: shifts.url },
  ]);
  assert.deepEqual(composed.errors ?? [], [], 'the checked-in subgraph SDL composes');
  const gateway = new ApolloGateway({
    supergraphSdl: composed.supergraphSdl!,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest({ request, context }) {
          const auth = (context as { authorization?: string }).authorization;
          if (auth) request.http!.headers.set('authorization', auth);
        },
      }),
  });
  router = await serve(new ApolloServer({ gateway }));
});
after(async () => {
  await router?.stop();
  await shifts?.stop();
  await stack.close();
});
beforeEach(() => stack.clearLogs());

async function viaRouter(query: string, headers: Record<string, string>): Promise<any> {
  const res = await fetch(router.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  return res.json();
}

test('shift { user { displayName } } resolves through staffgraph _entities, one batch per source', async () => {
  const body = await viaRouter(`{ shifts { id ward user { id displayName source { id } } } }`, callers.key('reader'));
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  for (const s of body.data.shifts) {
    assert.equal(s.user.id, shiftUsers[s.user.source.id]);
    assert.ok(s.user.displayName.length > 0);
  }
  assert.deepEqual(body.data.shifts.map((s: any) => s.user.source.id).sort(), ['coremr', 'icure', 'opendental']);
  const calls = await stack.vendorCalls();
  assert.ok(calls.coremr! >= 1 && calls.opendental! >= 1 && calls.icure! >= 1, JSON.stringify(calls));
});

test('scopes hold through the supergraph: PII needs users:pii; a caller of one source gets null users elsewhere and reaches no other vendor', async () => {
  const pii = await viaRouter(`{ shifts { user { email } } }`, callers.key('reader'));
  assert.ok(pii.errors?.some((e: any) => e.extensions?.code === 'FORBIDDEN'), JSON.stringify(pii.errors));
  assert.ok(pii.data.shifts.every((s: any) => s.user === null || s.user.email === null));
  const allowed = await viaRouter(`{ shifts { user { email } } }`, callers.key('pii'));
  assert.equal(allowed.errors, undefined, JSON.stringify(allowed.errors));
  await stack.clearLogs();
  const emr = await viaRouter(`{ shifts { ward user { id source { id } } } }`, callers.key('emr-only'));
  assert.equal(emr.errors, undefined, JSON.stringify(emr.errors));
  const byWard = Object.fromEntries(emr.data.shifts.map((s: any) => [s.ward, s.user]));
  assert.equal(byWard['Ward coremr'].source.id, 'coremr');
  assert.equal(byWard['Ward opendental'], null);
  assert.equal(byWard['Ward icure'], null);
  const calls = await stack.vendorCalls();
  assert.equal(calls.opendental ?? 0, 0);
  assert.equal(calls.icure ?? 0, 0);
});

test('without users:read the staffgraph part is refused and no vendor is called', async () => {
  const body = await viaRouter(`{ shifts { ward user { displayName } } }`, callers.key('auditor'));
  assert.ok(body.errors?.length, 'an error for the refused entities fetch');
  assert.ok(Object.values(await stack.vendorCalls()).every((n) => n === 0));
});
