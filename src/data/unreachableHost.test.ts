// A database host that does not resolve is reported in one clean line by
// whoever opened it (the CLI, start-up), and nothing else is printed: knex
// would otherwise warn "Acquire connection error" with a stack trace
// (… GetAddrInfoReqWrap.onlookup …) before that line (issue 10, item 9).

import { openDatabase } from './database';

test('an unresolvable host: one error naming it, no password, nothing printed', async () => {
  const printed: unknown[] = [];
  const spies = (['log', 'info', 'warn', 'error'] as const).map((m) => jest.spyOn(console, m).mockImplementation((...args) => void printed.push(args)));
  try {
    const opening = openDatabase({ url: 'postgres://privql:Secret-pw@no-such-host.invalid:5432/privql', connectTimeoutMs: 5_000 });
    await expect(opening).rejects.toThrow(/^cannot use the database \(PostgreSQL server postgres:\/\/privql@no-such-host\.invalid:5432\/privql\): getaddrinfo (ENOTFOUND|EAI_AGAIN) no-such-host\.invalid$/);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  expect(printed).toEqual([]);
});
