// The report's charts, drawn with Chart.js (served from this server's
// node_modules as /vendor/chart.umd.min.js, loaded before this module).
// Animation is off: the figures are there at once, and for reduced motion.
// Each chart has its figures as a table beside it, for screen readers.

const PALETTE = ['#1d4ed8', '#b45309', '#15803d', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#a21caf', '#334155'];
const charts = new Map();

function draw(id, config) {
  charts.get(id)?.destroy();
  const canvas = document.getElementById(id);
  charts.set(id, new window.Chart(canvas, { ...config, options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options } }));
}

const days = (list) => [...new Set(list.map((d) => d.day))].sort();
const keys = (list, key) => [...new Set(list.map((d) => d[key]))].sort();

/** Requests per purpose per day: one stacked bar per day. */
export function purposeChart(byDay) {
  const labels = days(byDay);
  const datasets = keys(byDay, 'purpose').map((purpose, i) => ({
    label: purpose,
    backgroundColor: PALETTE[i % PALETTE.length],
    data: labels.map((day) => byDay.find((d) => d.day === day && d.purpose === purpose)?.requests ?? 0),
  }));
  draw('chart-purpose', { type: 'bar', data: { labels, datasets }, options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: 'requests' } } } } });
}

/** Opt-outs and opt-ins (consents) per day: a bar per kind and direction, opt-ins paler. */
export function optOutChart(trend) {
  const labels = days(trend);
  const datasets = keys(trend, 'kind').flatMap((kind, i) => [
    { label: `${kind} opted out`, backgroundColor: PALETTE[i % PALETTE.length], data: labels.map((day) => trend.find((t) => t.day === day && t.kind === kind)?.optedOut ?? 0) },
    { label: `${kind} opted in`, backgroundColor: `${PALETTE[i % PALETTE.length]}80`, borderColor: PALETTE[i % PALETTE.length], borderWidth: 2, data: labels.map((day) => trend.find((t) => t.day === day && t.kind === kind)?.optedIn ?? 0) },
  ]);
  draw('chart-optouts', { type: 'bar', data: { labels, datasets }, options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'changes' } } } } });
}

/** The share of active customers opted out of each kind, now. */
export function ratesChart(current) {
  draw('chart-rates', {
    type: 'bar',
    data: { labels: current.map((c) => c.kind), datasets: [{ label: 'opted out (%)', backgroundColor: PALETTE[1], data: current.map((c) => Math.round(c.rate * 1000) / 10) }] },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true, max: 100 } }, plugins: { legend: { display: false } } },
  });
}

/** The ten busiest applications by requests served. */
export function applicationsChart(applications) {
  const top = applications.slice(0, 10);
  draw('chart-apps', {
    type: 'bar',
    data: { labels: top.map((a) => a.app), datasets: [{ label: 'requests', backgroundColor: PALETTE[0], data: top.map((a) => a.requests) }] },
    options: { indexAxis: 'y', scales: { x: { beginAtZero: true } }, plugins: { legend: { display: false } } },
  });
}
