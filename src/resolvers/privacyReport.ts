// Query.privacyReport: the compliance report for the officer, or for an
// auditor without the pending requests' customers. A report is computed from
// the access log, so reading it is recorded as a read of the log; the
// officer's lists name customers, who are recorded as its subjects.

import type { ReportFacts } from '../governance/report/facts';
import { buildPrivacyReport } from '../governance/report/build';
import { canonicalJson } from '../governance/report/signature';
import type { PrivacyReport } from '../governance/report/types';
import { reportSubjects } from '../governance/report/recordRead';
import type { Decision } from '../policy/vocabulary';
import type { PrivqlContext } from '../server/context';
import { badUserInput } from '../server/errors';
import { presentDictionaryEntry } from './dataDictionary';
import { parseIsoTime } from './isoTime';

/** The longest period one report covers: its per-day lists stay bounded (LIST_SIZES). */
export const MAX_REPORT_DAYS = 366;
const DAY_MS = 86_400_000;

const PENDING_LIST_READ: Decision = { action: 'CLEAR', strategy: null, reason: 'PERSONAL_DATA_VIEW' };

export function privacyReportResolvers(facts: ReportFacts) {
  return {
    Query: {
      async privacyReport(_: unknown, args: { from: string; to: string }, ctx: PrivqlContext) {
        const period = periodOf(args.from, args.to);
        const audience = ctx.caller.role === 'OFFICER' ? 'OFFICER' : 'AUDITOR';
        const report = await buildPrivacyReport(ctx.db, facts, { period, audience, chain: ctx.chain });
        noteReportRead(ctx, report);
        return present(report);
      },
    },
  };
}

function periodOf(fromText: string, toText: string) {
  const from = parseIsoTime(fromText);
  const to = parseIsoTime(toText);
  if (!from || !to) throw badUserInput('from and to must be ISO-8601 dates or times (YYYY-MM-DD, optionally THH:MM[:SS] and an offset)');
  if (from >= to) throw badUserInput('from must be before to');
  if (to.getTime() - from.getTime() > MAX_REPORT_DAYS * DAY_MS) throw badUserInput(`a report covers at most ${MAX_REPORT_DAYS} days`);
  return { from, to };
}

function noteReportRead(ctx: PrivqlContext, report: PrivacyReport): void {
  ctx.recorder.logReads.push({ filter: { report: 'privacyReport', from: report.period.from, to: report.period.to }, entries: report.log.records });
  const customers = reportSubjects(report);
  if (customers.length === 0) return;
  const use = ctx.recorder.fieldUse('Query.privacyReport', [PENDING_LIST_READ, PENDING_LIST_READ]);
  for (const id of customers) use.note(0, id);
}

/** The report in its GraphQL shape: log figures at the top level, the rendered JSON alongside. */
function present(report: PrivacyReport) {
  const { log, chain, exposure } = report;
  return {
    ...report,
    chain: { ...chain, headSeq: chain.head.seq, headHash: chain.head.hash },
    dataModel: report.dataModel.map(presentDictionaryEntry),
    exposure: { assumption: exposure.assumption, rows: exposure.rows.map((r) => ({ ...r, view: r.view.name })) },
    records: log.records,
    applications: log.applications,
    accessByPurpose: log.byPurpose,
    accessByRole: log.byRole,
    accessByCategory: log.byCategory,
    accessByDay: log.byDay,
    denied: log.denied,
    exclusions: log.exclusions,
    logReads: log.logReads,
    json: canonicalJson(report),
  };
}
