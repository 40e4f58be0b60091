import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { startStack } from '../support/stack';
import { openStore } from '../../src/store/open-store';
import { silentLogger } from '../../src/core/logger';
import { validateBundle } from '../../src/service/audit/fhir-r4-auditevent';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

// End-to-end: mutations through a gateway on a store folder, then `staffgraph audit export` as an
// operator runs it, against that folder.
test('`audit export` writes the trail as JSON lines and as a FHIR R4 Bundle that validates, and --since filters', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-export-'));
  const store = await openStore({ path: join(dir, 'data'), postgres: null }, { logger: silentLogger });
  const stack = await startStack({ users: 3, store });
  let between: string;
  try {
    const users = await stack.gql(`{ users(sources: ["coremr"], first: 2) { nodes { id } } }`);
    const [a, b] = users.body.data!.users.nodes.map((n: any) => n.id);
    await stack.gql(`mutation($id: ID!) { setUserActive(id: $id, active: true) { userErrors { code } } }`, { id: a });
    await new Promise((r) => setTimeout(r, 20));
    between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await stack.gql(`mutation($id: ID!) { deleteUser(id: $id) { userErrors { code } } }`, { id: b });
  } finally {
    await stack.close();
    await store.close();
  }
  const file = join(dir, 'sg.yaml');
  writeFileSync(file, YAML.stringify({ auth: { mode: 'none' }, store: { path: './data' }, sources: [{ id: 'coremr', vendor: 'opendental', baseUrl: 'http://127.0.0.1:1/api/v1', auth: { developerKey: 'd', customerKey: 'c' } }] }));

  const jsonl = spawnSync(process.execPath, [CLI, 'audit', 'export', '--config', file, '--format', 'jsonl'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(jsonl.status, 0, jsonl.stderr);
  const lines = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.action), ['setUserActive', 'deleteUser'], 'oldest first, one line each');

  const since = spawnSync(process.execPath, [CLI, 'audit', 'export', '--config', file, '--format', 'jsonl', '--since', between!], { encoding: 'utf8', timeout: 60_000 });
  assert.deepEqual(since.stdout.trim().split('\n').map((l) => JSON.parse(l).action), ['deleteUser']);

  const fhir = spawnSync(process.execPath, [CLI, 'audit', 'export', '--config', file, '--format', 'fhir'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(fhir.status, 0, fhir.stderr);
  const bundle = JSON.parse(fhir.stdout);
  assert.equal(bundle.resourceType, 'Bundle');
  assert.deepEqual(validateBundle(bundle), []);
  const events = bundle.entry.map((e: any) => e.resource);
  assert.deepEqual(events.map((e: any) => e.action), ['U', 'D']);
  assert.deepEqual(events.map((e: any) => e.outcome), ['0', '0'], 'both succeeded');
  assert.equal(events[0].entity[0].what.identifier.system, 'urn:staffgraph:source:coremr');

  const bad = spawnSync(process.execPath, [CLI, 'audit', 'export', '--config', file, '--format', 'csv'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
});
