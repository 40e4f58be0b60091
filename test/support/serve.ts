import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * A real `staffgraph serve --config FILE --port 0` process, for the tests that kill or restart a
 * gateway (crash recovery, several instances): the built CLI, LOG_LEVEL warn, resolved once it
 * prints its `serving … at URL` line (rejected if it exits first or takes over 60 s).
 */
export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** POSTs one GraphQL request and answers the parsed body. */
  gql(query: string, variables?: object): Promise<any>;
}

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const started: ChildProcess[] = [];

export async function startServe(file: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--config', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } });
  started.push(child);
  child.stderr!.resume();
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /serving \d+ source\(s\) at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    setTimeout(() => reject(new Error('serve did not start')), 60_000).unref();
  });
  return { child, url, gql: (query, variables) => postGql(url, query, variables) };
}

export async function postGql(url: string, query: string, variables?: object): Promise<any> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return res.json();
}

/** Polls until every enabled mirror of the gateway at `url` is READY (up to 30 s). */
export async function untilMirrorsReady(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const r = await postGql(url, `{ sources { mirror { enabled state } } }`);
    if (r.data?.sources.every((s: any) => !s.mirror.enabled || s.mirror.state === 'READY')) return;
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** SIGKILLs every process startServe started that is still running (an `after` hook). */
export function killServes(): void {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
