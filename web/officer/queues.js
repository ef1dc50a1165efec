// The review queues: identity changes customers confirmed, waiting for the
// officer's approval, and erasure requests. Each decision reloads the queue
// from the server, so what is shown is what is still waiting.

import { byId, el, fill, timeEl } from '../shared/dom.js';
import { graphql } from './api.js';
import { announce, busy } from './ui.js';

const QUEUES = `{
  changeRequests(status: PENDING_REVIEW, first: 50) { id customerId createdAt confirmedAt changes { field from to } }
  erasureRequests(status: REQUESTED, first: 50) { id customerId requestedAt }
}`;
const REVIEW = `mutation Review($id: ID!, $approve: Boolean!, $note: String) { reviewChangeRequest(id: $id, approve: $approve, note: $note) { id status } }`;
const ERASE = `mutation Erase($id: ID!) { processErasure(id: $id) { id status } }`;

export async function loadQueues() {
  const data = await graphql(QUEUES);
  fill(byId('change-queue'), data.changeRequests.length === 0 ? el('p', {}, 'No change waits for review.') : data.changeRequests.map(changeCard));
  fill(byId('erasure-queue'), data.erasureRequests.length === 0 ? el('p', {}, 'No erasure request waits.') : data.erasureRequests.map(erasureCard));
}

function changeCard(request) {
  const noteId = `note-${request.id}`;
  const decide = (approve) => async (event) => {
    const note = byId(noteId).value.trim() || null;
    await busy(event.currentTarget, async () => {
      const { reviewChangeRequest: done } = await graphql(REVIEW, { id: request.id, approve, note });
      await loadQueues();
      byId('change-title').focus();
      announce(`Change request ${done.status === 'APPLIED' ? 'approved and applied' : done.status.toLowerCase()}.`);
    });
  };
  return el(
    'article',
    { className: 'request', 'aria-label': `Change for customer ${request.customerId}` },
    el('h4', {}, 'Customer ', el('code', {}, request.customerId)),
    el('p', {}, 'Confirmed by the customer ', timeEl(request.confirmedAt ?? request.createdAt), '.'),
    // Each value isolated (<bdi>): a stored value with a direction override must not turn the arrow and the proposed value around.
    el('ul', {}, request.changes.map((c) => el('li', {}, el('strong', {}, c.field), ': ', el('bdi', {}, c.from ?? '(empty)'), ' → ', el('bdi', {}, c.to ?? '(deleted)')))),
    el('label', { for: noteId }, 'Note to the customer (optional)'),
    el('input', { type: 'text', id: noteId, maxlength: '500' }),
    el(
      'div',
      { className: 'actions' },
      withClick(el('button', { type: 'button' }, 'Approve'), decide(true)),
      withClick(el('button', { type: 'button', className: 'secondary' }, 'Reject'), decide(false)),
    ),
  );
}

function erasureCard(request) {
  // Erasure cannot be undone: the first press asks, the second erases.
  const confirm = el('button', { type: 'button', className: 'danger', hidden: true }, 'Yes, erase irreversibly');
  const ask = el('button', { type: 'button' }, 'Erase this customer…');
  ask.addEventListener('click', () => {
    confirm.hidden = false;
    confirm.focus();
  });
  confirm.addEventListener('click', () =>
    busy(confirm, async () => {
      await graphql(ERASE, { id: request.id });
      await loadQueues();
      byId('erasure-title').focus();
      announce('The customer was erased.');
    }),
  );
  return el(
    'article',
    { className: 'request', 'aria-label': `Erasure of customer ${request.customerId}` },
    el('h4', {}, 'Customer ', el('code', {}, request.customerId)),
    el('p', {}, 'Asked ', timeEl(request.requestedAt), '.'),
    el('div', { className: 'actions' }, ask, confirm),
  );
}

function withClick(button, handler) {
  button.addEventListener('click', handler);
  return button;
}
