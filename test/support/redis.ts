import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throwaway Debian `redis-server` for a test: loopback, a free port, no persistence, its own
 * temp dir, stopped by `stop()`. Null when the binary is not installed (the caller skips with a
 * clear word); under CI a missing server is an error, so the multi-instance tests cannot silently
 * not run (.ci/run installs it).
 */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
  /** Stops the server but keeps the port, to start it again with `restart()` (Redis down, then back). */
  pause(): Promise<void>;
  restart(): Promise<void>;
}

export function redisServerPath(): string | null {
  for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    if (spawnSync(p, ['--version']).status === 0) return p;
  }
  return null;
}

export const REDIS_SKIP = redisServerPath() ? false : process.env.CI ? false : 'no redis-server installed (apt-get install redis-server; .ci/run does)';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startTestRedis(): Promise<TestRedis> {
  const bin = redisServerPath();
  if (!bin) throw new Error('redis-server is not installed');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sg-redis-'));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d) => {
        out += d;
        if (/Ready to accept connections/.test(out)) resolve();
      });
      child!.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out.slice(-300)}`)));
    });
  };
  const halt = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    pause: halt,
    restart: start,
  };
}
