// What changed between two notices, in plain words: one sentence per change
// of a fact (a field, its class, purposes or channels, a recipient, an
// opt-out, the officer's contact), so the officer publishing it and the
// customers told about it read the same thing.

import type { NoticeContent } from './generate';
import type { NoticeField, NoticeRecipient } from './facts';
import { CATEGORY_WORDING, CHANNEL_SHORT, PURPOSE_WORDING, capitalize as cap, fieldName, listOf, typeName } from './wording';

export const FIRST_VERSION = 'First published version of this notice.';
export const WORDING_ONLY = 'The wording of the notice changed; what we collect, how we use it and who receives it did not.';

export function describeChanges(previous: NoticeContent | null, next: NoticeContent): string[] {
  if (!previous) return [FIRST_VERSION];
  const before = previous.facts;
  const after = next.facts;
  const changes = [
    ...fieldChanges(before.fields, after.fields),
    ...recipientChanges(before.recipients, after.recipients),
    ...optOutChanges(before.optOuts, after.optOuts),
  ];
  if (before.officerContact !== after.officerContact) changes.push(`The privacy officer's contact is now ${after.officerContact} (was ${before.officerContact}).`);
  if (before.k !== after.k) changes.push(`Statistics now describe groups of at least ${after.k} people (was ${before.k}).`);
  return changes.length > 0 ? changes : [WORDING_ONLY];
}

const named = (coordinate: string) => `${fieldName(coordinate)} (${typeName(coordinate.slice(0, coordinate.indexOf('.')))})`;

function fieldChanges(before: readonly NoticeField[], after: readonly NoticeField[]): string[] {
  const old = new Map(before.map((f) => [f.coordinate, f]));
  const now = new Map(after.map((f) => [f.coordinate, f]));
  const out: string[] = [];
  for (const f of after) {
    if (!old.has(f.coordinate)) out.push(`We now collect ${named(f.coordinate)}: ${CATEGORY_WORDING[f.classification].title.toLowerCase()}.`);
  }
  for (const f of before) if (!now.has(f.coordinate)) out.push(`We no longer collect ${named(f.coordinate)}.`);
  for (const f of after) {
    const o = old.get(f.coordinate);
    if (!o) continue;
    if (o.classification !== f.classification) {
      out.push(`${cap(named(f.coordinate))} is now treated as ${CATEGORY_WORDING[f.classification].title.toLowerCase()} (was ${CATEGORY_WORDING[o.classification].title.toLowerCase()}).`);
    }
    const added = f.purposes.filter((p) => !o.purposes.includes(p));
    const dropped = o.purposes.filter((p) => !f.purposes.includes(p));
    if (added.length > 0) out.push(`${cap(named(f.coordinate))} is now also used ${listOf(added.map((p) => PURPOSE_WORDING[p]))}.`);
    if (dropped.length > 0) out.push(`${cap(named(f.coordinate))} is no longer used ${listOf(dropped.map((p) => PURPOSE_WORDING[p]))}.`);
    const newChannels = f.channels.filter((c) => !o.channels.includes(c));
    const oldChannels = o.channels.filter((c) => !f.channels.includes(c));
    if (newChannels.length > 0) out.push(`${cap(named(f.coordinate))} now also comes from ${listOf(newChannels.map((c) => CHANNEL_SHORT[c]))}.`);
    if (oldChannels.length > 0) out.push(`${cap(named(f.coordinate))} no longer comes from ${listOf(oldChannels.map((c) => CHANNEL_SHORT[c]))}.`);
  }
  return out;
}

function recipientChanges(before: readonly NoticeRecipient[], after: readonly NoticeRecipient[]): string[] {
  const old = new Map(before.map((r) => [r.app, r]));
  const now = new Map(after.map((r) => [r.app, r]));
  const out: string[] = [];
  for (const r of after) if (!old.has(r.app)) out.push(`A new partner receives data: ${r.name} (${r.owner}).`);
  for (const r of before) if (!now.has(r.app)) out.push(`${r.name} no longer receives data.`);
  for (const r of after) {
    const o = old.get(r.app);
    if (!o) continue;
    const gained = r.clearFields.filter((f) => !o.clearFields.includes(f));
    const lost = o.clearFields.filter((f) => !r.clearFields.includes(f));
    if (gained.length > 0) out.push(`${r.name} now receives ${listOf(gained.map(fieldName))} as it is.`);
    if (lost.length > 0) out.push(`${r.name} no longer receives ${listOf(lost.map(fieldName))} as it is.`);
  }
  return out;
}

function optOutChanges(before: NoticeContent['facts']['optOuts'], after: NoticeContent['facts']['optOuts']): string[] {
  const old = new Map(before.map((o) => [o.kind, o]));
  const out: string[] = [];
  for (const o of after) {
    const was = old.get(o.kind);
    if (!was) out.push(`A new choice: ${o.title}.`);
    else if (was.title !== o.title || was.effect !== o.effect) out.push(`The choice “${o.title}” now reads: ${o.effect}`);
  }
  for (const o of before) if (!after.some((a) => a.kind === o.kind)) out.push(`The choice “${o.title}” was removed.`);
  return out;
}
