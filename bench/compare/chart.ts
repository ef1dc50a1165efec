// The SVG chart: for the list query and customer(id), one bar per server
// for req/s at 10 connections, p50 at 10 connections, p50 at 1 connection
// and the server process's CPU per request, each bar labelled with its figure and coloured by kind
// (privql, privql without privacy, privql with a minimal log, PostGraphile, floors). Drawn by vega-lite + vega in Node, no browser: vega-lite compiles
// the spec, vega renders it headless to an SVG string (text widths are
// estimated without a canvas, which is fine for labels).
//
// vega 6 is an ES module with top-level await: CommonJS cannot require() it,
// and TypeScript compiling to CommonJS would turn `import()` into require(),
// hence the import() kept as such through a Function.

import type { Row } from './summary';

const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

const KIND_NAMES: Record<string, string> = {
  privql: 'privql (privacy + log)',
  'privql-off': 'privql, no privacy/log',
  'privql-minimal-log': 'privql, minimal log (bench-only)',
  postgraphile: 'PostGraphile',
  floor: 'floor',
};

const QUERY_NAMES: Record<string, string> = { list: 'customers(first: 100) + orders', customer: 'customer(id) + orders' };

const METRICS = [
  { key: 'reqPerSec', title: 'req/s, 10 connections (longer is better)', value: (r: Row) => Math.round(r.reqPerSec) },
  { key: 'p50', title: 'p50 ms, 10 connections (shorter is better)', value: (r: Row) => r.p50 },
  { key: 'p50At1', title: 'p50 ms, 1 connection (shorter is better)', value: (r: Row) => Number(r.p50At1.toFixed(1)) },
  { key: 'cpu', title: 'server CPU ms per request (shorter is better)', value: (r: Row) => Number(r.cpuMsPerRequest.toFixed(2)) },
];

/** One query's bars for one figure, each bar labelled with its value. */
function panel(query: string, metric: (typeof METRICS)[number]) {
  const y = { field: 'server', type: 'nominal', sort: null, title: null, axis: { labelLimit: 260 } };
  const x = { field: metric.key, type: 'quantitative', title: null, axis: { grid: true, tickCount: 4 } };
  return {
    title: { text: metric.title, fontSize: 12, anchor: 'start' },
    transform: [{ filter: { field: 'query', equal: query } }],
    width: 170,
    layer: [
      { mark: 'bar', encoding: { y, x, color: { field: 'kind', type: 'nominal', title: null, scale: { domain: Object.values(KIND_NAMES), range: ['#d95f02', '#fdae61', '#e6ab02', '#1b9e77', '#7570b3'] } } } },
      { mark: { type: 'text', align: 'left', dx: 3, fontSize: 10 }, encoding: { y, x, text: { field: metric.key, type: 'quantitative', format: ',.1~f' } } },
    ],
  };
}

/** The vega-lite spec, data included: a row of panels per query, one bar per server. */
export function chartSpec(rows: Row[], subtitle: string): object {
  const values = rows
    .filter((r) => r.query in QUERY_NAMES)
    .map((r) => ({ query: QUERY_NAMES[r.query], server: r.label, kind: KIND_NAMES[r.kind], ...Object.fromEntries(METRICS.map((m) => [m.key, m.value(r)])) }));
  const queries = Object.values(QUERY_NAMES).filter((q) => values.some((v) => v.query === q));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'privql against PostGraphile and two floors: same data, same queries', subtitle, anchor: 'start' },
    data: { values },
    vconcat: queries.map((q) => ({ title: { text: q, anchor: 'start', fontSize: 13 }, hconcat: METRICS.map((m) => panel(q, m)) })),
    config: { legend: { orient: 'bottom', labelLimit: 300 }, font: 'sans-serif', view: { stroke: null } },
  };
}

export async function renderChart(rows: Row[], subtitle: string): Promise<string> {
  const [vega, vegaLite] = await Promise.all([importModule('vega'), importModule('vega-lite')]);
  const compiled = vegaLite.compile(chartSpec(rows, subtitle), { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  return view.toSVG();
}
