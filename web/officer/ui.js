// Screens, the status line, the error box, and tables built from data. One
// screen shows at a time; opening one moves focus to its heading.

import { byId, el, fill } from '../self-service/dom.js';
import { describeError } from './api.js';

const SCREENS = ['signin', 'report', 'queues', 'notice'];
const openers = new Map();

export function onOpen(name, load) {
  openers.set(name, load);
}

export function showScreen(name, { focus = true } = {}) {
  for (const screen of SCREENS) byId(`screen-${screen}`).hidden = screen !== name;
  for (const button of document.querySelectorAll('#sections button')) {
    if (button.dataset.screen === name) button.setAttribute('aria-current', 'page');
    else button.removeAttribute('aria-current');
  }
  clearError();
  byId('status').textContent = '';
  if (focus) byId(`screen-${name}`).querySelector('h2').focus();
  const load = openers.get(name);
  if (load) Promise.resolve(load()).catch(showError);
}

export function announce(message) {
  const status = byId('status');
  status.textContent = '';
  setTimeout(() => (status.textContent = message), 50);
}

export function showError(err) {
  const box = byId('alert');
  fill(box, typeof err === 'string' ? err : describeError(err));
  box.hidden = false;
}

export function clearError() {
  const box = byId('alert');
  box.hidden = true;
  box.replaceChildren();
}

/** Runs an action once at a time per control; failures go to the error box. Busy, not disabled, so focus stays. */
export async function busy(control, action) {
  if (control.getAttribute('aria-busy') === 'true') return undefined;
  control.setAttribute('aria-busy', 'true');
  control.setAttribute('aria-disabled', 'true');
  clearError();
  try {
    return await action();
  } catch (err) {
    showError(err);
    return undefined;
  } finally {
    control.removeAttribute('aria-busy');
    control.removeAttribute('aria-disabled');
  }
}

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
