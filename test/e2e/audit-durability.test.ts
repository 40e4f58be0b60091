import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { startStack, type Stack } from '../support/stack';
import { openStore, openTestStore } from '../../src/store/open-store';
import type { Store } from '../../src/store/types';
import { silentLogger } from '../../src/core/logger';
import { writeSimulatorConfig } from '../../src/cli/simulators';
import { startServe } from '../support/serve';

// End-to-end tier: the audit trail and idempotency records survive what a deploy does to a
// gateway (restart, crash), fail closed when the store cannot write, and hold under concurrency.
const SET_ACTIVE = `mutation($id: ID!, $key: String) { setUserActive(id: $id, active: true, idempotencyKey: $key) { replayed userErrors { code message } steps { method } } }`;

let stack: Stack;
let store: Store;
const someone: Record<string, string> = {};
before(async () => {
  store = await openTestStore('pglite');
  stack = await startStack({ users: 4, store });
  const res = await stack.gql(`{ users(first: 100) { nodes { id source { id } } } }`);
  for (const n of res.body.data!.users.nodes) someone[n.source.id] ??= n.id;
});
after(async () => {
  await stack.close();
  await store.close();
});
afterEach(() => stack.resetAll());

const writes = async (source: string) => (await stack.sims[source]!.control.requests()).filter((r) => r.method !== 'GET').length;

describe('idempotency records in the store', () => {
  test('a replay after a gateway restart returns the stored payload with no vendor call', async () => {
    const first = await stack.gql(SET_ACTIVE, { id: someone.coremr, key: 'k-restart' });
    assert.equal(first.body.data!.setUserActive.replayed, false);
    await stack.restartGateway();
    await stack.clearLogs();
    const again = await stack.gql(SET_ACTIVE, { id: someone.coremr, key: 'k-restart' });
    assert.equal(again.body.data!.setUserActive.replayed, true);
    assert.deepEqual(again.body.data!.setUserActive.steps, first.body.data!.setUserActive.steps);
    assert.deepEqual(await stack.vendorCalls(), { coremr: 0, opendental: 0, painchek: 0, icure: 0, presentationservices: 0 });
  });

  test('two concurrent requests with one key make one vendor write; the second gets the first’s result', async () => {
    await stack.sims.coremr!.control.fault({ kind: 'latency', latencyMs: 400, method: 'PUT' });
    await stack.clearLogs();
    const [a, b] = await Promise.all([stack.gql(SET_ACTIVE, { id: someone.coremr, key: 'k-race' }), stack.gql(SET_ACTIVE, { id: someone.coremr, key: 'k-race' })]);
    const replayed = [a, b].map((r) => r.body.data!.setUserActive.replayed).sort();
    assert.deepEqual(replayed, [false, true]);
    assert.equal(await writes('coremr'), 1, 'one vendor write');
  });
});

describe('fail closed', () => {
  test('a store that cannot take the PENDING row → AUDIT_UNAVAILABLE and zero vendor requests', async () => {
    const broken: Store = { ...store, audit: { ...store.audit, insert: async () => Promise.reject(new Error('disk full')) } };
    const s = await startStack({ users: 3, store: broken });
    try {
      const res = await s.gql(`{ users(sources: ["coremr"], first: 1) { nodes { id } } }`);
      const id = res.body.data!.users.nodes[0].id;
      await s.clearLogs();
      const m = await s.gql(SET_ACTIVE, { id, key: null });
      assert.deepEqual(m.body.data!.setUserActive.userErrors.map((e: any) => e.code), ['AUDIT_UNAVAILABLE']);
      assert.deepEqual(m.body.data!.setUserActive.steps, []);
      assert.deepEqual(Object.values(await s.vendorCalls()).filter((n) => n > 0), []);
      assert.ok(s.logLines.some((l) => l.includes('"audit_unavailable"')));
    } finally {
      await s.close();
    }
  });
});

describe('a crash', () => {
  test('SIGKILL while a write waits on a slow vendor: at the next start the event reads UNKNOWN', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-crash-'));
    const file = join(dir, 'sg.yaml');
    writeSimulatorConfig(file, Object.entries(stack.sims).map(([id, s]) => ({ id, sim: s.sim })), 0);
    const config = YAML.parse(require('node:fs').readFileSync(file, 'utf8'));
    config.store = { path: join(dir, 'data') };
    config.audit = { stream: 'none' };
    writeFileSync(file, YAML.stringify(config));
    await stack.sims.coremr!.control.fault({ kind: 'latency', latencyMs: 30_000, method: 'PUT' });
    await stack.clearLogs();

    const { child, url } = await startServe(file);
    void fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: SET_ACTIVE, variables: { id: someone.coremr } }) }).catch(() => undefined);
    // Wait until the vendor holds the write (the PENDING row went in before it was sent).
    for (let i = 0; i < 200 && !(await stack.sims.coremr!.control.requests()).some((r) => r.method === 'PUT'); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const reopened = await openStore({ path: join(dir, 'data'), postgres: null }, { logger: silentLogger });
    try {
      const page = await reopened.audit.list({ action: 'setUserActive' }, 10, null);
      assert.equal(page.events.length, 1);
      assert.equal(page.events[0]!.outcome, 'UNKNOWN');
      assert.equal(page.events[0]!.errorCode, 'OUTCOME_UNKNOWN');
    } finally {
      await reopened.close();
    }
  });
});
