// The bearer token lives in this tab's sessionStorage: gone when the tab
// closes, never in a URL (where it would reach history, logs and Referer).

const KEY = 'privql.selfService.token';

export const session = {
  get token() {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return memory;
    }
  },
  set(token) {
    memory = token;
    try {
      sessionStorage.setItem(KEY, token);
    } catch {
      /* storage refused (private mode): memory only */
    }
  },
  clear() {
    memory = null;
    try {
      sessionStorage.removeItem(KEY);
    } catch {
      /* nothing stored */
    }
  },
};

let memory = null;
