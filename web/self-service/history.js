// "Who accessed your data": me { accessHistory } as a timeline, newest first,
// in words: when, who (role and application), why (purpose), what they saw.

import { graphql } from './api.js';
import { byId, el, fill, timeEl } from '../shared/dom.js';
import { ACTION_LABELS, PURPOSE_LABELS, ROLE_LABELS, fieldLabel, label } from './labels.js';
import { ACCESS_HISTORY } from './queries.js';

let cursor = null;

export async function loadHistory({ more = false } = {}) {
  const data = await graphql(ACCESS_HISTORY, { after: more ? cursor : null });
  const page = data.me?.accessHistory ?? { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
  const list = byId('access');
  const items = page.nodes.map(entryItem);
  if (more) list.append(...items);
  else fill(list, items);
  cursor = page.pageInfo.endCursor;
  byId('access-more').hidden = !page.pageInfo.hasNextPage;
  byId('access-empty').hidden = list.children.length > 0;
  return items;
}

function entryItem(entry) {
  const seen = summarize(entry.fields);
  const who =
    entry.role === 'CUSTOMER'
      ? 'You, on this page'
      : `${capitalize(label(ROLE_LABELS, entry.role))}${entry.app ? ` using ${entry.app}` : ''}, for ${label(PURPOSE_LABELS, entry.purpose)}`;
  const item = el('li', { className: entry.outcome === 'EXCLUDED' ? 'excluded' : undefined }, timeEl(entry.at));
  item.append(el('p', { className: 'what' }, `${who}: ${verb(entry.outcome, seen.count)}`));
  if (seen.text) item.append(el('p', { className: 'fields-seen' }, seen.text));
  return item;
}

function verb(outcome, fieldCount) {
  switch (outcome) {
    case 'READ':
      return fieldCount === 1 ? 'looked at 1 detail.' : `looked at ${fieldCount} details.`;
    case 'EXCLUDED':
      return 'your record was left out, as you chose.';
    case 'DENIED':
      return 'the request was refused.';
    default:
      return `${label({}, outcome)}.`;
  }
}

/** "Email, Phone: in full · Name: partly hidden" — details grouped by what was done to them. */
function summarize(fields) {
  const groups = new Map();
  const all = new Set();
  for (const f of fields) {
    const name = fieldLabel(f.field);
    const action = label(ACTION_LABELS, f.action);
    const names = groups.get(action) ?? [];
    if (!names.includes(name)) names.push(name);
    groups.set(action, names);
    all.add(name);
  }
  return { count: all.size, text: [...groups].map(([action, names]) => `${names.join(', ')}: ${action}`).join(' · ') };
}

const capitalize = (s) => s.charAt(0).toUpperCase() + s.slice(1);
