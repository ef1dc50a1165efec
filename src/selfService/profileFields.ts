// Which customer fields a customer may change through self-service, how each
// is checked, and where it lives (pure, no I/O). The diff compares canonical
// text forms, so "current" is read as the same text (`current` SQL) that a
// proposal normalizes to.

import * as v from './validate';
import type { Checked } from './validate';

export interface EditableField {
  /** Name in ProfileChangeInput and in FieldChange.field. */
  name: string;
  /** The customers column written. */
  column: string;
  /** SQL of the current value as canonical text, over `customers c`. */
  current: string;
  /** Identity fields wait for the privacy officer. */
  identity: boolean;
  check(value: unknown, today: Date): Checked;
  /** The canonical text as the value bound for the column. */
  toColumn(text: string | null): unknown;
  /** The canonical text as ProfileChangeInput would carry it, to check it again. */
  fromText(text: string): unknown;
}

const plain = (name: string, column: string, check: (value: unknown, today: Date) => Checked, identity = false): EditableField => ({
  name,
  column,
  current: `c.${column}`,
  identity,
  check,
  toColumn: (text) => text,
  fromText: (text) => text,
});

export const EDITABLE_FIELDS: readonly EditableField[] = [
  plain('name', 'name', v.personName, true),
  plain('accountNumber', 'account_number', v.accountNumber, true),
  plain('email', 'email', v.email),
  plain('phone', 'phone', v.phone),
  plain('street', 'street', v.street),
  plain('city', 'city', v.city),
  plain('postalCode', 'postal_code', v.postalCode),
  { ...plain('birthDate', 'birth_date', v.birthDate), current: `to_char(c.birth_date, 'YYYY-MM-DD')` },
  { ...plain('estimatedIncome', 'estimated_income', v.income), current: 'c.estimated_income::text', toColumn: (t) => (t === null ? null : Number(t)), fromText: Number },
  plain('ethnicity', 'ethnicity', v.sensitive),
  plain('religion', 'religion', v.sensitive),
  {
    ...plain('contactPreferences.channels', 'contact_channels', v.channels),
    current: `array_to_string(c.contact_channels, ',')`,
    toColumn: (t) => (t ? t.split(',') : []),
    fromText: (t) => (t ? t.split(',') : []),
  },
  // Checked against the channels by `checkProposal`, which knows both.
  plain('contactPreferences.preferred', 'preferred_channel', (value) => (value === null ? { ok: true, value: null } : { ok: true, value: String(value) })),
];

/** Fields in the input that a customer may not change, with the reason they are told. */
export const NOT_EDITABLE: Readonly<Record<string, string>> = {
  segment: 'segment is assigned by the company from your orders; it cannot be changed here',
  shoppingHabits: 'shopping habits are derived from your orders; they cannot be changed here',
};

export interface Problem {
  field: string;
  message: string;
}

export interface ProposedChange {
  field: string;
  from: string | null;
  to: string | null;
}

export interface CheckedProposal {
  /** Values that cannot be accepted: the proposal is refused. */
  refusals: Problem[];
  /** Canonical proposed values by field name, for the fields the input set. */
  values: Map<string, string | null>;
}

/** Checks every field the input sets; `input` is ProfileChangeInput as GraphQL parsed it. */
export function checkProposal(input: Record<string, unknown>, today: Date): CheckedProposal {
  const refusals: Problem[] = [];
  const values = new Map<string, string | null>();
  const flat: Record<string, unknown> = { ...input };
  delete flat.contactPreferences;
  const prefs = input.contactPreferences as { channels?: unknown; preferred?: unknown } | null | undefined;
  if (prefs === null) refusals.push({ field: 'contactPreferences', message: 'contactPreferences must not be null: give channels (an empty list allows none)' });
  if (prefs) {
    flat['contactPreferences.channels'] = prefs.channels;
    flat['contactPreferences.preferred'] = prefs.preferred ?? null;
  }
  for (const [name, value] of Object.entries(flat)) {
    if (value === undefined) continue;
    if (NOT_EDITABLE[name]) {
      refusals.push({ field: name, message: NOT_EDITABLE[name] });
      continue;
    }
    const field = EDITABLE_FIELDS.find((f) => f.name === name);
    if (!field) {
      refusals.push({ field: name, message: `${name} cannot be changed here` });
      continue;
    }
    if (value === null && field.check(null, today).ok === false) {
      refusals.push({ field: name, message: `${name} is required: it cannot be deleted, only changed` });
      continue;
    }
    const checked = field.check(value, today);
    if (checked.ok) values.set(name, checked.value);
    else refusals.push({ field: name, message: `${name} ${checked.problem}` });
  }
  if (values.has('contactPreferences.channels')) {
    const preferred = v.preferredChannel(prefs?.preferred ?? null, values.get('contactPreferences.channels') ?? '');
    if (!preferred.ok) {
      values.delete('contactPreferences.preferred');
      refusals.push({ field: 'contactPreferences.preferred', message: `contactPreferences.preferred ${preferred.problem}` });
    }
  }
  return { refusals, values };
}

/** The fields whose proposed value differs from the current one, in EDITABLE_FIELDS order; the rest are noted. */
export function diff(values: ReadonlyMap<string, string | null>, current: Readonly<Record<string, string | null>>): { changes: ProposedChange[]; unchanged: Problem[] } {
  const changes: ProposedChange[] = [];
  const unchanged: Problem[] = [];
  for (const field of EDITABLE_FIELDS) {
    if (!values.has(field.name)) continue;
    const to = values.get(field.name)!;
    const from = current[field.name] ?? null;
    if (to === from) unchanged.push({ field: field.name, message: `${field.name} is the same as the value held: nothing to change` });
    else changes.push({ field: field.name, from, to });
  }
  return { changes, unchanged };
}

export function needsReview(changes: readonly ProposedChange[]): boolean {
  return changes.some((c) => EDITABLE_FIELDS.find((f) => f.name === c.field)?.identity);
}

export function fieldNamed(name: string): EditableField | undefined {
  return EDITABLE_FIELDS.find((f) => f.name === name);
}

/** The same checks once more on stored changes (the check right before an update). */
export function recheck(changes: readonly ProposedChange[], today: Date): Problem[] {
  const problems: Problem[] = [];
  for (const change of changes) {
    const field = fieldNamed(change.field);
    const checked = field && change.to !== null ? field.check(field.fromText(change.to), today) : field?.check(null, today);
    if (!checked) problems.push({ field: change.field, message: `${change.field} cannot be changed here` });
    else if (!checked.ok) problems.push({ field: change.field, message: `${change.field} ${checked.problem}` });
  }
  return problems;
}
