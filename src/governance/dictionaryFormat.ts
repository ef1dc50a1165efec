// The data dictionary as Markdown, JSON or CSV (pure). Lists inside a CSV
// cell or a table cell are joined with "; ": their items are enum names,
// which never contain it.

import { csvCell } from '../anonymity/exportFormat';
import type { DictionaryEntry } from './dataDictionary';

export const DICTIONARY_FORMATS = ['md', 'json', 'csv'] as const;
export type DictionaryFormat = (typeof DICTIONARY_FORMATS)[number];

const COLUMNS = ['coordinate', 'type', 'classification', 'purposes', 'mask', 'anonymize', 'bandWidth', 'collectionChannels', 'quasiIdentifier'] as const;

function cells(entry: DictionaryEntry): string[] {
  return COLUMNS.map((column) => {
    const value = entry[column];
    if (value === null) return '';
    return Array.isArray(value) ? value.join('; ') : String(value);
  });
}

export function formatDictionary(entries: readonly DictionaryEntry[], format: DictionaryFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ fields: entries }, null, 2)}\n`;
    case 'csv':
      return [COLUMNS.join(','), ...entries.map((e) => cells(e).map(csvCell).join(','))].map((line) => `${line}\r\n`).join('');
    case 'md':
      return markdown(entries);
  }
}

function markdown(entries: readonly DictionaryEntry[]): string {
  const row = (values: readonly string[]) => `| ${values.map((v) => v.replace(/\|/g, '\\|') || '—').join(' | ')} |`;
  return [
    '# Data dictionary',
    '',
    `${entries.length} classified fields. Purposes: uses allowed in clear. Band width: of BAND, mask or anonymizer. Quasi-identifier: the dimension of the anonymous release the field belongs to.`,
    '',
    row(['field', 'type', 'class', 'purposes', 'mask', 'anonymize', 'band width', 'collected through', 'quasi-identifier']),
    row(COLUMNS.map(() => '---')),
    ...entries.map((e) => row(cells(e))),
    '',
  ].join('\n');
}
