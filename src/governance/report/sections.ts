// The report as titled sections of sentences and tables (pure), the one
// layout the Markdown and HTML renderings share.

import { cellLabel } from '../exposureMatrix';
import type { ChainStatus, PrivacyReport } from './types';

export interface Table {
  headers: string[];
  rows: Array<Array<string | number>>;
}

export interface Section {
  title: string;
  paragraphs: string[];
  tables: Table[];
}

const pct = (rate: number) => `${(rate * 100).toFixed(1)} %`;
const list = (xs: readonly string[]) => (xs.length === 0 ? '—' : xs.join(', '));

/** What the chain check found, and what it covered (see ChainStatus.mode). */
export function chainSentence(c: ChainStatus): string {
  const pruned = c.prunedThroughSeq ? `; records through ${c.prunedThroughSeq} were pruned behind a checkpoint` : '';
  if (c.mode === 'PENDING') return "The access log's hash chain has NOT been checked for this report: the server's first full check was still running. Nothing is claimed about it.";
  if (!c.verified) return `The access log's hash chain is BROKEN: verified up to record ${c.verifiedThroughSeq}. ${c.firstBreak ?? ''}`;
  if (c.mode === 'FULL') return `The access log's hash chain verifies up to record ${c.verifiedThroughSeq} (all ${c.checked} remaining records checked${pruned}).`;
  const whole = c.fullyVerifiedAt ? `the whole log was last checked at ${c.fullyVerifiedAt}` : 'the whole log has not been checked';
  return `The access log's hash chain verifies up to record ${c.verifiedThroughSeq}: this report checked the ${c.checked} records written after record ${c.checkedAfterSeq}, which earlier checks found good; ${whole}${pruned}. A change to an earlier record is found by the next full check (\`npm run audit:verify\` checks the whole log now).`;
}

