// The prompt to read a privacy notice published since the customer last
// acknowledged one (issue 9: customers acknowledge a version). Shown only for
// a published version newer than the one acknowledged; never for the draft.

import { graphql } from './api.js';
import { byId, el, fill, timeEl } from '../shared/dom.js';
import { ACKNOWLEDGE_NOTICE } from './queries.js';
import { announce, busy } from './ui.js';

let shown = null;

/** Shows or hides the prompt for `notice` (privacyNotice) and the version acknowledged. */
export function renderNoticePrompt(notice, acknowledged) {
  const due = notice && notice.status === 'PUBLISHED' && (acknowledged ?? 0) < notice.version;
  byId('notice-prompt').hidden = !due;
  shown = due ? notice.version : null;
  if (!due) return;
  fill(byId('notice-prompt-text'), `Version ${notice.version}, in effect since `, timeEl(notice.effectiveAt, { withTime: false }), '. What changed:');
  fill(byId('notice-prompt-changes'), notice.changes.map((change) => el('li', {}, change)));
}

export function setUpNoticePrompt() {
  byId('notice-acknowledge').addEventListener('click', (event) =>
    busy(event.currentTarget, async () => {
      if (shown === null) return;
      const { acknowledgePrivacyNotice } = await graphql(ACKNOWLEDGE_NOTICE, { version: shown });
      byId('notice-prompt').hidden = true;
      // The focused button is gone: keep keyboard users where they were reading.
      byId('main').focus();
      announce(`Thank you: you acknowledged version ${acknowledgePrivacyNotice.version} of the privacy notice.`);
    }),
  );
}
