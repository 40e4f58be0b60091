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
  // The references are relative (resolved against the page, /graphql), so under a proxy's path
  // prefix they resolve to <prefix>/ide/….
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!).filter((ref) => !ref.startsWith('data:'));
  assert.ok(refs.length >= 5);
  // The icon is inline, so the browser does not ask for /favicon.ico outside a proxy's prefix.
  assert.match(html, /<link rel="icon" href="data:,">/);
  for (const ref of refs) {
    assert.ok(ref.startsWith('ide/'), `${ref} is relative and local`);
    const url = new URL(ref, stack.url);
    assert.equal(url.origin, new URL(stack.url).origin);
    assert.ok(url.pathname.startsWith('/ide/'), url.pathname);
    const asset = await fetch(url);
    assert.equal(asset.status, 200, ref);
    assert.ok((await asset.arrayBuffer()).byteLength > 100, ref);
  }
  // No inline script (the CSP would block it): every <script> has a src.
  assert.equal([...html.matchAll(/<script\b[^>]*>/g)].filter((m) => !/\ssrc="/.test(m[0])).length, 0);
  assert.doesNotMatch(html, /(?:src|href)="(?:\/|https?:)/, 'no absolute URL');
});

test('start.js carries the README examples as tabs and keeps GraphiQL off localStorage', async () => {
  const res = await fetch(new URL('ide/start.js', stack.url));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /javascript/);
  const js = await res.text();
  const tabs = JSON.parse(/var config = (.*);\n/.exec(js)![1]!).tabs as Array<{ query: string }>;
  assert.match(tabs[0]!.query, /query Sources/);
  assert.match(tabs.at(-1)!.query, /mutation Provision[\s\S]*mutation Delete/);
  assert.ok(tabs.slice(0, -1).every((t) => !/^\s*mutation\b/m.test(t.query)), 'queries first; mutations only in the last tab');
  assert.match(js, /storage: memoryStorage\(\)/);
  assert.match(js, /shouldPersistHeaders: false/);
  assert.doesNotMatch(js, /localStorage|sessionStorage/);
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
