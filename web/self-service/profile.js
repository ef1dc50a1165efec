// "What we hold about you": every field of `me`, and the orders.

import { byId, el, fill, timeEl } from '../shared/dom.js';
import { fieldLabel } from './labels.js';

const SHOWN = ['name', 'accountNumber', 'email', 'phone', 'street', 'postalCode', 'city', 'birthDate', 'age', 'estimatedIncome', 'shoppingHabits', 'segment', 'ethnicity', 'religion'];

const money = (n) => new Intl.NumberFormat(undefined, { maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(n);

function display(field, value) {
  if (value === null || value === undefined || value === '') return el('span', { className: 'hint' }, 'not recorded');
  if (Array.isArray(value)) return value.length ? value.join(', ') : el('span', { className: 'hint' }, 'none');
  if (field === 'estimatedIncome') return new Intl.NumberFormat().format(value);
  return String(value);
}

export function renderProfile(me) {
  fill(byId('profile-fields'), SHOWN.flatMap((field) => [el('dt', {}, fieldLabel(field)), el('dd', { dataset: { field } }, display(field, me[field]))]));
  const orders = me.orders ?? [];
  const table = byId('orders');
  table.hidden = orders.length === 0;
  byId('orders-empty').hidden = orders.length > 0;
  fill(
    table.tBodies[0],
    orders.map((o) => el('tr', {}, el('td', {}, timeEl(o.placedAt, { withTime: false })), el('td', {}, o.category ?? ''), el('td', {}, o.channel ?? ''), el('td', { className: 'num' }, o.amount == null ? '' : money(o.amount)))),
  );
}
