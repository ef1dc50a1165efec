// Sign-in: in demo mode a picker of demo customers (the server mints a
// customer token for the one chosen); anywhere, a token pasted from the
// deployment's identity provider.

import { byId, el, fill } from '../shared/dom.js';
import { onTokenPasted } from '../shared/tokenForm.js';
import { session } from './session.js';
import { busy, showError } from './ui.js';

export async function setUpSignIn(onSignedIn) {
  onTokenPasted({ session, showError, signedIn: onSignedIn });

  const choices = await demoChoices();
  if (!choices) return;
  const select = byId('demo-customer');
  fill(select, choices.map((c) => el('option', { value: String(c.number) }, c.number === 1 ? 'Demo customer 1 (fully filled in)' : `Demo customer ${c.number}`)));
  const form = byId('demo-form');
  form.hidden = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form.querySelector('button'), async () => {
      const res = await fetch('/demo/customer-token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ number: Number(select.value) }),
        cache: 'no-store',
      });
      if (!res.ok) throw new Error('demo sign-in refused');
      const { token } = await res.json();
      session.set(token);
      onSignedIn();
    });
  });
}

/** The demo customers on offer, or null when demo mode is off (no such endpoint). */
async function demoChoices() {
  try {
    const res = await fetch('/demo/customers', { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) return null;
    const body = await res.json();
    return Array.isArray(body.customers) && body.customers.length > 0 ? body.customers : null;
  } catch {
    return null;
  }
}
