import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { StoreError } from './store-error';

/**
 * PGlite has no postmaster and takes no lock on its folder: two processes (say `serve` and
 * `audit export`) opening the same folder would both write its files and corrupt the database.
 * So the store takes one itself: a `staffgraph.lock` file created exclusively, holding the owner's
 * pid, removed on close.
 *
 * A lock left by a crash is taken over when its pid is not running on this host, or is our own
 * pid but not held by this process (a container restarts its service as the same pid 1).
 */
export interface FolderLock {
  release(): void;
}

export const LOCK_FILE = 'staffgraph.lock';

// Folders this process holds: a second open of one of them in the same process is refused too.
const heldHere = new Set<string>();

export function lockFolder(dir: string): FolderLock {
  const path = join(resolve(dir), LOCK_FILE);
  if (heldHere.has(path)) throw locked(process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }));
      } finally {
        closeSync(fd);
      }
      heldHere.add(path);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          heldHere.delete(path);
          rmSync(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!isStale(readOwner(path))) throw locked(readOwner(path)?.pid ?? null);
      rmSync(path, { force: true });
    }
  }
  throw locked(null);
}

function locked(pid: number | null): StoreError {
  return new StoreError('STORE_LOCKED', `the store folder is in use by another process${pid === null ? '' : ` (pid ${pid})`}; if none is running, delete ${LOCK_FILE} in it`);
}

/** Whether a lock's owner is gone. Another host's lock (a shared volume) cannot be checked, so it holds. */
function isStale(owner: { pid: number; host: string } | null): boolean {
  if (owner === null) return true;
  if (owner.host !== hostname()) return false;
  // Our own pid, yet not in heldHere: a previous life of this process id (checked before the loop).
  if (owner.pid === process.pid) return true;
  return !isRunning(owner.pid);
}

function readOwner(path: string): { pid: number; host: string } | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown; host?: unknown };
    return Number.isInteger(parsed.pid) && typeof parsed.host === 'string' ? { pid: parsed.pid as number, host: parsed.host } : null;
  } catch {
    // Unreadable or half-written: treated as stale.
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
