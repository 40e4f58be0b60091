import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const children: ChildProcess[] = [];
after(() => children.forEach((c) => c.kill('SIGTERM')));

/** Starts the CLI and resolves with its stdout once `marker` appears. */
function run(args: string[], marker: RegExp): Promise<{ child: ChildProcess; stdout: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${marker}: ${stdout} ${stderr}`)), 30_000);
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (marker.test(stdout)) {
        clearTimeout(timer);
        resolve({ child, stdout });
      }
    });
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

test('`simulate all --write-config` prints five base URLs and writes a working gateway config', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-cli-'));
  const file = join(dir, 'sg.yaml');
  const sim = await run(['simulate', 'all', '--port', '0', '--users', '20', '--write-config', file], /Press Ctrl\+C/);
  const urls = sim.stdout.match(/http:\/\/127\.0\.0\.1:\d+\S*/g) ?? [];
  assert.equal(urls.length, 5);

  const config = YAML.parse(readFileSync(file, 'utf8'));
  assert.equal(config.sources.length, 5);
  assert.equal(statSync(file).mode & 0o077, 0, 'config with credentials is private to its owner');
  const coremr = config.sources.find((s: any) => s.vendor === 'coremr');
  assert.ok(coremr.auth.privateKeyFile, 'the CorEMR key is written to a file');
  assert.equal(coremr.auth.privateKey, undefined, 'and not inline');
  assert.match(readFileSync(join(dir, coremr.auth.privateKeyFile), 'utf8'), /BEGIN (RSA )?PRIVATE KEY/);

  // The credentials in the file get the documented shapes straight from the vendors.
  const od = config.sources.find((s: any) => s.vendor === 'opendental');
  const odRes = await fetch(`${od.baseUrl}/userods?Limit=2`, { headers: { authorization: `ODFHIR ${od.auth.developerKey}/${od.auth.customerKey}`, 'content-type': 'application/json' } });
  assert.equal(odRes.status, 200);
  const odUsers = (await odRes.json()) as Array<Record<string, unknown>>;
  assert.equal(odUsers.length, 2);
  assert.ok(['true', 'false'].includes(odUsers[0]!.IsHidden as string));

  const ic = config.sources.find((s: any) => s.vendor === 'icure');
  const icRes = await fetch(`${ic.baseUrl}/rest/v2/user?limit=3`, { headers: { authorization: 'Basic ' + Buffer.from(`${ic.auth.username}:${ic.auth.password}`).toString('base64') } });
  assert.equal(icRes.status, 200);
  const icPage = (await icRes.json()) as { rows: unknown[]; nextKeyPair?: unknown };
  assert.equal(icPage.rows.length, 3);
  assert.ok(icPage.nextKeyPair);

  const pc = config.sources.find((s: any) => s.vendor === 'painchek');
  const tok = await fetch(`${pc.baseUrl}/api/integration/auth/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: pc.auth.clientId, client_secret: pc.auth.clientSecret }),
  });
  const token = ((await tok.json()) as { access_token: string }).access_token;
  const pcRes = await fetch(`${pc.baseUrl}/api/account/users/`, { headers: { authorization: `Bearer ${token}` } });
  const pcPage = (await pcRes.json()) as { count: number; results: unknown[]; next: string | null };
  assert.equal(pcPage.count, 20);
  assert.ok(pcPage.next?.startsWith('http://127.0.0.1:'));

  // And the gateway serves them from that file.
  const gw = await run(['serve', '--config', file, '--port', '0'], /serving 5 source\(s\) at (\S+)/);
  const url = /serving 5 source\(s\) at (\S+)/.exec(gw.stdout)![1]!;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ sources { id health { status } } }' }) });
  const body = (await res.json()) as { data: { sources: Array<{ id: string; health: { status: string } }> } };
  assert.deepEqual(body.data.sources.map((s) => s.health.status), ['UP', 'UP', 'UP', 'UP', 'UP']);
  gw.child.kill('SIGTERM');

  // `apikey create` → paste its line under auth.apiKeys → `serve` requires that key and honours its grant.
  const created = spawnSync(process.execPath, [CLI, 'apikey', 'create', '--name', 'hr-offboarding', '--scopes', 'users:read,users:write', '--sources', 'opendental'], { encoding: 'utf8' });
  assert.equal(created.status, 0, created.stderr);
  const key = created.stdout.split('\n')[0]!.trim();
  const line = created.stdout.split('\n').find((l) => l.trim().startsWith('- {'))!;
  assert.ok(!line.includes(key), 'the config line holds the hash, not the key');
  config.auth = { mode: 'required', apiKeys: YAML.parse(line) };
  const secured = join(dir, 'secured.yaml');
  writeFileSync(secured, YAML.stringify(config), { mode: 0o600 });
  const gw2 = await run(['serve', '--config', secured, '--port', '0'], /serving 5 source\(s\) at (\S+)/);
  const url2 = /serving 5 source\(s\) at (\S+)/.exec(gw2.stdout)![1]!;
  const ask = (headers: Record<string, string>) =>
    fetch(url2, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: '{ sources { id } }' }) });
  assert.equal((await ask({})).status, 401);
  const withKey = await ask({ authorization: `Bearer ${key}` });
  assert.equal(withKey.status, 200);
  assert.deepEqual(((await withKey.json()) as { data: unknown }).data, { sources: [{ id: 'opendental' }] });
});

test('`schema` prints the SDL; an unknown command explains usage', async () => {
  const { spawnSync } = await import('node:child_process');
  const schema = spawnSync(process.execPath, [CLI, 'schema'], { encoding: 'utf8' });
  assert.equal(schema.status, 0);
  assert.match(schema.stdout, /type Query/);
  const bad = spawnSync(process.execPath, [CLI, 'frobnicate'], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /unknown command "frobnicate"/);
});
