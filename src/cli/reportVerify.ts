// `npm run report:verify -- FILE [--offline]`: checks a signed JSON report's
// signature (PRIVQL_REPORT_PUBLIC_KEY) and, with database access
// (DATABASE_URL or PRIVQL_DATA_DIR) unless --offline, that its figures are
// what the access log gives up to the chain head it names. Exit 0 when every
// check passes, 1 when one fails, 2 on bad input.

import { readFileSync } from 'node:fs';
import { retentionPublicKeys } from '../audit/retentionKey';
import { KeyConfigError } from '../audit/ed25519Keys';
import { reportPublicKeys } from '../governance/report/signature';
import { strictJsonProblem } from '../governance/report/strictJson';
import type { SignedReport } from '../governance/report/types';
import { verifyReport, type Check } from '../governance/report/verify';
import { buildPrivqlSchema } from '../server/schema';
import { withCliDatabase } from './cliDatabase';
import { consoleIo, runCommand, type Io } from './io';

const USAGE = 'usage: npm run report:verify -- FILE [--offline]   (FILE: a report made with --format json --sign)';

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  const offline = argv.includes('--offline');
  const files = argv.filter((a) => a !== '--offline');
  if (files.length !== 1 || files[0].startsWith('-')) {
    io.err(USAGE);
    return 2;
  }
  let report: SignedReport;
  let keys;
  try {
    const text = readFileSync(files[0], 'utf8');
    report = JSON.parse(text) as SignedReport;
    if (!report || typeof report !== 'object' || !report.chain?.head || !report.period) throw new SyntaxError('not a report');
    const problem = strictJsonProblem(text);
    if (problem) throw new SyntaxError(problem);
    keys = reportPublicKeys(env);
  } catch (err) {
    io.err(`report:verify: ${err instanceof KeyConfigError ? err.message : `${files[0]} is not a JSON privacy report (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`}`);
    return 2;
  }
  const print = (checks: Check[]) => {
    for (const c of checks) io.out(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}`);
    const ok = checks.every((c) => c.ok);
    io.out(ok ? `verified: report for ${report.period.from} – ${report.period.to}, log up to record ${report.chain.head.seq}` : 'NOT VERIFIED');
    return ok ? 0 : 1;
  };
  if (offline) return print(await verifyReport(report, keys));
  return withCliDatabase('report:verify', env, io, async (db) => {
    const { catalog } = buildPrivqlSchema();
    const classOf = (coordinate: string) => catalog.fields.get(coordinate)?.classification;
    return print(await verifyReport(report, keys, { db: db.knex, classOf, retentionKeys: retentionPublicKeys(env) }));
  });
}

if (require.main === module) runCommand((argv) => main(argv));
