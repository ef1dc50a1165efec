// The in-flight budget on its own: shares are taken and given back, waiting
// is first come first served, one principal cannot hold more than its cap,
// and a wait that runs out leaves nothing held.

import { InFlightBudget, Reservation } from './inFlight';

const settledWithin = async <T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> =>
  Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);

test('requests that fit go at once and hold their estimate until released', async () => {
  const budget = new InFlightBudget(10_000);
  const a = await budget.reserve(4_000, 100, 'p');
  const b = await budget.reserve(5_500, 100, 'q');
  expect(budget.available).toBe(0);
  a();
  expect(budget.available).toBe(4_000);
  a();
  expect(budget.available).toBe(4_000);
  b();
  expect(budget.available).toBe(10_000);
  expect(budget.principalsInFlight).toBe(0);
});

test('one that does not fit waits for room, and gets it when an earlier one is released', async () => {
  const budget = new InFlightBudget(10_000);
  const first = await budget.reserve(8_000, 100, 'p');
  const second = budget.reserve(5_000, 5_000, 'q');
  expect(await settledWithin(second, 50)).toBe('pending');
  first();
  expect(await settledWithin(second, 50)).toEqual(expect.any(Function));
  expect(budget.available).toBe(5_000);
});

test('first come, first served: a small request does not overtake a large one waiting before it', async () => {
  const budget = new InFlightBudget(10_000);
  const held = await budget.reserve(6_000, 100, 'p');
  const large = budget.reserve(10_000, 5_000, 'q');
  const small = budget.reserve(1_000, 5_000, 'r');
  // There is room for the small one now, but the large one asked first.
  expect(await settledWithin(small, 50)).toBe('pending');
  held();
  const releaseLarge = await large;
  expect(await settledWithin(small, 50)).toBe('pending');
  releaseLarge();
  expect(await settledWithin(small, 50)).toEqual(expect.any(Function));
});

test("one principal holds at most its cap, and its waiting requests do not stand in other principals' way", async () => {
  const budget = new InFlightBudget(10_000, 5_000);
  const own = await budget.reserve(5_000, 100, 'greedy');
  const more = budget.reserve(1_000, 5_000, 'greedy');
  expect(await settledWithin(more, 50)).toBe('pending');
  // The whole budget has room, and the greedy principal's queue is its own.
  const other = await settledWithin(budget.reserve(5_000, 100, 'other'), 50);
  expect(other).toEqual(expect.any(Function));
  expect(budget.available).toBe(0);
  own();
  (other as () => void)();
  (await more)();
  expect(budget.available).toBe(10_000);
  expect(budget.principalsInFlight).toBe(0);
});

test('a wait that runs out is SERVER_BUSY, and its share comes back to the budget once the queue reaches it', async () => {
  const budget = new InFlightBudget(10_000);
  const held = await budget.reserve(10_000, 100, 'p');
  await expect(budget.reserve(2_000, 30, 'q')).rejects.toMatchObject({ extensions: { code: 'SERVER_BUSY', http: { status: 503 } } });
  await expect(budget.reserve(2_000, 0, 'q')).rejects.toMatchObject({ extensions: { code: 'SERVER_BUSY' } });
  // q's abandoned waits keep their places, and q its own share, until the queue reaches them.
  expect(budget.principalsInFlight).toBe(2);
  held();
  await new Promise((resolve) => setImmediate(resolve));
  expect(budget.available).toBe(10_000);
  expect(budget.principalsInFlight).toBe(0);
});

test('a request whose deadline has passed still gets room that is free now (its statements meet the deadline instead)', async () => {
  const budget = new InFlightBudget(10_000);
  const release = await budget.reserve(2_000, -50, 'p');
  expect(budget.available).toBe(8_000);
  release();
});

test('every request holds at least one unit; one larger than the budget waits for all of it instead of forever', async () => {
  const budget = new InFlightBudget(3_000);
  const tiny = await budget.reserve(0, 100, 'p');
  expect(budget.available).toBe(2_000);
  const huge = budget.reserve(1_000_000, 5_000, 'q');
  expect(await settledWithin(huge, 30)).toBe('pending');
  tiny();
  (await huge)();
  expect(budget.available).toBe(3_000);
});

test('a reservation is given back once all its ends have come, each counted once; granted after them, at once', async () => {
  const budget = new InFlightBudget(5_000);
  const reservation = new Reservation(['answered', 'gone']);
  reservation.grant(await budget.reserve(2_000, 100, 'p'));
  reservation.end('gone');
  reservation.end('gone');
  expect(budget.available).toBe(3_000);
  reservation.end('answered');
  expect(budget.available).toBe(5_000);

  const late = new Reservation(['answered']);
  late.end('answered');
  late.grant(await budget.reserve(5_000, 100, 'p'));
  expect(budget.available).toBe(5_000);
});
