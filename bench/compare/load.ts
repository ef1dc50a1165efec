// autocannon in a child process (in this one it would share the event loop
// with nothing useful, but its own CPU use would hide in the parent's), one
// run per call: req/s, latency percentiles, and every response that was not
// HTTP 2xx or failed, so a run with any is flagged rather than reported.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Target } from './targets';

const execFileAsync = promisify(execFile);

export interface LoadFigures {
  reqPerSec: number;
  p50: number;
  p99: number;
  requests: number;
  /** Non-2xx responses, connection errors and timeouts together. */
  failed: number;
}

/** `seconds` of load, or with `amount` that many requests in all (every one answered, however slow). */
export async function drive(t: Target, connections: number, seconds: number, amount?: number): Promise<LoadFigures> {
  const headers = Object.entries(t.request.headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  const { stdout } = await execFileAsync(
    process.execPath,
    [require.resolve('autocannon/autocannon.js'), '--json', '-c', String(connections), ...(amount ? ['-a', String(amount)] : ['-d', String(seconds)]), '-t', '60', '-m', 'POST', ...headers,
      '-b', t.request.body, t.server.origin + t.request.path],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const r = JSON.parse(stdout);
  return {
    reqPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    failed: (r.non2xx ?? 0) + (r.errors ?? 0) + (r.timeouts ?? 0),
  };
}
