import { determined, suppressCells } from './suppression';

const K = { threshold: 5, k: 5 };
const cells1d = (counts: number[]) => counts.map((count, i) => ({ values: [`v${i}`], count }));
const sum = (cells: Array<{ count: number }>, idx: Iterable<number>) => [...idx].reduce((n, i) => n + cells[i].count, 0);

describe('one dimension (the grand total is the only margin)', () => {
  test('a lone small group takes the next smallest with it, so the total minus the rest gives only a sum', () => {
    const cells = cells1d([40, 2, 30, 9, 12]);
    const hidden = suppressCells(cells, K);
    expect([...hidden].sort()).toEqual([1, 3]);
    expect(sum(cells, hidden)).toBeGreaterThanOrEqual(5);
  });

  test('two small groups that hold fewer than k together take a third', () => {
    const cells = cells1d([40, 1, 2, 30, 7]);
    const hidden = suppressCells(cells, K);
    expect(hidden.size).toBeGreaterThanOrEqual(3);
    expect(hidden.has(1) && hidden.has(2)).toBe(true);
    expect(sum(cells, hidden)).toBeGreaterThanOrEqual(5);
  });

  test('nothing small, nothing withheld', () => {
    expect(suppressCells(cells1d([5, 6, 70]), K).size).toBe(0);
  });

  test('a raised threshold withholds more, but lines still need only the policy k together', () => {
    const cells = cells1d([9, 20, 30, 40]);
    const hidden = suppressCells(cells, { threshold: 10, k: 5 });
    expect([...hidden].sort()).toEqual([0, 1]);
  });

  test('groups flagged by the differencing audit are withheld whatever their size, and protected like small ones', () => {
    const cells = cells1d([50, 60, 70]);
    const hidden = suppressCells(cells, { ...K, forced: new Set([2]) });
    expect(hidden.has(2)).toBe(true);
    expect(hidden.size).toBe(2);
  });
});

describe('two dimensions (row, column and grand-total margins)', () => {
  // rows a,b ; columns x,y,z
  const grid = (rows: Record<string, Record<string, number>>) =>
    Object.entries(rows).flatMap(([r, cols]) => Object.entries(cols).map(([c, count]) => ({ values: [r, c], count })));

  test('every margin line holds none or two-plus withheld groups with k together', () => {
    const cells = grid({ a: { x: 2, y: 20, z: 30 }, b: { x: 25, y: 21, z: 40 }, c: { x: 26, y: 22, z: 3 } });
    const hidden = suppressCells(cells, K);
    for (const d of [0, 1]) {
      for (const value of new Set(cells.map((c) => c.values[d]))) {
        const line = cells.map((c, i) => [c, i] as const).filter(([c]) => c.values[d] === value).map(([, i]) => i);
        const h = line.filter((i) => hidden.has(i));
        if (h.length > 0) {
          expect(h.length).toBeGreaterThanOrEqual(2);
          expect(sum(cells, h)).toBeGreaterThanOrEqual(5);
        }
      }
    }
    expect(hidden.has(0) && hidden.has(8)).toBe(true);
  });

  test('the elimination finds a group fixed by margins even when every line has two withheld (a bridge between two cycles)', () => {
    // Unknowns: cycle r1,r2 x c1,c2 (4 cells), cycle r3,r4 x c3,c4 (4 cells), bridge (r2,c3).
    const members = (pairs: Array<[number, number]>, cells: Array<[number, number]>) => cells.map((c, i) => [c, i] as const).filter(([c]) => pairs.some((p) => p[0] === c[0] && p[1] === c[1])).map(([, i]) => i);
    const cells: Array<[number, number]> = [[1, 1], [1, 2], [2, 1], [2, 2], [3, 3], [3, 4], [4, 3], [4, 4], [2, 3]];
    const lines = [1, 2, 3, 4].flatMap((r) => [
      { members: cells.map((c, i) => [c, i] as const).filter(([c]) => c[0] === r).map(([, i]) => i) },
      { members: cells.map((c, i) => [c, i] as const).filter(([c]) => c[1] === r).map(([, i]) => i) },
    ]);
    const all = new Set(cells.map((_, i) => i));
    expect(determined(lines, all, [...all])).toEqual([8]);
    expect(members([[2, 3]], cells)).toEqual([8]);
  });

  test('suppressCells does not leave such a group determined', () => {
    // The bridge pattern with every cell small except released groups around it.
    const cells = [
      ...[[1, 1, 1], [1, 2, 2], [2, 1, 2], [2, 2, 1], [3, 3, 1], [3, 4, 2], [4, 3, 2], [4, 4, 1], [2, 3, 3]].map(([r, c, n]) => ({ values: [r, c], count: n })),
      ...[1, 2, 3, 4].flatMap((r) => [{ values: [r, 9], count: 50 }, { values: [9, r], count: 50 }]),
    ];
    const hidden = suppressCells(cells, K);
    const dims = [0, 1];
    const lines = dims.flatMap((d) => [...new Set(cells.map((c) => c.values[d]))].map((v) => ({ members: cells.map((c, i) => [c, i] as const).filter(([c]) => c.values[d] === v).map(([, i]) => i) })));
    lines.push({ members: cells.map((_, i) => i) });
    const primary = cells.map((c, i) => [c, i] as const).filter(([c]) => c.count < 5).map(([, i]) => i);
    expect(determined(lines, hidden, primary)).toEqual([]);
  });

  test('a table of small groups only is withheld entirely', () => {
    const cells = grid({ a: { x: 1, y: 2 }, b: { x: 3, y: 1 } });
    expect(suppressCells(cells, K).size).toBe(4);
  });
});
