/**
 * The cost of the durable store and the audit trail (docs/store-and-audit.md), as figures:
 *
 *   1. latency: p50/p95 of `setUserActive(id, active: true)` on CorEMR through `staffgraph serve`
 *      (simulators at BENCH_LATENCY_MS, default 10), BENCH_MUTATIONS (200) sequential mutations
 *      after BENCH_WARMUP (20), per store mode: `none` = a gateway from before the store (its CLI in
 *      BENCH_PRE_CLI, e.g. a worktree of 2123abb), `pglite` (a fresh folder), `postgres` (a fresh
 *      database on the server in BENCH_PG_URL);
 *   2. size: 10,000 realistic events through `store.audit.insert` + `complete` (as the write
 *      pipeline writes them) into a fresh PGlite folder and a fresh PostgreSQL database;
 *   3. start-up: `openStore` (migrations + recovery) on a new, an empty and a 100,000-event store,
 *      and the gateway's time from spawn to its "serving" line with each.
 *
 * Simulators and gateways are separate processes, as in bench/bench.ts; this process is the client
 * and opens the stores itself for parts 2 and 3. Each measurement runs BENCH_RUNS (2) times,
 * interleaved, and the tables give min–max over the runs. Nothing here asserts on time: it reports.
 *
 *   npx tsc -p tsconfig.json
 *   BENCH_PG_URL=postgres://postgres@127.0.0.1:PORT/postgres BENCH_PRE_CLI=/tmp/sg-pre-store/dist/src/cli/main.js \
 *     node dist/bench/bench-audit.js
 *
 * BENCH_PARTS (latency,size,startup) picks parts; BENCH_STORE (none,pglite,postgres) picks modes
 * (none needs BENCH_PRE_CLI, postgres needs BENCH_PG_URL, a user allowed to CREATE DATABASE);
 * BENCH_CLI is the gateway's CLI for pglite/postgres (default: this build's).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import YAML from 'yaml';
import { silentLogger } from '../src/core/logger';
import { openStore } from '../src/store/open-store';
import type { AuditEventRecord, AuditOutcome, Store, StoreConfig } from '../src/store/types';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 10);
const MUTATIONS = Number(process.env.BENCH_MUTATIONS ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 2));
const SIZE_EVENTS = Number(process.env.BENCH_SIZE_EVENTS ?? 10_000);
const BIG_EVENTS = Number(process.env.BENCH_BIG_EVENTS ?? 100_000);
const THIS_CLI = join(__dirname, '..', 'src', 'cli', 'main.js');
const CLI = process.env.BENCH_CLI ?? THIS_CLI;
const PRE_CLI = process.env.BENCH_PRE_CLI ?? null;
const PG_URL = process.env.BENCH_PG_URL ?? null;
const PARTS = (process.env.BENCH_PARTS ?? 'latency,size,startup').split(',').map((s) => s.trim());
const MODES = (process.env.BENCH_STORE ?? 'none,pglite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((m) => (m === 'none' ? PRE_CLI !== null : m === 'postgres' ? PG_URL !== null : m === 'pglite')) as Mode[];
type Mode = 'none' | 'pglite' | 'postgres';

const CLK_TCK = 100;
const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void> | void> = [];
const work = mkdtempSync(join(tmpdir(), 'sg-bench-audit-'));
cleanups.push(() => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const range = (xs: number[], digits = 1) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo.toFixed(digits) === hi.toFixed(digits) ? lo.toFixed(digits) : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
};
const mib = (b: number) => (b / 1024 / 1024).toFixed(2);
const row = (cells: Array<string | number>, widths: number[]) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

/** Apparent bytes (du -sb) and allocated bytes (du -sk) of a folder. */
function folderBytes(dir: string): { apparent: number; allocated: number } {
  const apparent = Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
  const allocated = Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]) * 1024;
  return { apparent, allocated };
}

/** A PGlite folder is a PostgreSQL data directory: tables and indexes in base/, the WAL in pg_wal/. */
function pgliteParts(dir: string): { total: number; base: number; wal: number } {
  const sub = (d: string) => (existsSync(join(dir, d)) ? folderBytes(join(dir, d)).apparent : 0);
  return { total: folderBytes(dir).apparent, base: sub('base'), wal: sub('pg_wal') };
}

