/**
 * `npm run soak`: a long run that shows the gateway's memory stays flat and nothing fails.
 * Simulators (10 ms latency) and the gateway run as separate processes, as in `npm run bench`;
 * this process is the client: `SOAK_CLIENTS` (default 8) concurrent clients loop over a mix of
 * queries for `SOAK_MINUTES` (default 10). The gateway's RSS is sampled every 5 s from /proc.
 * Reports RSS after warm-up (the first minute, or a tenth of the run if shorter), at the end and
 * at its peak, the growth after warm-up, requests served, errors, and p50/p95 latency. Progress
 * goes to stderr. Nothing here asserts: it reports.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { percentile, procStat, startCli, stopAll } from './processes';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 8);
const LATENCY_MS = Number(process.env.SOAK_LATENCY_MS ?? 10);
/** SOAK_MIRROR=1: Open Dental and CorEMR keep mirrors refreshed every 30 s, and CACHED reads join the rotation. */
const MIRROR = process.env.SOAK_MIRROR === '1';
const rssMb = (pid: number): number => procStat(pid).rssMb;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sg-soak-'));
  const file = join(dir, 'sg.yaml');
  await startCli(['simulate', 'all', '--port', '0', '--users', '120', '--seed', '7', '--latency-ms', String(LATENCY_MS), '--write-config', file], /Press Ctrl\+C/);
  if (MIRROR) {
    const doc = YAML.parseDocument(readFileSync(file, 'utf8'));
    for (const item of (doc.get('sources') as YAML.YAMLSeq).items as YAML.YAMLMap[]) {
      if (['opendental', 'coremr'].includes(String(item.get('vendor')))) item.set('mirror', doc.createNode({ enabled: true, refreshSeconds: 30 }));
    }
    writeFileSync(file, doc.toString());
  }
  const config = YAML.parse(readFileSync(file, 'utf8')) as { sources: Array<{ id: string; vendor: string }> };
  const { child: gateway, out } = await startCli(['serve', '--config', file, '--port', '0'], /serving \d+ source\(s\) at (\S+)/);
  const url = /serving \d+ source\(s\) at (\S+)/.exec(out)![1]!;
  const gwPid = gateway.pid!;
  const ids = config.sources.map((s) => s.id);
  const queries = [
    ...ids.map((id) => `{ users(sources: ["${id}"], first: 50) { nodes { id displayName userTypes { name } facilityAccess { primary facility { name } } } } }`),
    `{ users(first: 100) { nodes { id displayName active } pageInfo { endCursor } } }`,
    `{ sources { id health { status } } }`,
    ...(MIRROR ? config.sources.filter((s) => ['opendental', 'coremr'].includes(s.vendor)).map((s) => `{ users(sources: ["${s.id}"], first: 100, consistency: CACHED) { totalCount nodes { id userTypes { name } facilityAccess { primary } } } }`) : []),
  ];

  const durationMs = MINUTES * 60_000;
  const warmupMs = Math.min(60_000, durationMs / 10);
  const t0 = Date.now();
  const samples: Array<{ at: number; rss: number }> = [];
  const sampler = setInterval(() => samples.push({ at: Date.now() - t0, rss: rssMb(gwPid) }), 5_000);
  const latencies: number[] = [];
  let errors = 0;
  let served = 0;
  const firstErrors: string[] = [];
  const progress = setInterval(() => process.stderr.write(`soak: ${Math.round((Date.now() - t0) / 1000)} s, ${served} requests, ${errors} errors, RSS ${rssMb(gwPid).toFixed(0)} MB\n`), 30_000);

  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      for (let i = client; Date.now() - t0 < durationMs; i++) {
        const query = queries[i % queries.length]!;
        const started = performance.now();
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
          const body = (await res.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
          if (res.status !== 200 || body.errors) {
            errors++;
            if (firstErrors.length < 5) firstErrors.push(`${res.status} ${JSON.stringify(body.errors?.map((e) => e.extensions?.code))}`);
          }
        } catch (err) {
          errors++;
          if (firstErrors.length < 5) firstErrors.push(String(err));
        }
        latencies.push(performance.now() - started);
        served++;
      }
    }),
  );
  clearInterval(sampler);
  clearInterval(progress);
  samples.push({ at: Date.now() - t0, rss: rssMb(gwPid) });
  const afterWarmup = samples.filter((s) => s.at >= warmupMs);
  const startRss = afterWarmup[0]?.rss ?? NaN;
  const endRss = samples[samples.length - 1]!.rss;
  const peakRss = Math.max(...samples.map((s) => s.rss));
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(`\nstaffgraph soak — ${MINUTES} min, ${CLIENTS} clients, ${LATENCY_MS} ms vendor latency, ${queries.length} queries in rotation${MIRROR ? ', mirrors refreshing every 30 s' : ''}\n`);
  console.log(`requests ${served}  (${(served / (durationMs / 1000)).toFixed(1)} req/s)   errors ${errors}`);
  console.log(`latency p50 ${percentile(sorted, 50).toFixed(1)} ms   p95 ${percentile(sorted, 95).toFixed(1)} ms`);
  console.log(`gateway RSS after warm-up (${Math.round(warmupMs / 1000)} s) ${startRss.toFixed(1)} MB   end ${endRss.toFixed(1)} MB   peak ${peakRss.toFixed(1)} MB   growth ${(((endRss - startRss) / startRss) * 100).toFixed(1)} %`);
  if (firstErrors.length) console.log(`first errors: ${firstErrors.join(' | ')}`);
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(stopAll);
