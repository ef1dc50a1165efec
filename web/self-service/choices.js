// Opt-outs (each applies at once, worded by the server's optOutTerms as what
// it stops), consent to the use of sensitive data (opt-in: its own box with
// the exact wording agreed to, unticked until given), and how the customer
// wishes to be contacted.

import { graphql } from './api.js';
import { byId, el, fill, timeEl } from '../shared/dom.js';
import { CHANNELS, CONSENT_KIND, OPT_OUT_KEYS, label } from './labels.js';
import { CONFIRM_CHANGE, PROPOSE_CHANGE, SET_OPT_OUT } from './queries.js';
import { announce, busy } from './ui.js';

let built = false;

export function setUpChoices(page) {
  fill(byId('channels'), CHANNELS.map((c) => checkbox(`channel-${c.value}`, c.label)));
  fill(byId('preferred'), [radio('preferred-none', 'preferred', '', 'No preference'), ...CHANNELS.map((c) => radio(`preferred-${c.value}`, 'preferred', c.value, c.label))]);
  byId('contact-form').addEventListener('submit', (event) => {
    event.preventDefault();
    busy(event.submitter ?? byId('contact-form').querySelector('button'), () => saveContact(page));
  });
}

/** Contact preferences change through the same checked path as any profile change: proposed, then confirmed by this click. */
async function saveContact(page) {
  const channels = CHANNELS.map((c) => c.value).filter((v) => byId(`channel-${v}`).checked);
  const preferred = CHANNELS.map((c) => c.value).find((v) => byId(`preferred-${v}`).checked) ?? null;
  const proposed = (await graphql(PROPOSE_CHANGE, { input: { contactPreferences: { channels, preferred } } })).proposeProfileChange;
  if (proposed.changes.length === 0) {
    announce('Nothing has changed.');
    return;
  }
  const confirmed = (await graphql(CONFIRM_CHANGE, { id: proposed.id })).confirmProfileChange;
  await page.reload();
  announce(confirmed.status === 'APPLIED' ? 'Contact preferences saved.' : `Not saved (${label({}, confirmed.status)}). Please try again.`);
}

function buildToggles(page, terms) {
  const optOuts = terms.filter((t) => t.kind !== CONSENT_KIND);
  fill(byId('opt-outs'), optOuts.map((t) => checkbox(`opt-out-${t.kind}`, t.title, t.effect)));
  for (const t of optOuts) onToggle(page, t, (checked) => checked, (now) => (now ? `${t.title}: on. This use of your data has stopped.` : `${t.title}: off. This use is allowed again.`));
  const consent = terms.find((t) => t.kind === CONSENT_KIND);
  if (consent) {
    fill(byId('consent'), el('p', { className: 'hint' }, consent.effect), checkbox(`opt-out-${consent.kind}`, consent.consentWording ?? consent.title));
    onToggle(page, consent, (checked) => !checked, (optedOut) => (optedOut ? 'Consent withdrawn: your ethnicity and religion are no longer used.' : 'Thank you: consent given. You can withdraw it here at any time.'));
  }
  built = true;
}

function checkbox(id, title, explain) {
  return el(
    'div',
    { className: 'check' },
    el('input', { type: 'checkbox', id, 'aria-describedby': explain ? `${id}-explain` : undefined }),
    el('label', { for: id }, title, explain ? el('span', { className: 'explain', id: `${id}-explain` }, explain) : null),
  );
}

function radio(id, name, value, title) {
  return el('div', { className: 'check' }, el('input', { type: 'radio', id, name, value }), el('label', { for: id }, title));
}

/** A toggle saves at once; on failure the box goes back to what the server holds. */
function onToggle(page, term, optedOutWhen, said) {
  const box = byId(`opt-out-${term.kind}`);
  box.addEventListener('change', () => {
    const optedOut = optedOutWhen(box.checked);
    const consentVersion = term.kind === CONSENT_KIND && !optedOut ? term.consentVersion : null;
    busy(box, async () => {
      try {
        await graphql(SET_OPT_OUT, { kind: term.kind, optedOut, consentVersion });
        await page.reload();
        announce(said(optedOut));
      } catch (err) {
        if (page.me) renderChoices(page, page.me, page.terms);
        throw err;
      }
    });
  });
}

export function renderChoices(page, me, terms) {
  if (!built && terms) buildToggles(page, terms);
  const optOuts = me.optOuts ?? {};
  for (const [kind, key] of Object.entries(OPT_OUT_KEYS)) {
    const box = document.getElementById(`opt-out-${kind}`);
    if (box) box.checked = kind === CONSENT_KIND ? optOuts[key] === false : optOuts[key] === true;
  }
  const contact = me.contactPreferences;
  for (const c of CHANNELS) {
    byId(`channel-${c.value}`).checked = Boolean(contact?.channels?.includes(c.value));
    byId(`preferred-${c.value}`).checked = contact?.preferred === c.value;
  }
  byId('preferred-none').checked = !contact?.preferred;
  renderChoiceHistory(me.optOutHistory ?? [], terms ?? []);
}

function renderChoiceHistory(history, terms) {
  fill(
    byId('choice-history'),
    history.map((h) => {
      const title = terms.find((t) => t.kind === h.kind)?.title ?? label({}, h.kind);
      const what = h.kind === CONSENT_KIND ? (h.optedOut ? 'Consent to use sensitive data: not given' : 'Consent to use sensitive data: given') : `${title}: ${h.optedOut ? 'on' : 'off'}`;
      return el('li', {}, timeEl(h.at), el('p', { className: 'what' }, `${what}${h.channel ? ` (${h.channel})` : ''}`));
    }),
  );
  byId('choice-history-empty').hidden = history.length > 0;
}
