// The report's chain check on a server (src/audit/verifiedChain.ts): a report
// reads only the records written since the last check and says so; a change
// to an older record is left to the next full check, which finds it; a
// change to a newer record is found by the report itself; and a break, once
// found, stays reported.

import { VerifiedChain } from '../src/audit/verifiedChain';
import { loadConfig } from '../src/config';
import { withoutTriggers } from './support/cliDatabase';
import { startHarness, type Harness } from './support/harness';

const REPORT = `query ($from: String!, $to: String!) { privacyReport(from: $from, to: $to) {
  chain { headSeq verified mode checked checkedAfterSeq fullyVerifiedAt verifiedThroughSeq firstBreak } json
} }`;
const PERIOD = { from: '2000-01-01', to: '2000-02-01' };

let h: Harness;
const someRequests = async (n: number) => {
  for (let i = 0; i < n; i++) await h.graphql('{ customers(first: 2) { nodes { id } } }', { role: 'AGENT' });
};
beforeAll(async () => {
  h = await startHarness({ customers: 20 });
  for (const role of ['AGENT', 'MARKETER', 'ANALYST'] as const) await h.graphql('{ customers(first: 3) { nodes { id } } }', { role });
  await someRequests(10);
});
afterAll(() => h?.close());

async function report() {
  const res = await h.graphql(REPORT, { role: 'OFFICER', variables: PERIOD });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.privacyReport as { chain: Record<string, unknown>; json: string };
}
const lastSeq = async () => String((await h.db.knex('access_log').max({ seq: 'seq' }).first())!.seq);
const principalOf = async (seq: string) => (await h.db.knex('access_log').where({ seq }).first()).principal as string;
const setPrincipal = (seq: string, principal: string) => withoutTriggers(h.db.knex, (trx) => trx('access_log').where({ seq }).update({ principal }));

describe('through the server (sequential: a break is remembered for the life of the server)', () => {
  test('a report checks only the records written since the last check, and says so', async () => {
    expect((await h.server.chain.verifyFully()).ok).toBe(true);
    const verifiedThrough = await lastSeq();
    await someRequests(3);
    const through = await lastSeq();
    const { chain, json } = await report();
    expect(chain).toMatchObject({ verified: true, mode: 'INCREMENTAL', checkedAfterSeq: verifiedThrough, verifiedThroughSeq: chain.headSeq, firstBreak: null });
    // The records before the last check were not read again.
    expect(chain.checked).toBe(Number(through) - Number(verifiedThrough));
    expect(chain.checked).toBe(3);
    expect(Number(through)).toBeGreaterThan(13);
    expect(Date.parse(chain.fullyVerifiedAt as string)).toBeLessThanOrEqual(Date.now());
    expect(JSON.parse(json).chain).toMatchObject({ mode: 'INCREMENTAL', checkedAfterSeq: verifiedThrough });
  });

  test('an OLD record changed after the last full check: reports rest on that check until the next full one finds it, then say BROKEN for good', async () => {
    await report();
    const victim = (await h.db.knex('access_log').where({ role: 'MARKETER' }).orderBy('seq').first()).seq as string;
    const original = await principalOf(victim);
    const tamperedAt = Date.now();
    await setPrincipal(victim, 'someone-else');

    const before = (await report()).chain;
    expect(before).toMatchObject({ verified: true, mode: 'INCREMENTAL' });
    expect(Date.parse(before.fullyVerifiedAt as string)).toBeLessThan(tamperedAt);

    const full = await h.server.chain.verifyFully();
    expect(full).toMatchObject({ ok: false, mode: 'FULL', firstBreak: { seq: String(victim), problem: 'HASH_MISMATCH' } });
    const after = (await report()).chain;
    expect(after).toMatchObject({ verified: false, verifiedThroughSeq: String(BigInt(victim) - 1n) });
    expect(after.firstBreak).toContain(`record ${victim} was changed after it was written`);

    // Put back: the log verifies again, but this server keeps saying it was broken.
    await setPrincipal(victim, original);
    await someRequests(1);
    expect((await h.server.chain.verifyFully()).ok).toBe(false);
    expect((await report()).chain).toMatchObject({ verified: false, firstBreak: after.firstBreak });
  });
});

describe('a check of its own (the log was put back above)', () => {
  test('a NEW record changed after the last check is found by the next report-time check, and stays found', async () => {
    const chain = new VerifiedChain(h.db.knex);
    try {
      expect((await chain.verifyFully()).ok).toBe(true);
      const goodThrough = await lastSeq();
      await someRequests(2);
      const victim = await lastSeq();
      const original = await principalOf(victim);
      await setPrincipal(victim, 'someone-else');
      expect(await chain.check()).toMatchObject({ ok: false, mode: 'INCREMENTAL', checkedAfterSeq: goodThrough, firstBreak: { seq: victim, problem: 'HASH_MISMATCH' } });
      await setPrincipal(victim, original);
      const again = await chain.check();
      expect(again).toMatchObject({ ok: false, firstBreak: { seq: victim } });
    } finally {
      await chain.stop();
    }
  });

  test('before the first full check completes a report waits a moment, then says PENDING and claims nothing', async () => {
    const chain = new VerifiedChain(h.db.knex, { waitMs: 200 });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Holding the log's table keeps the full check from reading it.
    const lock = h.db.knex.transaction(async (trx) => {
      await trx.raw('LOCK TABLE access_log IN ACCESS EXCLUSIVE MODE');
      await held;
    });
    try {
      await new Promise((r) => setTimeout(r, 50));
      expect(await chain.check()).toMatchObject({ mode: 'PENDING', ok: false, firstBreak: null, fullyVerifiedAt: null, verifiedThroughSeq: '0' });
    } finally {
      release();
      await lock;
    }
    const done = await chain.check();
    expect(done).toMatchObject({ mode: 'INCREMENTAL', ok: true });
    expect(done.fullyVerifiedAt).toBeInstanceOf(Date);
    await chain.stop();
  });
});

test('PRIVQL_CHAIN_VERIFY_INTERVAL_S: 900 s unless set; anything but a positive whole number of seconds is refused', () => {
  expect(loadConfig({}).chainVerifyIntervalS).toBe(900);
  expect(loadConfig({ PRIVQL_CHAIN_VERIFY_INTERVAL_S: '60' }).chainVerifyIntervalS).toBe(60);
  for (const bad of ['0', '-5', '1.5', 'soon']) {
    expect(() => loadConfig({ PRIVQL_CHAIN_VERIFY_INTERVAL_S: bad })).toThrow('PRIVQL_CHAIN_VERIFY_INTERVAL_S must be a positive whole number of seconds');
  }
});
