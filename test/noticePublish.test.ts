// `npm run notice:publish` on its own database (a PostgreSQL schema, or an
// embedded one in a directory): the first run publishes version 1 and queues
// a notification per customer, the second says unchanged and writes nothing.

import { main } from '../src/cli/noticePublish';
import { seedDatabase } from '../seeds/seed';
import { captureIo, cliDatabase, type CliDatabase } from './support/cliDatabase';

let cli: CliDatabase;
beforeAll(async () => {
  cli = await cliDatabase();
  await cli.use((db) => seedDatabase(db, { customers: 12 }));
});
afterAll(async () => {
  await cli?.drop();
});

const counts = () =>
  cli.use(async (db) => ({
    notices: Number((await db('privacy_notices').count({ n: '*' }).first())!.n),
    outbox: Number((await db('notice_outbox').count({ n: '*' }).first())!.n),
    log: Number((await db('access_log').count({ n: '*' }).first())!.n),
  }));

test('publishes version 1 with one notification per customer, then reports unchanged and writes nothing', async () => {
  const first = captureIo();
  await expect(main([], { ...cli.env, PRIVQL_PRINCIPAL: 'dpo', PRIVQL_OFFICER_CONTACT: 'dpo@shop.example' }, first.io)).resolves.toBe(0);
  expect(first.lines).toEqual(['published version 1: First published version of this notice.', '12 notifications queued']);
  expect(await counts()).toEqual({ notices: 1, outbox: 12, log: 1 });
  const record = await cli.use((db) => db('access_log').first('principal', 'app', 'outcome', 'detail'));
  expect(record).toMatchObject({ principal: 'dpo', app: 'privql-cli', outcome: 'CHANGE', detail: { operation: 'publishPrivacyNotice', version: 1 } });

  const second = captureIo();
  await expect(main([], { ...cli.env, PRIVQL_OFFICER_CONTACT: 'dpo@shop.example' }, second.io)).resolves.toBe(0);
  expect(second.lines).toEqual(['unchanged (version 1)']);
  expect(await counts()).toEqual({ notices: 1, outbox: 12, log: 1 });

  // Another contact is another notice.
  const third = captureIo();
  await expect(main([], { ...cli.env, PRIVQL_OFFICER_CONTACT: 'privacy-team@shop.example' }, third.io)).resolves.toBe(0);
  expect(third.lines[0]).toBe("published version 2: The privacy officer's contact is now privacy-team@shop.example (was dpo@shop.example).");
  expect(await counts()).toEqual({ notices: 2, outbox: 24, log: 2 });
});

test('an unknown argument or no database is a clear error and publishes nothing', async () => {
  const bad = captureIo();
  await expect(main(['--force'], cli.env, bad.io)).resolves.toBe(2);
  expect(bad.lines[0]).toMatch(/^notice:publish: unknown argument: --force/);
  const none = captureIo();
  await expect(main([], {}, none.io)).resolves.toBe(2);
  expect(none.lines[0]).toMatch(/^notice:publish: set DATABASE_URL/);
});
