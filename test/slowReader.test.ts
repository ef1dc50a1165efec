// A client that asks for a large answer and never reads it: without a bound
// on delivery it would keep the answer in the server's memory, and its share
// of the in-flight budget, for as long as it kept the connection open — a
// handful of such clients would leave no room for anyone else. The answer is
// larger than the kernel's socket buffers (about 4 MB here), so it stays in
// the server's memory until read; PRIVQL_HTTP_RESPONSE_TIMEOUT_MS closes the
// connection and gives the share back.

import net from 'node:net';
import { getOperationAST, parse } from 'graphql';
import { buildPrivqlSchema } from '../src/server/schema';
import { LIST_SIZES } from '../src/server/limits';
import { estimateOperation } from '../src/server/limits/rowBudget';
import { startHarness, type Harness } from './support/harness';

const ALIASES = 25;
const PROFILE = 'id accountNumber name email phone street city postalCode birthDate age estimatedIncome shoppingHabits segment';
const LARGE = `{ ${Array.from({ length: ALIASES }, (_, i) => `a${i}: customers(first: 300) { nodes { ...P } }`).join(' ')} }
  fragment P on Customer { ${PROFILE} optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse } orders { id placedAt amount category channel } }`;

let h: Harness;
beforeAll(async () => {
  const document = parse(LARGE);
  const estimate = estimateOperation(buildPrivqlSchema().schema, document, getOperationAST(document)!, {}, LIST_SIZES);
  h = await startHarness({
    customers: 300,
    env: {
      // One large answer is the whole in-flight budget; the limits that would refuse it are lifted.
      PRIVQL_MAX_ALIASES: String(ALIASES),
      PRIVQL_MAX_COST: '100000000',
      PRIVQL_ROW_BUDGET: String(estimate),
      PRIVQL_IN_FLIGHT_VALUES_PER_PRINCIPAL: String(estimate),
      PRIVQL_IN_FLIGHT_VALUES: String(estimate),
      PRIVQL_REQUEST_TIMEOUT_MS: '20000',
      PRIVQL_HTTP_RESPONSE_TIMEOUT_MS: '3000',
    },
  });
});
afterAll(() => h?.close());

/** Sends `query` over a raw connection that does not read; `drain` then reads what is left, to the end of the connection. */
async function askWithoutReading(query: string, token: string): Promise<{ drain(): Promise<string> }> {
  const url = new URL(h.server.url);
  const body = JSON.stringify({ query });
  const socket = net.connect(Number(url.port), url.hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.pause();
  socket.write(
    [
      `POST ${url.pathname} HTTP/1.1`,
      `Host: ${url.host}`,
      'Content-Type: application/json',
      `Authorization: Bearer ${token}`,
      'X-Purpose: PRIVACY_ADMINISTRATION',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n'),
  );
  return {
    drain: () =>
      new Promise((resolve) => {
        const chunks: Buffer[] = [];
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('error', () => {});
        socket.once('close', () => resolve(Buffer.concat(chunks).toString()));
        socket.resume();
      }),
  };
}

test('a client that does not take its answer loses the connection, and the budget is free for the next', async () => {
  const stalled = await askWithoutReading(LARGE, await h.token('OFFICER'));
  // Asked while the stalled answer holds the whole budget: it waits, and is
  // answered once the stalled connection is closed, before its own deadline.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const next = await h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'OFFICER' });
  expect(next.status).toBe(200);
  expect(next.body.data!.customers.nodes).toHaveLength(1);
  // The stalled client got a 200 whose body was cut off when the server closed the connection.
  const received = await stalled.drain();
  expect(received).toMatch(/^HTTP\/1\.1 200 /);
  const [head, body] = [received.slice(0, received.indexOf('\r\n\r\n')), received.slice(received.indexOf('\r\n\r\n') + 4)];
  const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
  expect(length).toBeGreaterThan(8 * 1024 * 1024);
  expect(Buffer.byteLength(body)).toBeLessThan(length);
});
