// The in-flight budget on its own: shares are taken and given back, waiting
// is first come first served, and a wait that runs out leaves nothing held.

import { InFlightBudget, Reservation } from './inFlight';

const settledWithin = async <T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);

test('requests that fit go at once and hold their estimate until released', async () => {
  const budget = new InFlightBudget(10_000);
  const a = await budget.reserve(4_000, 100);
  const b = await budget.reserve(5_500, 100);
  expect(budget.available).toBe(0);
  a();
  expect(budget.available).toBe(4_000);
  a();
  expect(budget.available).toBe(4_000);
  b();
  expect(budget.available).toBe(10_000);
});

test('one that does not fit waits for room, and gets it when an earlier one is released', async () => {
  const budget = new InFlightBudget(10_000);
  const first = await budget.reserve(8_000, 100);
  const second = budget.reserve(5_000, 5_000);
  expect(await settledWithin(second, 50)).toBe('pending');
  first();
  const release = await settledWithin(second, 50);
  expect(release).toEqual(expect.any(Function));
  expect(budget.available).toBe(5_000);
});

test('first come, first served: a small request does not overtake a large one waiting before it', async () => {
  const budget = new InFlightBudget(10_000);
  const held = await budget.reserve(6_000, 100);
  const large = budget.reserve(10_000, 5_000);
  const small = budget.reserve(1_000, 5_000);
  // There is room for the small one now, but the large one asked first.
  expect(await settledWithin(small, 50)).toBe('pending');
  held();
  const releaseLarge = await large;
  expect(await settledWithin(small, 50)).toBe('pending');
  releaseLarge();
  expect(await settledWithin(small, 50)).toEqual(expect.any(Function));
});

test('a wait that runs out is SERVER_BUSY, and its share comes back to the budget once the queue reaches it', async () => {
  const budget = new InFlightBudget(10_000);
  const held = await budget.reserve(10_000, 100);
  await expect(budget.reserve(2_000, 30)).rejects.toMatchObject({ extensions: { code: 'SERVER_BUSY', http: { status: 503 } } });
  await expect(budget.reserve(2_000, 0)).rejects.toMatchObject({ extensions: { code: 'SERVER_BUSY' } });
  held();
  await new Promise((resolve) => setImmediate(resolve));
  expect(budget.available).toBe(10_000);
});

test('every request holds at least one unit; one larger than the budget waits for all of it instead of forever', async () => {
  const budget = new InFlightBudget(3_000);
  const tiny = await budget.reserve(0, 100);
  expect(budget.available).toBe(2_000);
  const huge = budget.reserve(1_000_000, 5_000);
  expect(await settledWithin(huge, 30)).toBe('pending');
  tiny();
  (await huge)();
  expect(budget.available).toBe(3_000);
});

test('a reservation granted after its response is gone is given back at once; ending twice is harmless', async () => {
  const budget = new InFlightBudget(5_000);
  const early = new Reservation();
  early.grant(await budget.reserve(2_000, 100));
  expect(budget.available).toBe(3_000);
  early.end();
  early.end();
  expect(budget.available).toBe(5_000);

  const late = new Reservation();
  late.end();
  late.grant(await budget.reserve(5_000, 100));
  expect(budget.available).toBe(5_000);
});
