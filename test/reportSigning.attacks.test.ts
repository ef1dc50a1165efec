// Attacks on signed reports (npm run report -- --sign, npm run report:verify):
// a file that reads differently to different JSON parsers, a report naming a
// log record that does not exist, verification without a public key, and a
// hostile file that must be answered with one line, never a stack trace.

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as report } from '../src/cli/report';
import { main as verify } from '../src/cli/reportVerify';
import { signReport } from '../src/governance/report/signature';
import type { SignedReport } from '../src/governance/report/types';
import { seedDatabase } from '../seeds/seed';
import { captureIo, cliDatabase, type CliDatabase } from './support/cliDatabase';

const key = generateKeyPairSync('ed25519');
const pem = (k: typeof key.privateKey) => k.export({ type: k.type === 'private' ? 'pkcs8' : 'spki', format: 'pem' }).toString();
const dir = mkdtempSync(join(tmpdir(), 'privql-report-attack-'));
let cli: CliDatabase;
let env: NodeJS.ProcessEnv;
let signed: string;

beforeAll(async () => {
  cli = await cliDatabase();
  env = { ...cli.env, PRIVQL_REPORT_SIGNING_KEY: pem(key.privateKey), PRIVQL_REPORT_PUBLIC_KEY: pem(key.publicKey), PRIVQL_PRINCIPAL: 'officer-test' };
  await cli.use(async (db) => {
    await seedDatabase(db, { customers: 5 });
    const ids: string[] = await db('customers').orderBy('id').limit(2).pluck('id');
    await db.raw(
      `INSERT INTO access_log (request_id, app, principal, role, purpose, view, outcome, subject_ids, accesses)
       VALUES (?, 'crm-console', 'agent-1', 'AGENT', 'CUSTOMER_SERVICE', 'STANDARD', 'READ', ?::uuid[], ?)`,
      [randomUUID(), `{${ids.join(',')}}`, JSON.stringify([{ fields: { 'Customer.email': 'CLEAR' }, subjects: ids }])],
    );
  });
  signed = join(dir, 'signed.json');
  const made = await run(report, ['--from', '2000-01-01', '--to', '2999-01-01', '--format', 'json', '--sign', '--out', signed]);
  expect(made.code).toBe(0);
}, 60_000);
afterAll(async () => {
  await cli?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(command: typeof report, args: string[], withEnv: NodeJS.ProcessEnv = env) {
  const { lines, io } = captureIo();
  const code = await command(args, withEnv, io);
  return { code, text: lines.join('\n') };
}

const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

test('a key given twice is refused: the signature covers the last, a reader that keeps the first would see a forged figure', async () => {
  const text = readFileSync(signed, 'utf8');
  expect((await run(verify, [signed])).code).toBe(0);
  // The same file with a second "records" in front of the real one: JSON.parse keeps the last (the signed one).
  const forged = write('duplicate.json', text.replace(/"records": (\d+),/, '"records": 999999, "records": $1,'));
  expect(JSON.parse(readFileSync(forged, 'utf8'))).toEqual(JSON.parse(text));
  for (const args of [[forged], [forged, '--offline']]) {
    const checked = await run(verify, args);
    expect(checked.code).toBe(2);
    expect(checked.text).toContain('the key "records" is given twice in one object');
  }
  // Written with an escape, the key is still the same key.
  const escaped = write('escaped.json', text.replace(/"records": (\d+),/, '"\\u0072ecords": 999999, "records": $1,'));
  expect((await run(verify, [escaped, '--offline'])).code).toBe(2);
});

test('without any public key (nor the signing key to derive one) a signed report does not verify', async () => {
  const checked = await run(verify, [signed, '--offline'], {});
  expect(checked.code).toBe(1);
  expect(checked.text).toContain('FAIL signature: no public key');
});

test('a report signed with the key but naming a head beyond the log fails against the log', async () => {
  const r: SignedReport = JSON.parse(readFileSync(signed, 'utf8'));
  const { signature: _dropped, ...unsigned } = r;
  const beyond = { ...unsigned, chain: { ...unsigned.chain, head: { seq: '999999', hash: unsigned.chain.head.hash } } };
  const file = write('beyond.json', JSON.stringify(signReport(beyond, key.privateKey, key.publicKey)));
  const checked = await run(verify, [file]);
  expect(checked.code).toBe(1);
  expect(checked.text).toContain('FAIL chain head: record 999999 is missing from the log');
});

test('a hostile file (arrays nested 200,000 deep) is answered with one line and exit 2, no stack trace', async () => {
  const depth = 200_000;
  const hostile = write(
    'deep.json',
    `{"format":"privql-privacy-report-v1","chain":{"head":{"seq":"0","hash":"x"}},"period":{"from":"2000-01-01","to":"2001-01-01"},"signature":{"value":"AAAA"},"a":${'['.repeat(depth)}${']'.repeat(depth)}}`,
  );
  for (const args of [[hostile, '--offline'], [hostile]]) {
    const checked = await run(verify, args);
    expect(checked.code).toBe(2);
    expect(checked.text.split('\n')).toHaveLength(1);
    expect(checked.text).not.toMatch(/\n\s+at /);
  }
});
