import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { startStack, type Stack } from '../support/stack';
import { writeSimulatorConfig } from '../../src/cli/simulators';
import { findVendor } from '../../src/vendors/registry';
import { REDIS_SKIP, startTestRedis, type TestRedis } from '../support/redis';

// Two `serve` processes sharing one Redis (docs/instances.md), against the same simulators: Open
// Dental's documented 1 request/s holds across both (measured in the simulator's request log), and
// PainChek's token is asked for once, not once per instance. Then Redis goes away: both keep
// serving on their own limits and say so in /readyz.
const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
let stack: Stack; // its simulators only
let redis: TestRedis;
const children: ChildProcess[] = [];
let urls: string[] = [];

async function serve(file: string): Promise<string> {
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  children.push(child);
  child.stderr!.resume();
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving \d+ source\(s\) at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
  });
}

const gql = async (url: string, query: string) => (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as any;

describe('two instances, one Redis', { skip: REDIS_SKIP }, () => {
  before(async () => {
    redis = await startTestRedis();
    stack = await startStack({ users: 8, vendors: [findVendor('opendental')!, findVendor('painchek')!] });
    const dir = mkdtempSync(join(tmpdir(), 'sg-instances-'));
    const files: string[] = [];
    for (const name of ['a', 'b']) {
      const file = join(dir, `${name}.yaml`);
      writeSimulatorConfig(file, Object.entries(stack.sims).map(([id, s]) => ({ id, sim: s.sim })), 0);
      const config = YAML.parse(readFileSync(file, 'utf8'));
      // The vendor's documented limit, which the simulator config lifts for the demo.
      for (const s of config.sources) if (s.vendor === 'opendental') s.http = { ...s.http, minIntervalMs: 1000 };
      config.store = { path: join(dir, `data-${name}`) };
      config.audit = { stream: 'none' };
      config.redis = { url: redis.url, keyPrefix: 'sgtest:' };
      writeFileSync(file, YAML.stringify(config));
      files.push(file);
    }
    urls = await Promise.all(files.map(serve));
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await stack?.close();
    await redis?.stop();
  });

  test('Open Dental calls from both instances stay 1 s apart at the vendor while both serve; PainChek signs in once', async () => {
    await stack.clearLogs();
    const q = `{ users(sources: ["opendental"], first: 5) { nodes { id } } }`;
    const answers = await Promise.all([gql(urls[0]!, q), gql(urls[1]!, q), gql(urls[0]!, q), gql(urls[1]!, q)]);
    for (const a of answers) assert.equal(a.errors, undefined, JSON.stringify(a.errors));
    const log = await stack.sims.opendental!.control.requests();
    assert.ok(log.length >= 4, `${log.length} Open Dental calls`);
    const starts = log.map((r) => Date.parse(r.at)).sort((x, y) => x - y);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    console.log(`Open Dental spacing across two instances (ms): ${gaps.join(', ')}`);
    assert.ok(gaps.every((g) => g >= 1000), `every gap ≥ 1 s: ${gaps.join(', ')}`);

    const pc = `{ users(sources: ["painchek"], first: 3) { nodes { id } } }`;
    for (const url of urls) assert.equal((await gql(url, pc)).errors, undefined);
    const tokens = (await stack.sims.painchek!.control.requests()).filter((r) => r.method === 'POST' && /\/auth\//.test(r.path));
    assert.equal(tokens.length, 1, 'one sign-in for both instances');
  });

  test('Redis down: both keep serving on their own limits and /readyz says so; back when Redis returns', async () => {
    await redis.pause();
    for (let i = 0; i < 50; i++) {
      const r = (await (await fetch(new URL('/readyz', urls[0]!))).json()) as any;
      if (r.redis === 'down') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    for (const url of urls) {
      const ready = await fetch(new URL('/readyz', url));
      assert.equal(ready.status, 200, 'still ready: a shared outage must not empty the balancer');
      assert.equal(((await ready.json()) as any).redis, 'down');
      const res = await gql(url, `{ users(sources: ["opendental"], first: 2) { nodes { id } } }`);
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    }
    await redis.restart();
    for (let i = 0; i < 100; i++) {
      const r = (await (await fetch(new URL('/readyz', urls[0]!))).json()) as any;
      if (r.redis === 'ok') return;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.fail('Redis came back but /readyz never said ok');
  });
});
