// `npm run report -- [--from ISO] [--to ISO] [--format md|html|json] [--sign]
// [--auditor] [--out FILE [--force]]`: the compliance report from the
// database (DATABASE_URL or PRIVQL_DATA_DIR), recorded in the access log as a
// read of the log. --sign signs the JSON form with PRIVQL_REPORT_SIGNING_KEY.

import { existsSync, writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { retentionPublicKeys } from '../audit/retentionKey';
import { buildPrivacyReport } from '../governance/report/build';
import { reportFacts } from '../governance/report/facts';
import { recordCliReportRead } from '../governance/report/recordRead';
import { renderHtml } from '../governance/report/render/html';
import { renderMarkdown } from '../governance/report/render/markdown';
import { reportSigningKey, signReport } from '../governance/report/signature';
import type { PrivacyReport } from '../governance/report/types';
import { parseIsoTime } from '../resolvers/isoTime';
import { buildPrivqlSchema } from '../server/schema';
import { withCliDatabase } from './cliDatabase';
import { cliPrincipal } from './cliActor';
import { consoleIo, runCommand, type Io } from './io';

const USAGE = `usage: npm run report -- [--from ISO] [--to ISO] [--format md|html|json] [--sign] [--auditor] [--out FILE [--force]]

  --from, --to  the period, ISO-8601 (to is exclusive); default the 30 days up to now
  --format      md (default), html or json
  --sign        sign it (Ed25519, PRIVQL_REPORT_SIGNING_KEY); json only
  --auditor     the auditor's report: no pending requests' customers
  --out FILE    write to FILE instead of standard output (--force replaces it)`;

const FORMATS = ['md', 'html', 'json'] as const;
type Format = (typeof FORMATS)[number];
const DAY_MS = 86_400_000;

interface Options {
  from: Date;
  to: Date;
  format: Format;
  sign: boolean;
  auditor: boolean;
  out?: string;
  force: boolean;
}

function parse(argv: readonly string[], now: Date): Options | string {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.split(/=(.*)/s, 2);
    if (['--from', '--to', '--format', '--out'].includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) return `${name} needs a value`;
      values[name] = value;
    } else if (['--sign', '--auditor', '--force', '--help', '-h'].includes(arg)) flags.add(arg);
    else return `unknown argument: ${arg}`;
  }
  if (flags.has('--help') || flags.has('-h')) return '';
  const to = values['--to'] === undefined ? now : parseIsoTime(values['--to']);
  const from = values['--from'] === undefined ? (to ? new Date(to.getTime() - 30 * DAY_MS) : null) : parseIsoTime(values['--from']);
  if (!from || !to) return '--from and --to must be ISO-8601 dates or times (YYYY-MM-DD, optionally THH:MM[:SS] and an offset)';
  if (from >= to) return '--from must be before --to';
  const format = (values['--format'] ?? 'md') as Format;
  if (!FORMATS.includes(format)) return `unknown format ${format}: use ${FORMATS.join(', ')}`;
  if (flags.has('--sign') && format !== 'json') return '--sign signs the JSON form: use --format json (report:verify reads it)';
  return { from, to, format, sign: flags.has('--sign'), auditor: flags.has('--auditor'), out: values['--out'], force: flags.has('--force') };
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, io: Io = consoleIo): Promise<number> {
  const options = parse(argv, new Date());
  if (typeof options === 'string') {
    if (options === '') io.out(USAGE);
    else io.err(`report: ${options}\n\n${USAGE}`);
    return options === '' ? 0 : 2;
  }
  const signingKey = options.sign ? reportSigningKey(env) : null;
  if (options.sign && !signingKey) {
    io.err('report: --sign needs PRIVQL_REPORT_SIGNING_KEY (a PEM, or the path of one: npm run report:keygen)');
    return 2;
  }
  if (options.out && existsSync(options.out) && !options.force) {
    io.err(`report: ${options.out} exists; nothing was written (use --force to replace it)`);
    return 1;
  }
  return withCliDatabase('report', env, io, async (db) => {
    const { schema, catalog } = buildPrivqlSchema();
    const report = await buildPrivacyReport(db.knex, reportFacts(schema, catalog), {
      period: { from: options.from, to: options.to },
      audience: options.auditor ? 'AUDITOR' : 'OFFICER',
      retentionKeys: retentionPublicKeys(env),
    });
    // No report leaves before its read is in the log.
    await recordCliReportRead(db.knex, cliPrincipal(env), report);
    const text = render(signingKey ? signReport(report, signingKey, createPublicKey(signingKey)) : report, options.format);
    if (options.out) {
      writeFileSync(options.out, text);
      io.err(`report for ${report.period.from} – ${report.period.to} written to ${options.out}: ${report.log.records} log records up to ${report.chain.head.seq}${signingKey ? ', signed' : ''}`);
    } else io.out(text.trimEnd());
    return 0;
  });
}

function render(report: PrivacyReport, format: Format): string {
  if (format === 'md') return renderMarkdown(report);
  if (format === 'html') return renderHtml(report);
  return `${JSON.stringify(report, null, 2)}\n`;
}

if (require.main === module) runCommand((argv) => main(argv));