export function reportSections(r: PrivacyReport): Section[] {
  const s = (title: string, paragraphs: string[], ...tables: Table[]): Section => ({ title, paragraphs, tables });
  const { log } = r;
  return [
    s('Chain status', [
      chainSentence(r.chain),
      `Log figures cover records up to the head, record ${r.chain.head.seq}, hash ${r.chain.head.hash}; ${log.records} records fall in the period.`,
    ]),
    s('Logical data model and data dictionary', ['Every classified field, as the schema annotations and the policy the server enforces give it.'], {
      headers: ['field', 'type', 'class', 'purposes (clear)', 'mask', 'anonymize', 'collected through', 'quasi-identifier'],
      rows: r.dataModel.map((e) => [e.coordinate, e.type, e.classification, list(e.purposes), e.mask ?? '—', e.anonymize ? `${e.anonymize}${e.bandWidth ? ` (${e.bandWidth})` : ''}` : '—', list(e.collectionChannels), e.quasiIdentifier ?? '—']),
    }),
    s(
      'Warehouse overview',
      ['Tables of the data schema with their row counts, and the privacy views with the database role that may read each.'],
      { headers: ['table', 'rows'], rows: r.warehouse.tables.map((t) => [t.name, t.rows ?? 'not readable by this role']) },
      { headers: ['view', 'database role', 'stands for', 'rows from', 'installed'], rows: r.warehouse.views.map((v) => [v.view, v.databaseRole, `${v.role} / ${v.purpose}`, v.fromRelease ? 'the k-anonymous release' : 'the customer tables', v.installed ? 'yes' : 'no']) },
    ),
    s('Views × roles × fields', [r.exposure.assumption, 'Each cell is computed by the decision rule (decideField), not written by hand.'], {
      headers: ['role', 'purpose', 'view', ...r.exposure.coordinates],
      rows: r.exposure.rows.map((row) => [row.role, row.purpose, row.view.name, ...row.cells.map(cellLabel)]),
    }),
    s('Applications', ['Which application received which categories of data, through which views, for how many customers and how often.'], {
      headers: ['application', 'roles', 'purposes', 'views', 'values by category', 'requests', 'customers', 'customer records', 'excluded', 'denied'],
      rows: log.applications.map((a) => [a.app, list(a.roles), list(a.purposes), list(a.views), list(a.categories.map((c) => `${c.category} ${c.values}`)), a.requests, a.customers, a.customerRecords, a.excludedRecords, a.deniedRequests]),
    }),
    s(
      'Access statistics',
      ['Requests served, customer records returned and field values returned (in any form), by purpose, role, category and day.'],
      { headers: ['purpose', 'requests', 'customer records', 'values'], rows: log.byPurpose.map((u) => [u.key, u.requests, u.customerRecords, u.values]) },
      { headers: ['role', 'requests', 'customer records', 'values'], rows: log.byRole.map((u) => [u.key, u.requests, u.customerRecords, u.values]) },
      { headers: ['category', 'clear', 'masked', 'anonymized', 'omitted', 'changed'], rows: log.byCategory.map((c) => [c.category, c.clear, c.masked, c.anonymized, c.omitted, c.changed]) },
      { headers: ['day', 'purpose', 'requests', 'customer records'], rows: log.byDay.map((d) => [d.day, d.purpose, d.requests, d.customerRecords]) },
    ),
    s('Denied requests', ['Refused requests by code and reason (repeats counted).'], { headers: ['code', 'reason', 'requests'], rows: log.denied.map((d) => [d.code, d.reason, d.requests]) }),
    s('Exclusions by opt-out', ['Customer records left out of results because the customer opted out of the purpose.'], {
      headers: ['purpose', 'view', 'requests', 'records excluded', 'customers'],
      rows: log.exclusions.map((e) => [e.purpose, e.view, e.requests, e.records, e.customers]),
    }),
    s('Reads of the access log', ['Requests that read the access log itself, or a report computed from it.'], { headers: ['application', 'role', 'requests', 'entries returned'], rows: log.logReads.map((l) => [l.app, l.role, l.requests, l.entriesReturned]) }),
    s(
      'Opt-outs and consent',
      [`${r.optOuts.activeCustomers} active customers. For SENSITIVE_DATA_USE, opted out is the default: consent is the rest.`],
      { headers: ['opt-out', 'opted out', 'rate', 'consent / not opted out'], rows: r.optOuts.current.map((o) => [o.kind, o.optedOut, pct(o.rate), pct(1 - o.rate)]) },
      { headers: ['day', 'opt-out', 'opted out', 'opted in'], rows: r.optOuts.trend.map((t) => [t.day, t.kind, t.optedOut, t.optedIn]) },
    ),
    s(
      'Pending requests',
      [
        `${r.pending.changeRequests} change requests wait for review${r.pending.oldestChangeRequest ? ` (oldest since ${r.pending.oldestChangeRequest})` : ''}; ${r.pending.erasureRequests} erasure requests wait${r.pending.oldestErasureRequest ? ` (oldest since ${r.pending.oldestErasureRequest})` : ''}.`,
        ...(r.pending.list ? [] : ['The requests themselves are listed in the privacy officer\'s report only.']),
      ],
      ...(r.pending.list ? [{ headers: ['kind', 'request', 'customer', 'fields', 'since'], rows: r.pending.list.map((p) => [p.kind, p.id, p.customerId, list(p.fields), p.since]) }] : []),
    ),
    s(
      'Privacy notice',
      [
        r.notice
          ? `Version ${r.notice.version}, effective ${r.notice.effectiveAt}: ${r.notice.notified} customers notified, ${r.notice.acknowledged} acknowledged it, ${r.notice.notAcknowledged} active customers have not.`
          : 'No privacy notice has been published yet.',
        ...(r.notice && !r.notice.notAcknowledgedCustomers ? ['Who has not acknowledged it is listed in the privacy officer\'s report only.'] : []),
      ],
      ...(r.notice?.notAcknowledgedCustomers?.length
        ? [{ headers: [`customers who have not acknowledged version ${r.notice.version} (first ${r.notice.notAcknowledgedCustomers.length} of ${r.notice.notAcknowledged})`], rows: r.notice.notAcknowledgedCustomers.map((id) => [id]) }]
        : []),
    ),
  ];
}
