// Self-service writes racing each other on a PostgreSQL server (PGlite has one
// connection and runs them one after another). Every transaction locks the
// customer's row before that customer's requests; with the opposite order in
// one of them, a confirmation racing a new proposal, or an officer's review
// racing the erasure, deadlocks (40P01) and one caller gets an internal error.

import { verifyAccessLog } from '../src/audit/chainAudit';
import { describeOnServer } from './support/onServer';
import { startHarness, type GraphQLResponse, type Harness } from './support/harness';
import { asCustomer, CONFIRM, PROPOSE } from './support/selfService';

const REVIEW = 'mutation($id: ID!) { reviewChangeRequest(id: $id, approve: true) { status } }';
const PROCESS = 'mutation($id: ID!) { processErasure(id: $id) { status } }';

/** The error codes of a response; a caller may be told "not any more", never an internal error. */
const codes = (r: GraphQLResponse) => (r.body.errors ?? []).map((e) => e.extensions?.code);
const EXPECTED_REFUSALS = ['BAD_USER_INPUT', 'FORBIDDEN'];

describeOnServer('self-service writes racing each other (PostgreSQL server)', () => {
  let h: Harness;
  let customers: string[];
  beforeAll(async () => {
    h = await startHarness({ customers: 12 });
    customers = (await h.db.knex('customers').orderBy('id').limit(6).select('id')).map((r) => r.id);
  });
  afterAll(() => h?.close());

  test('a confirmation racing a new proposal from the same customer: both answered, never an internal error', async () => {
    const answers: GraphQLResponse[] = [];
    for (let round = 0; round < 8; round++) {
      await Promise.all(
        customers.map(async (id, i) => {
          const as = asCustomer(h, id);
          const first = (await as(PROPOSE, { input: { email: `round${round}.first${i}@example.com` } })).body.data!.proposeProfileChange;
          answers.push(...(await Promise.all([as(CONFIRM, { id: first.id }), as(PROPOSE, { input: { email: `round${round}.second${i}@example.com` } })])));
        }),
      );
    }
    expect(answers.flatMap(codes).filter((c) => !EXPECTED_REFUSALS.includes(c as string))).toEqual([]);
    expect(answers.filter((r) => !r.body.errors).length).toBeGreaterThan(answers.length / 2);
  });

  test("the officer's review racing the erasure of the same customer: one of them wins, the other is told, the log verifies", async () => {
    const pending = [];
    for (const id of customers) {
      const as = asCustomer(h, id);
      const proposal = (await as(PROPOSE, { input: { name: 'Renamed Person' } })).body.data!.proposeProfileChange;
      expect((await as(CONFIRM, { id: proposal.id })).body.data!.confirmProfileChange.status).toBe('PENDING_REVIEW');
      const erasure = (await as('mutation { requestErasure { id } }')).body.data!.requestErasure;
      pending.push({ as, change: proposal.id, erasure: erasure.id });
    }
    const answers = (
      await Promise.all(
        pending.map(({ as, change, erasure }) =>
          Promise.all([
            h.graphql(REVIEW, { role: 'OFFICER', variables: { id: change } }),
            h.graphql(PROCESS, { role: 'OFFICER', variables: { id: erasure } }),
            as(PROPOSE, { input: { email: 'late@example.com' } }),
          ]),
        ),
      )
    ).flat();
    const held = await h.db.knex('customers').whereIn('id', customers).select('name', 'erased_at');
    expect(held).toEqual(customers.map(() => ({ name: null, erased_at: expect.any(Date) })));
    expect(answers.flatMap(codes).filter((c) => !EXPECTED_REFUSALS.includes(c as string))).toEqual([]);
    expect((await verifyAccessLog(h.db.knex)).ok).toBe(true);
  });

  test('a review waiting for the customer holds no lock on the request, so the erasure holding the customer can finish', async () => {
    const id = (await h.db.knex('customers').whereNull('erased_at').orderBy('id', 'desc').first('id')).id;
    const as = asCustomer(h, id);
    const proposal = (await as(PROPOSE, { input: { name: 'Another Name' } })).body.data!.proposeProfileChange;
    await as(CONFIRM, { id: proposal.id });
    // What processErasure does, step by step: the customer's row, then the customer's requests.
    const erasure = await h.db.knex.transaction();
    try {
      await erasure('customers').where({ id }).forUpdate().first('id');
      const review = h.graphql(REVIEW, { role: 'OFFICER', variables: { id: proposal.id } });
      await waitForLockWait(h);
      await erasure('change_requests').where({ id: proposal.id }).update({ status: 'CANCELLED' });
      await erasure.commit();
      expect(codes(await review)).toEqual(['BAD_USER_INPUT']); // "this change request is CANCELLED"
    } finally {
      if (!erasure.isCompleted()) await erasure.rollback();
    }
  });
});

/** Resolves once some session of the test database waits for a row lock. */
async function waitForLockWait(h: Harness): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await h.db.knex.raw(`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()`);
    if (rows[0].n > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the review never waited for the customer row');
}
