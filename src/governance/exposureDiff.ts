// What a schema change does to exposure (pure): the two exposure matrices,
// cell by cell, for every role and purpose. A cell grows when its action
// moves up OMITTED < ANONYMIZED < MASKED < CLEAR, when a new field becomes
// visible, or when the action stays but the mask or anonymizer is not
// plainly weaker (PSEUDONYM -> KEEP; one generalization or pseudonym for
// another, which cannot be ranked, so it is shown for sign-off too).

import type { Role, Purpose, ViewName } from '../policy/vocabulary';
import { cellLabel, exposureRank, type ExposureCell, type ExposureMatrix } from './exposureMatrix';

export interface ExposureChange {
  role: Role;
  purpose: Purpose;
  view: ViewName;
  coordinate: string;
  /** null: the field (or the role's use of the purpose) did not exist. */
  before: ExposureCell | null;
  after: ExposureCell | null;
  grows: boolean;
}

export interface ExposureDiff {
  changes: ExposureChange[];
  /** Some change grows exposure: it needs sign-off. */
  grows: boolean;
}

// Within one action, how much of the value a strategy lets through:
// nothing (REDACT, SUPPRESS), all of it (KEEP), or something that cannot be
// ranked against the rest (1). A pseudonym is in the middle group, not with
// the suppressing ones: it keeps every distinct value apart, so PREFIX ->
// PSEUDONYM lets a caller group customers by the exact value.
const STRATEGY_RANK: Readonly<Record<string, number>> = { REDACT: 0, SUPPRESS: 0, KEEP: 2 };
const strategyRank = (s: string | null) => (s === null ? 1 : (STRATEGY_RANK[s] ?? 1));

export function diffExposure(before: ExposureMatrix, after: ExposureMatrix): ExposureDiff {
  const changes: ExposureChange[] = [];
  const key = (r: { role: string; purpose: string }) => `${r.role}/${r.purpose}`;
  const oldRows = new Map(before.rows.map((r) => [key(r), r]));
  const newKeys = new Set(after.rows.map(key));
  const rows = [...after.rows.map((r) => ({ now: r, was: oldRows.get(key(r)) })), ...before.rows.filter((r) => !newKeys.has(key(r))).map((r) => ({ now: undefined, was: r }))];
  for (const { now, was } of rows) {
    const row = (now ?? was)!;
    const oldCells = new Map((was?.cells ?? []).map((c) => [c.coordinate, c]));
    const newCells = new Map((now?.cells ?? []).map((c) => [c.coordinate, c]));
    for (const coordinate of new Set([...newCells.keys(), ...oldCells.keys()])) {
      const change = compare(oldCells.get(coordinate) ?? null, newCells.get(coordinate) ?? null);
      if (change !== null) changes.push({ role: row.role, purpose: row.purpose, view: row.view.name, coordinate, ...change });
    }
  }
  return { changes, grows: changes.some((c) => c.grows) };
}

function compare(before: ExposureCell | null, after: ExposureCell | null): Pick<ExposureChange, 'before' | 'after' | 'grows'> | null {
  const rank = (c: ExposureCell | null) => (c === null ? -1 : exposureRank(c.action));
  if (rank(before) <= 0 && rank(after) <= 0) return null; // not visible either way
  const byAction = rank(after) - rank(before);
  if (byAction !== 0) return { before, after, grows: byAction > 0 };
  if (before!.strategy === after!.strategy) return null;
  return { before, after, grows: strategyRank(after!.strategy) >= strategyRank(before!.strategy) };
}

/** How a role gets a field, in a sentence: `in clear`, `masked (EMAIL)`, `anonymized (KEEP)`. */
function how(cell: ExposureCell): string {
  if (cell.action === 'CLEAR') return 'in clear';
  return cell.strategy === null ? cell.action.toLowerCase() : `${cell.action.toLowerCase()} (${cell.strategy})`;
}

/** One line per change, grouped under `VIEW view: ROLE for PURPOSE`, then a summary. */
export function formatExposureDiff(diff: ExposureDiff): string {
  const groups = new Map<string, string[]>();
  for (const c of diff.changes) {
    const heading = `${c.view} view: ${c.role} for ${c.purpose}`;
    const was = c.before === null ? 'new field' : `was ${cellLabel(c.before)}`;
    const line = c.grows
      ? `  + ${c.role} now sees ${c.coordinate} ${how(c.after!)} (${was})`
      : `  - ${c.role} no longer sees ${c.coordinate} ${how(c.before!)} (${c.after === null ? 'field removed' : `now ${cellLabel(c.after)}`})`;
    groups.set(heading, [...(groups.get(heading) ?? []), line]);
  }
  const body = [...groups].flatMap(([heading, lines]) => [heading, ...lines, '']);
  const grown = diff.changes.filter((c) => c.grows).length;
  const summary =
    diff.changes.length === 0
      ? 'No change in exposure.'
      : grown > 0
        ? `Exposure grows: ${grown} change${grown === 1 ? '' : 's'} need sign-off; ${diff.changes.length - grown} reduced.`
        : `Exposure only shrinks: ${diff.changes.length} reduced.`;
  return `${[...body, summary].join('\n')}\n`;
}
