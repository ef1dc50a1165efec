import type { AccessContext } from './accessContext';
import { DenialAggregator, type Denial } from './denialAggregator';

const ctx = (requestId: string): AccessContext => ({ requestId, app: null, principal: null, role: null, purpose: null, view: null });
const denial = (source: string, code = 'UNAUTHENTICATED', n = 0): Denial => ({ source, ctx: ctx(`r${n}`), detail: { code } });

function setup(maxSources?: number) {
  const written: Array<Record<string, unknown>> = [];
  let now = 1_000_000;
  const aggregator = new DenialAggregator(
    { writeDenied: async (_ctx, detail) => void written.push(detail) },
    { windowMs: 60_000, maxSources, now: () => now },
  );
  return { written, aggregator, advance: (ms: number) => (now += ms) };
}

test('a lone refusal is written at once; its repeats in the window become one record with their count', async () => {
  const { written, aggregator, advance } = setup();
  await aggregator.record(denial('address 10.0.0.9'));
  expect(written).toEqual([{ code: 'UNAUTHENTICATED', source: 'address 10.0.0.9' }]);
  for (let i = 1; i <= 1999; i++) await aggregator.record(denial('address 10.0.0.9', 'UNAUTHENTICATED', i));
  expect(written).toHaveLength(1);
  advance(60_000);
  await aggregator.flush(false);
  expect(written).toHaveLength(2);
  expect(written[1]).toMatchObject({ code: 'UNAUTHENTICATED', source: 'address 10.0.0.9', repeated: 1999 });
  await aggregator.stop();
});

test('sources and codes are counted apart, and stopping writes what is pending', async () => {
  const { written, aggregator } = setup();
  for (let i = 0; i < 3; i++) {
    await aggregator.record(denial('address A'));
    await aggregator.record(denial('address B'));
    await aggregator.record(denial('address A', 'FORBIDDEN'));
  }
  expect(written).toHaveLength(3);
  await aggregator.stop();
  expect(written.slice(3).map((d) => [d.source, d.code, d.repeated])).toEqual([
    ['address A', 'UNAUTHENTICATED', 2],
    ['address B', 'UNAUTHENTICATED', 2],
    ['address A', 'FORBIDDEN', 2],
  ]);
});

test('a refusal after the window opens a new one', async () => {
  const { written, aggregator, advance } = setup();
  await aggregator.record(denial('s'));
  await aggregator.record(denial('s'));
  advance(61_000);
  await aggregator.record(denial('s'));
  expect(written.map((d) => d.repeated ?? 0)).toEqual([0, 1, 0]);
  await aggregator.stop();
});

test('past the cap on sources, new sources share one overflow record instead of growing memory', async () => {
  const { written, aggregator } = setup(10);
  for (let i = 0; i < 1000; i++) await aggregator.record(denial(`address ${i}`));
  expect(written).toHaveLength(11);
  await aggregator.stop();
  expect(written.at(-1)).toMatchObject({ source: '(other sources)', repeated: 989 });
});
