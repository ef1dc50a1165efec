// The report as Markdown, for reading and for attaching to a filing.

import { reportSections, type Table } from '../sections';
import type { PrivacyReport } from '../types';

// A cell may hold anything a name can: pipes and line breaks would break the table.
const cell = (v: string | number) => String(v).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(t: Table): string {
  if (t.rows.length === 0) return '_None in this period._';
  return [`| ${t.headers.map(cell).join(' | ')} |`, `|${t.headers.map(() => '---').join('|')}|`, ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}

export function renderMarkdown(report: PrivacyReport): string {
  const head = [
    '# Privacy compliance report',
    '',
    `Period ${report.period.from} to ${report.period.to} (exclusive), generated ${report.generatedAt} for the ${report.audience === 'OFFICER' ? 'privacy officer' : 'auditor'}.`,
  ];
  const body = reportSections(report).flatMap((s) => ['', `## ${s.title}`, '', ...s.paragraphs.flatMap((p) => [p, '']), ...s.tables.flatMap((t) => [table(t), ''])]);
  return [...head, ...body].join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
