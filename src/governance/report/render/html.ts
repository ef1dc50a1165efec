// The report as a self-contained HTML document (no script, no remote asset).

import { reportSections, type Table } from '../sections';
import type { PrivacyReport } from '../types';

const escape = (v: string | number) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function table(t: Table): string {
  if (t.rows.length === 0) return '<p><em>None in this period.</em></p>';
  const head = `<thead><tr>${t.headers.map((h) => `<th scope="col">${escape(h)}</th>`).join('')}</tr></thead>`;
  const body = `<tbody>${t.rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${escape(c)}</th>` : `<td>${escape(c)}</td>`)).join('')}</tr>`).join('\n')}</tbody>`;
  return `<div class="table"><table>${head}${body}</table></div>`;
}

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;line-height:1.45}table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left}.table{overflow-x:auto}';

export function renderHtml(report: PrivacyReport): string {
  const sections = reportSections(report)
    .map((s) => `<section><h2>${escape(s.title)}</h2>\n${s.paragraphs.map((p) => `<p>${escape(p)}</p>`).join('\n')}\n${s.tables.map(table).join('\n')}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Privacy compliance report ${escape(report.period.from)} – ${escape(report.period.to)}</title><style>${STYLE}</style></head>
<body>
<h1>Privacy compliance report</h1>
<p>Period ${escape(report.period.from)} to ${escape(report.period.to)} (exclusive), generated ${escape(report.generatedAt)} for the ${report.audience === 'OFFICER' ? 'privacy officer' : 'auditor'}.</p>
${sections}
</body>
</html>
`;
}
