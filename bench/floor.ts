/**
 * `node dist/bench/floor.js`: the machine's floor for CPU per answer. A bare Node HTTP server that
 * makes one upstream HTTP call per request and answers BENCH_FLOOR_BYTES (default 20,000, about a
 * 100-user page) — no GraphQL, no gateway — measured like `npm run bench` measures the gateway:
 * sequential requests from a client process, server CPU from /proc/<pid>/stat. Prints the figure
 * at 0 and 10 ms of upstream latency, so the gateway's CPU per answer can be read against what
 * the sockets and the event loop cost on this machine before any code of ours runs.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { procStat } from './processes';

const BYTES = Number(process.env.BENCH_FLOOR_BYTES ?? 20_000);
const REQUESTS = Number(process.env.BENCH_FLOOR_REQUESTS ?? 500);

function serve(latencyMs: number): void {
  const body = 'x'.repeat(BYTES);
  const agent = new http.Agent({ keepAlive: true });
  const upstream = http.createServer((_req, res) => void setTimeout(() => res.end('{"rows":[]}'), latencyMs)).listen(0, '127.0.0.1', () => {
    const port = (upstream.address() as AddressInfo).port;
    const server = http.createServer((req, res) => {
      req.resume();
      http.get({ host: '127.0.0.1', port, agent }, (up) => {
        up.resume();
        up.on('end', () => res.end(body));
      });
    });
    server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
  });
}

async function measure(latencyMs: number): Promise<number> {
  const child = spawn(process.execPath, [__filename, 'serve', String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
    const get = async () => (await fetch(`http://127.0.0.1:${port}/`)).text();
    for (let i = 0; i < 200; i++) await get(); // warm
    const before = procStat(child.pid!).cpuMs;
    for (let i = 0; i < REQUESTS; i++) await get();
    return (procStat(child.pid!).cpuMs - before) / REQUESTS;
  } finally {
    child.kill();
  }
}

if (process.argv[2] === 'serve') serve(Number(process.argv[3]));
else {
  void (async () => {
    for (const latency of [0, 10]) console.log(`bare server, one upstream call, ${BYTES} B answer, ${latency} ms upstream latency: ${(await measure(latency)).toFixed(2)} ms CPU per request`);
  })();
}
