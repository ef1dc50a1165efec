// A migrated embedded database, made once per jest run (jestGlobalSetup.ts)
// and copied by every test that would otherwise start an empty one. An empty
// PGlite runs initdb first, which takes seconds; with ~100 test files that
// was most of the PGlite run. The template is the same ten migrations on the
// same PGlite build, made fresh each run, so a changed migration is in it.
// With DATABASE_URL set there is no template: the server needs none.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { knex, type Knex } from 'knex';
import { migrate } from '../../src/data/database';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ClientPgLite = require('knex-pglite');

/** Where the template lives; set by the global setup, inherited by jest's workers. */
const TEMPLATE_ENV = 'PRIVQL_TEST_PGLITE_TEMPLATE';
const ARCHIVE = 'migrated.tar';
const DATA_DIR = 'migrated-dir';

/** Builds the template: an archive for in-memory databases and a data directory to copy. */
export async function buildTemplate(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const root = mkdtempSync(join(tmpdir(), 'privql-template-'));
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
  process.env[TEMPLATE_ENV] = root;
}

export function removeTemplate(): void {
  const root = process.env[TEMPLATE_ENV];
  if (root) rmSync(root, { recursive: true, force: true });
}

let archive: Blob | undefined;

/** The migrated archive for openDatabase's startFrom; undefined without a template (then initdb runs as before). */
export function migratedArchive(): Blob | undefined {
  const root = process.env[TEMPLATE_ENV];
  if (!root) return undefined;
  archive ??= new Blob([readFileSync(join(root, ARCHIVE))]);
  return archive;
}

/** A new data directory: a copy of the migrated template when there is one, else empty. */
export function migratedDataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const root = process.env[TEMPLATE_ENV];
  if (root) cpSync(join(root, DATA_DIR), dir, { recursive: true });
  return dir;
}
