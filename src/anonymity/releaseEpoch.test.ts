import { releaseEpoch, releaseScopedId } from './releaseEpoch';

const LEVELS = { age: '20-year band', city: 'region', estimatedIncome: 'suppressed' };

test('the same k and levels give the same epoch, whatever order the levels are listed in', () => {
  const reordered = { estimatedIncome: 'suppressed', city: 'region', age: '20-year band' };
  expect(releaseEpoch(5, reordered)).toBe(releaseEpoch(5, LEVELS));
  expect(releaseEpoch(5, LEVELS)).toMatch(/^[0-9a-f]{16}$/);
});

test('another level of any one dimension, or another k, gives another epoch', () => {
  const epochs = new Set([
    releaseEpoch(5, LEVELS),
    releaseEpoch(5, { ...LEVELS, age: '10-year band' }),
    releaseEpoch(5, { ...LEVELS, city: 'as recorded' }),
    releaseEpoch(5, { ...LEVELS, estimatedIncome: '25000 band' }),
    releaseEpoch(10, LEVELS),
  ]);
  expect(epochs.size).toBe(5);
});

test('the scoped id puts the epoch before the id, so ids of one epoch keep one length', () => {
  expect(releaseScopedId('0123456789abcdef', 'c0ffee00-0000-4000-8000-000000000001')).toBe('0123456789abcdef:c0ffee00-0000-4000-8000-000000000001');
});
