// Sign-in with a token from the deployment's identity provider, pasted into
// #token-form (the same on every page): a "Bearer " prefix is dropped, the
// field is emptied at once, and the token goes to the tab's session only.

import { byId } from './dom.js';

export function onTokenPasted({ session, showError, signedIn }) {
  byId('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId('token');
    const token = input.value.trim().replace(/^Bearer\s+/i, '');
    if (!token) {
      showError('Paste your access token first.');
      input.focus();
      return;
    }
    input.value = '';
    session.set(token);
    signedIn();
  });
}
