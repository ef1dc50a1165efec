// `npm run export:anonymous` (issue 7, item 3): the file is the release —
// k-anonymous, one line per released customer, no id or pseudonym — written
// only once its access-log record is committed, and never over an existing file.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAccessLog } from '../src/audit/chainAudit';
import { main } from '../src/cli/exportAnonymous';
import { ANONYMITY_POLICY } from '../src/policy/anonymity';
import { readReleaseMeta } from '../src/anonymity/releaseMeta';
import { seedDatabase } from '../seeds/seed';
import { EXPORT_COLUMNS } from '../src/anonymity/exportFormat';
import { cliDatabase, captureIo, type CliDatabase } from './support/cliDatabase';
import { parseCsv } from './support/csv';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
let db: CliDatabase;
let dir: string;
let ids: string[];
beforeAll(async () => {
  db = await cliDatabase();
  dir = mkdtempSync(join(tmpdir(), 'privql-export-'));
  ids = await db.use(async (k) => {
    await seedDatabase(k, { customers: 400 });
    return k('customers').pluck('id');
  });
}, 120_000);
afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const run = async (args: string[]) => {
  const { lines, io } = captureIo();
  const code = await main(args, db.env, { ...io, isTTY: false });
  return { code, lines };
};

function expectKAnonymous(rows: string[][]): void {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(JSON.stringify(r), (counts.get(JSON.stringify(r)) ?? 0) + 1);
  expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(ANONYMITY_POLICY.k);
}

test.each(['csv', 'jsonl'])('%s: the stale release is refreshed, the file parses back k-anonymous, one row per released customer, no ids', async (format) => {
  // Fresh data, never refreshed: the export cuts the release first.
  expect((await db.use((k) => readReleaseMeta(k))).needsRefresh).toBe(true);
  const file = join(dir, `release.${format}`);
  const { code, lines } = await run(['--out', file]);
  expect(code).toBe(0);
  const meta = await db.use((k) => readReleaseMeta(k));
  expect(meta.needsRefresh).toBe(false);
  const text = readFileSync(file, 'utf8');
  const rows = format === 'csv'
    ? parseCsv(text).slice(1)
    : text.trim().split('\n').map((l) => { const o = JSON.parse(l); expect(Object.keys(o)).toEqual([...EXPORT_COLUMNS]); return EXPORT_COLUMNS.map((c) => JSON.stringify(o[c])); });
  if (format === 'csv') expect(parseCsv(text)[0]).toEqual([...EXPORT_COLUMNS]);
  expect(rows).toHaveLength(meta.released);
  expectKAnonymous(rows);
  expect(ids.filter((id) => text.includes(id))).toEqual([]);
  expect(text).not.toMatch(/psn_/);
  expect(lines.join('\n')).toContain(`achieved k ${meta.achievedK}`);
  expect(lines.join('\n')).toContain(`${meta.suppressed} suppressed`);
  // Marked stale again, so the next format's export has to refresh first as well.
  await db.use((k) => k.raw(`UPDATE anonymous_release_meta SET stale = true`));
});

test('an existing file is not overwritten without --force, and is with it', async () => {
  const file = join(dir, 'taken.csv');
  writeFileSync(file, 'precious');
  const refused = await run(['--out', file]);
  expect(refused.code).toBe(1);
  expect(refused.lines.join('\n')).toMatch(/exists/);
  expect(readFileSync(file, 'utf8')).toBe('precious');
  expect((await run(['--out', file, '--force'])).code).toBe(0);
  expect(readFileSync(file, 'utf8')).not.toBe('precious');
});

test('each export is one access-log record with the rows, levels and exported customers; the chain still verifies', async () => {
  const records: Json[] = await db.use((k) => k('access_log').where({ outcome: 'EXPORT' }).orderBy('seq'));
  expect(records.length).toBe(3);
  const meta = await db.use((k) => readReleaseMeta(k));
  const last = records.at(-1);
  const detail = typeof last.detail === 'string' ? JSON.parse(last.detail) : last.detail;
  expect(detail.export).toMatchObject({ rows: meta.released, levels: meta.levels, achievedK: meta.achievedK });
  expect(last.subject_ids).toHaveLength(meta.released);
  expect(await db.use((k) => verifyAccessLog(k))).toMatchObject({ ok: true });
});

test('no --out, or an unknown extension, is a usage error', async () => {
  expect((await run([])).code).toBe(2);
  expect((await run(['--out', join(dir, 'x.txt')])).code).toBe(2);
});
