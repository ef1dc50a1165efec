// Releases a page of tagged rows in one pass, for the compiled executor: each
// requested leaf field of each row, and of the rows nested in it (a
// customer's orders and opt-outs), is decided and transformed here, and the
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
import type { FieldDecider, RequestPrivacy } from './requestPrivacy';
import { subjectOf, type Subject } from './subject';
import type { Decision } from '../policy/vocabulary';

const RELEASED = Symbol('privql.released');

/** One response key under a row, and the field whose value it shows. */
export interface Slot {
  key: string;
  field: string;
  coordinate: string;
  /** The first slot of its field in the rows' places: the one whose decision sets the value. */
  sets: boolean;
  /**
   * A field holding rows of its own (a customer's orders, opt-outs): their
   * type, the fields shown of them here, and the type's released fields no
   * showing of them sets.
   */
  nested?: { typeName: string; listed: boolean; slots: readonly Slot[]; unshown: readonly string[] };
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
  /** The rows are items of lists (a page); otherwise the one row is the value at the path itself. */
  listed: boolean;
  /** Released fields of the type that no showing sets: nulled. */
  unshown: readonly string[];
  /** Every field shown under the rows is released (or __typename): nothing below them is decided later. */
  complete: boolean;
}

/** The tagged rows (or row) a row's nested field holds, as its resolver would hand them over; null for none. */
export type NestedRows = (field: string, row: object) => unknown;

/** Whether a row came out of `releaseRows` (the released schema's types accept nothing else). */
export function isReleased(value: unknown): boolean {
  return value !== null && typeof value === 'object' && (value as { [RELEASED]?: true })[RELEASED] === true;
}

/**
 * Releases `rows` in place: each shown released field comes to hold the value
 * its decision lets out, and every other released field null (the raw value
 * is gone from the row). Fields guarded one by one (nested objects read by
 * their own resolvers) are left as they are. A row released twice would be
 * transformed twice: that is refused.
 */
export function releaseRows(privacy: RequestPrivacy, rows: readonly object[], shape: ReleaseShape, at: Path, nestedOf: NestedRows): object[] {
  for (const row of rows) marked(row, shape.typeName, shape.unshown);
  const release = { privacy, nestedOf };
  // Place by place, row by row, showing by showing: as the executor walks the response.
  for (const showings of shape.places) {
    const decided = showings.map(({ slots }) => decidedSlots(privacy, slots));
    // Paths are needed only where some decision varies by customer (then for every row).
    const needsPaths = decided.map(varies);
    for (let i = 0; i < rows.length; i++) {
      for (let w = 0; w < showings.length; w++) {
        fill(release, rows[i] as Row, decided[w], shape.typeName, needsPaths[w] ? pathOf(at, shape.listed, showings[w].keys, i) : undefined);
      }
    }
  }
  return rows as object[];
}

type Row = Record<string | symbol, unknown>;

interface Release {
  privacy: RequestPrivacy;
  nestedOf: NestedRows;
}

/** Slots with their fields' deciders, looked up once per page rather than once per value. */
interface DecidedSlots {
  slots: readonly Slot[];
  deciders: readonly FieldDecider[];
  nested: ReadonlyArray<DecidedSlots | undefined>;
}

function decidedSlots(privacy: RequestPrivacy, slots: readonly Slot[]): DecidedSlots {
  return {
    slots,
    deciders: slots.map((slot) => privacy.decider(slot.coordinate)),
    nested: slots.map((slot) => slot.nested && decidedSlots(privacy, slot.nested.slots)),
  };
}

/** Whether a decision among the slots (nested ones included) varies by customer in this request. */
function varies({ deciders, nested }: DecidedSlots): boolean {
  return deciders.some((decider) => !decider.plan.uniform) || nested.some((slots) => slots !== undefined && varies(slots));
}

/**
 * Decides the slots of one row in order (nested rows depth first, as the
 * executor completes them) and sets what they show; `path` (the row's) is
 * given when some decision below varies by customer.
 */
function fill(release: Release, row: Row, decided: DecidedSlots, typeName: string, path: Path | undefined): void {
  const { privacy } = release;
  const subject = subjectOf(row)!;
  const { slots, deciders } = decided;
  for (let s = 0; s < slots.length; s++) {
    const slot = slots[s];
    const decider = deciders[s];
    const decision = decider.decide(subject, decider.plan.uniform ? undefined : addPath(path!, slot.key, typeName));
    if (!slot.nested) {
      if (slot.sets) row[slot.field] = decision.action === 'CLEAR' ? row[slot.field] : transformed(privacy, slot.coordinate, decision, row[slot.field], subject);
      continue;
    }
    const { nested } = slot;
    if (slot.sets) row[slot.field] = releasedNested(release, slot, decision, row, subject);
    const shown = row[slot.field];
    if (shown === null || shown === undefined || shown === NOT_A_VALUE) continue;
    const fieldPath = path && addPath(path, slot.key, typeName);
    const below = decided.nested[s]!;
    if (!nested.listed) {
      fill(release, shown as Row, below, nested.typeName, fieldPath);
      continue;
    }
    const items = shown as Row[];
    for (let j = 0; j < items.length; j++) fill(release, items[j], below, nested.typeName, fieldPath && addPath(fieldPath, j, undefined));
  }
}

/** A nested field's rows, marked released (`fill` then sets what each showing of them shows), or null. */
function releasedNested(release: Release, slot: Slot, decision: Decision, row: Row, subject: Subject): unknown {
  if (decision.action === 'OMITTED') return null;
  const rows = release.nestedOf(slot.field, row);
  // The guard transforms a nested value as any other (an anonymizer may suppress it).
  const shown = decision.action === 'CLEAR' ? rows : transformed(release.privacy, slot.coordinate, decision, rows, subject);
  if (shown === null || shown === undefined || shown === NOT_A_VALUE) return shown ?? null;
  const { typeName, unshown } = slot.nested!;
  if (!Array.isArray(shown)) return marked(shown as object, typeName, unshown);
  for (const item of shown) marked(item, typeName, unshown);
  return shown;
}

function marked(row: object, typeName: string, unshown: readonly string[]): object {
  // Deny by default, as the guard does: a row that did not come through the data layer is a bug.
  if (!subjectOf(row)) throw new UnguardedAccessError(`unguarded read of a ${typeName} row`);
  const released = row as Row;
  if (released[RELEASED]) throw new Error(`a ${typeName} row released twice`);
  released[RELEASED] = true;
  for (const field of unshown) if (field in released) released[field] = null;
  return row;
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
