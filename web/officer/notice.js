// The notice publisher: what the running annotations and policy would change
// in the privacy notice, and the button that publishes it as a new version
// (the server says UNCHANGED when nothing changed).

import { byId, el, fill } from '../shared/dom.js';
import { graphql } from './api.js';
import { announce, busy } from './ui.js';

const STATE = `{ latest: privacyNotice { version status effectiveAt } draft: privacyNotice(version: 0) { changes upToDate } }`;
const PUBLISH = `mutation { publishPrivacyNotice { status version changes notificationsQueued } }`;

export function setUpNotice() {
  const button = byId('publish');
  button.addEventListener('click', () =>
    busy(button, async () => {
      const { publishPrivacyNotice: r } = await graphql(PUBLISH);
      await loadNotice();
      announce(r.status === 'PUBLISHED' ? `Version ${r.version} published; ${r.notificationsQueued} customers will be notified.` : `Nothing changed: version ${r.version} is current.`);
    }),
  );
}

export async function loadNotice() {
  const { latest, draft } = await graphql(STATE);
  byId('notice-state').textContent =
    latest && latest.status === 'PUBLISHED' ? `Version ${latest.version} is published (effective ${new Date(latest.effectiveAt).toLocaleString()}).` : 'No version has been published yet.';
  fill(byId('notice-changes'), draft.changes.length === 0 ? el('li', {}, 'Nothing: the published notice matches the annotations and policy.') : draft.changes.map((c) => el('li', {}, c)));
}
