// Which groups of an exact answer to withhold. Pure: cells in, indexes of
// withheld cells out.
//
// Primary suppression: a group below the threshold (or flagged by the
// differencing audit) is withheld. Complementary suppression then assumes the
// caller knows, besides the released groups, every margin of the table: for
// each subset of the grouping dimensions (the grand total included) and each
// combination of values, the total over the groups that share it — what a
// query with fewer dimensions, or a plain COUNT, would return. A margin whose
// total is below the policy's k would be withheld by that query and is not
// assumed known. Two things are then guaranteed for every withheld group
// below the threshold:
// 1. on each known margin line, the withheld groups are none, or at least
//    two that together hold at least k customers (subtracting the released
//    groups from the margin gives only a sum over two or more groups);
// 2. no linear combination of the known margins and the released groups
//    yields its count exactly (tested by elimination, see `determined`).
// Bounds are not guaranteed: from non-negativity a caller may still narrow a
// withheld count to an interval (e.g. "at most 4").

export interface SuppressionOptions {
  /** The answer's threshold: groups below it are withheld. */
  threshold: number;
  /** The policy's k: the least a set of withheld groups on a line must hold together; a margin below it is not known. */
  k: number;
  /** Groups to withhold whatever their size (the differencing audit's). */
  forced?: ReadonlySet<number>;
}

interface Line {
  members: number[];
  total: number;
}

export function suppressCells(cells: ReadonlyArray<{ values: readonly unknown[]; count: number }>, options: SuppressionOptions): Set<number> {
  const suppressed = new Set<number>();
  const primary: number[] = [];
  cells.forEach((cell, i) => {
    if (cell.count < options.threshold || options.forced?.has(i)) {
      suppressed.add(i);
      primary.push(i);
    }
  });
  if (primary.length === 0) return suppressed;
  const dimensions = cells[0].values.length;
  const lines = marginLines(cells, dimensions).filter((line) => line.total >= options.k);
  const linesOf = new Map<number, Line[]>();
  for (const line of lines) for (const m of line.members) (linesOf.get(m) ?? linesOf.set(m, []).get(m)!).push(line);
  const smallestReleased = (members: Iterable<number>) => {
    let best = -1;
    for (const m of members) if (!suppressed.has(m) && (best < 0 || cells[m].count < cells[best].count)) best = m;
    return best;
  };

  for (;;) {
    enforceLines(lines, cells, suppressed, options.k, smallestReleased);
    const exposed = determined(lines, suppressed, primary);
    if (exposed.length === 0) return suppressed;
    let added = false;
    for (const p of exposed) {
      const next = smallestReleased((linesOf.get(p) ?? []).flatMap((line) => line.members));
      if (next >= 0) {
        suppressed.add(next);
        added = true;
      }
    }
    // Nothing left to withhold next to an exposed group: withhold everything.
    if (!added) {
      cells.forEach((_, i) => suppressed.add(i));
      return suppressed;
    }
  }
}

/** Every margin line: for each proper subset of the dimensions, the groups sharing each combination of its values. */
function marginLines(cells: ReadonlyArray<{ values: readonly unknown[]; count: number }>, dimensions: number): Line[] {
  const lines: Line[] = [];
  for (let mask = 0; mask < (1 << dimensions) - 1; mask++) {
    const byKey = new Map<string, Line>();
    cells.forEach((cell, i) => {
      const key = JSON.stringify(cell.values.filter((_, d) => mask & (1 << d)));
      const line = byKey.get(key) ?? byKey.set(key, { members: [], total: 0 }).get(key)!;
      line.members.push(i);
      line.total += cell.count;
    });
    lines.push(...byKey.values());
  }
  return lines;
}

/** Rule 1, until it holds on every line: withheld groups on a line are none, or two or more holding k together. */
function enforceLines(lines: Line[], cells: ReadonlyArray<{ count: number }>, suppressed: Set<number>, k: number, smallestReleased: (m: Iterable<number>) => number): void {
  for (let changed = true; changed;) {
    changed = false;
    for (const line of lines) {
      const hidden = line.members.filter((m) => suppressed.has(m));
      if (hidden.length === 0) continue;
      const sum = hidden.reduce((n, m) => n + cells[m].count, 0);
      if (hidden.length >= 2 && sum >= k) continue;
      const next = smallestReleased(line.members);
      if (next >= 0) {
        suppressed.add(next);
        changed = true;
      }
    }
  }
}

/**
 * The primary groups whose count follows exactly from the known margins and
 * the released groups. Unknowns are the withheld groups; each known line
 * gives one equation (sum of its withheld groups = margin − released). A
 * group is determined exactly when its unit vector lies in the row space of
 * the equations: after Gauss–Jordan elimination, when its column is a pivot
 * whose row has no entry in a free column.
 */
export function determined(lines: ReadonlyArray<{ members: readonly number[] }>, suppressed: ReadonlySet<number>, primary: readonly number[]): number[] {
  const unknowns = [...suppressed];
  const column = new Map(unknowns.map((u, j) => [u, j]));
  const n = unknowns.length;
  const rows: Float64Array[] = [];
  for (const line of lines) {
    const row = new Float64Array(n);
    let any = false;
    for (const m of line.members) {
      const j = column.get(m);
      if (j !== undefined) {
        row[j] = 1;
        any = true;
      }
    }
    if (any) rows.push(row);
  }
  const pivotRowOf = new Map<number, Float64Array>();
  let r = 0;
  for (let j = 0; j < n && r < rows.length; j++) {
    let best = r;
    for (let i = r + 1; i < rows.length; i++) if (Math.abs(rows[i][j]) > Math.abs(rows[best][j])) best = i;
    if (Math.abs(rows[best][j]) < 1e-9) continue;
    [rows[r], rows[best]] = [rows[best], rows[r]];
    const pivot = rows[r];
    const scale = pivot[j];
    for (let c = 0; c < n; c++) pivot[c] /= scale;
    for (let i = 0; i < rows.length; i++) {
      if (i === r) continue;
      const factor = rows[i][j];
      if (Math.abs(factor) < 1e-12) continue;
      const row = rows[i];
      for (let c = 0; c < n; c++) row[c] -= factor * pivot[c];
    }
    pivotRowOf.set(j, pivot);
    r++;
  }
  // In reduced form a pivot row's other non-zero entries are in free columns.
  return primary.filter((p) => {
    const j = column.get(p)!;
    const row = pivotRowOf.get(j);
    if (!row) return false;
    for (let c = 0; c < n; c++) if (c !== j && Math.abs(row[c]) > 1e-9) return false;
    return true;
  });
}
