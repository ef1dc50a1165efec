// The latency at 1 connection: requests one after another for `seconds`,
// over one kept-alive connection, timed here to the microsecond (autocannon's
// histogram keeps whole milliseconds, too coarse for a 3 ms floor). The
// parent is idle otherwise, so its own event loop adds the same little to
// every server.

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

export async function sequential(t: Target, seconds: number): Promise<LoadFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let failed = 0;
  const until = Date.now() + seconds * 1000;
  try {
    while (Date.now() < until) {
      const started = process.hrtime.bigint();
      const status = await once(agent, t).catch(() => 0);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (status !== 200) failed++;
    }
  } finally {
    agent.destroy();
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))];
  return { reqPerSec: times.length / seconds, p50: at(0.5), p99: at(0.99), requests: times.length, failed };
}
