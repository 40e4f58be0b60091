/**
 * `npm run bench:instances`: requests/s of one gateway instance vs two behind a round-robin client,
 * on the bench's CACHED and LIVE queries, with the simulators at 10 ms (BENCH_LATENCY_MS). The two
 * share Redis (a throwaway redis-server, as the tests start one) and PostgreSQL (BENCH_PG_URL, or
 * STAFFGRAPH_TEST_PG_URL; a fresh schema), as docs/instances.md deploys them. Also prints the
 * Open Dental spacing the simulator saw while both served. Nothing here asserts: it reports.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import YAML from 'yaml';
import { Client } from 'pg';
import { SimControl } from '../src/sim/control';
import { startCli, stopAll, untilMirrorsReady } from './processes';
import { startTestRedis } from '../test/support/redis';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 10);
const QUERIES = Number(process.env.BENCH_THROUGHPUT_QUERIES ?? 320);
const CLIENTS = 16;
const progress = (line: string) => process.stderr.write(`bench-instances: ${line}\n`);

async function main() {
  const pgBase = process.env.BENCH_PG_URL ?? process.env.STAFFGRAPH_TEST_PG_URL;
  if (!pgBase) throw new Error('set BENCH_PG_URL (or STAFFGRAPH_TEST_PG_URL) to a PostgreSQL the two instances can share');
  const schema = `sg_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: pgBase });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const redis = await startTestRedis();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'sg-bench-inst-'));
    const file = join(dir, 'sg.yaml');
    await startCli(['simulate', 'all', '--port', '0', '--users', '100', '--seed', '7', '--latency-ms', String(LATENCY_MS), '--write-config', file], /Press Ctrl\+C/);
    const config = YAML.parse(readFileSync(file, 'utf8'));
    for (const s of config.sources) {
      if (s.vendor === 'coremr') s.mirror = { enabled: true, refreshSeconds: 3600 };
      if (s.vendor === 'opendental') s.http = { ...s.http, minIntervalMs: 1000 };
    }
    config.server = { ...config.server, limits: { maxFirst: 500, maxCost: 5000 } };
    config.store = { postgres: { url: `${pgBase}${pgBase.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}` } };
    config.audit = { stream: 'none' };
    config.redis = { url: redis.url, keyPrefix: 'sgbench:' };
    writeFileSync(file, YAML.stringify(config));
    const od = new SimControl(new URL(config.sources.find((s: any) => s.vendor === 'opendental').baseUrl).origin);

    const gws: string[] = [];
    const startGateway = async () => {
      const gw = await startCli(['serve', '--config', file, '--port', '0'], /serving \d+ source\(s\) at (\S+)/);
      gws.push(/serving \d+ source\(s\) at (\S+)/.exec(gw.out)![1]!);
    };
    const gql = async (url: string, query: string) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      const body = (await res.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 300));
    };
    const cases = [
      { name: 'coremr CACHED', query: '{ users(sources: ["coremr"], first: 100, consistency: CACHED) { totalCount edges { node { id displayName userTypes { name } facilityAccess { primary facility { code name } } } } } }' },
      { name: 'icure LIVE', query: '{ users(sources: ["icure"], first: 100) { edges { node { id displayName userTypes { name } facilityAccess { primary facility { code name } } } } } }' },
      { name: 'coremr LIVE', query: '{ users(sources: ["coremr"], first: 100) { edges { node { id displayName userTypes { name } facilityAccess { primary facility { code name } } } } } }' },
    ];
    const load = async (query: string, n: number) => {
      let issued = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          while (issued < n) {
            issued++;
            await gql(gws[c % gws.length]!, query);
          }
        }),
      );
      return n / ((performance.now() - t0) / 1000);
    };
    const results: Record<string, number[]> = {};
    for (const instances of [1, 2]) {
      while (gws.length < instances) await startGateway();
      for (const g of gws) await untilMirrorsReady(g);
      for (const c of cases) {
        progress(`${instances} instance(s): ${c.name}`);
        for (const g of gws) await gql(g, c.query); // warm
        const n = c.name === 'coremr LIVE' ? Math.min(QUERIES, 64) : QUERIES;
        (results[c.name] ??= []).push(await load(c.query, n));
      }
    }
    console.log(`\nstaffgraph bench — instances: ${LATENCY_MS} ms per vendor call, ${CLIENTS} clients round-robin over the instances, one PostgreSQL, one Redis (2 cores shared by the client, the simulators and the gateways)\n`);
    console.log('query              1 instance req/s   2 instances req/s   ratio');
    for (const c of cases) {
      const [one, two] = results[c.name]!;
      console.log(`${c.name.padEnd(18)} ${one!.toFixed(1).padStart(17)} ${two!.toFixed(1).padStart(19)} ${(two! / one!).toFixed(2).padStart(7)}`);
    }
    // Open Dental at its documented 1 request/s, asked through both instances at once.
    await od.clearRequests();
    const q = '{ users(sources: ["opendental"], first: 5) { nodes { id } } }';
    await Promise.all([gql(gws[0]!, q), gql(gws[1]!, q), gql(gws[0]!, q), gql(gws[1]!, q), gql(gws[0]!, q), gql(gws[1]!, q)]);
    const starts = (await od.requests()).map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    console.log(`\nOpen Dental, 6 queries through both instances at once: ${starts.length} calls, gaps at the simulator ${gaps.join(', ')} ms (min ${Math.min(...gaps)})`);
  } finally {
    stopAll();
    await redis.stop();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

main().catch((err) => {
  console.error('bench failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
  stopAll();
});
