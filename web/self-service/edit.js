// Correcting one's details: the page sends only what changed, shows the
// server's diff and its validation problems, and saves nothing until the
// customer confirms (the check before any update, DESIGN §4).

import { graphql, ApiError } from './api.js';
import { byId, el, fill, timeEl } from '../shared/dom.js';
import { fieldLabel } from './labels.js';
import { CONFIRM_CHANGE, PROPOSE_CHANGE } from './queries.js';
import { announce, busy, showError } from './ui.js';

const EDITABLE = [
  { field: 'name', type: 'text', autocomplete: 'name', note: 'Checked by our privacy office before it changes.' },
  { field: 'email', type: 'email', autocomplete: 'email' },
  { field: 'phone', type: 'tel', autocomplete: 'tel' },
  { field: 'street', type: 'text', autocomplete: 'street-address' },
  { field: 'postalCode', type: 'text', autocomplete: 'postal-code' },
  { field: 'city', type: 'text', autocomplete: 'address-level2' },
  { field: 'birthDate', type: 'date', autocomplete: 'bday' },
  { field: 'estimatedIncome', type: 'text', inputmode: 'numeric', note: 'Yearly, in whole units of your currency.' },
];

const STATUS_WORDS = {
  APPLIED: 'Saved. Your details are updated.',
  PENDING_REVIEW: 'Sent to our privacy office: the change applies once they approve it.',
  STALE: 'Your record changed since you checked these changes. Please check them again.',
  EXPIRED: 'These changes were checked too long ago. Please check them again.',
  SUPERSEDED: 'A newer set of changes replaced these.',
};

let proposal = null;

export function setUpEdit(page) {
  fill(byId('edit-inputs'), EDITABLE.map(inputFor));
  byId('edit-form').addEventListener('submit', (event) => {
    event.preventDefault();
    busy(event.submitter ?? byId('edit-form').querySelector('button'), () => propose(page));
  });
  byId('confirm-change').addEventListener('click', (event) => busy(event.currentTarget, () => confirm(page)));
  byId('discard-change').addEventListener('click', () => {
    hideProposal();
    for (const { field } of EDITABLE) delete byId(`edit-${field}`).dataset.filled;
    renderEdit(page.me);
    announce('Changes discarded.');
    byId('edit-title').focus();
  });
}

function inputFor({ field, type, autocomplete, inputmode, note }) {
  const id = `edit-${field}`;
  const described = [note ? `${id}-note` : null, `${id}-problem`].filter(Boolean).join(' ');
  return el(
    'div',
    { className: 'edit-field' },
    el('label', { for: id }, fieldLabel(field)),
    el('input', { id, name: field, type, autocomplete, inputmode, 'aria-describedby': described }),
    note ? el('p', { className: 'field-note', id: `${id}-note` }, note) : null,
    el('p', { className: 'field-problem', id: `${id}-problem`, hidden: true }),
  );
}

/** Fills the form with what is held now, and lists the changes still waiting. */
export function renderEdit(me) {
  for (const { field } of EDITABLE) {
    const input = byId(`edit-${field}`);
    // What the customer has typed and not yet checked survives a reload (after an opt-out, say).
    if (input.dataset.filled === undefined || input.value === input.dataset.filled) input.value = me[field] ?? '';
    input.dataset.filled = String(me[field] ?? '');
    markProblem(field, null);
  }
  const pending = (me.pendingChangeRequests ?? []).filter((r) => r.status === 'PENDING_REVIEW');
  fill(byId('pending'), pending.map(pendingItem));
  byId('pending-empty').hidden = pending.length > 0;
}

function pendingItem(request) {
  const changes = request.changes.map((c) => `${fieldLabel(c.field)}: “${c.from ?? ''}” → “${c.to ?? ''}”`).join('; ');
  return el('li', {}, changes, ' — sent ', timeEl(request.createdAt), ', waiting for our privacy office.');
}

function changedInput(me) {
  const input = {};
  for (const { field } of EDITABLE) {
    const value = byId(`edit-${field}`).value.trim();
    if (value === String(me[field] ?? '')) continue;
    input[field] = field === 'estimatedIncome' && /^\d+$/.test(value) ? Number(value) : value;
  }
  return input;
}

async function propose(page) {
  for (const { field } of EDITABLE) markProblem(field, null);
  const input = changedInput(page.me);
  if (Object.keys(input).length === 0) {
    hideProposal();
    announce('Nothing has changed.');
    return;
  }
  try {
    const data = await graphql(PROPOSE_CHANGE, { input });
    showProposal(data.proposeProfileChange);
  } catch (err) {
    // An invalid value is refused whole, naming the fields: each shown beside its input.
    if (err instanceof ApiError && err.code === 'BAD_USER_INPUT' && err.field) {
      hideProposal();
      const problems = err.problems.length > 0 ? err.problems : [{ field: err.field, message: err.message }];
      for (const p of problems) markProblem(p.field, p.message);
      showError(`Nothing was saved. ${problems.map((p) => `${fieldLabel(p.field)}: ${p.message}`).join(' ')}`);
      document.getElementById(`edit-${err.field}`)?.focus();
      return;
    }
    throw err;
  }
}

function showProposal(request) {
  proposal = request;
  fill(
    byId('diff').tBodies[0],
    request.changes.map((c) => el('tr', {}, el('th', { scope: 'row' }, fieldLabel(c.field)), el('td', { className: 'from' }, c.from ?? '—'), el('td', { className: 'to' }, c.to ?? '—'))),
  );
  // Remarks here do not block the change (a value equal to the current one, a field that waits for review).
  const problems = request.problems ?? [];
  fill(byId('problems'), problems.map((p) => el('li', {}, `${fieldLabel(p.field)}: ${p.message}`)));
  byId('problems-box').hidden = problems.length === 0;
  const count = request.changes.length;
  byId('confirm-change').hidden = count === 0;
  byId('proposal-note').textContent =
    count === 0 ? 'Nothing would change.' : request.needsReview ? 'Once you confirm, our privacy office reviews the change of name before it applies.' : 'Check the new values. Nothing is saved until you confirm.';
  byId('proposal').hidden = false;
  byId('proposal-title').focus();
  announce(count === 0 ? 'Nothing would change.' : `${count} change${count === 1 ? '' : 's'} ready to confirm.`);
}

async function confirm(page) {
  if (!proposal) return;
  const data = await graphql(CONFIRM_CHANGE, { id: proposal.id });
  const result = data.confirmProfileChange;
  hideProposal();
  await page.reload();
  announce(STATUS_WORDS[result.status] ?? `Status: ${String(result.status).toLowerCase()}.`);
  byId('edit-title').focus();
}

function hideProposal() {
  proposal = null;
  byId('proposal').hidden = true;
}

function markProblem(field, message) {
  const input = document.getElementById(`edit-${field}`);
  const note = document.getElementById(`edit-${field}-problem`);
  if (!input || !note) return;
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  note.textContent = message ?? '';
  note.hidden = !message;
}
