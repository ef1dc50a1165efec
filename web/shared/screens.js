// Screens, the status line and the error box of a page. One screen shows at
// a time; opening one moves focus to its heading so keyboard and
// screen-reader users land where the content starts.

import { byId, fill } from './dom.js';

/** The screen functions of a page whose screens are `#screen-<name>` for each of `names`; errors are worded by `describeError`. */
export function pageScreens(names, describeError) {
  const openers = new Map();

  /** Called whenever the screen is opened (to load what it shows). */
  function onOpen(name, load) {
    openers.set(name, load);
  }

  function showScreen(name, { focus = true } = {}) {
    for (const screen of names) byId(`screen-${screen}`).hidden = screen !== name;
    for (const button of document.querySelectorAll('#sections button')) {
      if (button.dataset.screen === name) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
    }
    clearError();
    byId('status').textContent = '';
    if (focus) byId(`screen-${name}`).querySelector('h2').focus();
    const load = openers.get(name);
    if (load) Promise.resolve(load()).catch(showError);
  }

  /** A result, read out politely by screen readers. */
  function announce(message) {
    const status = byId('status');
    // Emptied first so the same message twice is read twice.
    status.textContent = '';
    setTimeout(() => (status.textContent = message), 50);
  }

  function showError(err) {
    const box = byId('alert');
    fill(box, typeof err === 'string' ? err : describeError(err));
    box.hidden = false;
  }

  function clearError() {
    const box = byId('alert');
    box.hidden = true;
    box.replaceChildren();
  }

  /**
   * Runs an action once at a time per control, reporting failure in the error
   * box. The control is marked busy, not disabled: disabling the focused
   * control would throw keyboard focus back to the top of the page.
   */
  async function busy(control, action) {
    if (control.getAttribute('aria-busy') === 'true') return undefined;
    control.setAttribute('aria-busy', 'true');
    control.setAttribute('aria-disabled', 'true');
    clearError();
    try {
      return await action();
    } catch (err) {
      showError(err);
      return undefined;
    } finally {
      control.removeAttribute('aria-busy');
      control.removeAttribute('aria-disabled');
    }
  }

  return { onOpen, showScreen, announce, showError, clearError, busy };
}
