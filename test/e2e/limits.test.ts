import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startStack, type Stack } from '../support/stack';
import { makeCallers, type TestCallers } from '../support/callers';
import { encodeId } from '../../src/core/ids';

// End-to-end tier: docs/callers-and-limits.md limits. Every refused request is answered before any resolver
// runs, so the simulators' logs must stay empty (STYLE.md rule 11).
let stack: Stack;
let callers: TestCallers;
before(async () => {
  callers = await makeCallers([{ name: 'admin', scopes: ['users:read', 'users:pii', 'users:write'] }]);
  stack = await startStack({ users: 12, auth: callers.auth, server: { cors: { origins: ['https://app.example.org'] } } });
});
after(() => stack.close());
afterEach(() => stack.resetAll());

const admin = () => callers.key('admin');
const times = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(' ');
const RELATIONS = `nodes { id userTypes { name } facilityAccess { primary } }`;

async function refused(query: string, limit: string, max: number) {
  await stack.clearLogs();
  const res = await stack.gql(query, {}, admin());
  assert.equal(res.status, 400, `${limit}: ${res.text.slice(0, 300)}`);
  assert.equal(res.body.data, undefined);
  const err = res.body.errors![0]!;
  assert.equal(err.extensions!.code, 'QUERY_TOO_COMPLEX');
  assert.equal(err.extensions!.limit, limit);
  assert.equal(err.extensions!.max, max);
  assert.match(err.message, new RegExp(limit));
  for (const [id, n] of Object.entries(await stack.vendorCalls())) assert.equal(n, 0, `${limit}: no ${id} call`);
  return res;
}

describe('refused before any vendor call: QUERY_TOO_COMPLEX naming the limit', () => {
  test('500 aliased user(id:) fields (once 500 vendor calls) → maxTokens; 16 of them → maxAliases', async () => {
    const aliased = (n: number) => `{ ${times(n, (i) => `u${i}: user(id: "${encodeId('User', 'coremr', `user${i}`)}") { id }`)} }`;
    await refused(aliased(500), 'maxTokens', 2000);
    await refused(aliased(16), 'maxAliases', 15);
  });

  test('14 aliases of users(first: 500) (once 658 calls and a 929 KB answer) → maxRootFields; one of them → maxFirst', async () => {
    await refused(`{ ${times(14, (i) => `a${i}: users(first: 500) { nodes { id email } }`)} }`, 'maxRootFields', 10);
    await refused(`{ users(first: 500) { nodes { id email } } }`, 'maxFirst', 100);
  });

  test('maxFirst counts a variable too', async () => {
    await stack.clearLogs();
    const res = await stack.gql(`query($n: Int!) { users(first: $n) { nodes { id } } }`, { n: 101 }, admin());
    assert.equal(res.status, 400);
    assert.equal(res.body.errors![0]!.extensions!.limit, 'maxFirst');
    assert.deepEqual(Object.values(await stack.vendorCalls()).filter((n) => n > 0), []);
  });

  test('a 3,000-token query → maxTokens (graphql-js stops lexing)', async () => {
    await refused(`{ ${times(3000, () => '__typename')} }`, 'maxTokens', 2000);
  });

  test('depth 9 → maxDepth; 21 directives → maxDirectives; 11 root fields → maxRootFields', async () => {
    await refused(`{ users(first: 1) { edges { node { facilityAccess { facility { source { capabilities { operations { operation } } } } } } } } }`, 'maxDepth', 8);
    await refused(`{ sources { ${times(21, () => 'id @include(if: true)')} } }`, 'maxDirectives', 20);
    await refused(`{ ${times(11, (i) => `s${i}: sources { id }`)} }`, 'maxRootFields', 10);
  });

  test('cost in vendor calls: five CorEMR pages of 100 with relations (5 × 201) → maxCost; the same on iCure costs 5 and runs', async () => {
    await refused(`{ ${times(5, (i) => `p${i}: users(sources: ["coremr"], first: 100) { ${RELATIONS} }`)} }`, 'maxCost', 1000);
    await stack.clearLogs();
    const icure = await stack.gql(`{ ${times(5, (i) => `p${i}: users(sources: ["icure"], first: 100) { ${RELATIONS} }`)} }`, {}, admin());
    assert.equal(icure.body.errors, undefined);
    const calls = await stack.vendorCalls();
    assert.ok(calls.icure! >= 1 && calls.icure! <= 5, `iCure: ${calls.icure}`);
  });

  test('one CorEMR page of 100 with relations costs ~201 and is allowed (the vendor sees 1 + 2 × users calls)', async () => {
    await stack.clearLogs();
    const res = await stack.gql(`{ users(sources: ["coremr"], first: 100) { ${RELATIONS} } }`, {}, admin());
    assert.equal(res.body.errors, undefined);
    const users = res.body.data!.users.nodes.length;
    assert.equal((await stack.vendorCalls()).coremr, 1 + 2 * users);
  });

  test('the limits of a smaller config apply (server.limits is honoured)', async () => {
    const small = await startStack({ users: 3, server: { limits: { maxCost: 5, maxDepth: 4 } } });
    try {
      const deep = await small.gql(`{ users(first: 1) { edges { node { source { id } } } } }`);
      assert.equal(deep.body.errors?.[0]?.extensions?.limit, 'maxDepth');
      const costly = await small.gql(`{ users(sources: ["coremr"], first: 5) { nodes { userTypes { name } } } }`);
      assert.equal(costly.status, 400);
      assert.equal(costly.body.errors![0]!.extensions!.limit, 'maxCost');
      assert.equal(costly.body.errors![0]!.extensions!.max, 5);
    } finally {
      await small.close();
    }
  });
});

