// npm run report / report:verify: a signed report verifies against the log
// it was computed from; one with a changed figure does not (whether the
// signature was kept or made again with the key); records written after its
// chain head are ignored; a record changed before it breaks the chain.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { main as report } from '../src/cli/report';
import { main as verify } from '../src/cli/reportVerify';
import { signReport } from '../src/governance/report/signature';
import type { SignedReport } from '../src/governance/report/types';
import { seedDatabase } from '../seeds/seed';
import { captureIo, cliDatabase, withoutTriggers, type CliDatabase } from './support/cliDatabase';

const key = generateKeyPairSync('ed25519');
const pem = (k: typeof key.privateKey) => k.export({ type: k.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();
const dir = mkdtempSync(join(tmpdir(), 'privql-report-'));
let cli: CliDatabase;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  cli = await cliDatabase();
  env = { ...cli.env, PRIVQL_REPORT_SIGNING_KEY: pem(key.privateKey), PRIVQL_REPORT_PUBLIC_KEY: pem(key.publicKey), PRIVQL_PRINCIPAL: 'officer-test' };
  await cli.use(async (db) => {
    await seedDatabase(db, { customers: 10 });
    await reads(db, 3);
  });
}, 60_000);
afterAll(async () => {
  await cli?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** `n` agent reads of two customers each (id and email in clear), committed to the chained log. */
async function reads(db: Knex, n: number): Promise<void> {
  const ids: string[] = (await db('customers').select('id').orderBy('id').limit(2)).map((r) => r.id);
  for (let i = 0; i < n; i++) {
    await db.raw(
      `INSERT INTO access_log (request_id, app, principal, role, purpose, view, outcome, subject_ids, accesses)
       VALUES (?, 'crm-console', 'agent-1', 'AGENT', 'CUSTOMER_SERVICE', 'STANDARD', 'READ', ?::uuid[], ?)`,
      [randomUUID(), `{${ids.join(',')}}`, JSON.stringify([{ fields: { 'Customer.email': 'CLEAR', 'Customer.id': 'CLEAR' }, subjects: ids }])],
    );
  }
}

const PERIOD = ['--from', '2000-01-01', '--to', '2999-01-01'];

async function run(command: typeof report, args: string[], withEnv: NodeJS.ProcessEnv = env) {
  const { lines, io } = captureIo();
  const code = await command(args, withEnv, io);
  return { code, text: lines.join('\n') };
}

async function signedReport(name: string): Promise<string> {
  const out = join(dir, name);
  const made = await run(report, [...PERIOD, '--format', 'json', '--sign', '--out', out]);
  expect(made).toMatchObject({ code: 0 });
  return out;
}

const load = (file: string): SignedReport => JSON.parse(readFileSync(file, 'utf8'));

test('a signed report verifies: signature, chain head, chain, and the figures recomputed from the log', async () => {
  const file = await signedReport('a.json');
  const r = load(file);
  expect(r.signature).toMatchObject({ algorithm: 'Ed25519' });
  expect(r.log.applications).toEqual([expect.objectContaining({ app: 'crm-console', requests: 3, customers: 2, customerRecords: 6, categories: [{ category: 'identity', values: 6 }, { category: 'personal', values: 6 }] })]);
  const checked = await run(verify, [file]);
  expect(checked.text).toContain(`ok   chain head: record ${r.chain.head.seq} still has hash ${r.chain.head.hash}`);
  expect(checked.text).toContain('ok   log figures: recomputed from 3 records');
  expect(checked).toMatchObject({ code: 0, text: expect.stringContaining('verified: report for 2000-01-01T00:00:00.000Z') });
});

test('a changed figure fails: the signature, and when signed again with the key, the recomputation', async () => {
  const r = load(await signedReport('b.json'));
  const changed = structuredClone(r);
  changed.log.applications[0].customers = 1;
  const edited = join(dir, 'b-edited.json');
  writeFileSync(edited, JSON.stringify(changed));
  const bySignature = await run(verify, [edited]);
  expect(bySignature.code).toBe(1);
  expect(bySignature.text).toContain('FAIL signature: the signature does not match the report');
  // Whoever holds the key can sign anything: the log still says otherwise.
  const resigned = join(dir, 'b-resigned.json');
  const { signature: _dropped, ...unsigned } = changed;
  writeFileSync(resigned, JSON.stringify(signReport(unsigned, key.privateKey, key.publicKey)));
  const byLog = await run(verify, [resigned]);
  expect(byLog.code).toBe(1);
  expect(byLog.text).toContain('ok   signature');
  expect(byLog.text).toContain('FAIL log figures: differ from the log at log.applications[0].customers');
});

test('records written after a report\'s head are ignored; a report at the later head verifies too', async () => {
  const early = await signedReport('c.json');
  await cli.use((db) => reads(db, 2));
  expect((await run(verify, [early])).code).toBe(0);
  const later = await signedReport('d.json');
  expect(BigInt(load(later).chain.head.seq)).toBeGreaterThan(BigInt(load(early).chain.head.seq));
  expect(load(later).log.applications.find((a) => a.app === 'crm-console')?.requests).toBe(5);
  expect((await run(verify, [later])).code).toBe(0);
  expect((await run(verify, [early])).code).toBe(0);
});

test('a log record changed before the head breaks the chain and fails the report', async () => {
  const file = await signedReport('e.json');
  await cli.use((db) => withoutTriggers(db, (trx) => trx('access_log').where('seq', 1).update({ app: 'someone-else' })));
  const checked = await run(verify, [file]);
  expect(checked.code).toBe(1);
  expect(checked.text).toMatch(/FAIL chain: broken/);
  expect(checked.text).toContain('FAIL log figures');
  await cli.use((db) => withoutTriggers(db, (trx) => trx('access_log').where('seq', 1).update({ app: 'crm-console' })));
  expect((await run(verify, [file])).code).toBe(0);
});

test('offline, only the signature is checked; with another public key it fails', async () => {
  const file = await signedReport('f.json');
  expect(await run(verify, [file, '--offline'], { PRIVQL_REPORT_PUBLIC_KEY: pem(key.publicKey) })).toMatchObject({ code: 0 });
  const other = generateKeyPairSync('ed25519').publicKey;
  expect(await run(verify, [file, '--offline'], { PRIVQL_REPORT_PUBLIC_KEY: pem(other) })).toMatchObject({ code: 1 });
});

test('each report run is recorded in the log as a read of the log', async () => {
  const before = await cli.use((db) => db('access_log').where({ app: 'privql-cli' }).count({ n: '*' }));
  await run(report, [...PERIOD, '--format', 'md']);
  const rows = await cli.use((db) => db('access_log').where({ app: 'privql-cli' }).orderBy('seq', 'desc').select('principal', 'role', 'outcome', db.raw('detail::text AS detail')));
  expect(rows.length).toBe(Number(before[0].n) + 1);
  expect(rows[0]).toMatchObject({ principal: 'officer-test', role: 'OFFICER', outcome: 'READ' });
  expect(JSON.parse(rows[0].detail).accessLogReads[0].filter).toEqual({ report: 'privacyReport', from: '2000-01-01T00:00:00.000Z', to: '2999-01-01T00:00:00.000Z' });
});

test('markdown and html render every section', async () => {
  const md = await run(report, [...PERIOD, '--format', 'md']);
  expect(md.code).toBe(0);
  for (const title of ['Chain status', 'Logical data model and data dictionary', 'Warehouse overview', 'Views × roles × fields', 'Applications', 'Access statistics', 'Denied requests', 'Exclusions by opt-out', 'Reads of the access log', 'Opt-outs and consent', 'Pending requests', 'Privacy notice']) {
    expect(md.text).toContain(`## ${title}`);
  }
  expect(md.text).toMatch(/\| crm-console \| AGENT \| CUSTOMER_SERVICE \| STANDARD \|/);
  const html = await run(report, [...PERIOD, '--format', 'html', '--auditor']);
  expect(html.text).toMatch(/^<!doctype html>/);
  expect(html.text).not.toMatch(/<script/i);
  expect(html.text).toContain("listed in the privacy officer's report only");
});

test('bad input is refused with a clear message and writes nothing', async () => {
  const out = join(dir, 'never.json');
  expect(await run(report, ['--format', 'pdf'])).toMatchObject({ code: 2, text: expect.stringContaining('unknown format pdf') });
  expect(await run(report, ['--from', 'yesterday'])).toMatchObject({ code: 2, text: expect.stringContaining('ISO-8601') });
  expect(await run(report, ['--from', '2026-02-01', '--to', '2026-01-01'])).toMatchObject({ code: 2, text: expect.stringContaining('before') });
  expect(await run(report, ['--sign', '--format', 'md'])).toMatchObject({ code: 2, text: expect.stringContaining('--format json') });
  expect(await run(report, ['--sign', '--format', 'json', '--out', out], cli.env)).toMatchObject({ code: 2, text: expect.stringContaining('PRIVQL_REPORT_SIGNING_KEY') });
  expect(existsSync(out)).toBe(false);
  const taken = join(dir, 'taken.json');
  writeFileSync(taken, 'keep me');
  expect(await run(report, ['--format', 'json', '--out', taken])).toMatchObject({ code: 1, text: expect.stringContaining('exists') });
  expect(readFileSync(taken, 'utf8')).toBe('keep me');
  expect(await run(verify, [taken])).toMatchObject({ code: 2, text: expect.stringContaining('is not a JSON privacy report') });
  expect(await run(verify, [])).toMatchObject({ code: 2 });
});
