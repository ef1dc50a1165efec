import { parseCsv } from '../../test/support/csv';
import { EXPORT_COLUMNS, csvCell, csvHeader, formatRow, formatOf, type ExportRow } from './exportFormat';

const HOSTILE = ['a,b', 'say "hi"', 'two\nlines', 'cr\rhere', '=SUM(A1:A9)', '+1', '-2+3', '@cmd', '\tTAB', '=HYPERLINK("http://x,y")', 'Zoë O\'Brien', ''];

test('hostile strings survive a CSV round trip, formulas defused with a leading apostrophe', () => {
  const rows: ExportRow[] = HOSTILE.map((text) => ({ age: 30, birthDate: '1980', estimatedIncome: null, postalCode: '12***', city: text, segment: text, shoppingHabits: [text], orders: null }));
  const parsed = parseCsv(csvHeader() + rows.map((r) => formatRow('csv', r)).join(''));
  expect(parsed[0]).toEqual([...EXPORT_COLUMNS]);
  expect(parsed).toHaveLength(rows.length + 1);
  parsed.slice(1).forEach((cells, i) => {
    expect(cells).toHaveLength(EXPORT_COLUMNS.length);
    const text = HOSTILE[i]!;
    const expected = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    expect(cells[4]).toBe(expected);
    expect(JSON.parse(cells[6]!)).toEqual([text]);
    expect(cells[2]).toBe('');
  });
});

test('numbers are written as numbers, nothing else is prefixed', () => {
  expect(csvCell(-5)).toBe('-5');
  expect(csvCell('plain')).toBe('plain');
  expect(csvCell(null)).toBe('');
});

test('JSON Lines: one object per line, every column present, newlines escaped', () => {
  const line = formatRow('jsonl', { age: null, birthDate: null, estimatedIncome: 1, postalCode: null, city: 'a\nb', segment: null, shoppingHabits: null, orders: [{ category: 'x' }] });
  expect(line.endsWith('\n')).toBe(true);
  expect(line.slice(0, -1)).not.toContain('\n');
  expect(Object.keys(JSON.parse(line))).toEqual([...EXPORT_COLUMNS]);
});

test('the format follows the extension', () => {
  expect([formatOf('x.csv'), formatOf('x.JSONL'), formatOf('x.txt')]).toEqual(['csv', 'jsonl', null]);
});
