import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import { makeCallers, unsignedToken, type TestCallers } from '../support/callers';
import { encodeId } from '../../src/core/ids';

// End-to-end tier: every docs/callers-and-limits.md rule on every path a user record takes, against the running
// simulators. Each refusal also asserts that no vendor was called (STYLE.md rule 11).
let stack: Stack;
let callers: TestCallers;
/** One user id per source, read as the admin. */
const someone: Record<string, string> = {};

before(async () => {
  callers = await makeCallers([
    { name: 'admin', scopes: ['users:read', 'users:pii', 'users:write', 'audit:read'] },
    { name: 'reader', scopes: ['users:read'] },
    { name: 'pii-reader', scopes: ['users:read', 'users:pii'] },
    { name: 'writer', scopes: ['users:write'] },
    { name: 'writer-reader', scopes: ['users:read', 'users:write'] },
    { name: 'dental-only', scopes: ['users:read', 'users:pii', 'users:write'], sources: ['opendental'] },
  ]);
  stack = await startStack({ users: 8, auth: callers.auth });
  const res = await stack.gql(`{ users(first: 100) { nodes { id source { id } } } }`, {}, callers.key('admin'));
  for (const n of res.body.data!.users.nodes) someone[n.source.id] ??= n.id;
  assert.equal(Object.keys(someone).length, 5);
});
after(() => stack.close());
afterEach(() => stack.resetAll());

async function noVendorCalls(what: string) {
  for (const [id, n] of Object.entries(await stack.vendorCalls())) assert.equal(n, 0, `${what}: no ${id} call`);
}

async function refusedBefore(headers: Record<string, string>, query = `{ users(first: 5) { nodes { id email } } }`) {
  await stack.clearLogs();
  const res = await stack.gql(query, {}, headers);
  await noVendorCalls(JSON.stringify(Object.keys(headers)));
  return res;
}

describe('who may call (401 before anything runs)', () => {
  test('no credentials, a wrong key, a bad or unsigned token: 401 UNAUTHENTICATED with WWW-Authenticate, no vendor call, nothing echoed', async () => {
    const badTokens = {
      none: {},
      'wrong key': { authorization: 'Bearer sg_not-a-real-key' },
      'x-api-key wrong': { 'x-api-key': 'sg_nope' },
      'basic scheme': { authorization: 'Basic YWRtaW46YWRtaW4=' },
      'alg none': { authorization: `Bearer ${unsignedToken({ scope: 'users:read' })}` },
      expired: { authorization: `Bearer ${await callers.token({ scope: 'users:read', exp: Math.floor(Date.now() / 1000) - 3600 })}` },
      'wrong audience': { authorization: `Bearer ${await callers.token({ scope: 'users:read', aud: 'someone-else' })}` },
      'wrong issuer': { authorization: `Bearer ${await callers.token({ scope: 'users:read', iss: 'https://evil.example/' })}` },
      'unknown kid': { authorization: `Bearer ${await callers.token({ scope: 'users:read' }, { kid: 'k-unknown' })}` },
      'key and token both': { ...callers.key('admin'), 'x-api-key': 'sg_other' },
    };
    for (const [name, headers] of Object.entries(badTokens)) {
      const res = await refusedBefore(headers);
      assert.equal(res.status, 401, name);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/, name);
      assert.equal(res.body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED', name);
      assert.equal(res.body.data, undefined, name);
      for (const v of Object.values(headers)) assert.ok(!res.text.includes(v.replace(/^Bearer /, '')), `${name}: credential not echoed`);
    }
    const log = stack.logLines.join('\n');
    for (const secret of callers.secrets()) assert.ok(!log.includes(secret), 'no credential in any log line');
  });

  test('a valid API key (Authorization or x-api-key) and a valid JWT are accepted', async () => {
    const viaHeader = await stack.gql(`{ sources { id } }`, {}, callers.key('reader'));
    assert.equal(viaHeader.status, 200);
    const key = callers.key('reader').authorization!.replace('Bearer ', '');
    const viaXApiKey = await stack.gql(`{ sources { id } }`, {}, { 'x-api-key': key });
    assert.deepEqual(viaXApiKey.body.data, viaHeader.body.data);
    const jwt = await stack.gql(`{ sources { id } }`, {}, { authorization: `Bearer ${await callers.token({ scope: 'users:read' })}` });
    assert.equal(jwt.status, 200);
    assert.equal(jwt.body.data!.sources.length, 5);
  });
});

