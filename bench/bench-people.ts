/**
 * `npm run bench:people`: what an off-boarding job costs. Simulators (10 ms per vendor call by
 * default, BENCH_LATENCY_MS) and a gateway mirroring every source run as separate processes; this
 * process is the client. It finds the seeded people with accounts in the most vendors, off-boards
 * each as one job and reports the job's wall time (offboardPerson sent → job no longer RUNNING),
 * the vendor calls it made, and, for comparison, the slowest single-vendor `setUserActive(false)`
 * on other accounts. Nothing here asserts on time: it reports.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { SimControl } from '../src/sim/control';
import { percentile, startCli, stopAll, untilMirrorsReady } from './processes';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 10);
const USERS = Number(process.env.BENCH_USERS ?? 120);
const JOBS = Number(process.env.BENCH_JOBS ?? 3);
const progress = (line: string) => process.stderr.write(`bench-people: ${line}\n`);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-people-'));
  const file = join(dir, 'sg.yaml');
  await startCli(['simulate', 'all', '--port', '0', '--users', String(USERS), '--seed', '7', '--latency-ms', String(LATENCY_MS), '--write-config', file], /Press Ctrl\+C/);
  // People are linked over the mirrors: every source gets one.
  const config = YAML.parse(readFileSync(file, 'utf8')) as { sources: Array<{ id: string; baseUrl: string; mirror?: unknown }> };
  for (const s of config.sources) s.mirror = { enabled: true, refreshSeconds: 3600 };
  writeFileSync(file, YAML.stringify(config));
  const gw = await startCli(['serve', '--config', file, '--port', '0'], /serving \d+ source\(s\) at (\S+)/);
  const url = /serving \d+ source\(s\) at (\S+)/.exec(gw.out)![1]!;
  const controls = config.sources.map((s) => ({ id: s.id, control: new SimControl(new URL(s.baseUrl).origin) }));
  const gql = async (query: string, variables?: object) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 300));
    return body.data;
  };
  progress('waiting for every mirror');
  await untilMirrorsReady(url); // every source is mirrored here
  const everyone = (await gql('{ people(first: 100) { totalCount nodes { id displayName accounts { id source { id } active } } } }')).people;
  const all: Array<{ id: string; displayName: string; accounts: Array<{ id: string; source: { id: string }; active: boolean }> }> = [];
  let page = everyone;
  all.push(...page.nodes);
  for (let after = 100; after < everyone.totalCount; after += 100) {
    page = (await gql(`query($a: String) { people(first: 100, after: $a) { nodes { id displayName accounts { id source { id } active } } } }`, { a: `o:${after}` })).people;
    all.push(...page.nodes);
  }
  const multi = all.filter((p) => new Set(p.accounts.map((a) => a.source.id)).size >= 2).sort((a, b) => b.accounts.length - a.accounts.length);
  console.log(`\nstaffgraph bench — people: ${USERS} users per simulator, ${LATENCY_MS} ms per vendor call`);
  console.log(`${all.length} people over ${controls.length} mirrored sources; ${multi.length} hold accounts in 2+ sources (the largest: ${multi[0]?.accounts.length ?? 0} accounts)\n`);

  // The slowest single-vendor deactivation, on one account per source outside the people off-boarded below.
  const offboarded = new Set(multi.slice(0, JOBS).flatMap((p) => p.accounts.map((a) => a.id)));
  const single: Array<{ source: string; ms: number }> = [];
  for (const c of controls) {
    const candidates = all.flatMap((p) => p.accounts).filter((a) => a.source.id === c.id && a.active && !offboarded.has(a.id));
    const times: number[] = [];
    for (const a of candidates.slice(0, 3)) {
      const t0 = performance.now();
      const r = await gql(`mutation($id: ID!) { setUserActive(id: $id, active: false) { userErrors { code } } }`, { id: a.id });
      if (r.setUserActive.userErrors.length === 0) times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    single.push({ source: c.id, ms: percentile(times, 50) });
  }
  const slowest = single.reduce((m, s) => (s.ms > m.ms ? s : m), { source: '', ms: 0 });
  console.log('single setUserActive(false), p50 of 3: ' + single.map((s) => `${s.source} ${s.ms.toFixed(1)} ms`).join(', '));

  console.log('\nperson                       accounts  sources  job ms  vendor calls  state');
  for (const p of multi.slice(0, JOBS)) {
    await Promise.all(controls.map((c) => c.control.clearRequests()));
    const t0 = performance.now();
    const started = await gql(`mutation($p: ID!) { offboardPerson(person: $p, reason: "bench") { job { id } userErrors { code message } } }`, { p: p.id });
    const id = started.offboardPerson.job?.id;
    if (!id) throw new Error(`offboardPerson refused: ${JSON.stringify(started.offboardPerson.userErrors)}`);
    let job: any;
    for (;;) {
      job = (await gql(`query($id: ID!) { job(id: $id) { state results { outcome } } }`, { id })).job;
      if (job.state !== 'RUNNING' && job.state !== 'PENDING') break;
      await new Promise((r) => setTimeout(r, 2));
    }
    const ms = performance.now() - t0;
    const calls = (await Promise.all(controls.map((c) => c.control.requests()))).flat().length;
    const sources = new Set(p.accounts.map((a) => a.source.id)).size;
    console.log(`${p.displayName.slice(0, 28).padEnd(28)} ${String(p.accounts.length).padStart(8)} ${String(sources).padStart(8)} ${ms.toFixed(1).padStart(7)} ${String(calls).padStart(13)}  ${job.state}`);
  }
  console.log(`\njob ms = offboardPerson sent until job(id) reads SUCCEEDED (polled every 2 ms); the slowest single-vendor deactivation was ${slowest.source} at ${slowest.ms.toFixed(1)} ms. Vendor calls include the reads a job makes (the service-account check, re-reads).`);
}

main()
  .catch((err) => {
    console.error('bench failed:', err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(stopAll);
