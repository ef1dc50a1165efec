// Released rows against the field guard's own decisions (RequestPrivacy):
// a released row holds the decided value of each shown field and null in
// every other released field, every shown value is recorded, and untagged
// rows (or rows released twice) are refused.

import { responsePathAsArray } from 'graphql';
import { addPath } from 'graphql/jsutils/Path';
import { UnguardedAccessError } from '../../directives/guard';
import { buildPrivqlSchema } from '../server/schema';
import { ROLE_POLICY, viewFor } from '../policy/roles';
import type { Purpose, Role } from '../policy/vocabulary';
import { RequestPrivacy } from './requestPrivacy';
import { isReleased, releaseRows, type ReleaseShape } from './releasedRows';
import { tag, type Subject } from './subject';

const { catalog } = buildPrivqlSchema();
const KEY = new Uint8Array(32).fill(7);

function privacyOf(role: Role, purpose: Purpose): RequestPrivacy {
  return new RequestPrivacy(catalog, { view: viewFor(ROLE_POLICY, role, purpose)!, purpose }, KEY);
}

const rows = () => [
  tag({ id: '00000000-0000-4000-8000-000000000001', name: 'Ada Lovelace', email: 'ada@example.com', religion: 'none', phone: '+1 555 0101' }, { id: 'c1', sensitiveDataUseOptedOut: false }),
  tag({ id: '00000000-0000-4000-8000-000000000002', name: 'Alan Turing', email: 'alan@example.com', religion: 'none', phone: '+1 555 0102' }, { id: 'c2', sensitiveDataUseOptedOut: true }),
];
const slot = (key: string, field: string, sets = true) => ({ key, field, coordinate: `Customer.${field}`, sets });
const AT = addPath(undefined, 'customers', 'Query');

function shape(slots: ReturnType<typeof slot>[]): ReleaseShape {
  const shown = new Set(slots.map((s) => s.field));
  return { typeName: 'Customer', places: [[{ keys: { before: 'nodes' }, slots }]], listed: true, complete: true, unshown: ['id', 'name', 'email', 'religion', 'phone'].filter((f) => !shown.has(f)) };
}

test.each([
  ['AGENT', 'CUSTOMER_SERVICE'],
  ['MARKETER', 'DIRECT_MARKETING'],
  ['PARTNER', 'THIRD_PARTY_DISCLOSURE'],
] as Array<[Role, Purpose]>)('%s: each shown value is what the guard would return, and only shown fields are there', (role, purpose) => {
  const released = releaseRows(privacyOf(role, purpose), rows(), shape([slot('id', 'id'), slot('mail', 'email'), slot('religion', 'religion')]), AT, () => null);
  const guard = privacyOf(role, purpose);
  rows().forEach((row, i) => {
    const out = released[i] as Record<string, unknown>;
    expect(isReleased(out)).toBe(true);
    // name and phone were read but not shown: their raw values are gone.
    expect(out).toMatchObject({ name: null, phone: null });
    for (const field of ['id', 'email', 'religion'] as const) {
      const subject: Subject = { id: `c${i + 1}`, sensitiveDataUseOptedOut: i === 1 };
      const decision = guard.decide(`Customer.${field}`, subject);
      const expected = decision.action === 'OMITTED' ? null : guard.transform(`Customer.${field}`, decision, row[field], subject);
      expect(out[field]).toEqual(expected);
    }
  });
});

test('every shown value is recorded once per response key; paths are kept where the decision varies by customer', () => {
  const privacy = privacyOf('AGENT', 'CUSTOMER_SERVICE');
  releaseRows(privacy, rows(), shape([slot('a', 'email'), slot('b', 'email', false), slot('religion', 'religion')]), AT, () => null);
  const uses = new Map(privacy.recorder.fieldUses.map((use) => [use.coordinate, use]));
  expect(uses.get('Customer.email')!.subjects[0]).toEqual(['c1', 'c2']);
  const religion = uses.get('Customer.religion')!;
  expect(privacy.plan('Customer.religion').uniform).toBe(false);
  expect(religion.subjects).toEqual([['c1'], ['c2']]);
  expect(religion.paths.map((paths) => paths.map(responsePathAsArray))).toEqual([[['customers', 'nodes', 0, 'religion']], [['customers', 'nodes', 1, 'religion']]]);
  expect(uses.get('Customer.email')!.paths).toEqual([[], []]);
});

test('an untagged row is refused, not released', () => {
  const untagged = [{ id: 'x', email: 'raw@example.com' }];
  expect(() => releaseRows(privacyOf('AGENT', 'CUSTOMER_SERVICE'), untagged, shape([slot('email', 'email')]), AT, () => null)).toThrow(UnguardedAccessError);
});

test('only released rows are released rows, and a row is released once', () => {
  expect(isReleased(rows()[0])).toBe(false);
  expect(isReleased({ released: true })).toBe(false);
  const page = rows();
  releaseRows(privacyOf('MARKETER', 'DIRECT_MARKETING'), page, shape([slot('name', 'name')]), AT, () => null);
  // Again would mask the masked name: refused.
  expect(() => releaseRows(privacyOf('MARKETER', 'DIRECT_MARKETING'), page, shape([slot('name', 'name')]), AT, () => null)).toThrow(/released twice/);
});
