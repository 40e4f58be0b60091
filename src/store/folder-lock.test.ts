import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import { LOCK_FILE, lockFolder } from './folder-lock';

function withDir(fn: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'staffgraph-lock-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('one holder per folder: a second lock in the same process is refused until the first is released', withDir((dir) => {
  const lock = lockFolder(dir);
  assert.throws(() => lockFolder(dir), { name: 'StoreError', code: 'STORE_LOCKED' });
  lock.release();
  lock.release(); // idempotent
  assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  lockFolder(dir).release();
}));

test('a lock held by another running process is refused, naming its pid', withDir(async (dir) => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
  await once(child, 'spawn');
  try {
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid, host: hostname() }));
    assert.throws(() => lockFolder(dir), { code: 'STORE_LOCKED', message: new RegExp(`pid ${child.pid}`) });
  } finally {
    child.kill();
  }
  await once(child, 'exit');
  // Its owner is gone now: a crash's lock is taken over.
  lockFolder(dir).release();
}));

test('stale locks are taken over: a dead pid, our own pid from a previous life, or an unreadable file; another host holds', withDir((dir) => {
  const file = join(dir, LOCK_FILE);
  for (const content of [JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname() }), JSON.stringify({ pid: process.pid, host: hostname() }), '{half']) {
    writeFileSync(file, content);
    lockFolder(dir).release();
  }
  writeFileSync(file, JSON.stringify({ pid: 1, host: `${hostname()}-other` }));
  assert.throws(() => lockFolder(dir), { code: 'STORE_LOCKED' });
}));
