import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import type { StartedSimulator } from '../../src/core/connector';
import { VENDORS } from '../../src/vendors/registry';
import { SimControl } from '../../src/sim/control';
import { sourceIdFor, writeSimulatorConfig } from '../../src/cli/simulators';

/**
 * `staffgraph check --config FILE` (docs/observability.md) against running simulators: one line per
 * source, exit 0 only if every source signed in, 2 for a config with problems (and then no
 * vendor is called), and never a credential or a URL in what it prints.
 */
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const sims: StartedSimulator[] = [];
const controls: SimControl[] = [];
let dir: string;
let file: string;
let config: any;

before(async () => {
  for (const v of VENDORS) sims.push(await v.startSimulator({ port: 0, users: 10, seed: 1 }));
  for (const s of sims) controls.push(new SimControl(s.origin));
  dir = mkdtempSync(join(tmpdir(), 'sg-check-'));
  file = join(dir, 'staffgraph.yaml');
  writeSimulatorConfig(file, sims.map((sim, i) => ({ id: sourceIdFor(VENDORS[i]!), sim })));
  config = YAML.parse(readFileSync(file, 'utf8'));
});
after(() => Promise.all(sims.map((s) => s.close())));

/** Runs the CLI asynchronously (the simulators answer from this process meanwhile). */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, LOG_LEVEL: '', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function writeVariant(name: string, edit: (c: any) => void): string {
  const copy = structuredClone(config);
  edit(copy);
  const out = join(dir, name);
  writeFileSync(out, YAML.stringify(copy), { mode: 0o600 });
  return out;
}

/** Everything in the config a line must never echo: base URLs and every secret. */
function secretsOf(c: any): string[] {
  const out: string[] = [];
  for (const s of c.sources) {
    out.push(s.baseUrl, new URL(s.baseUrl).host);
    // Passwords, secrets and keys (not user names, such as CorEMR's keyUser "gateway", nor key file paths).
    for (const [k, v] of Object.entries(s.auth)) if (typeof v === 'string' && /password|secret|key$/i.test(k) && !/file$/i.test(k)) out.push(v);
  }
  return out;
}

const OK_LINE = /^ok {3}(\S+) \((\S+)\) \d+ ms$/;

test('every source signs in: one ok line per source, in configured order, exit 0; no store, no server', async () => {
  const res = await cli(['check', '--config', file]);
  assert.equal(res.code, 0, res.stdout + res.stderr);
  const lines = res.stdout.trimEnd().split('\n');
  assert.equal(lines.length, VENDORS.length);
  lines.forEach((line, i) => {
    const m = OK_LINE.exec(line);
    assert.ok(m, line);
    assert.equal(m[1], config.sources[i].id);
    assert.equal(m[2], config.sources[i].vendor);
  });
  assert.equal(res.stderr, '');
  // Each source was really asked (the health check is an authenticated call)…
  for (const [i, c] of controls.entries()) assert.ok((await c.requests()).length >= 1, `${VENDORS[i]!.vendor} was called`);
  // …and nothing was opened beside the config: the default store folder is not there.
  assert.ok(!existsSync(join(dir, 'staffgraph-data')), 'the store was not opened');
  assert.deepEqual(readdirSync(dir).sort(), ['keys', 'staffgraph.yaml']);
});

test('one source with a wrong password: that line FAIL SOURCE_AUTH_FAILED, the others ok, exit 1; no credential or URL printed', async () => {
  const broken = writeVariant('broken.yaml', (c) => {
    const icure = c.sources.find((s: any) => s.vendor === 'icure');
    icure.auth.password = 'not-the-password-' + 'x'.repeat(8);
  });
  const res = await cli(['check', '--config', broken]);
  assert.equal(res.code, 1, res.stdout + res.stderr);
  const lines = res.stdout.trimEnd().split('\n');
  assert.equal(lines.length, VENDORS.length);
  const icureAt = config.sources.findIndex((s: any) => s.vendor === 'icure');
  assert.equal(lines[icureAt], `FAIL ${config.sources[icureAt].id} (icure) SOURCE_AUTH_FAILED: The gateway could not authenticate to the source.`);
  lines.forEach((line, i) => i !== icureAt && assert.match(line, OK_LINE));
  const printed = res.stdout + res.stderr;
  for (const s of [...secretsOf(config), 'not-the-password-']) assert.ok(!printed.includes(s), `nothing prints ${JSON.stringify(s)}`);
});

test('a source that does not answer in time: FAIL SOURCE_TIMEOUT within --timeout-ms', async () => {
  const od = controls[VENDORS.findIndex((v) => v.vendor === 'opendental')]!;
  await od.fault({ kind: 'hang' });
  try {
    const started = Date.now();
    const res = await cli(['check', '--config', file, '--timeout-ms', '300']);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    const line = res.stdout.split('\n').find((l) => l.includes('(opendental)'))!;
    assert.match(line, /^FAIL \S+ \(opendental\) SOURCE_TIMEOUT: /);
    assert.ok(Date.now() - started < 10_000, 'the check did not wait out the default ten seconds');
  } finally {
    await od.clearFaults();
  }
});

test('a config with problems: exit 2, one line per problem, and no vendor was called', async () => {
  await Promise.all(controls.map((c) => c.clearRequests()));
  const bad = writeVariant('bad.yaml', (c) => {
    delete c.sources[0].baseUrl;
    c.sources[1].vendor = 'no-such-vendor';
  });
  const res = await cli(['check', '--config', bad]);
  assert.equal(res.code, 2, res.stdout + res.stderr);
  assert.equal(res.stdout, '');
  const lines = res.stderr.trimEnd().split('\n');
  assert.equal(lines[0], 'staffgraph: invalid configuration:');
  assert.equal(lines.length, 3, res.stderr);
  assert.match(lines[1]!, /^ {2}- sources\[0\]/);
  assert.match(lines[2]!, /^ {2}- sources\[1\]/);
  for (const c of controls) assert.deepEqual(await c.requests(), []);
});

test('usage errors are one line, exit 1: no --config, a bad --timeout-ms, a bad LOG_LEVEL', async () => {
  const noConfig = await cli(['check'], { STAFFGRAPH_CONFIG: '' });
  assert.equal(noConfig.code, 1);
  assert.equal(noConfig.stderr, 'staffgraph: check needs --config FILE (or STAFFGRAPH_CONFIG) (see staffgraph check --help)\n');
  const badTimeout = await cli(['check', '--config', file, '--timeout-ms', '1e3']);
  assert.equal(badTimeout.code, 1);
  assert.match(badTimeout.stderr, /^staffgraph: --timeout-ms must be an integer from 1 to 600000, not "1e3" \(see staffgraph check --help\)\n$/);
  const badLevel = await cli(['check', '--config', file], { LOG_LEVEL: 'chatty' });
  assert.equal(badLevel.code, 1);
  assert.match(badLevel.stderr, /^staffgraph: LOG_LEVEL must be one of debug, info, warn, error, not "chatty" \(see staffgraph check --help\)\n$/);
});
