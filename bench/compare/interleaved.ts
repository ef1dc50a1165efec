// The latency at 1 connection, taken interleaved: every target of one query
// is asked in turn, one request at a time, each over its own kept-alive
// connection, for `seconds` per target, and timed here to the microsecond
// (autocannon's histogram keeps whole milliseconds, too coarse for a 3 ms
// floor).
//
// Why interleaved: asked one target after another, each target's p50 came
// from its own few seconds of a shared machine, and the ratio of two of them
// (privql against privql without privacy, the 1.15×) moved from 1.04
// to 1.64 between runs half an hour apart. Asked in turn, request by request,
// every target meets the same machine: what slows one slows its neighbours
// in the same cycle. The order within each cycle is shuffled: a request
// leaves work behind it on a 2-core machine (its server's garbage, its
// database backend's), and in a fixed or rotated order each target would
// always follow the same neighbour and pay for that one's leftovers (in a
// rotated order the server without privacy, always right after privql
// OFFICER, came out 15% slower than it; shuffled, OFFICER is 1.04× of it).
// The parent is idle otherwise, so its own event loop adds the same little
// to every server.

import http from 'node:http';
import type { LoadFigures } from './load';
import type { Target } from './targets';

function once(agent: http.Agent, t: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(t.server.origin + t.request.path);
    const req = http.request(
      { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers: { ...t.request.headers, 'content-length': Buffer.byteLength(t.request.body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(t.request.body);
  });
}

function shuffle(xs: number[]): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** One-connection figures per target, the targets asked in turn for `seconds` each (so `seconds × targets` in all). */
export async function interleaved(targets: Target[], seconds: number): Promise<Map<Target, LoadFigures>> {
  const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const times: number[][] = targets.map(() => []);
  const failed = targets.map(() => 0);
  const until = Date.now() + seconds * 1000 * targets.length;
  try {
    const order = targets.map((_, i) => i);
    while (Date.now() < until) {
      shuffle(order);
      for (const i of order) {
        const started = process.hrtime.bigint();
        const status = await once(agents[i], targets[i]).catch(() => 0);
        times[i].push(Number(process.hrtime.bigint() - started) / 1e6);
        if (status !== 200) failed[i]++;
      }
    }
  } finally {
    for (const a of agents) a.destroy();
  }
  return new Map(
    targets.map((t, i) => {
      const sorted = [...times[i]].sort((a, b) => a - b);
      // Requests per second of this target's own share of the window.
      return [t, { reqPerSec: sorted.length / seconds, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), requests: sorted.length, failed: failed[i] }];
    }),
  );
}
