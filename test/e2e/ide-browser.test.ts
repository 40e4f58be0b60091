import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse, type OperationDefinitionNode } from 'graphql';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { startStack, type Stack } from '../support/stack';
import { generateApiKey, hashApiKey } from '../../src/auth/api-keys';

/**
 * The IDE in a real browser: Debian's Chromium (CI installs it in .ci/run; no browser is ever
 * downloaded), headless, driven by playwright-core. Each launch gets a fresh temporary profile and
 * each test a fresh context, so nothing carries over between tests or runs.
 */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
// Outside CI a machine without Chromium skips this file; in CI a missing Chromium is a failure.
const SKIP = !existsSync(CHROMIUM) && !process.env.CI ? 'chromium not installed: apt-get install chromium' : false;
/** Longest wait for one UI step (page load, a query's answer), ms. */
const STEP_TIMEOUT_MS = 15_000;

// The README's operations, parsed here independently of src/server/ide-examples.ts.
const README = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
const OPERATIONS = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].flatMap((m) => parse(m[1]!).definitions as OperationDefinitionNode[]);
const QUERY_NAMES = OPERATIONS.filter((o) => o.operation === 'query').map((o) => o.name!.value);
const MUTATION_NAMES = OPERATIONS.filter((o) => o.operation === 'mutation').map((o) => o.name!.value);

