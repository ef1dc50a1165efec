// `npm run dictionary -- --format md|json|csv`: the data dictionary of the
// shipped schema and policy, on stdout.

import { dataDictionary } from '../governance/dataDictionary';
import { DICTIONARY_FORMATS, formatDictionary } from '../governance/dictionaryFormat';
import { ANONYMITY_POLICY } from '../policy/anonymity';
import { COLLECTION_POLICY } from '../policy/collection';
import { buildPrivqlSchema } from '../server/schema';
import { parseFormatArgs } from './formatOption';
import { consoleIo, runCommand, type Io } from './io';

const USAGE = `usage: npm run dictionary -- [--format md|json|csv]

  every classified field: class, purposes, mask, anonymization (band width),
  collection channels, quasi-identifier; Markdown by default`;

export async function main(argv: readonly string[], io: Io = consoleIo): Promise<number> {
  const args = parseFormatArgs(argv, DICTIONARY_FORMATS, 'md');
  if ('help' in args) {
    io.out(USAGE);
    return 0;
  }
  if ('error' in args || args.operands.length > 0) {
    io.err(`dictionary: ${'error' in args ? args.error : `unexpected argument: ${args.operands[0]}`}\n\n${USAGE}`);
    return 2;
  }
  const { schema, catalog } = buildPrivqlSchema();
  const entries = dataDictionary(schema, catalog, { anonymity: ANONYMITY_POLICY, collection: COLLECTION_POLICY });
  // io.out ends the text with its own newline.
  io.out(formatDictionary(entries, args.format).replace(/\r?\n$/, ''));
  return 0;
}

if (require.main === module) runCommand(main);
