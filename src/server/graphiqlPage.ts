// The demo GraphiQL page. Kept as a TS string (not an .html file) because tsc
// does not copy non-TS files into dist/, and a template that only exists in
// src/ would break the compiled server.

/** Where the router serves the bundled browser assets; root-relative, never a CDN. */
export const ASSET_BASE = '/graphiql/assets';

/** Where the page asks for a development token when a role is chosen. */
export const TOKEN_PATH = '/demo/token';

export const DEFAULT_QUERY = `# Pick a role and purpose above, run, then switch and run again.
# Withheld values are null; extensions.privacy says why.
query FirstCustomers {
  customers(first: 5) {
    nodes {
      id
      name
      email
      phone
      city
      age
      religion
      optOuts {
        directMarketing
        sensitiveDataUse
      }
    }
  }
}
`;

export interface PageConfig {
  endpoint: string;
  tokenPath: string;
  roles: Array<{ role: string; purposes: string[]; app: string }>;
  defaultRole: string;
  defaultPurpose: string | null;
  defaultQuery: string;
}

/**
 * JSON that is safe inside a <script> element: `<` can no longer start
 * `</script>` or `<!--`, and U+2028/2029 are escaped for older JS parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** `nonce` must be fresh per response; it is what lets the inline script past the CSP. */
export function renderGraphiqlPage(config: PageConfig, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>privql — GraphiQL (demo mode)</title>
<link rel="stylesheet" href="${ASSET_BASE}/graphiql.min.css">
<style>
  html, body { height: 100%; margin: 0; }
  body { display: flex; flex-direction: column; font: 13px/1.4 system-ui, sans-serif; }
  #privql-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px;
    padding: 6px 12px; background: #1f2937; color: #f3f4f6; border-bottom: 3px solid #f59e0b; }
  #privql-bar label { display: flex; align-items: center; gap: 6px; }
  #privql-bar select { font: inherit; padding: 2px 4px; }
  #privql-bar strong { color: #fbbf24; }
  #privql-demo { background: #f59e0b; color: #111827; font-weight: 600; padding: 1px 8px; border-radius: 3px; }
  #privql-status { opacity: .8; }
  #privql-status.error { color: #fca5a5; opacity: 1; }
  #privql-explain { flex-basis: 100%; opacity: .85; }
  #graphiql { flex: 1; min-height: 0; }
</style>
</head>
<body>
<div id="privql-bar">
  <span id="privql-demo" title="Tokens are minted by this server with the development secret">DEMO MODE · development tokens</span>
  <label>Role <select id="privql-role"></select></label>
  <label>Purpose <select id="privql-purpose"></select></label>
  <span id="privql-status">minting token…</span>
  <span id="privql-explain"></span>
</div>
<div id="graphiql"></div>
<script type="application/json" id="privql-config">${jsonForScript(config)}</script>
<script src="${ASSET_BASE}/react.production.min.js"></script>
<script src="${ASSET_BASE}/react-dom.production.min.js"></script>
<script src="${ASSET_BASE}/graphiql.min.js"></script>
<script nonce="${nonce}">
(function () {
  'use strict';
  var cfg = JSON.parse(document.getElementById('privql-config').textContent);
  var roleSel = document.getElementById('privql-role');
  var purposeSel = document.getElementById('privql-purpose');
  var statusEl = document.getElementById('privql-status');
  var explainEl = document.getElementById('privql-explain');
  var state = { role: cfg.defaultRole, purpose: cfg.defaultPurpose, token: null, app: '', sub: '' };
  var mintSeq = 0;
  var root = null;

  function roleInfo(name) {
    for (var i = 0; i < cfg.roles.length; i++) if (cfg.roles[i].role === name) return cfg.roles[i];
    return null;
  }
  // textContent only: role names come from config and must never be parsed as HTML.
  function option(value, label) {
    var o = document.createElement('option');
    o.value = value; o.textContent = label;
    return o;
  }
  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.className = isError ? 'error' : '';
  }
  function fillPurposes() {
    var info = roleInfo(state.role);
    var purposes = info ? info.purposes : [];
    purposeSel.replaceChildren();
    purposes.forEach(function (p) { purposeSel.appendChild(option(p, p)); });
    if (purposes.indexOf(state.purpose) < 0) state.purpose = purposes.length ? purposes[0] : null;
    if (state.purpose) purposeSel.value = state.purpose;
  }
  function explain() {
    var app = state.app || (roleInfo(state.role) || {}).app || '?';
    explainEl.textContent = 'Querying as ' + app + ' · ' + state.role + ' · ' + (state.purpose || 'no purpose') +
      ': every request carries the role token and X-Purpose, so results show the privacy view that caller ' +
      'gets. Switch and run again to compare (the Headers tab overrides both).';
  }

  function authHeaders() {
    var h = {};
    if (state.token) h['Authorization'] = 'Bearer ' + state.token;
    if (state.purpose) h['X-Purpose'] = state.purpose;
    return h;
  }
  async function post(params, extra) {
    var headers = Object.assign({ 'Content-Type': 'application/json',
      'Accept': 'application/graphql-response+json, application/json' }, authHeaders(), extra || {});
    return fetch(cfg.endpoint, { method: 'POST', headers: headers, body: JSON.stringify(params) });
  }
  // A new function per role/purpose so GraphiQL sees a new fetcher and re-introspects.
  function makeFetcher() {
    return async function fetcher(params, opts) {
      var extra = opts && opts.headers;
      var res = await post(params, extra);
      if (res.status === 401 && state.token) {
        // Development tokens expire; a page left open should recover without a reload.
        await mint(state.role, true);
        res = await post(params, extra);
      }
      var text = await res.text();
      try { return JSON.parse(text); }
      catch (e) { return { errors: [{ message: 'HTTP ' + res.status + ': ' + text.slice(0, 300) }] }; }
    };
  }
  function render() {
    var el = React.createElement(GraphiQL, {
      fetcher: makeFetcher(),
      defaultQuery: cfg.defaultQuery,
      defaultEditorToolsVisibility: false
    });
    if (!root) root = ReactDOM.createRoot(document.getElementById('graphiql'));
    root.render(el);
  }

  async function mint(role, quiet) {
    var seq = ++mintSeq;
    if (!quiet) setStatus('minting token for ' + role + '…', false);
    try {
      var res = await fetch(cfg.tokenPath, { method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        body: JSON.stringify({ role: role }) });
      var body = await res.json();
      if (seq !== mintSeq) return; // a later choice superseded this one
      if (!res.ok) throw new Error((body && body.error && body.error.message) || ('HTTP ' + res.status));
      state.token = body.token; state.app = body.app; state.sub = body.sub;
      setStatus('token for sub ' + body.sub + ' (' + body.app + ')', false);
    } catch (err) {
      if (seq !== mintSeq) return;
      state.token = null; state.app = ''; state.sub = '';
      setStatus('could not mint a token: ' + (err && err.message ? err.message : err), true);
    }
    explain();
  }

  cfg.roles.forEach(function (r) { roleSel.appendChild(option(r.role, r.role + ' — ' + r.app)); });
  roleSel.value = state.role;
  fillPurposes();
  explain();

  roleSel.addEventListener('change', async function () {
    state.role = roleSel.value;
    fillPurposes();
    await mint(state.role, false);
    render();
  });
  purposeSel.addEventListener('change', function () {
    state.purpose = purposeSel.value || null;
    explain();
    render();
  });

  mint(state.role, false).then(render);
})();
</script>
</body>
</html>
`;
}