describe('scopes', () => {
  test('a query without users:read is 403 FORBIDDEN before any resolver; __typename alone is allowed', async () => {
    const res = await refusedBefore(callers.key('writer'));
    assert.equal(res.status, 403);
    assert.equal(res.body.errors![0]!.extensions!.code, 'FORBIDDEN');
    assert.equal(res.body.errors![0]!.extensions!.scope, 'users:read');
    const typename = await stack.gql(`{ __typename }`, {}, callers.key('writer'));
    assert.deepEqual(typename.body.data, { __typename: 'Query' });
  });

  const PII_FIELDS = ['email', 'phone', 'lastLoginAt', 'identifiers'];
  const USER_SELECTION = `id displayName email phone lastLoginAt identifiers { npi }`;

  /** Without users:pii each PII field is null with one FORBIDDEN error at its own path; other fields answer. */
  function assertPiiMasked(res: Awaited<ReturnType<Stack['gql']>>, users: any[], pathOf: (i: number) => Array<string | number>) {
    assert.equal(res.status, 200);
    assert.ok(users.length > 0);
    for (const u of users) {
      assert.ok(u.displayName, 'siblings still answered');
      for (const f of PII_FIELDS) assert.equal(u[f], null, f);
    }
    const errors = res.body.errors ?? [];
    assert.equal(errors.length, users.length * PII_FIELDS.length, 'one error per masked field');
    for (const e of errors) assert.equal(e.extensions?.code, 'FORBIDDEN');
    users.forEach((_, i) => {
      for (const f of PII_FIELDS) assert.equal(errors.filter((e) => JSON.stringify(e.path) === JSON.stringify([...pathOf(i), f])).length, 1, `${f} at user ${i}`);
    });
  }

  test('users:pii gates email, phone, lastLoginAt and identifiers on users edges and nodes', async () => {
    const q = `{ users(sources: ["coremr"], first: 3) { nodes { ${USER_SELECTION} } edges { node { ${USER_SELECTION} } } } }`;
    const res = await stack.gql(q, {}, callers.key('reader'));
    const nodes = res.body.data!.users.nodes;
    const edges = res.body.data!.users.edges.map((e: any) => e.node);
    assert.equal(res.body.errors!.length, 2 * nodes.length * PII_FIELDS.length);
    for (const u of [...nodes, ...edges]) for (const f of PII_FIELDS) assert.equal(u[f], null);
    assert.ok(res.body.errors!.some((e) => JSON.stringify(e.path) === JSON.stringify(['users', 'edges', 0, 'node', 'email'])));
    assert.ok(res.body.errors!.some((e) => JSON.stringify(e.path) === JSON.stringify(['users', 'nodes', 2, 'identifiers'])));

    const withPii = await stack.gql(q, {}, callers.key('pii-reader'));
    assert.equal(withPii.body.errors, undefined);
    assert.ok(withPii.body.data!.users.nodes.some((u: any) => u.email !== null), 'PII visible with the scope');
    assert.ok(withPii.body.data!.users.nodes.every((u: any) => u.identifiers !== null));
  });

  test('the same check on user(id:) and node(id:)', async () => {
    const user = await stack.gql(`query($id: ID!) { user(id: $id) { ${USER_SELECTION} } }`, { id: someone.coremr }, callers.key('reader'));
    assertPiiMasked(user, [user.body.data!.user], () => ['user']);
    const node = await stack.gql(`query($id: ID!) { node(id: $id) { ... on User { ${USER_SELECTION} } } }`, { id: someone.icure }, callers.key('reader'));
    assertPiiMasked(node, [node.body.data!.node], () => ['node']);
  });

  test('the same check on a mutation payload’s user; without users:read the payload user is null with FORBIDDEN', async () => {
    const m = `mutation($id: ID!) { setUserActive(id: $id, active: true) { user { ${USER_SELECTION} } userErrors { code } } }`;
    const res = await stack.gql(m, { id: someone.coremr }, callers.key('writer-reader'));
    assert.deepEqual(res.body.data!.setUserActive.userErrors, []);
    assertPiiMasked(res, [res.body.data!.setUserActive.user], () => ['setUserActive', 'user']);

    const writeOnly = await stack.gql(m, { id: someone.coremr }, callers.key('writer'));
    assert.equal(writeOnly.status, 200);
    assert.equal(writeOnly.body.data!.setUserActive.user, null);
    assert.deepEqual(writeOnly.body.data!.setUserActive.userErrors, []);
    assert.deepEqual(writeOnly.body.errors!.map((e) => [e.extensions!.code, e.path!.join('.')]), [['FORBIDDEN', 'setUserActive.user']]);
  });

  test('a mutation without users:write is a FORBIDDEN userError and reaches no vendor', async () => {
    await stack.clearLogs();
    const res = await stack.gql(`mutation($id: ID!) { setUserActive(id: $id, active: false) { user { id } userErrors { field code message } steps { method } } }`, { id: someone.coremr }, callers.key('pii-reader'));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data!.setUserActive.userErrors.map((e: any) => e.code), ['FORBIDDEN']);
    assert.match(res.body.data!.setUserActive.userErrors[0].message, /users:write/);
    assert.deepEqual(res.body.data!.setUserActive.steps, []);
    await noVendorCalls('mutation without users:write');
  });

  test('scopes and sources come from a JWT’s claims (scope string, scp array, staffgraph_sources)', async () => {
    const piiToken = await callers.token({ scope: 'users:read users:pii' });
    const one = await stack.gql(`query($id: ID!) { user(id: $id) { email } }`, { id: someone.coremr }, { authorization: `Bearer ${piiToken}` });
    assert.equal(one.body.errors, undefined);
    const restricted = await callers.token({ scope: ['users:read'], staffgraph_sources: ['icure'] });
    const sources = await stack.gql(`{ sources { id } }`, {}, { authorization: `Bearer ${restricted}` });
    assert.deepEqual(sources.body.data!.sources, [{ id: 'icure' }]);
  });
});

