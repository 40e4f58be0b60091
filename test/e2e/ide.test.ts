import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
before(async () => {
  stack = await startStack({ users: 5 });
});
after(() => stack.close());

test('GET /graphql from a browser serves the local GraphiQL page with a strict CSP', async () => {
  const res = await fetch(stack.url, { headers: { accept: 'text/html' } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  const html = await res.text();
  // Every script and stylesheet is served by the gateway itself: the IDE works with no internet.
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length >= 5);
  for (const ref of refs) {
    assert.ok(ref.startsWith('/ide/'), `${ref} is local`);
    const asset = await fetch(new URL(ref, stack.url));
    assert.equal(asset.status, 200, ref);
    assert.ok((await asset.arrayBuffer()).byteLength > 100, ref);
  }
});

test('unknown IDE assets and paths are 404; / redirects to the IDE', async () => {
  assert.equal((await fetch(new URL('/ide/../package.json', stack.url))).status, 404);
  assert.equal((await fetch(new URL('/ide/secret.js', stack.url))).status, 404);
  assert.equal((await fetch(new URL('/favicon.ico', stack.url))).status, 204);
  const root = await fetch(new URL('/', stack.url), { redirect: 'manual' });
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), 'graphql', 'relative: works under a reverse-proxy path prefix');
});

test('the IDE’s requests (POST JSON) work; a GET without preflight header is refused by CSRF prevention', async () => {
  const ok = await stack.gql(`{ sources { id } }`);
  assert.equal(ok.status, 200);
  assert.ok(ok.headers.get('x-request-id'));
  const csrf = await fetch(`${stack.url}?query=${encodeURIComponent('{ sources { id } }')}`);
  assert.equal(csrf.status, 400);
});

test('a body that is not JSON is a clean 400 with no stack trace', async () => {
  const res = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
  assert.equal(res.status, 400);
  const text = await res.text();
  assert.match(text, /BAD_REQUEST/);
  assert.doesNotMatch(text, /at \w+ \(|\.js:\d+/);
});
