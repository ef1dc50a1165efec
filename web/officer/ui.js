// The dashboard's screens (web/shared/screens.js), its errors worded for the
// officer, and tables built from report data.

import { el } from '../shared/dom.js';
import { pageScreens } from '../shared/screens.js';
import { describeError } from './api.js';

export const { onOpen, showScreen, announce, showError, clearError, busy } = pageScreens(['signin', 'report', 'queues', 'notice'], describeError);

/** A table of `rows` (arrays of cells) under `headers`; numbers right-aligned; "None" when empty. */
export function table(caption, headers, rows) {
  if (rows.length === 0) return el('p', {}, 'None in this period.');
  const isNumber = (v) => typeof v === 'number';
  return el(
    'table',
    {},
    el('caption', { className: 'visually-hidden' }, caption),
    el('thead', {}, el('tr', {}, headers.map((h, i) => el('th', { scope: 'col', className: rows.every((r) => isNumber(r[i])) ? 'num' : undefined }, h)))),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, String(c)) : el('td', { className: isNumber(c) ? 'num' : undefined }, isNumber(c) ? c.toLocaleString() : String(c))))))),
  );
}