interface Started {
  child: ChildProcess;
  out: string;
  /** ms from spawn to the marker line. */
  readyMs: number;
}

function start(cli: string, args: string[], marker: RegExp): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (marker.test(out)) resolve({ child, out, readyMs: performance.now() - t0 });
    });
    child.stderr!.on('data', (d) => (err = (err + d).slice(-2000)));
    child.on('exit', (code) => reject(new Error(`${args[0]} exited with ${code}: ${err}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(t);
}

// ---------------------------------------------------------------- PostgreSQL databases

let dbSeq = 0;
/** A fresh database on the BENCH_PG_URL server; dropped at exit. Returns its URL. */
async function freshDatabase(): Promise<string> {
  const name = `sg_bench_${process.pid}_${++dbSeq}`;
  const admin = new Client({ connectionString: PG_URL! });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const c = new Client({ connectionString: PG_URL! });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  const u = new URL(PG_URL!);
  u.pathname = `/${name}`;
  return u.toString();
}

async function pgQuery<T extends object>(url: string, text: string): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------- realistic events

const NATIVE_IDS = Array.from({ length: 500 }, (_, i) => `${'abcdefghijklmnopqrstuvwxyz'[i % 26]}${['anderson', 'nguyen', 'okafor', 'smith', 'garcia', 'kowalski'][i % 6]}${i}`);
const ACTORS: AuditEventRecord['actor'][] = [
  { kind: 'API_KEY', id: 'key-8f3a1c', name: 'hr-offboarding robot' },
  { kind: 'JWT', id: 'auth0|5f9d2e1b7c4a', name: 'Priya Raman (IT service desk)' },
  { kind: 'JWT', id: 'auth0|61aa03e9d2f1', name: 'Tom Becker (nursing informatics)' },
];
const WRITES: Array<{ action: string; changedFields: string[]; source: string; steps: Array<[string, string]> }> = [
  { action: 'setUserActive', changedFields: ['active'], source: 'coremr', steps: [['GET', '/ws/users/{username}'], ['PUT', '/ws/users/{username}']] },
  { action: 'updateUser', changedFields: ['displayName', 'email'], source: 'opendental', steps: [['GET', '/userods/{UserNum}'], ['PUT', '/userods/{UserNum}']] },
  { action: 'setUserActive', changedFields: ['active'], source: 'icure', steps: [['GET', '/rest/v2/user/{userId}'], ['PUT', '/rest/v2/user']] },
  { action: 'grantFacilityAccess', changedFields: ['facilityAccess'], source: 'painchek', steps: [['GET', '/api/v1/users/{id}'], ['POST', '/api/v1/sites/{siteId}/users']] },
];

/** The event the pipeline inserts as PENDING for attempt `i`, and the result it completes it with. */
function realisticEvent(i: number, at: Date): { event: AuditEventRecord; result: Parameters<Store['audit']['complete']>[1] } {
  const w = WRITES[i % WRITES.length]!;
  const nativeId = NATIVE_IDS[(i * 7) % NATIVE_IDS.length]!;
  const globalId = Buffer.from(JSON.stringify(['User', w.source, nativeId])).toString('base64url');
  const failed = i % 25 === 0; // ~4 % vendor failures
  const outcome: Exclude<AuditOutcome, 'PENDING'> = failed ? 'FAILURE' : 'SUCCESS';
  const target = { id: globalId, nativeId };
  const event: AuditEventRecord = {
    id: randomUUID(),
    at,
    requestId: randomUUID(),
    actor: ACTORS[i % ACTORS.length]!,
    action: w.action,
    sourceId: w.source,
    target,
    changedFields: w.changedFields,
    outcome: 'PENDING',
    errorCode: null,
    steps: [],
    client: { ip: `10.20.${(i >> 8) & 255}.${i & 255}`, userAgent: i % 2 ? 'python-requests/2.32.3' : 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36' },
    replayed: false,
    userIds: [],
  };
  const steps = w.steps.map(([method, route], k) => ({ method, route, status: failed && k === w.steps.length - 1 ? 502 : 200 }));
  return { event, result: { outcome, errorCode: failed ? 'VENDOR_ERROR' : null, steps, target } };
}

/** `n` attempts through insert + complete, `inFlight` at a time (the gateway serves concurrent requests). Returns ms. */
async function fill(store: Store, n: number, startAt: Date, inFlight = 4): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        const i = next++;
        const { event, result } = realisticEvent(i, new Date(startAt.getTime() + i * 1_000));
        await store.audit.insert(event);
        await store.audit.complete(event.id, result);
      }
    }),
  );
  return performance.now() - t0;
}

async function timedOpen(config: StoreConfig): Promise<{ store: Store; ms: number }> {
  const t0 = performance.now();
  const store = await openStore(config, { logger: silentLogger });
  return { store, ms: performance.now() - t0 };
}

const pgliteConfig = (path: string): StoreConfig => ({ path, postgres: null });
const pgConfig = (url: string): StoreConfig => ({ path: null, postgres: { url } });

// ---------------------------------------------------------------- simulators and gateway configs

interface Sims {
  /** The config `simulate --write-config` wrote, parsed. */
  base: Record<string, unknown>;
}

async function startSimulators(): Promise<Sims> {
  const file = join(work, 'sims.yaml');
  // Always this build's simulators: src/sim and src/vendors did not change since 2123abb.
  await start(THIS_CLI, ['simulate', 'all', '--port', '0', '--users', '50', '--seed', '7', '--latency-ms', String(LATENCY_MS), '--write-config', file], /Press Ctrl\+C/);
  return { base: YAML.parse(readFileSync(file, 'utf8')) as Record<string, unknown> };
}

/** A gateway config for `mode` (auth none from --write-config; keys/ paths made absolute by writing beside it). */
function gatewayConfig(sims: Sims, store: StoreConfig | null): string {
  const doc: Record<string, unknown> = structuredClone(sims.base);
  if (store) {
    doc.store = store.postgres ? { postgres: { url: store.postgres.url } } : { path: store.path };
    doc.audit = { stream: 'none' };
  }
  const file = join(work, `gw-${randomUUID()}.yaml`);
  writeFileSync(file, YAML.stringify(doc), { mode: 0o600 });
  return file;
}

const SERVING = /serving \d+ source\(s\) at (\S+)/;

async function serve(cli: string, configFile: string): Promise<Started & { url: string }> {
  const s = await start(cli, ['serve', '--config', configFile, '--port', '0'], SERVING);
  return { ...s, url: SERVING.exec(s.out)![1]! };
}

async function gql<T>(url: string, query: string): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body.errors).slice(0, 300)}`);
  return body.data!;
}

// ---------------------------------------------------------------- 1. latency

async function latency(sims: Sims): Promise<void> {
  const results = new Map<Mode, Array<{ p50: number; p95: number; mean: number; cpu: number; rows: number | null }>>();
  for (let run = 1; run <= RUNS; run++) {
    for (const mode of MODES) {
      let store: StoreConfig | null = null;
      if (mode === 'pglite') store = pgliteConfig(mkdtempSync(join(work, 'lat-pglite-')));
      if (mode === 'postgres') store = pgConfig(await freshDatabase());
      const gw = await serve(mode === 'none' ? PRE_CLI! : CLI, gatewayConfig(sims, store));
      const users = await gql<{ users: { edges: Array<{ node: { id: string } }> } }>(gw.url, '{ users(sources: ["coremr"], first: 20) { edges { node { id } } } }');
      const ids = users.users.edges.map((e) => e.node.id);
      const mutate = (i: number) => gql(gw.url, `mutation { setUserActive(id: ${JSON.stringify(ids[i % ids.length])}, active: true) { user { id active } } }`);
      for (let i = 0; i < WARMUP; i++) await mutate(i);
      const lat: number[] = [];
      const cpu0 = cpuMs(gw.child.pid!);
      for (let i = 0; i < MUTATIONS; i++) {
        const t0 = performance.now();
        await mutate(i);
        lat.push(performance.now() - t0);
      }
      const cpu = (cpuMs(gw.child.pid!) - cpu0) / MUTATIONS;
      await stop(gw.child);
      lat.sort((a, b) => a - b);
      // The audit rows the gateway wrote (one per mutation), read after it stopped.
      let rows: number | null = null;
      if (store) {
        const s = await openStore(store, { logger: silentLogger, recover: false });
        rows = await s.audit.count();
        await s.close();
        if (store.path) rmSync(store.path, { recursive: true, force: true });
      }
      const r = { p50: pct(lat, 50), p95: pct(lat, 95), mean: lat.reduce((a, b) => a + b, 0) / lat.length, cpu, rows };
      (results.get(mode) ?? results.set(mode, []).get(mode)!).push(r);
      console.error(`  latency run ${run} ${mode}: p50 ${r.p50.toFixed(2)} p95 ${r.p95.toFixed(2)} mean ${r.mean.toFixed(2)} cpu ${r.cpu.toFixed(2)} ms/mutation, audit rows ${rows ?? '-'}`);
    }
  }
  const before = results.get('none');
  const w = [22, 14, 14, 14, 12, 16, 11];
  console.log(`\n1. Write latency: setUserActive(id, active: true) on CorEMR (GET + PUT, ${LATENCY_MS} ms simulated latency each), ${MUTATIONS} sequential after ${WARMUP} warm-up, ${RUNS} runs; min–max over runs`);
  console.log(row(['gateway / store', 'p50 ms', 'p95 ms', 'mean ms', 'CPU ms/mut', 'p50 added ms', 'audit rows'], w));
  for (const [mode, rs] of results) {
    const label = mode === 'none' ? 'before (2123abb)' : mode === 'pglite' ? 'PGlite folder' : 'PostgreSQL 15 (TCP)';
    const added = before && mode !== 'none' ? range(rs.map((r) => r.p50 - Math.min(...before.map((b) => b.p50))).concat(rs.map((r) => r.p50 - Math.max(...before.map((b) => b.p50))))) : '—';
    console.log(row([label, range(rs.map((r) => r.p50), 2), range(rs.map((r) => r.p95), 2), range(rs.map((r) => r.mean), 2), range(rs.map((r) => r.cpu), 2), added, rs[0]!.rows === null ? '—' : range(rs.map((r) => r.rows!), 0)], w));
  }
}

// ---------------------------------------------------------------- 2. size

async function size(): Promise<void> {
  const rs: Record<'pglite' | 'postgres', Array<{ empty: number; full: number; table: number | null; alloc: number | null; msPerEvent: number; baseDelta: number; walDelta: number }>> = { pglite: [], postgres: [] };
  for (let run = 1; run <= RUNS; run++) {
    {
      const dir = mkdtempSync(join(work, 'size-pglite-'));
      let { store } = await timedOpen(pgliteConfig(dir));
      await store.close();
      const empty = folderBytes(dir);
      const emptyParts = pgliteParts(dir);
      ({ store } = await timedOpen(pgliteConfig(dir)));
      const ms = await fill(store, SIZE_EVENTS, new Date('2030-01-01T00:00:00Z'));
      const n = await store.audit.count();
      if (n !== SIZE_EVENTS) throw new Error(`expected ${SIZE_EVENTS} rows, got ${n}`);
      await store.close();
      const full = folderBytes(dir);
      const fullParts = pgliteParts(dir);
      rs.pglite.push({ empty: empty.apparent, full: full.apparent, table: null, alloc: full.allocated - empty.allocated, msPerEvent: ms / SIZE_EVENTS, baseDelta: fullParts.base - emptyParts.base, walDelta: fullParts.wal - emptyParts.wal });
      console.error(`  size run ${run} pglite: folder ${empty.apparent} → ${full.apparent} B (allocated ${empty.allocated} → ${full.allocated}), ${(ms / SIZE_EVENTS).toFixed(3)} ms/event`);
      rmSync(dir, { recursive: true, force: true });
    }
    if (PG_URL) {
      const url = await freshDatabase();
      const { store } = await timedOpen(pgConfig(url));
      const dbSize = async () => Number((await pgQuery<{ n: string }>(url, 'SELECT pg_database_size(current_database()) AS n'))[0]!.n);
      const empty = await dbSize();
      const lsn = async () => (await pgQuery<{ l: string }>(url, 'SELECT pg_current_wal_lsn()::text AS l'))[0]!.l;
      const lsn0 = await lsn();
      const ms = await fill(store, SIZE_EVENTS, new Date('2030-01-01T00:00:00Z'));
      const walBytes = Number((await pgQuery<{ n: string }>(url, `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '${lsn0}') AS n`))[0]!.n);
      if ((await store.audit.count()) !== SIZE_EVENTS) throw new Error('row count');
      await store.close();
      const [t] = await pgQuery<{ total: string; heap: string }>(url, "SELECT pg_total_relation_size('audit_events') AS total, pg_relation_size('audit_events') AS heap");
      const full = await dbSize();
      rs.postgres.push({ empty, full, table: Number(t!.total), alloc: Number(t!.heap), msPerEvent: ms / SIZE_EVENTS, baseDelta: full - empty, walDelta: walBytes });
      console.error(`  size run ${run} postgres: db ${empty} → ${full} B, audit_events total ${t!.total} (heap ${t!.heap}), ${(ms / SIZE_EVENTS).toFixed(3)} ms/event`);
    }
  }
  const w = [30, 11, 13, 13, 22, 18, 10];
  console.log(`\n2. Store size: ${SIZE_EVENTS.toLocaleString('en')} realistic events, each insert (PENDING) + complete (SUCCESS/FAILURE, 2 steps), 4 in flight, fresh store, ${RUNS} runs`);
  const r2 = (xs: number[]) => range(xs.map((x) => +mib(x)), 2);
  console.log(row(['backend', 'empty MiB', 'after MiB', 'delta MiB', 'tables+indexes MiB', 'WAL MiB', 'ms/event'], w));
  if (rs.pglite.length)
    console.log(row(['PGlite folder (du -sb)', r2(rs.pglite.map((r) => r.empty)), r2(rs.pglite.map((r) => r.full)), r2(rs.pglite.map((r) => r.full - r.empty)), r2(rs.pglite.map((r) => r.baseDelta)) + ' (base/)', r2(rs.pglite.map((r) => r.walDelta)) + ' (pg_wal/)', range(rs.pglite.map((r) => r.msPerEvent), 3)], w));
  if (rs.postgres.length)
    console.log(row(['PostgreSQL pg_database_size', r2(rs.postgres.map((r) => r.empty)), r2(rs.postgres.map((r) => r.full)), r2(rs.postgres.map((r) => r.full - r.empty)), r2(rs.postgres.map((r) => r.table!)) + ' (a_e)', r2(rs.postgres.map((r) => r.walDelta)) + ' written', range(rs.postgres.map((r) => r.msPerEvent), 3)], w));
  console.log(`   PostgreSQL: a_e = pg_total_relation_size('audit_events') (heap ${r2(rs.postgres.map((r) => r.alloc!))} + 7 indexes + TOAST); its WAL is the cluster's (pg_wal, outside pg_database_size), given as bytes written (LSN delta).`);
  console.log('   Both measured right after the run, before any VACUUM (each complete() leaves a dead row version). PGlite delta = whole folder; pg_wal/ keeps its segments after close.');
}

// ---------------------------------------------------------------- 3. start-up

async function startup(sims: Sims | null): Promise<void> {
  type Cell = { open: number[]; serve: number[] };
  const cells = new Map<string, Cell>();
  const add = (k: string, what: keyof Cell, v: number) => {
    const c = cells.get(k) ?? cells.set(k, { open: [], serve: [] }).get(k)!;
    c[what].push(v);
  };
  const serveMs = async (cli: string, store: StoreConfig | null): Promise<number> => {
    const gw = await serve(cli, gatewayConfig(sims!, store));
    await stop(gw.child);
    return gw.readyMs;
  };

  // The 100k stores are filled once; every open below is measured RUNS times.
  const bigDir = mkdtempSync(join(work, 'big-pglite-'));
  let { store } = await timedOpen(pgliteConfig(bigDir));
  let ms = await fill(store, BIG_EVENTS, new Date('2029-01-01T00:00:00Z'));
  console.error(`  filled PGlite with ${BIG_EVENTS} events in ${(ms / 1000).toFixed(1)} s`);
  await store.close();
  const big = pgliteParts(bigDir);
  let bigUrl: string | null = null;
  if (PG_URL) {
    bigUrl = await freshDatabase();
    ({ store } = await timedOpen(pgConfig(bigUrl)));
    ms = await fill(store, BIG_EVENTS, new Date('2029-01-01T00:00:00Z'), 8);
    console.error(`  filled PostgreSQL with ${BIG_EVENTS} events in ${(ms / 1000).toFixed(1)} s`);
    await store.close();
  }

  for (let run = 1; run <= RUNS; run++) {
    // PGlite: new folder (initdb + migrations), reopened empty folder, 100k folder.
    const dir = mkdtempSync(join(work, 'start-pglite-'));
    let o = await timedOpen(pgliteConfig(dir));
    add('PGlite|new folder (initdb + migrations)', 'open', o.ms);
    await o.store.close();
    o = await timedOpen(pgliteConfig(dir));
    add('PGlite|empty store', 'open', o.ms);
    await o.store.close();
    o = await timedOpen(pgliteConfig(bigDir));
    add(`PGlite|${BIG_EVENTS / 1000}k events`, 'open', o.ms);
    await o.store.close();
    if (sims) {
      const fresh = mkdtempSync(join(work, 'start-pglite-gw-'));
      add('PGlite|new folder (initdb + migrations)', 'serve', await serveMs(CLI, pgliteConfig(fresh)));
      add('PGlite|empty store', 'serve', await serveMs(CLI, pgliteConfig(dir)));
      add(`PGlite|${BIG_EVENTS / 1000}k events`, 'serve', await serveMs(CLI, pgliteConfig(bigDir)));
      rmSync(fresh, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
    if (PG_URL) {
      const url = await freshDatabase();
      o = await timedOpen(pgConfig(url));
      add('PostgreSQL|new database (migrations)', 'open', o.ms);
      await o.store.close();
      o = await timedOpen(pgConfig(url));
      add('PostgreSQL|empty store', 'open', o.ms);
      await o.store.close();
      o = await timedOpen(pgConfig(bigUrl!));
      add(`PostgreSQL|${BIG_EVENTS / 1000}k events`, 'open', o.ms);
      await o.store.close();
      if (sims) {
        add('PostgreSQL|empty store', 'serve', await serveMs(CLI, pgConfig(url)));
        add(`PostgreSQL|${BIG_EVENTS / 1000}k events`, 'serve', await serveMs(CLI, pgConfig(bigUrl!)));
      }
    }
    if (sims && PRE_CLI) add('before (2123abb)|no store', 'serve', await serveMs(PRE_CLI, null));
    console.error(`  startup run ${run} done`);
  }
  const w = [12, 36, 16, 22];
  console.log(`\n3. Start-up, ${RUNS} runs; openStore = migrations + PENDING recovery + expired-key purge, in this process; serve = spawn to the "serving" line (5 simulated sources)`);
  console.log(`   ${BIG_EVENTS.toLocaleString('en')}-event PGlite folder: ${mib(big.total)} MiB (base/ ${mib(big.base)}, pg_wal/ ${mib(big.wal)}); filled with insert + complete, no PENDING rows left (recovery's UPDATE finds none)`);
  console.log(row(['backend', 'store', 'openStore ms', 'serve spawn→ready ms'], w));
  for (const [k, c] of cells) {
    const [b, s] = k.split('|');
    console.log(row([b!, s!, c.open.length ? range(c.open, 0) : '—', c.serve.length ? range(c.serve, 0) : '—'], w));
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const pgVersion = PG_URL ? (await pgQuery<{ v: string }>(PG_URL, "SELECT current_setting('server_version') AS v"))[0]!.v : null;
  const pgSettings = PG_URL ? (await pgQuery<{ name: string; setting: string }>(PG_URL, "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers')")).map((r) => `${r.name}=${r.setting}`).join(' ') : '';
  console.log(
    `staffgraph audit bench — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), load avg at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}, ` +
      `PostgreSQL ${pgVersion ?? 'not set (BENCH_PG_URL)'} ${pgSettings}, store modes ${MODES.join(',')}`,
  );
  const needSims = PARTS.includes('latency') || PARTS.includes('startup');
  const sims = needSims ? await startSimulators() : null;
  if (PARTS.includes('latency')) await latency(sims!);
  if (PARTS.includes('size')) await size();
  if (PARTS.includes('startup')) await startup(sims);
  console.log(`\nload avg at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main()
  .catch((err) => {
    console.error('bench-audit failed:', err instanceof Error ? err.stack : err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all([...children].map((c) => stop(c)));
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((e) => console.error('cleanup:', e instanceof Error ? e.message : e));
  });
