// Rows of the anonymous release as CSV or JSON Lines (pure). CSV cells are
// quoted by RFC 4180 and guarded against formula injection: a text cell a
// spreadsheet would run as a formula gets a leading apostrophe.

export type ExportFormat = 'csv' | 'jsonl';

/** The exported columns, named like the GraphQL fields; no id, no pseudonym. */
export const EXPORT_COLUMNS = ['age', 'birthDate', 'estimatedIncome', 'postalCode', 'city', 'segment', 'shoppingHabits', 'orders'] as const;
export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], unknown>;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${EXPORT_COLUMNS.join(',')}\r\n`;
}

export function formatRow(format: ExportFormat, row: ExportRow): string {
  if (format === 'jsonl') return `${JSON.stringify(Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, row[c] ?? null])))}\n`;
  return `${EXPORT_COLUMNS.map((c) => csvCell(row[c])).join(',')}\r\n`;
}

export function formatOf(file: string): ExportFormat | null {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.jsonl$/i.test(file)) return 'jsonl';
  return null;
}
