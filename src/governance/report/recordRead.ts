// A report made on the command line is recorded in the access log like one
// fetched through GraphQL: a read of the log itself, with the customers its
// pending list and its list of customers who have not acknowledged the
// notice name as subjects. Written before the report is.

import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { PrivacyReport } from './types';

/** The customers a report names (the officer's lists), each once. */
export function reportSubjects(report: PrivacyReport): string[] {
  return [...new Set([...(report.pending.list ?? []).map((p) => p.customerId), ...(report.notice?.notAcknowledgedCustomers ?? [])])];
}

export async function recordCliReportRead(db: Knex, principal: string, report: PrivacyReport): Promise<void> {
  const officer = report.audience === 'OFFICER';
  const subjects = reportSubjects(report);
  await db.raw(
    `INSERT INTO access_log (request_id, app, principal, role, purpose, view, outcome, subject_ids, accesses, detail)
     VALUES (?, 'privql-cli', ?, ?, ?, ?, 'READ', ?::uuid[], ?, ?)`,
    [
      randomUUID(),
      principal,
      report.audience,
      officer ? 'PRIVACY_ADMINISTRATION' : 'SECURITY_REVIEW',
      officer ? 'PERSONAL_DATA' : 'NO_CUSTOMER_RECORDS',
      `{${subjects.join(',')}}`,
      JSON.stringify(subjects.length > 0 ? [{ fields: { 'Query.privacyReport': 'CLEAR' }, subjects }] : []),
      JSON.stringify({ accessLogReads: [{ filter: { report: 'privacyReport', from: report.period.from, to: report.period.to }, entries: report.log.records }] }),
    ],
  );
}
