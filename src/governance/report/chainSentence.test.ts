// The report's chain sentence says what the check covered, and claims nothing while it is pending.

import { chainSentence } from './sections';
import type { ChainStatus } from './types';

const base: ChainStatus = {
  head: { seq: '120', hash: 'ab'.repeat(32) },
  verified: true,
  mode: 'FULL',
  checked: 120,
  checkedAfterSeq: null,
  fullyVerifiedAt: '2026-01-01T10:00:00.000Z',
  verifiedThroughSeq: '120',
  prunedThroughSeq: null,
  firstBreak: null,
};

test.each<[string, Partial<ChainStatus>, RegExp]>([
  ['FULL', {}, /^The access log's hash chain verifies up to record 120 \(all 120 remaining records checked\)\.$/],
  ['INCREMENTAL', { mode: 'INCREMENTAL', checked: 4, checkedAfterSeq: '116' }, /checked the 4 records written after record 116, which earlier checks found good; the whole log was last checked at 2026-01-01T10:00:00.000Z\. A change to an earlier record is found by the next full check/],
  ['PENDING', { mode: 'PENDING', verified: false, checked: 0, fullyVerifiedAt: null, verifiedThroughSeq: '0' }, /^The access log's hash chain has NOT been checked for this report: .+ Nothing is claimed about it\.$/],
  ['broken', { mode: 'INCREMENTAL', verified: false, verifiedThroughSeq: '7', firstBreak: 'record 8 was changed after it was written (hash mismatch)' }, /^The access log's hash chain is BROKEN: verified up to record 7\. record 8 was changed/],
])('%s', (_, change, sentence) => {
  expect(chainSentence({ ...base, ...change })).toMatch(sentence);
});
