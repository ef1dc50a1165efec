// A migrated embedded database, made once per jest run and copied by every
// test that would otherwise start an empty one. An empty PGlite runs initdb
// first, which takes seconds; with ~100 test files that was most of the
// PGlite run. The template is every migration (src/data/database.ts) on the same PGlite
// build, made fresh each run, so a changed migration is in it.
//
// The global setup (jestGlobalSetup.ts) only names a directory; the first
// test file that needs the template builds it there, under a lock, so a run
// of unit tests alone pays nothing. With DATABASE_URL set there is no
// template: the server needs none.

import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { knex, type Knex } from 'knex';
import * as lockfile from 'proper-lockfile';
import { migrate } from '../../src/data/database';
import { isRunning } from '../../src/data/dataDirLock';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ClientPgLite = require('knex-pglite');

/** Where the template goes; set by the global setup, inherited by jest's workers. */
const TEMPLATE_ENV = 'PRIVQL_TEST_PGLITE_TEMPLATE';
const ARCHIVE = 'migrated.tar';
const DATA_DIR = 'migrated-dir';
/** Written last: the template is complete. */
const READY = 'ready';
const PREFIX = 'privql-template-';
/** The jest process that named the template: while it runs, the template is in use. */
const OWNER = 'owner.pid';

export function nameTemplateDir(): void {
  if (process.env.DATABASE_URL) return;
  removeAbandonedTemplates(tmpdir());
  const root = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(root, OWNER), String(process.pid));
  process.env[TEMPLATE_ENV] = root;
}

/**
 * Removes the templates of jest runs that were killed (their global teardown
 * never ran, and each left about 80 MB behind): those whose jest process is
 * gone. A template without an owner file is from before the file was
 * written, or one a run is naming this instant: removed only once it is an
 * hour old.
 */
export function removeAbandonedTemplates(parent: string): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(PREFIX)) continue;
    const root = join(parent, name);
    try {
      if (!isAbandoned(root)) continue;
    } catch {
      // Gone meanwhile (another run's teardown), or not ours to read: left alone.
      continue;
    }
    rmSync(root, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function isAbandoned(root: string): boolean {
  const owner = existsSync(join(root, OWNER)) ? Number(readFileSync(join(root, OWNER), 'utf8')) : NaN;
  // No owner yet (or one being written: an empty file): judged by age.
  if (!Number.isSafeInteger(owner) || owner <= 0) return Date.now() - statSync(root).mtimeMs > 3600_000;
  return !isRunning(owner);
}

export function removeTemplate(): void {
  const root = process.env[TEMPLATE_ENV];
  if (root) rmSync(root, { recursive: true, force: true });
}

/** The template's directory once it is built; undefined without one (then initdb runs as before). */
async function templateRoot(): Promise<string | undefined> {
  const root = process.env[TEMPLATE_ENV];
  if (!root || existsSync(join(root, READY))) return root;
  // Test files start together: one builds, the others wait for it.
  const release = await lockfile.lock(root, { stale: 30_000, retries: { retries: 1200, minTimeout: 100, maxTimeout: 250 } });
  try {
    if (!existsSync(join(root, READY))) await build(root);
  } finally {
    await release();
  }
  return root;
}

async function build(root: string): Promise<void> {
  const pglite = new PGlite();
  const db = knex({ client: ClientPgLite, connection: { pglite } as Knex.StaticConnectionConfig });
  try {
    await migrate({ knex: db, kind: 'embedded', describe: () => 'template', close: () => db.destroy() });
    const archive = await pglite.dumpDataDir('none');
    writeFileSync(join(root, ARCHIVE), Buffer.from(await archive.arrayBuffer()));
    const onDisk = new PGlite(join(root, DATA_DIR), { loadDataDir: archive });
    await onDisk.waitReady;
    await onDisk.close();
  } finally {
    await db.destroy();
  }
  writeFileSync(join(root, READY), '');
}

let archive: Blob | undefined;

/** The migrated archive for openDatabase's startFrom, or undefined without a template. */
export async function migratedArchive(): Promise<Blob | undefined> {
  const root = await templateRoot();
  if (!root) return undefined;
  archive ??= new Blob([readFileSync(join(root, ARCHIVE))]);
  return archive;
}

/** A new data directory: a copy of the migrated template when there is one, else empty. */
export async function migratedDataDir(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const root = await templateRoot();
  if (root) cpSync(join(root, DATA_DIR), dir, { recursive: true });
  return dir;
}
