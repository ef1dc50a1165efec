// The compliance report screen: a period (whole days, UTC), then the
// report's figures as a summary, four charts and tables.

import { byId, el, fill } from '../shared/dom.js';
import { graphql } from './api.js';
import { applicationsChart, optOutChart, purposeChart, ratesChart } from './charts.js';
import { announce, busy, table } from './ui.js';

const REPORT = `query Report($from: String!, $to: String!) { privacyReport(from: $from, to: $to) {
  records generatedAt
  chain { headSeq headHash verified mode checked checkedAfterSeq fullyVerifiedAt verifiedThroughSeq firstBreak }
  applications { app roles purposes views categories { category values } requests customers customerRecords excludedRecords deniedRequests }
  accessByPurpose { key requests customerRecords values }
  accessByDay { day purpose requests customerRecords }
  denied { code reason requests }
  exclusions { purpose view requests records customers }
  logReads { app role requests entriesReturned }
  optOuts { activeCustomers current { kind optedOut rate } trend { day kind optedOut optedIn } }
  pending { changeRequests erasureRequests oldestChangeRequest oldestErasureRequest }
  notice { version effectiveAt notified acknowledged notAcknowledged }
} }`;

const DAY_MS = 86_400_000;
const isoDay = (date) => date.toISOString().slice(0, 10);
const sum = (list, key) => list.reduce((n, x) => n + x[key], 0);

export function setUpReport() {
  const today = new Date();
  byId('to').value = isoDay(today);
  byId('from').value = isoDay(new Date(today.getTime() - 29 * DAY_MS));
  const form = byId('period-form');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form.querySelector('button'), loadReport);
  });
}

export async function loadReport() {
  const from = byId('from').value;
  const to = byId('to').value;
  // "To" is inclusive on the page; the report's `to` is the start of the next day.
  const end = new Date(new Date(`${to}T00:00:00Z`).getTime() + DAY_MS).toISOString();
  const data = await graphql(REPORT, { from: `${from}T00:00:00Z`, to: end });
  render(data.privacyReport);
  announce(`Report for ${from} to ${to} shown: ${data.privacyReport.records} log records.`);
}

// Says what the check covered: a report served by the server usually checks only the records written since its last check.
function chainText(c) {
  if (c.mode === 'PENDING') return 'The access log has NOT been checked yet: the server\'s first full check of its hash chain is still running. Ask again in a while.';
  if (!c.verified) return `The access log does NOT verify: good up to record ${c.verifiedThroughSeq}. ${c.firstBreak ?? ''}`;
  const whole = c.fullyVerifiedAt ? `the whole log was last checked at ${c.fullyVerifiedAt}` : 'the whole log has not been checked';
  const scope =
    c.mode === 'INCREMENTAL'
      ? `this report checked the ${c.checked} records written after record ${c.checkedAfterSeq}; ${whole}`
      : `this report checked all ${c.checked} remaining records`;
  return `The access log verifies up to record ${c.verifiedThroughSeq} (head hash ${c.headHash.slice(0, 16)}…): ${scope}.`;
}

function render(r) {
  byId('report').hidden = false;
  const chain = byId('chain-status');
  // Broken is an alarm; not yet checked (PENDING) is a wait, not a break.
  chain.classList.toggle('chain-broken', !r.chain.verified && r.chain.mode !== 'PENDING');
  chain.classList.toggle('chain-pending', r.chain.mode === 'PENDING');
  chain.textContent = `${chainText(r.chain)} Figures cover ${r.records} records of the period.`;
  fill(
    byId('summary'),
    [
      ['Requests served', sum(r.accessByPurpose, 'requests')],
      ['Customer records returned', sum(r.accessByPurpose, 'customerRecords')],
      ['Requests denied', sum(r.denied, 'requests')],
      ['Records excluded by opt-outs', sum(r.exclusions, 'records')],
      ['Reads of the log', sum(r.logReads, 'requests')],
      ['Active customers', r.optOuts.activeCustomers],
    ].map(([label, value]) => el('div', {}, el('dt', {}, label), el('dd', {}, value.toLocaleString()))),
  );
  purposeChart(r.accessByDay);
  optOutChart(r.optOuts.trend);
  ratesChart(r.optOuts.current);
  applicationsChart(r.applications);
  fill(byId('data-purpose'), table('Requests per purpose per day', ['day', 'purpose', 'requests', 'customer records'], r.accessByDay.map((d) => [d.day, d.purpose, d.requests, d.customerRecords])));
  fill(byId('data-optouts'), table('Opt-out changes per day', ['day', 'opt-out', 'opted out', 'opted in'], r.optOuts.trend.map((t) => [t.day, t.kind, t.optedOut, t.optedIn])));
  fill(byId('data-rates'), table('Opted out now', ['opt-out', 'customers opted out', 'share'], r.optOuts.current.map((c) => [c.kind, c.optedOut, `${(c.rate * 100).toFixed(1)} %`])));
  fill(byId('data-apps'), table('Applications by requests', ['application', 'requests'], r.applications.map((a) => [a.app, a.requests])));
  fill(
    byId('table-applications'),
    table('Applications', ['application', 'roles', 'purposes', 'views', 'values by category', 'requests', 'customers', 'excluded', 'denied'], r.applications.map((a) => [a.app, a.roles.join(', '), a.purposes.join(', '), a.views.join(', '), a.categories.map((c) => `${c.category} ${c.values}`).join(', ') || '—', a.requests, a.customers, a.excludedRecords, a.deniedRequests])),
  );
  fill(byId('table-denied'), table('Denied requests', ['code', 'reason', 'requests'], r.denied.map((d) => [d.code, d.reason, d.requests])));
  fill(byId('table-exclusions'), table('Exclusions by opt-out', ['purpose', 'view', 'requests', 'records excluded', 'customers'], r.exclusions.map((e) => [e.purpose, e.view, e.requests, e.records, e.customers])));
  fill(byId('table-logreads'), table('Reads of the access log', ['application', 'role', 'requests', 'entries returned'], r.logReads.map((l) => [l.app, l.role, l.requests, l.entriesReturned])));
  byId('pending-summary').textContent = `${r.pending.changeRequests} change requests and ${r.pending.erasureRequests} erasure requests wait for you (see Review queues).`;
  byId('notice-summary').textContent = r.notice
    ? `Privacy notice version ${r.notice.version}: ${r.notice.acknowledged} customers acknowledged it, ${r.notice.notAcknowledged} have not.`
    : 'No privacy notice has been published yet.';
}