describe('the request body', () => {
  test('a body over maxBodyBytes is refused with 413 from its Content-Length, before it is read', async () => {
    await stack.clearLogs();
    const { port } = new URL(stack.url);
    // Declare 1 MB but send only the headers: the answer must come without the body being sent.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n${Object.entries(admin()).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (d) => {
        text += d;
        if (text.includes('\r\n\r\n') && text.includes('}')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
      setTimeout(() => reject(new Error(`no answer before the body: ${text}`)), 5000);
    });
    assert.match(answer, /^HTTP\/1\.1 413/);
    assert.match(answer, /"limit":"maxBodyBytes"/);
    assert.deepEqual(Object.values(await stack.vendorCalls()).filter((n) => n > 0), []);
  });

  test('a chunked body (no Content-Length) is cut off at maxBodyBytes too', async () => {
    const big = JSON.stringify({ query: `{ sources { id } }`, variables: { pad: 'x'.repeat(150_000) } });
    const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } });
    const res = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', ...admin() }, body: stream, duplex: 'half' } as RequestInit);
    assert.equal(res.status, 413);
  });
});

describe('introspection', () => {
  test('server.introspection: false refuses __schema and drops "Did you mean" suggestions; true keeps both', async () => {
    const closed = await startStack({ users: 2, server: { introspection: false } });
    try {
      const schema = await closed.gql(`{ __schema { types { name } } }`);
      assert.equal(schema.status, 400);
      assert.equal(schema.body.errors![0]!.extensions!.code, 'GRAPHQL_VALIDATION_FAILED');
      const typo = await closed.gql(`{ user(id: "x") { displayNam } }`);
      assert.equal(typo.status, 400);
      assert.doesNotMatch(typo.text, /Did you mean/);
      assert.doesNotMatch(typo.text, /displayName/);
    } finally {
      await closed.close();
    }
    const open = await stack.gql(`{ user(id: "x") { displayNam } }`, {}, admin());
    assert.match(open.body.errors![0]!.message, /Did you mean "displayName"/);
    const schema = await stack.gql(`{ __schema { queryType { name } } }`, {}, admin());
    assert.deepEqual(schema.body.data, { __schema: { queryType: { name: 'Query' } } });
  });
});

describe('CORS', () => {
  test('only configured origins get CORS headers; a preflight from another origin is 403', async () => {
    const preflight = (origin: string) =>
      fetch(stack.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    const ok = await preflight('https://app.example.org');
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example.org');
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /authorization/);
    const other = await preflight('https://evil.example');
    assert.equal(other.status, 403);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const post = await fetch(stack.url, { method: 'POST', headers: { origin: 'https://app.example.org', 'content-type': 'application/json', ...admin() }, body: JSON.stringify({ query: '{ __typename }' }) });
    assert.equal(post.headers.get('access-control-allow-origin'), 'https://app.example.org');
    assert.equal(post.headers.get('access-control-allow-credentials'), null);
  });

  test('no origins configured (the default): no CORS headers at all', async () => {
    const plain = await startStack({ users: 2 });
    try {
      const res = await fetch(plain.url, { method: 'OPTIONS', headers: { origin: 'https://app.example.org', 'access-control-request-method': 'POST' } });
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    } finally {
      await plain.close();
    }
  });
});

test('batched operations and persisted-query hashes are refused, so the limits cannot be split or bypassed', async () => {
  await stack.clearLogs();
  const batch = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...admin() },
    body: JSON.stringify([{ query: '{ users(first: 100) { nodes { id } } }' }, { query: '{ users(first: 100) { nodes { id } } }' }]),
  });
  assert.equal(batch.status, 400);
  assert.match(await batch.text(), /batching disabled/);
  const hashed = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...admin() },
    body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
  });
  // The APQ protocol answers this with 200 and the code, so that clients fall back to sending the query.
  assert.match(await hashed.text(), /PERSISTED_QUERY_NOT_SUPPORTED/);
  assert.deepEqual(Object.values(await stack.vendorCalls()).filter((n) => n > 0), []);
});
