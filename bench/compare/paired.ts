// The latency at 1 connection, paired: the targets given (privql per role and
// privql without privacy and log, on one query) are asked in turn, one
// request each, over a kept-alive connection of their own, for `seconds`.
// Measured one target after the other, a target's p50 moves with whatever
// else the shared machine is doing at that moment (the json_agg floor's moved
// from 10.7 to 19.1 ms between two runs on the same data); asked in turn,
// every target meets the same moments, so their ratio holds still. The start
// of each turn rotates, so no target always follows the same one.

import http from 'node:http';
import type { LoadFigures } from './load';
import { askOnce, figures } from './sequential';
import type { Target } from './targets';

export async function paired(targets: readonly Target[], seconds: number): Promise<Map<Target, LoadFigures>> {
  const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const times = targets.map((): number[] => []);
  const failed = targets.map(() => 0);
  const until = Date.now() + seconds * 1000;
  try {
    for (let turn = 0; Date.now() < until; turn++) {
      for (let k = 0; k < targets.length; k++) {
        const i = (turn + k) % targets.length;
        const started = process.hrtime.bigint();
        const status = await askOnce(agents[i], targets[i]).catch(() => 0);
        times[i].push(Number(process.hrtime.bigint() - started) / 1e6);
        if (status !== 200) failed[i]++;
      }
    }
  } finally {
    for (const agent of agents) agent.destroy();
  }
  return new Map(targets.map((t, i) => [t, figures(times[i], seconds, failed[i])]));
}
