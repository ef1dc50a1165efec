// The recorder groups customers by the sequence of decisions they got; this
// checks it against the plain way to do it (a string per customer), on
// customers met in runs, out of order, twice, and with repeated coordinates.

import { AccessRecorder } from './accessRecorder';
import type { Action, Decision } from '../policy/vocabulary';

const decision = (action: string) => ({ action }) as unknown as Decision;
const PAIRS: Array<[Decision, Decision]> = [
  [decision('CLEAR'), decision('MASKED')],
  [decision('CLEAR'), decision('OMITTED')],
  [decision('ANONYMIZED'), decision('ANONYMIZED')],
];

/** The reference: each customer's "use.which," string, grouped, then merged on the fields. */
function reference(uses: Array<{ coordinate: string; decisions: readonly [Decision, Decision]; subjects: [string[], string[]] }>) {
  const signatures = new Map<string, string>();
  uses.forEach((use, u) => {
    for (const which of [0, 1] as const) for (const id of use.subjects[which]) signatures.set(id, (signatures.get(id) ?? '') + `${u}.${which},`);
  });
  const bySignature = new Map<string, string[]>();
  for (const [id, sig] of signatures) bySignature.set(sig, [...(bySignature.get(sig) ?? []), id]);
  const groups = new Map<string, { fields: Record<string, Action>; subjects: string[] }>();
  for (const [sig, subjects] of bySignature) {
    const parts = sig.split(',').filter(Boolean).map((p) => p.split('.').map(Number));
    const entries = parts.map(([u, which]): [string, Action] => [uses[u].coordinate, uses[u].decisions[which].action]);
    const fields = Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const key = JSON.stringify(fields);
    const group = groups.get(key);
    if (group) group.subjects.push(...subjects);
    else groups.set(key, { fields, subjects });
  }
  return { subjectIds: [...signatures.keys()], groups: [...groups.values()] };
}

test.each([1, 2, 3, 4, 5])('random request %i: the same subjects and groups as the plain string signatures', (seed) => {
  let state = seed * 7919;
  const random = (n: number) => ((state = (state * 48271) % 2147483647), state % n);
  const recorder = new AccessRecorder();
  const coordinates = ['Customer.email', 'Customer.age', 'Order.amount', 'Customer.email', 'OptOuts.directMarketing', 'Order.id'];
  const uses = coordinates.map((c) => recorder.fieldUse(c, PAIRS[random(PAIRS.length)]));
  const ids = Array.from({ length: 40 }, (_, i) => `c${i}`);
  for (let n = 0; n < 600; n++) uses[random(uses.length)].note(random(2) as 0 | 1, ids[random(ids.length)]);
  const expected = reference(uses);
  expect(expected.groups.length).toBeGreaterThan(1);
  expect(recorder.subjectIds).toEqual(expected.subjectIds);
  expect(JSON.stringify(recorder.accessGroups())).toBe(JSON.stringify(expected.groups));
});

describe('a sealed record (its write started before the answer was built)', () => {
  function sealedAfterOneRead() {
    const recorder = new AccessRecorder();
    const email = recorder.fieldUse('Customer.email', PAIRS[0]);
    email.note(0, 'c1');
    recorder.denied.push({ path: 'early', code: 'FORBIDDEN' });
    recorder.seal();
    return { recorder, email };
  }

  test('refuses a value decided afterwards, so it cannot leave unlogged; the record stays as it was written', () => {
    const { recorder, email } = sealedAfterOneRead();
    const written = JSON.stringify(recorder.accessGroups());
    expect(() => email.note(0, 'c2')).toThrow(/decided after the request's access record was written/);
    // A field first used afterwards too (an explanation may look a plan up: that records nothing).
    const later = recorder.fieldUse('Customer.age', PAIRS[1]);
    expect(() => later.note(1, 'c1')).toThrow(/decided after/);
    expect(JSON.stringify(recorder.accessGroups())).toBe(written);
    expect(recorder.subjectIds).toEqual(['c1']);
  });

  test('takes no exclusion or access-log read any more; refusals are kept apart, to be written after it', () => {
    const { recorder } = sealedAfterOneRead();
    expect(() => recorder.exclusions.push({} as never)).toThrow(TypeError);
    expect(() => recorder.logReads.push({ filter: {}, entries: 1 })).toThrow(TypeError);
    expect(recorder.deniedSinceSealed).toEqual([]);
    recorder.denied.push({ path: '', code: 'REQUEST_TIMEOUT' });
    expect(recorder.deniedSinceSealed).toEqual([{ path: '', code: 'REQUEST_TIMEOUT' }]);
    expect(recorder.sealed).toBe(true);
  });

  test('an open record takes values as before', () => {
    const recorder = new AccessRecorder();
    recorder.fieldUse('Customer.email', PAIRS[0]).note(0, 'c1');
    expect(recorder.sealed).toBe(false);
    expect(recorder.deniedSinceSealed).toEqual([]);
    expect(recorder.subjectIds).toEqual(['c1']);
  });
});
