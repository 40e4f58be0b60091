import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The built CLI, run as `staffgraph simulate` / `serve` are deployed: separate processes. */
const CLI = join(__dirname, '..', 'src', 'cli', 'main.js');

const children: ChildProcess[] = [];

/** Starts the CLI with `args` (LOG_LEVEL warn) and resolves once its stdout matches `marker`. */
export function startCli(args: string[], marker: RegExp): Promise<{ child: ChildProcess; out: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (marker.test(out)) resolve({ child, out });
    });
    child.stderr!.resume();
    child.on('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
}

/** SIGTERM to everything startCli started. */
export function stopAll(): void {
  for (const c of children) c.kill('SIGTERM');
}

/** The p-th percentile of an ascending array (NaN when empty). */
export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

/** Polls the gateway at `url` until every enabled mirror is READY (up to 60 s): the first refresh is done. */
export async function untilMirrorsReady(url: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: '{ sources { mirror { enabled state } } }' }) });
    const body = (await res.json()) as { data?: { sources: Array<{ mirror: { enabled: boolean; state: string } }> } };
    if (body.data?.sources.every((x) => !x.mirror.enabled || x.mirror.state === 'READY')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Linux USER_HZ: /proc/<pid>/stat times are in 1/100 s. */
const CLK_TCK = 100;

/** A process's CPU so far (user + system, ms; 10 ms ticks) and its resident memory now and at its peak (MB), from /proc. */
export function procStat(pid: number): { cpuMs: number; peakRssMb: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) / 1024;
  return { cpuMs: (ticks * 1000) / CLK_TCK, peakRssMb: kb('VmHWM'), rssMb: kb('VmRSS') };
}
