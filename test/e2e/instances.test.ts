import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { startStack, type Stack } from '../support/stack';
import { writeSimulatorConfig } from '../../src/cli/simulators';
import { findVendor } from '../../src/vendors/registry';
import { REDIS_SKIP, startTestRedis, type TestRedis } from '../support/redis';
import { killServes, postGql, startServe, untilMirrorsReady, type ServeProcess } from '../support/serve';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { PG_URL_ENV, NO_POSTGRES } from '../../src/store/test-store';

// Two `serve` processes sharing one Redis (docs/instances.md), against the same simulators: Open
// Dental's documented 1 request/s holds across both (measured in the simulator's request log), and
// PainChek's token is asked for once, not once per instance. Then Redis goes away: both keep
// serving on their own limits and say so in /readyz.
let stack: Stack; // its simulators only
let redis: TestRedis;
let urls: string[] = [];

const gql = (url: string, query: string) => postGql(url, query);

describe('two instances, one Redis', { skip: REDIS_SKIP }, () => {
  before(async () => {
    redis = await startTestRedis();
    stack = await startStack({ users: 8, vendors: [findVendor('opendental')!, findVendor('painchek')!, findVendor('presentationservices')!] });
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
    urls = (await Promise.all(files.map(startServe))).map((p) => p.url);
  });
  after(async () => {
    killServes();
    await stack?.close();
    await redis?.stop();
  });

  test('Open Dental calls from both instances stay 1 s apart at the vendor while both serve; PainChek and PresentationServices sign in once', async () => {
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
    const ps = `{ users(sources: ["presentationservices"], first: 3) { nodes { id } } }`;
    for (const url of urls) assert.equal((await gql(url, ps)).errors, undefined);
    const logins = (await stack.sims.presentationservices!.control.requests()).filter((r) => /\/validateAccount$/.test(r.path));
    assert.equal(logins.length, 1, 'one PresentationServices login for both instances');
  });

  test('an open breaker is shared: once A opens it, B answers SOURCE_UNAVAILABLE without calling the vendor', async () => {
    await stack.sims.painchek!.control.fault({ kind: 'status', status: 503 });
    const q = `{ users(sources: ["painchek"], first: 2) { nodes { id } } }`;
    // Each read is tried 3 times; the breaker opens after 5 failures in a row.
    for (let i = 0; i < 3; i++) await gql(urls[0]!, q);
    // A writes the open state to Redis (asynchronously); B reads it twice a second. Wait for the
    // key itself, then for more than one of B's reads, so a busy machine cannot race the check.
    const peek = new Redis(redis.url, { lazyConnect: true });
    await peek.connect();
    for (let i = 0; i < 50 && (await peek.pttl('sgtest:breaker:painchek')) <= 0; i++) await new Promise((r) => setTimeout(r, 50));
    peek.disconnect();
    await new Promise((r) => setTimeout(r, 1_200));
    await stack.clearLogs();
    const b = await gql(urls[1]!, q);
    assert.deepEqual(b.errors?.map((e: any) => e.extensions?.code), ['SOURCE_UNAVAILABLE']);
    assert.equal((await stack.sims.painchek!.control.requests()).length, 0, 'B did not call PainChek');
    await stack.sims.painchek!.control.clearFaults();
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

/** A fresh schema on the test server, as a URL whose connections use it (search_path). */
async function pgSchemaUrl(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env[PG_URL_ENV]!;
  const schema = `sg_inst_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    url,
    drop: async () => {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

const PG_SKIP = process.env[PG_URL_ENV] || process.env.CI ? false : NO_POSTGRES;

describe('two instances on one PostgreSQL and one Redis', { skip: REDIS_SKIP || PG_SKIP }, () => {
  let sims: Stack;
  let cache: TestRedis;
  let pg: { url: string; drop: () => Promise<void> };
  const procs: Array<ServeProcess | null> = [null, null];
  let files: string[] = [];

  async function start(i: number): Promise<void> {
    procs[i] = await startServe(files[i]!);
  }

  const refreshes = async (i: number): Promise<number> => {
    const text = await (await fetch(new URL('/metrics', procs[i]!.url))).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('staffgraph_mirror_refreshes_total{') && l.includes('source="opendental"'))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
  };

  before(async () => {
    cache = await startTestRedis();
    pg = await pgSchemaUrl();
    sims = await startStack({ users: 8, vendors: [findVendor('opendental')!, findVendor('coremr')!] });
    const dir = mkdtempSync(join(tmpdir(), 'sg-instances-pg-'));
    for (const name of ['a', 'b']) {
      const file = join(dir, `${name}.yaml`);
      writeSimulatorConfig(file, Object.entries(sims.sims).map(([id, s]) => ({ id, sim: s.sim })), 0);
      const config = YAML.parse(readFileSync(file, 'utf8'));
      for (const s of config.sources) s.mirror = { enabled: true, refreshSeconds: 10 };
      config.store = { postgres: { url: pg.url } };
      config.audit = { stream: 'none' };
      config.redis = { url: cache.url, keyPrefix: 'sgpg:', leaseSeconds: 3 };
      writeFileSync(file, YAML.stringify(config));
      files.push(file);
    }
    await start(0);
    await start(1);
  });
  after(async () => {
    killServes();
    await sims?.close();
    await cache?.stop();
    await pg?.drop().catch(() => undefined);
  });

  test('an idempotency key used on instance A replays on instance B, with no second vendor write', async () => {
    const list = await gql(procs[0]!.url, `{ users(sources: ["coremr"], first: 3) { nodes { id username } } }`);
    const id = list.data.users.nodes.find((n: any) => n.username !== 'admin').id;
    const m = `mutation($id: ID!) { setUserActive(id: $id, active: false, idempotencyKey: "hr-key-1") { replayed userErrors { code } steps { method } } }`;
    const post = (url: string) => postGql(url, m, { id });
    const first = await post(procs[0]!.url);
    assert.deepEqual(first.data.setUserActive.userErrors, []);
    assert.equal(first.data.setUserActive.replayed, false);
    await sims.clearLogs();
    const second = await post(procs[1]!.url);
    assert.equal(second.data.setUserActive.replayed, true);
    assert.deepEqual(second.data.setUserActive.steps, first.data.setUserActive.steps);
    const writes = (await sims.sims.coremr!.control.requests()).filter((r) => r.method !== 'GET');
    assert.deepEqual(writes, [], 'instance B sent nothing');
  });

  test('mirror lease: exactly one instance refreshes; kill it and the other takes over within the lease time', async () => {
    // Both serve CACHED reads from the one copy in the store.
    await Promise.all(procs.map((p) => untilMirrorsReady(p!.url)));
    const counts = [await refreshes(0), await refreshes(1)];
    assert.equal(counts.filter((n) => n > 0).length, 1, `one instance refreshed: ${counts.join(', ')}`);
    const holder = counts[0]! > 0 ? 0 : 1;
    const other = 1 - holder;
    const cached = await gql(procs[other]!.url, `{ users(sources: ["opendental"], first: 50, consistency: CACHED) { totalCount } }`);
    assert.ok(cached.data.users.totalCount > 0, "the other serves the holder's copy from the store");
    procs[holder]!.child.kill('SIGKILL');
    const killedAt = Date.now();
    const before = await refreshes(other);
    let tookOverMs = -1;
    for (let i = 0; i < 300; i++) {
      if ((await refreshes(other)) > before) {
        tookOverMs = Date.now() - killedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`mirror lease: the other instance refreshed ${tookOverMs} ms after the holder was killed (lease 3 s, refreshSeconds 10)`);
    assert.ok(tookOverMs >= 0, 'the other instance took the source over');
    assert.ok(tookOverMs <= 3_000 + 10_000 + 5_000, `within the lease time and one refresh period (${tookOverMs} ms)`);
  });

  test('a job started on A, A killed mid-job, is taken over by B while B keeps running', async () => {
    // Both running again (the lease test killed one).
    for (const i of [0, 1]) if (procs[i]!.child.exitCode !== null || procs[i]!.child.signalCode !== null) await start(i);
    await untilMirrorsReady(procs[0]!.url);
    const list = await gql(procs[0]!.url, `{ users(sources: ["coremr"], first: 8, filter: { active: true }) { nodes { id username person { id } } } }`);
    const target = list.data.users.nodes.find((n: any) => n.username !== 'admin' && n.person);
    // CorEMR's write hangs (and is never applied): the job is mid-way when A dies.
    await sims.sims.coremr!.control.fault({ kind: 'hang', method: 'PUT' });
    await sims.clearLogs();
    const started = await gql(procs[0]!.url, `mutation { offboardPerson(person: "${target.person.id}", reason: "takeover test") { job { id } userErrors { code } } }`);
    assert.deepEqual(started.data.offboardPerson.userErrors, []);
    const jobId = started.data.offboardPerson.job.id;
    const puts = async () => (await sims.sims.coremr!.control.requests()).filter((r) => r.method === 'PUT').length;
    for (let i = 0; i < 100 && (await puts()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await puts(), 1, 'the write is in flight on A');
    procs[0]!.child.kill('SIGKILL');
    const killedAt = Date.now();
    await sims.sims.coremr!.control.clearFaults();
    let job: any = null;
    for (let i = 0; i < 300; i++) {
      job = (await gql(procs[1]!.url, `query { job(id: "${jobId}") { state results { outcome attempts } } }`)).data.job;
      if (job.state === 'SUCCEEDED' || job.state === 'FAILED' || job.state === 'PARTIAL') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`job takeover: B finished A's job ${Date.now() - killedAt} ms after A was killed (redis.leaseSeconds 3)`);
    assert.equal(job.state, 'SUCCEEDED', JSON.stringify(job));
    assert.equal(job.results[0].attempts, 2, 'read again, then written once more by B');
    assert.equal(await puts(), 2);
  });
});
