import type { AccessContext } from './accessContext';
import { DenialAggregator, addressSource, type Denial } from './denialAggregator';

const ctx = (requestId: string): AccessContext => ({ requestId, app: null, principal: null, role: null, purpose: null, view: null });
const denial = (source: string, code = 'UNAUTHENTICATED', n = 0): Denial => ({ key: `${source}|${code}`, ctx: ctx(`r${n}`), detail: { code, source } });

function setup(o: { maxKeys?: number; flushMs?: number } = {}) {
  const written: Array<Record<string, unknown>> = [];
  let now = 1_000_000;
  const aggregator = new DenialAggregator(
    { writeDenied: async (_ctx, detail) => void written.push(detail) },
    { windowMs: 60_000, flushMs: o.flushMs ?? 10_000, maxKeys: o.maxKeys, now: () => now },
  );
  return { written, aggregator, advance: (ms: number) => (now += ms) };
}

test('a lone refusal is written at once; its repeats become one record with their count', async () => {
  const { written, aggregator, advance } = setup();
  await aggregator.record(denial('network 10.0.0.0/24'));
  expect(written).toEqual([{ code: 'UNAUTHENTICATED', source: 'network 10.0.0.0/24' }]);
  for (let i = 1; i <= 1999; i++) await aggregator.record(denial('network 10.0.0.0/24', 'UNAUTHENTICATED', i));
  expect(written).toHaveLength(1);
  advance(60_000);
  await aggregator.flush(false);
  expect(written).toHaveLength(2);
  expect(written[1]).toMatchObject({ code: 'UNAUTHENTICATED', source: 'network 10.0.0.0/24', repeated: 1999 });
  await aggregator.stop();
  expect(written).toHaveLength(2);
});

test('counts are written every flush while a window is open, so a crash loses at most one flush interval', async () => {
  const { written, aggregator, advance } = setup();
  await aggregator.record(denial('s'));
  for (let i = 0; i < 5; i++) await aggregator.record(denial('s'));
  advance(10_000);
  await aggregator.flush(false);
  for (let i = 0; i < 3; i++) await aggregator.record(denial('s'));
  advance(10_000);
  await aggregator.flush(false);
  expect(written.map((d) => d.repeated ?? 0)).toEqual([0, 5, 3]);
  await aggregator.stop();
});

test('different keys are counted apart, and stopping writes what is pending', async () => {
  const { written, aggregator } = setup();
  for (let i = 0; i < 3; i++) {
    await aggregator.record(denial('A'));
    await aggregator.record(denial('B'));
    await aggregator.record(denial('A', 'FORBIDDEN'));
  }
  expect(written).toHaveLength(3);
  await aggregator.stop();
  expect(written.slice(3).map((d) => [d.source, d.code, d.repeated])).toEqual([
    ['A', 'UNAUTHENTICATED', 2],
    ['B', 'UNAUTHENTICATED', 2],
    ['A', 'FORBIDDEN', 2],
  ]);
});

test('refusals arriving together open one window, not one each', async () => {
  const { written, aggregator } = setup();
  await Promise.all(Array.from({ length: 50 }, (_, i) => aggregator.record(denial('s', 'UNAUTHENTICATED', i))));
  expect(written).toHaveLength(1);
  await aggregator.stop();
  expect(written[1]).toMatchObject({ repeated: 49 });
});

test('past the cap on keys, new sources share one overflow record per code instead of growing memory', async () => {
  const { written, aggregator } = setup({ maxKeys: 10 });
  for (let i = 0; i < 1000; i++) await aggregator.record(denial(`address ${i}`));
  expect(written).toHaveLength(11);
  expect(written[10]).toEqual({ code: 'UNAUTHENTICATED', source: '(other sources)' });
  await aggregator.stop();
  expect(written.at(-1)).toMatchObject({ source: '(other sources)', repeated: 989 });
});

test('a source is the /24 or /64 network an address sits in: a caller can pick any address of it', () => {
  expect(addressSource('203.0.113.77')).toBe('network 203.0.113.0/24');
  expect(addressSource('::ffff:127.0.3.4')).toBe('network 127.0.3.0/24');
  expect(addressSource('2001:db8:85a3:1:8a2e:370:7334:1')).toBe('network 2001:db8:85a3:1::/64');
  expect(addressSource('2001:DB8::1')).toBe('network 2001:db8:0:0::/64');
  expect(addressSource('::1')).toBe('network 0:0:0:0::/64');
  expect(addressSource(undefined)).toBe('address unknown');
});
