// `npm run lint:privacy [-- SCHEMA_DIR] [--format text|sarif]`: the privacy
// lint of a schema folder (default schema/). Exit 0: no problems; 1: errors
// found; 2: bad arguments or an unreadable folder.

import { resolve } from 'node:path';
import { lintSchema } from '../governance/lint';
import { LINT_FORMATS, formatLint } from '../governance/lintFormat';
import { readSchemaFolder } from '../governance/schemaSource';
import { projectDir } from '../server/webDir';
import { parseFormatArgs } from './formatOption';
import { consoleIo, invocationDir, runCommand, type Io } from './io';

const USAGE = `usage: npm run lint:privacy -- [SCHEMA_DIR] [--format text|sarif]

  SCHEMA_DIR  folder of .graphql files (default: the project's schema/)
  --format    text (default) or sarif (SARIF 2.1.0, for code-scanning tools)`;

export async function main(argv: readonly string[], io: Io = consoleIo, cwd = invocationDir()): Promise<number> {
  const args = parseFormatArgs(argv, LINT_FORMATS, 'text');
  if ('help' in args) {
    io.out(USAGE);
    return 0;
  }
  if ('error' in args || args.operands.length > 1) {
    io.err(`lint:privacy: ${'error' in args ? args.error : 'give at most one SCHEMA_DIR'}\n\n${USAGE}`);
    return 2;
  }
  const dir = args.operands[0] ? resolve(cwd, args.operands[0]) : projectDir('schema', 'customer.graphql');
  let files;
  try {
    files = readSchemaFolder(dir, cwd);
  } catch (err) {
    io.err(`lint:privacy: cannot read ${args.operands[0] ?? dir}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  const result = lintSchema(files);
  io.out(formatLint(result, args.format).replace(/\n$/, ''));
  return result.findings.length > 0 ? 1 : 0;
}

if (require.main === module) runCommand(main);