describe('the IDE in a browser', { skip: SKIP, timeout: 180_000 }, () => {
  const key = generateApiKey();
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing and CI is set: .ci/run must install Debian's chromium`);
    stack = await startStack({
      users: 5,
      auth: { mode: 'required', jwt: null, apiKeys: [{ name: 'analyst', hash: hashApiKey(key), scopes: ['users:read'], sources: null }] },
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('the page loads only from the gateway and opens with the README examples: queries first, then one mutations tab', async () => {
    const ide = await openIde(browser, stack.url);
    try {
      assert.equal(await ide.page.title(), 'staffgraph — GraphiQL');
      assert.equal((await ide.page.locator('.graphiql-logo').textContent())?.trim(), 'staffgraph');
      // GraphiQL names a tab after the first operation in it: the mutations tab after the first mutation.
      assert.deepEqual(await ide.page.locator('.graphiql-tab-button').allTextContents(), [...QUERY_NAMES, MUTATION_NAMES[0]]);
      const first = await editorValue(ide.page, 'query');
      assert.match(first, /^# Which sources are configured.*\nquery Sources \{/, 'the README comment above the query is kept');
      assert.doesNotMatch(first, /query Everyone|mutation/);
      await ide.page.locator('.graphiql-tab-button').last().click();
      await waitForEditor(ide.page, 'query', /mutation /);
      const last = await editorValue(ide.page, 'query');
      for (const name of MUTATION_NAMES) assert.match(last, new RegExp(`^mutation ${name}\\b`, 'm'), name);
      assert.doesNotMatch(last, /^\s*query /m, 'no query in the mutations tab');
      assertLocal(ide, stack.url);
    } finally {
      await ide.context.close();
    }
  });

  test('a pasted Authorization header is sent and the query answers; without it UNAUTHENTICATED; nothing stays in storage', async () => {
    const ide = await openIde(browser, stack.url);
    try {
      const { page } = ide;
      await stack.clearLogs();
      await setHeaders(page, `{"Authorization": "Bearer ${key}"}`);
      const ok = await run(page);
      assert.equal(ok.status(), 200);
      assert.equal((await ok.request().allHeaders())['authorization'], `Bearer ${key}`);
      await waitForResult(page, /"sources": \[/);
      const shown = JSON.parse(await editorValue(page, 'response')) as { data: { sources: Array<{ id: string }> } };
      assert.deepEqual(shown.data.sources.map((s) => s.id).sort(), Object.keys(stack.sims).sort());
      // The stack's first authorized request, so source health is not cached yet (5 s) and the vendors are asked.
      assert.ok(Object.values(await stack.vendorCalls()).some((n) => n > 0), 'the gateway accepted the key and asked the vendors');

      await stack.clearLogs();
      await setHeaders(page, '');
      const refused = await run(page);
      assert.equal(refused.status(), 401);
      assert.equal((await refused.request().allHeaders())['authorization'], undefined);
      await waitForResult(page, /"code": "UNAUTHENTICATED"/);
      assert.doesNotMatch(await editorValue(page, 'response'), /"data"/);
      assert.deepEqual(Object.values(await stack.vendorCalls()).filter((n) => n > 0), [], 'a refused request reaches no vendor');

      // Use the other parts of GraphiQL that keep state: another tab (headers are per tab), query
      // history (it holds headers and variables), the docs plugin, a theme.
      await page.locator('.graphiql-tab-button', { hasText: 'Next' }).click();
      await waitForEditor(page, 'query', /query Next/);
      assert.equal(await editorValue(page, 'variables'), '{\n  "after": null\n}', 'the variables of the README example');
      await setHeaders(page, `{"Authorization": "Bearer ${key}"}`);
      assert.equal((await run(page)).status(), 200);
      await page.getByRole('button', { name: 'Show History' }).click();
      await page.locator('.graphiql-history-item').first().waitFor();
      await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
      await page.getByRole('button', { name: 'Open settings dialog' }).click();
      await page.getByRole('button', { name: 'Dark' }).click();
      await page.keyboard.press('Escape');
      const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookies: document.cookie }));
      assert.deepEqual(stored, { local: 0, session: 0, cookies: '' }, 'memory only');

      await page.reload();
      await ready(page);
      assert.equal(await editorValue(page, 'headers'), '', 'the pasted header is gone after a reload');
      assert.match(await editorValue(page, 'query'), /query Sources/, 'back to the README examples');
      assert.doesNotMatch(await page.content(), new RegExp(key));
      assert.deepEqual(await page.evaluate(() => [localStorage.length, sessionStorage.length]), [0, 0]);
      assertLocal(ide, stack.url);
    } finally {
      await ide.context.close();
    }
  });

  test('behind a reverse proxy under /staff the IDE loads its assets and runs queries through the prefix', async () => {
    const proxy = await startPrefixProxy('/staff', new URL(stack.url));
    const ide = await openIde(browser, `${proxy.url}/staff/`);
    try {
      const { page } = ide;
      // /staff/ → the gateway's relative redirect → /staff/graphql.
      assert.equal(page.url(), `${proxy.url}/staff/graphql`);
      await setHeaders(page, `{"Authorization": "Bearer ${key}"}`);
      const ok = await run(page);
      assert.equal(ok.url(), `${proxy.url}/staff/graphql`);
      assert.equal(ok.status(), 200);
      await waitForResult(page, /"sources": \[/);
      assertLocal(ide, proxy.url);
      for (const r of ide.requests) assert.ok(new URL(r.url()).pathname.startsWith('/staff/'), `${r.url()} under the prefix`);
      // Every GET (page, assets) answered; the POSTs are GraphiQL's schema fetch (401 before the key) and the query.
      for (const r of ide.requests.filter((r) => r.method() === 'GET')) assert.ok(((await r.response())?.status() ?? 0) < 400, `${r.url()} answered`);
      assert.ok(proxy.seen.some((s) => s.path === '/staff/ide/graphiql.min.js'));
      assert.ok(proxy.seen.every((s) => s.path.startsWith('/staff/')), `nothing asked outside the prefix: ${JSON.stringify(proxy.seen.map((s) => s.path))}`);
      assert.ok(proxy.seen.some((s) => s.method === 'POST' && s.authorization === `Bearer ${key}`), 'the header went through the proxy');
    } finally {
      await ide.context.close();
      await proxy.close();
    }
  });
});

interface OpenIde {
  context: BrowserContext;
  page: Page;
  /** Every request the page made, in order. */
  requests: Request[];
  /** Script errors and CSP violations the page reported. */
  errors: string[];
}

async function openIde(browser: Browser, url: string): Promise<OpenIde> {
  const context = await browser.newContext();
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const requests: Request[] = [];
  context.on('request', (r) => requests.push(r));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A CSP violation (an inline script, eval, a foreign origin) is reported on the console.
  page.on('console', (m) => void (/Content Security Policy/i.test(m.text()) && errors.push(m.text())));
  await page.goto(url);
  await ready(page);
  return { context, page, requests, errors };
}

/** The IDE has rendered its tabs and its editors (CodeMirror loads asynchronously). */
async function ready(page: Page): Promise<void> {
  await page.locator('.graphiql-tab-button').first().waitFor();
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
  await page.locator('.result-window .CodeMirror').waitFor({ state: 'attached' });
  // The headers editor is shown on load (defaultEditorToolsVisibility: 'headers').
  await page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').waitFor();
}

/**
 * Every request went to the gateway's (or the proxy's) loopback origin: no CDN, no other host;
 * and the page reported no script error or CSP violation.
 */
function assertLocal(ide: OpenIde, base: string): void {
  assert.deepEqual(ide.errors, [], 'no script error, no CSP violation');
  assert.ok(ide.requests.length >= 6, 'the page, four assets, start.js');
  const origin = new URL(base).origin;
  for (const r of ide.requests) {
    const url = new URL(r.url());
    assert.equal(url.hostname, '127.0.0.1', r.url());
    assert.equal(url.origin, origin, r.url());
  }
}

/** Replaces the headers editor's text the way a paste does (no typed keys, so no auto-closed brackets). */
async function setHeaders(page: Page, text: string): Promise<void> {
  await showTool(page, 'headers');
  await page.locator(EDITORS.headers).click();
  await page.keyboard.press('ControlOrMeta+A');
  if (text) await page.keyboard.insertText(text);
  else await page.keyboard.press('Delete');
  assert.equal(await editorValue(page, 'headers'), text);
}

/** Clicks the run button and returns the answer to the operation's POST. */
async function run(page: Page) {
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && !/IntrospectionQuery/.test(r.request().postData() ?? ''));
  await page.locator('.graphiql-execute-button').click();
  return answer;
}

function waitForResult(page: Page, pattern: RegExp): Promise<void> {
  return waitForEditor(page, 'response', pattern);
}

type Editor = 'query' | 'variables' | 'headers' | 'response';

/** Selectors of GraphiQL's CodeMirror editors. */
const EDITORS: Record<Editor, string> = {
  query: '.graphiql-query-editor .CodeMirror',
  // Variables and headers share one pane; the editor not shown is `.hidden`.
  variables: '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror',
  headers: '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror',
  response: '.result-window .CodeMirror',
};

/** Shows the variables or the headers editor. */
async function showTool(page: Page, which: Editor): Promise<void> {
  if (which !== 'variables' && which !== 'headers') return;
  const button = page.locator(`.graphiql-editor-tools button[data-name="${which}"]`);
  if (!((await button.getAttribute('class')) ?? '').split(' ').includes('active')) await button.click();
}

/** The text of one of GraphiQL's editors, read from CodeMirror (the DOM holds only the visible lines). */
async function editorValue(page: Page, which: Editor): Promise<string> {
  await showTool(page, which);
  return page.evaluate((s) => document.querySelector(s)?.CodeMirror.getValue() ?? '', EDITORS[which]);
}

async function waitForEditor(page: Page, which: Editor, pattern: RegExp): Promise<void> {
  await showTool(page, which);
  await page.waitForFunction(
    ([s, source]) => new RegExp(source!).test(document.querySelector(s!)?.CodeMirror.getValue() ?? ''),
    [EDITORS[which], pattern.source],
    { timeout: STEP_TIMEOUT_MS },
  );
}

// The page's globals, for the callbacks playwright runs in the page (the tsconfig has no DOM lib).
declare const document: { querySelector(selector: string): { CodeMirror: { getValue(): string } } | null; cookie: string };
declare const localStorage: { length: number };
declare const sessionStorage: { length: number };

interface PrefixProxy {
  url: string;
  /** Every request the proxy received. */
  seen: Array<{ method: string; path: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

/** A reverse proxy on port 0: `<prefix>/x` → `<target origin>/x`; anything else is 404. */
async function startPrefixProxy(prefix: string, target: URL): Promise<PrefixProxy> {
  const agent = new http.Agent({ keepAlive: true });
  const seen: PrefixProxy['seen'] = [];
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ method: req.method ?? 'GET', path, authorization: req.headers.authorization });
    if (!path.startsWith(`${prefix}/`)) return void res.writeHead(404).end();
    const upstream = http.request(
      { agent, host: target.hostname, port: target.port, method: req.method, path: path.slice(prefix.length), headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