describe('source grants: a caller cannot tell the other sources exist', () => {
  const dental = () => callers.key('dental-only');

  test('`sources` lists only the granted ones; `users` walks only them and calls no other vendor', async () => {
    const sources = await stack.gql(`{ sources { id } }`, {}, dental());
    assert.deepEqual(sources.body.data!.sources, [{ id: 'opendental' }]);
    await stack.clearLogs();
    const users = await stack.gql(`{ users(first: 100) { nodes { source { id } } sourceErrors { source } } }`, {}, dental());
    assert.equal(users.body.errors, undefined);
    assert.ok(users.body.data!.users.nodes.length > 0);
    assert.ok(users.body.data!.users.nodes.every((n: any) => n.source.id === 'opendental'));
    const calls = await stack.vendorCalls();
    for (const [id, n] of Object.entries(calls)) if (id !== 'opendental') assert.equal(n, 0, `no ${id} call`);
    assert.ok(calls.opendental! > 0);
  });

  test('naming a hidden source answers exactly as an unknown source does, on every path', async () => {
    const same = async (query: (source: string) => string, vars: (source: string) => Record<string, unknown> = () => ({})) => {
      await stack.clearLogs();
      const hidden = await stack.gql(query('coremr'), vars('coremr'), dental());
      const unknown = await stack.gql(query('nosuch'), vars('nosuch'), dental());
      await noVendorCalls(query('coremr'));
      const scrub = (t: string) => t.replaceAll('coremr', 'X').replaceAll('nosuch', 'X');
      assert.equal(hidden.status, unknown.status);
      assert.equal(scrub(hidden.text), scrub(unknown.text), query('coremr'));
      return hidden;
    };
    const users = await same((s) => `{ users(sources: ["${s}"]) { nodes { id } } }`);
    assert.equal(users.body.errors![0]!.extensions!.code, 'NOT_FOUND');
    await same((s) => `{ userTypes(source: "${s}") { id } }`);
    await same((s) => `{ facilities(source: "${s}") { id } }`);
    // Ids of a hidden source answer like missing records.
    const user = await same(() => `query($id: ID!) { user(id: $id) { id } }`, (s) => ({ id: encodeId('User', s, 'someone') }));
    assert.deepEqual(user.body.data, { user: null });
    const realHidden = await stack.gql(`query($id: ID!) { user(id: $id) { id } node(id: $id) { id } }`, { id: someone.coremr }, dental());
    assert.deepEqual(realHidden.body.data, { user: null, node: null });
    assert.equal(realHidden.body.errors, undefined);
    const mutation = await same(() => `mutation($id: ID!) { setUserActive(id: $id, active: false) { userErrors { field code message } } }`, (s) => ({ id: encodeId('User', s, 'someone') }));
    assert.deepEqual(mutation.body.data!.setUserActive.userErrors.map((e: any) => e.code), ['NOT_FOUND']);
    await stack.clearLogs();
    const realWrite = await stack.gql(`mutation($id: ID!) { setUserActive(id: $id, active: false) { userErrors { code } } }`, { id: someone.coremr }, dental());
    assert.deepEqual(realWrite.body.data!.setUserActive.userErrors, [{ code: 'NOT_FOUND' }]);
    await noVendorCalls('write to a hidden source');
  });
});

