import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, LOCK_NAME, OWNER_NAME, lockDataDir } from './dataDirLock';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'privql-lockunit-')), 'data');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const owner = (pid: number, host = hostname()) => writeFileSync(join(dir, OWNER_NAME), JSON.stringify({ pid, host, since: new Date().toISOString() }));
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

test('a directory in use is refused with its path and the holder pid; released, it can be locked again', async () => {
  const held = await lockDataDir(dir);
  const second = await lockDataDir(dir).catch((e: unknown) => e);
  expect(second).toBeInstanceOf(DataDirInUseError);
  expect((second as Error).message).toContain(`the embedded database in ${dir} is in use by another process (pid ${process.pid})`);
  await held.release();
  await (await lockDataDir(dir)).release();
});

test('a lock left by a process that died is taken over once it goes stale', async () => {
  mkdirSync(join(dir, LOCK_NAME), { recursive: true });
  owner(deadPid());
  const started = Date.now();
  const lock = await lockDataDir(dir);
  expect(Date.now() - started).toBeLessThan(12_000);
  await lock.release();
}, 20_000);

test('an owner file left by a clean exit does not block, even if its pid is now someone else', async () => {
  mkdirSync(dir, { recursive: true });
  owner(process.ppid);
  const started = Date.now();
  await (await lockDataDir(dir)).release();
  expect(Date.now() - started).toBeLessThan(1000);
});

test('a fresh lock held from another host is refused, naming the host', async () => {
  mkdirSync(join(dir, LOCK_NAME), { recursive: true });
  owner(1234, 'other-host');
  await expect(lockDataDir(dir)).rejects.toThrow(/in use by another process \(pid 1234 on other-host\)/);
});
