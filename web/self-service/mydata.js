// Portability and erasure: the export downloads as a .json file made in the
// browser (no URL carries the data or the token); erasure asks twice.

import { graphql } from './api.js';
import { byId, fill, timeEl } from '../shared/dom.js';
import { EXPORT, REQUEST_ERASURE } from './queries.js';
import { announce, busy, showError } from './ui.js';

export function setUpMyData() {
  byId('export').addEventListener('click', (event) => busy(event.currentTarget, download));

  const confirmBox = byId('erase-confirm');
  const understood = byId('erase-understood');
  byId('erase-start').addEventListener('click', () => {
    confirmBox.hidden = false;
    understood.checked = false;
    understood.focus();
  });
  byId('erase-cancel').addEventListener('click', () => {
    confirmBox.hidden = true;
    announce('Erasure cancelled. Nothing was changed.');
    byId('erase-start').focus();
  });
  byId('erase-confirm-button').addEventListener('click', (event) => {
    if (!understood.checked) {
      showError('Tick "I understand that erasure cannot be undone" first.');
      understood.focus();
      return;
    }
    busy(event.currentTarget, async () => {
      const data = await graphql(REQUEST_ERASURE);
      renderErasure({ erasureRequests: [data.requestErasure] });
      const result = byId('erase-result');
      result.setAttribute('tabindex', '-1');
      result.focus();
      announce('Erasure requested.');
    });
  });
}

/** An open or completed request replaces the button with its status. */
export function renderErasure(me) {
  const open = (me.erasureRequests ?? [])[0];
  byId('erase-start').hidden = Boolean(open);
  byId('erase-confirm').hidden = true;
  const result = byId('erase-result');
  result.hidden = !open;
  if (open) fill(result, 'You asked for erasure on ', timeEl(open.requestedAt), '. Our privacy office will carry it out; until then you can still download a copy of your data.');
}

async function download() {
  const data = await graphql(EXPORT);
  const value = data.exportMyData;
  const json = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  const blob = new Blob([json], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `my-data-${new Date().toISOString().slice(0, 10)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  announce('Your data is downloading as a JSON file.');
}
