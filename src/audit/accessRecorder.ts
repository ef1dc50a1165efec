// Collects, during execution, what each customer's fields were returned as.
// Nothing is written here: the records are committed in one statement when
// execution ends (AccessLogWriter), or as soon as nothing more can be
// recorded (sealed, see accessLogPlugin), before the response is released.
//
// Recording runs for every field of every row, so it is one array push per
// call: each field keeps the customers it was decided for, per decision (a
// field's decision varies by customer in only one way, see plan/fieldPlan).
// The per-customer view the log stores is assembled once, at the end.

import type { Path } from 'graphql/jsutils/Path';
import type { Action, Decision } from '../policy/vocabulary';
import type { ExclusionScope } from '../data/exclusionQuery';

const OPEN = { sealed: false } as const;

/** One field's uses in a request: the customers it was decided for, per decision. */
export class FieldUse {
  readonly subjects: [string[], string[]] = [[], []];
  /**
   * Where in the response each decision was applied, kept only for a field
   * decided differently per customer (a uniform decision applies to every
   * value of the field, and recording its paths would cost a push per row
   * for nothing a client could not work out).
   */
  readonly paths: [Path[], Path[]] = [[], []];

  constructor(
    readonly coordinate: string,
    readonly decisions: readonly [Decision, Decision],
    private readonly record: { readonly sealed: boolean } = OPEN,
  ) {}

  /** Notes that `subjectId` got decision number `which` (0 or 1) for this field. */
  note(which: 0 | 1, subjectId: string): void {
    // A value decided after its record went to the log would leave unlogged:
    // refused (the caller gets a field error, never the value).
    if (this.record.sealed) throw new SealedRecordError(this.coordinate);
    const list = this.subjects[which];
    // Rows' fields (and one customer's orders) come in runs: skip the repeat.
    if (list[list.length - 1] !== subjectId) list.push(subjectId);
  }

  notePath(which: 0 | 1, path: Path): void {
    this.paths[which].push(path);
  }
}

/** A customer value decided after the request's record was sealed (a bug: the value is not returned). */
export class SealedRecordError extends Error {
  constructor(coordinate: string) {
    super(`${coordinate} decided after the request's access record was written`);
  }
}

export class AccessRecorder {
  private readonly uses: FieldUse[] = [];
  private sealedWith: { denied: number } | undefined;

  /** Where opted-out customers were filtered out; resolved to ids in SQL when the log is written. */
  readonly exclusions: ExclusionScope[] = [];
  /** Root fields refused by a permission rule in this request. */
  readonly denied: Array<{ path: string; code: string; reason?: string }> = [];
  /**
   * Reads of the access log itself: who accessed a customer's data, and
   * which staff member did, are personal data too. The customers whose
   * entries were returned are noted as field uses of `Query.accessLog`.
   */
  readonly logReads: Array<{ filter: Record<string, string | boolean>; entries: number }> = [];
  /**
   * The fields this request's filters and orders compared (coordinates, no
   * values): the record keeps the question's shape even when it matched
   * nobody, since "nobody" is an answer about customers too.
   */
  readonly compared: string[] = [];

  /** Notes that a filter or an order compared these fields. */
  noteCompared(coordinates: Iterable<string>): void {
    for (const coordinate of coordinates) if (!this.compared.includes(coordinate)) this.compared.push(coordinate);
  }

  fieldUse(coordinate: string, decisions: readonly [Decision, Decision]): FieldUse {
    const use = new FieldUse(coordinate, decisions, this);
    this.uses.push(use);
    return use;
  }

  /**
   * Closes the record before its write starts early (accessLogPlugin): from
   * now on a customer value cannot be decided (FieldUse.note throws) and no
   * exclusion or log read can be added (the arrays are frozen). Refusals can
   * still be, and are written after it (`deniedSinceSealed`).
   */
  seal(): void {
    if (this.sealedWith) return;
    this.sealedWith = { denied: this.denied.length };
    Object.freeze(this.exclusions);
    Object.freeze(this.logReads);
    Object.freeze(this.compared);
  }

  get sealed(): boolean {
    return this.sealedWith !== undefined;
  }

