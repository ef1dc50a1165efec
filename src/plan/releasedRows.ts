// Releases a page of tagged rows in one pass, for the compiled executor: each
// requested leaf field of each row is decided and transformed here, and the
// executor then reads the released values as plain properties, with no
// resolver call per field per row (that call, not the decision, is what a
// large list spent its time on).
//
// The decisions are the field guard's own: `privacy.decide` is called for
// every value the response will hold, in the order the executor would have
// reached it, with the same response paths, so the access record and
// extensions.privacy come out as they do on the guarded path
// (test/compiledExecution.test.ts compares the two).

import { addPath, type Path } from 'graphql/jsutils/Path';
import { UnguardedAccessError } from '../../directives/guard';
import type { RequestPrivacy } from './requestPrivacy';
import { subjectOf, type Subject } from './subject';
import type { Decision } from '../policy/vocabulary';

const RELEASED = Symbol('privql.released');
const RAW = Symbol('privql.releasedFrom');

/** One response key under a row, and the field whose value it shows. */
export interface Slot {
  key: string;
  field: string;
  coordinate: string;
  /** The first slot of its field in the rows' places: the one whose decision sets the value. */
  sets: boolean;
}

/** Where a row is shown: the keys around its index (`nodes`; `edges` and `node`), and the released fields shown there. */
export interface Showing {
  keys: { before?: string; after?: string };
  /** In the selection's order. */
  slots: readonly Slot[];
}

export interface ReleaseShape {
  typeName: string;
  /** Each list (or single value) the rows are shown in, with each showing per item (`edges { a: node b: node }` has two). */
  places: ReadonlyArray<readonly Showing[]>;
  /** The rows are items of lists (a page, orders); otherwise the one row is the value at the path itself. */
  listed: boolean;
}

/** Whether a row came out of `releaseRows` (the released schema's types accept nothing else). */
export function isReleased(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as { [RELEASED]?: true })[RELEASED] === true;
}

/** The tagged row a released row was made from: what the fields still guarded one by one read. */
export function rawRowOf(value: unknown): unknown {
  return isReleased(value) ? (value as { [RAW]: unknown })[RAW] : undefined;
}

/**
 * Released rows for `rows`: each holds the values its shown fields' decisions
 * let out, and nothing else but a reference to the tagged row, under a symbol
 * the executor never reads: a released field that is not shown is simply not
 * there.
 */
export function releaseRows(privacy: RequestPrivacy, rows: readonly object[], shape: ReleaseShape, at: Path): object[] {
  const released: Array<Record<string | symbol, unknown>> = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    if (!subjectOf(rows[i])) throw new UnguardedAccessError(`unguarded read of a ${shape.typeName} row`);
    released[i] = { [RELEASED]: true, [RAW]: rows[i] };
  }
  // Place by place, row by row, showing by showing: as the executor walks the response.
  for (const showings of shape.places) {
    const deciders = showings.map(({ slots }) => slots.map((slot) => privacy.decider(slot.coordinate)));
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as Record<string, unknown>;
      const subject = subjectOf(row)!;
      const out = released[i];
      for (let w = 0; w < showings.length; w++) {
        const { slots, keys } = showings[w];
        let rowPath: Path | undefined;
        for (let s = 0; s < slots.length; s++) {
          const slot = slots[s];
          const decider = deciders[w][s];
          const path = decider.plan.uniform ? undefined : addPath((rowPath ??= pathOf(at, shape.listed, keys, i)), slot.key, shape.typeName);
          const decision = decider.decide(subject, path);
          if (slot.sets) out[slot.field] = decision.action === 'CLEAR' ? row[slot.field] : transformed(privacy, slot.coordinate, decision, row[slot.field], subject);
        }
      }
    }
  }
  return released;
}

/**
 * What a value its mask or anonymizer cannot take (a malformed stored value)
 * is left as: a value no scalar serializes, so the executor reports a field
 * error at its path, as the guard's throw does on graphql-js, and the rest of
 * the page is answered. Nothing of the value is in it.
 */
const NOT_A_VALUE: object = Object.freeze(Object.create(null));

function transformed(privacy: RequestPrivacy, coordinate: string, decision: Decision, value: unknown, subject: Subject): unknown {
  try {
    return privacy.transform(coordinate, decision, value, subject);
  } catch {
    return NOT_A_VALUE;
  }
}

function pathOf(at: Path, listed: boolean, keys: Showing['keys'], i: number): Path {
  if (!listed) return at;
  const item = addPath(keys.before === undefined ? at : addPath(at, keys.before, undefined), i, undefined);
  return keys.after === undefined ? item : addPath(item, keys.after, undefined);
}
