// The self-service page: sign in, then one screen at a time. `me` is loaded
// once after sign-in and again after every change, so each screen shows what
// the server now holds, not what the page hoped it would.

import { graphql, ApiError } from './api.js';
import { byId } from '../shared/dom.js';
import { loadHistory } from './history.js';
import { renderProfile } from './profile.js';
import { ME } from './queries.js';
import { session } from './session.js';
import { setUpSignIn } from './signin.js';
import { busy, onOpen, showError, showScreen, announce } from './ui.js';
import { setUpEdit, renderEdit } from './edit.js';
import { setUpChoices, renderChoices } from './choices.js';
import { renderErasure, setUpMyData } from './mydata.js';
import { renderNoticePrompt, setUpNoticePrompt } from './notice.js';

const page = {
  me: null,
  terms: null,
  /** Re-reads `me` and redraws every screen that shows it. */
  async reload() {
    const data = await graphql(ME);
    if (!data.me) throw new ApiError('No customer record belongs to this sign-in.', { code: 'BAD_USER_INPUT' });
    page.me = data.me;
    page.terms = data.optOutTerms;
    byId('who').textContent = `Signed in as ${data.me.name ?? 'a customer'}`;
    renderProfile(data.me);
    renderEdit(data.me);
    renderChoices(page, data.me, data.optOutTerms);
    renderErasure(data.me);
    renderNoticePrompt(data.privacyNotice, data.acknowledgedPrivacyNotice);
    return data.me;
  },
};

function signedIn(on) {
  byId('sections').hidden = !on;
  byId('who').hidden = !on;
  byId('sign-out').hidden = !on;
}

async function enter() {
  try {
    await page.reload();
    signedIn(true);
    showScreen('profile');
    announce('Signed in.');
  } catch (err) {
    signOut();
    showError(err);
  }
}

function signOut() {
  session.clear();
  page.me = null;
  renderNoticePrompt(null);
  signedIn(false);
  showScreen('signin', { focus: false });
}

function start() {
  for (const button of document.querySelectorAll('#sections button')) {
    button.addEventListener('click', () => showScreen(button.dataset.screen));
  }
  byId('sign-out').addEventListener('click', () => {
    signOut();
    announce('Signed out.');
    byId('signin-title').focus();
  });
  onOpen('history', () => loadHistory());
  byId('access-more').addEventListener('click', (event) => busy(event.currentTarget, () => loadHistory({ more: true })));
  setUpEdit(page);
  setUpChoices(page);
  setUpMyData();
  setUpNoticePrompt();
  setUpSignIn(enter).catch(showError);
  if (session.token) enter();
  else showScreen('signin', { focus: false });
}

start();
