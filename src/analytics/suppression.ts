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

/**
 * Rounds of elimination before giving up and withholding everything: each
 * round is a Gauss–Jordan elimination over the withheld groups, and the
 * answer must not hold the event loop for long. Withholding everything is
 * always safe.
 */
export const MAX_ROUNDS = 12;
/** Largest elimination (equations² × unknowns, about that many multiply-adds) tried at all; past it everything is withheld. */
export const MAX_ELIMINATION_WORK = 5e7;

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
  // A group alone on a known margin is known whether withheld or not: as a
  // complement it hides nothing, so it is never chosen as one.
  const pinned = new Set(lines.filter((line) => line.members.length === 1).map((line) => line.members[0]));
  const smallestReleased = (members: Iterable<number>) => {
    let best = -1;
    for (const m of members) if (!suppressed.has(m) && !pinned.has(m) && (best < 0 || cells[m].count < cells[best].count)) best = m;
    return best;
  };
  const everything = () => {
    cells.forEach((_, i) => suppressed.add(i));
    return suppressed;
  };

  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (!enforceLines(lines, cells, suppressed, options.k, smallestReleased)) return everything();
    const exposed = determined(lines, suppressed, primary);
    if (exposed === null) return everything();
    if (exposed.length === 0) return suppressed;
    let added = false;
    for (const p of exposed) {
      const next = smallestReleased((linesOf.get(p) ?? []).flatMap((line) => line.members));
      if (next >= 0) {
        suppressed.add(next);
        added = true;
      }
    }
    // Nothing left to withhold next to an exposed group.
    if (!added) return everything();
  }
  return everything();
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

/**
 * Rule 1, until it holds on every line: withheld groups on a line are none,
 * or two or more holding k together. False when a line cannot be fixed.
 */
function enforceLines(lines: Line[], cells: ReadonlyArray<{ count: number }>, suppressed: Set<number>, k: number, smallestReleased: (m: Iterable<number>) => number): boolean {
  for (let changed = true; changed;) {
    changed = false;
    for (const line of lines) {
      const hidden = line.members.filter((m) => suppressed.has(m));
      if (hidden.length === 0) continue;
      const sum = hidden.reduce((n, m) => n + cells[m].count, 0);
      if (hidden.length >= 2 && sum >= k) continue;
      const next = smallestReleased(line.members);
      if (next < 0) {
        // Everything on the line is withheld already (then its sum is its
        // total, at least k) or known from a margin of its own.
        if (hidden.length === line.members.length && hidden.length >= 2) continue;
        return false;
      }
      suppressed.add(next);
      changed = true;
    }
  }
  return true;
}

/**
 * The primary groups whose count follows exactly from the known margins and
 * the released groups. Unknowns are the withheld groups; each known line
 * gives one equation (sum of its withheld groups = margin − released). A
 * group is determined exactly when its unit vector lies in the row space of
 * the equations: after Gauss–Jordan elimination, when its column is a pivot
 * whose row has no entry in a free column. Null: a system too large to
 * solve here (MAX_ELIMINATION_WORK).
 */
export function determined(lines: ReadonlyArray<{ members: readonly number[] }>, suppressed: ReadonlySet<number>, primary: readonly number[]): number[] | null {
  // Equations couple only the withheld groups that share known lines: each
  // connected set of them is solved on its own (much smaller systems).
  const parent = new Map([...suppressed].map((u) => [u, u]));
  const find = (u: number): number => {
    while (parent.get(u) !== u) u = parent.get(u)!;
    return u;
  };
  const equations = lines.map((line) => line.members.filter((m) => suppressed.has(m))).filter((hidden) => hidden.length > 0);
  for (const hidden of equations) for (const m of hidden.slice(1)) parent.set(find(m), find(hidden[0]));
  const components = new Map<number, { unknowns: number[]; equations: number[][] }>();
  for (const u of suppressed) {
    const root = find(u);
    (components.get(root) ?? components.set(root, { unknowns: [], equations: [] }).get(root)!).unknowns.push(u);
  }
  for (const hidden of equations) components.get(find(hidden[0]))!.equations.push(hidden);
  const wanted = new Set(primary);
  const out: number[] = [];
  for (const component of components.values()) {
    const mine = component.unknowns.filter((u) => wanted.has(u));
    if (mine.length === 0) continue;
    // Too large to decide within the time an answer may take: the caller withholds everything.
    if (component.equations.length ** 2 * component.unknowns.length > MAX_ELIMINATION_WORK) return null;
    out.push(...solve(component.unknowns, component.equations, mine));
  }
  return out;
}

/** Gauss–Jordan over one connected set of withheld groups. */
function solve(unknowns: readonly number[], equations: ReadonlyArray<readonly number[]>, primary: readonly number[]): number[] {
  const column = new Map(unknowns.map((u, j) => [u, j]));
  const n = unknowns.length;
  const rows: Float64Array[] = equations.map((hidden) => {
    const row = new Float64Array(n);
    for (const m of hidden) row[column.get(m)!] = 1;
    return row;
  });
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
