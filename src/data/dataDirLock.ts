// One process per embedded data directory. PGlite keeps its own buffers and
// writes them back on its own schedule; a second process on the same files
// (a CLI run beside the server) overwrites what the first wrote, and records
// vanish without an error. So whoever opens a data directory locks it first.
//
// The lock is proper-lockfile's: an atomic mkdir whose mtime the holder keeps
// fresh, released on close and on exit; a lock whose holder died without
// releasing it goes stale and is taken over. Beside it we write who holds it
// (pid and host), so a refusal can name the process, and a live holder on
// this host is never taken over, however long its event loop is busy.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import * as lockfile from 'proper-lockfile';

/** The lock directory and the owner file inside the data directory. */
export const LOCK_NAME = 'privql.lock';
export const OWNER_NAME = 'privql.lock.owner';

/** A holder that stopped refreshing its lock this long ago is gone. */
const STALE_MS = 5000;

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner | null,
  ) {
    const who = owner ? ` (pid ${owner.pid}${owner.host !== hostname() ? ` on ${owner.host}` : ''})` : '';
    super(
      `the embedded database in ${dataDir} is in use by another process${who}: ` +
        `only one process may open a data directory at a time; stop it first, or point this one at another PRIVQL_DATA_DIR`,
    );
    this.name = 'DataDirInUseError';
  }
}

export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export interface DataDirLock {
  release(): Promise<void>;
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, LOCK_NAME);
  const ownerPath = join(dir, OWNER_NAME);

  const holder = readOwner(ownerPath);
  if (holder && holder.host === hostname() && isRunning(holder.pid) && existsSync(lockPath)) {
    throw new DataDirInUseError(dir, holder);
  }
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: lockPath,
      stale: STALE_MS,
      // A holder that died on this host leaves a lock that goes stale within
      // STALE_MS: wait that long for it rather than refuse a restart.
      retries: holder && holder.host === hostname() ? { retries: Math.ceil((STALE_MS * 2) / 500), minTimeout: 500, maxTimeout: 500, factor: 1 } : 0,
      // Lost while held (its directory removed, or taken over): writing on
      // would lose records, so the process ends.
      onCompromised: lostLock(dir),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirInUseError(dir, readOwner(ownerPath));
    throw err;
  }
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  writeFileSync(ownerPath, JSON.stringify(me));
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      rmSync(ownerPath, { force: true });
      await release().catch(() => undefined);
    },
  };
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : null;
  } catch {
    return null;
  }
}

/** Whether process `pid` is running on this host (a zombie is not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

// A killed process whose parent has not reaped it yet still answers signal 0.
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

function lostLock(dir: string): (err: Error) => void {
  return (err) => {
    console.error(`privql: lost the lock on the embedded database in ${dir} (${err.message}): stopping so that no record is written to a database another process has opened`);
    process.exit(1);
  };
}