  /** Refusals noted after the record was sealed (none while it is open). */
  get deniedSinceSealed(): ReadonlyArray<{ path: string; code: string; reason?: string }> {
    return this.sealedWith ? this.denied.slice(this.sealedWith.denied) : [];
  }

  /** Some customer's data, or the access log, was returned: the response must wait for its record. */
  get hasReads(): boolean {
    return this.logReads.length > 0 || this.uses.some((use) => use.subjects[0].length > 0 || use.subjects[1].length > 0);
  }

  /** Some answer about customers was given: values, exclusions, or a comparison (even one that matched nobody). */
  get answersAboutCustomers(): boolean {
    return this.hasReads || this.exclusions.length > 0 || this.compared.length > 0;
  }

  get isEmpty(): boolean {
    return !this.answersAboutCustomers && this.denied.length === 0;
  }

  /** Customers whose data was returned, in the order they were first met (the response's order). */
  get subjectIds(): string[] {
    return [...this.signatures().ofSubject.keys()];
  }

  /**
   * Customers grouped by identical field actions (in a list, most customers
   * share them), with field names sorted, so the stored JSON is compact and
   * the same access always serializes the same way.
   */
  accessGroups(): Array<{ fields: Record<string, Action>; subjects: string[] }> {
    const { ofSubject, steps } = this.signatures();
    const bySignature = new Map<number, string[]>();
    for (const [subjectId, signature] of ofSubject) {
      const subjects = bySignature.get(signature);
      if (subjects) subjects.push(subjectId);
      else bySignature.set(signature, [subjectId]);
    }
    // Different signatures can still mean the same fields (a customer met
    // twice, out of order): merge on the fields themselves.
    const groups = new Map<string, { fields: Record<string, Action>; subjects: string[] }>();
    for (const [signature, subjects] of bySignature) {
      const fields = this.fieldsOf(signature, steps);
      const key = JSON.stringify(fields);
      const group = groups.get(key);
      if (group) group.subjects.push(...subjects);
      else groups.set(key, { fields, subjects });
    }
    return [...groups.values()];
  }

  /** Each field decided in this request, with the customers per decision (for explanations). */
  get fieldUses(): readonly FieldUse[] {
    return this.uses;
  }

  // A customer's field actions are fixed by which decision of which field
  // they got, in the order met: that sequence is the signature to group by.
  // Sequences are numbered as nodes of a trie (0: the empty one; each node
  // knows its parent and its last step), so following a customer's sequence
  // is one numeric map lookup per field, not a growing string per customer.
  private cache: { size: number; signatures: Signatures } | undefined;

  private signatures(): Signatures {
    const size = this.uses.reduce((n, use) => n + use.subjects[0].length + use.subjects[1].length, 0);
    if (this.cache?.size === size) return this.cache.signatures;
    const ofSubject = new Map<string, number>();
    const steps: Array<{ parent: number; use: number; which: 0 | 1 }> = [{ parent: -1, use: -1, which: 0 }];
    const next = new Map<number, number>();
    const width = 2 * this.uses.length;
    this.uses.forEach((use, u) => {
      for (const which of [0, 1] as const) {
        for (const subjectId of use.subjects[which]) {
          const from = ofSubject.get(subjectId) ?? 0;
          const edge = from * width + 2 * u + which;
          let to = next.get(edge);
          if (to === undefined) {
            to = steps.push({ parent: from, use: u, which }) - 1;
            next.set(edge, to);
          }
          ofSubject.set(subjectId, to);
        }
      }
    });
    const signatures = { ofSubject, steps };
    this.cache = { size, signatures };
    return signatures;
  }

  private fieldsOf(signature: number, steps: Signatures['steps']): Record<string, Action> {
    const fields: Array<[string, Action]> = [];
    for (let node = signature; node > 0; node = steps[node].parent) {
      const use = this.uses[steps[node].use];
      fields.push([use.coordinate, use.decisions[steps[node].which].action]);
    }
    // The sequence's order, as the signature string was read before (Object.fromEntries keeps the last of a repeated name).
    fields.reverse();
    return Object.fromEntries(fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

interface Signatures {
  /** Each customer's signature (a trie node), in the order customers were first met. */
  ofSubject: Map<string, number>;
  steps: Array<{ parent: number; use: number; which: 0 | 1 }>;
}
