// bench:compare's paired one-connection run (bench/compare/paired.ts): the
// targets are asked in turn, so each gets as many requests as the others and
// meets the same moments of the machine, and each is timed on its own. Two
// plain HTTP servers stand in for privql: one answers at once, the other
// after a fixed delay.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { paired } from '../bench/compare/paired';
import type { BenchServer } from '../bench/compare/processes';
import type { Target } from '../bench/compare/targets';

const DELAY_MS = 6;
const servers: http.Server[] = [];
const asked: string[] = [];

async function serving(name: string, delayMs: number): Promise<Target> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      asked.push(name);
      setTimeout(() => res.end('{"data":{}}'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { label: name, kind: 'privql', family: 'privql', query: 'list', server: { name, origin } as BenchServer, request: { path: '/graphql', headers: { 'content-type': 'application/json' }, body: '{}' } };
}

afterAll(async () => {
  for (const server of servers) await new Promise((resolve) => server.close(resolve));
});

test('each target is asked in turn, as often as the others, and timed on its own', async () => {
  const fast = await serving('fast', 0);
  const slow = await serving('slow', DELAY_MS);
  const figures = await paired([fast, slow], 1);
  const [f, s] = [figures.get(fast)!, figures.get(slow)!];
  expect(f.requests).toBeGreaterThan(10);
  expect(Math.abs(f.requests - s.requests)).toBeLessThanOrEqual(1);
  expect({ fast: f.failed, slow: s.failed }).toEqual({ fast: 0, slow: 0 });
  expect(s.p50).toBeGreaterThanOrEqual(DELAY_MS);
  expect(f.p50).toBeLessThan(s.p50);
  // In turn: at every moment of the run neither target is more than one request ahead of the other.
  let lead = 0;
  let widest = 0;
  for (const name of asked) widest = Math.max(widest, Math.abs((lead += name === 'fast' ? 1 : -1)));
  expect(widest).toBe(1);
});