test('idempotency keys belong to their caller: another caller’s key never replays', async () => {
  const m = `mutation($id: ID!, $key: String) { setUserActive(id: $id, active: true, idempotencyKey: $key) { replayed userErrors { code } } }`;
  await stack.clearLogs();
  const first = await stack.gql(m, { id: someone.opendental, key: 'k-shared' }, callers.key('admin'));
  const again = await stack.gql(m, { id: someone.opendental, key: 'k-shared' }, callers.key('admin'));
  const other = await stack.gql(m, { id: someone.opendental, key: 'k-shared' }, callers.key('writer-reader'));
  assert.equal(first.body.data!.setUserActive.replayed, false);
  assert.equal(again.body.data!.setUserActive.replayed, true);
  assert.equal(other.body.data!.setUserActive.replayed, false);
  const writes = (await stack.sims.opendental!.control.requests()).filter((r) => r.method === 'PUT');
  assert.equal(writes.length, 2, 'one vendor write per caller');
});

test('every account-changing attempt leaves exactly one write_attempt record, refused ones included (DENIED, FAILURE, SUCCESS)', async () => {
  const m = `mutation($id: ID!) { setUserActive(id: $id, active: true) { userErrors { code } } }`;
  const del = `mutation($id: ID!) { deleteUser(id: $id) { userErrors { code } } }`;
  const attempts: Array<[string, Record<string, unknown>, Record<string, string>, string, string | null]> = [
    [m, { id: someone.coremr }, callers.key('pii-reader'), 'DENIED', 'FORBIDDEN'],
    [m, { id: someone.coremr }, callers.key('dental-only'), 'FAILURE', 'NOT_FOUND'],
    [del, { id: someone.opendental }, callers.key('admin'), 'FAILURE', 'UNSUPPORTED_BY_VENDOR'],
    [m, { id: 'not-an-id' }, callers.key('admin'), 'FAILURE', 'BAD_USER_INPUT'],
    [m, { id: someone.icure }, callers.key('admin'), 'SUCCESS', null],
  ];
  for (const [query, vars, headers, outcome, errorCode] of attempts) {
    const before = stack.logLines.length;
    await stack.gql(query, vars, headers);
    const records = stack.logLines.slice(before).map((l) => JSON.parse(l)).filter((l) => l.event === 'write_attempt');
    assert.equal(records.length, 1, `${outcome} ${errorCode}: one record`);
    assert.equal(records[0].outcome, outcome);
    assert.equal(records[0].errorCode, errorCode);
    assert.equal(records[0].actorKind, 'API_KEY');
  }
});
