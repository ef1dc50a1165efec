// The privacy officer's dashboard: sign in (the demo officer in demo mode, or
// a pasted token), then the report, the review queues and the notice.

import { byId } from '../shared/dom.js';
import { onTokenPasted } from '../shared/tokenForm.js';
import { session } from './api.js';
import { loadNotice, setUpNotice } from './notice.js';
import { loadQueues } from './queues.js';
import { loadReport, setUpReport } from './report.js';
import { busy, onOpen, showError, showScreen } from './ui.js';

function signedIn(on) {
  for (const id of ['sections', 'who', 'sign-out']) byId(id).hidden = !on;
  showScreen(on ? 'report' : 'signin', { focus: on });
}

async function setUpSignIn() {
  onTokenPasted({ session, showError, signedIn: () => signedIn(true) });
  // The demo sign-in exists only in demo mode: elsewhere the server has no such endpoint.
  const res = await fetch('/demo/officer-token', { headers: { accept: 'application/json' }, cache: 'no-store' }).catch(() => null);
  if (!res?.ok) return;
  const form = byId('demo-form');
  form.hidden = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form.querySelector('button'), async () => {
      const minted = await fetch('/demo/officer-token', { method: 'POST', cache: 'no-store' });
      if (!minted.ok) throw new Error('demo sign-in refused');
      session.set((await minted.json()).token);
      signedIn(true);
    });
  });
}

onOpen('report', loadReport);
onOpen('queues', loadQueues);
onOpen('notice', loadNotice);
for (const button of document.querySelectorAll('#sections button')) button.addEventListener('click', () => showScreen(button.dataset.screen));
byId('sign-out').addEventListener('click', () => {
  session.clear();
  signedIn(false);
});
setUpReport();
setUpNotice();
await setUpSignIn();
signedIn(Boolean(session.token));
