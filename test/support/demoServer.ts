// For tests that compare demo mode off and on: a harness (demo off) and a
// second server on the same database with demo mode on, plus the plain HTTP
// calls such tests make without a token.

import { startPrivqlServer, type PrivqlServer } from '../../src/server/app';
import { startHarness, type Harness } from './harness';
import { perFile } from './perFile';

export interface DemoOffAndOn {
  /** Demo mode off; also the database both servers use. */
  h: Harness;
  demo: PrivqlServer;
}

export function harnessWithDemoServer(customers: number): DemoOffAndOn {
  return perFile(
    async () => {
      const h = await startHarness({ customers });
      return { h, demo: await startPrivqlServer({ config: { ...h.config, demo: true }, db: h.db, port: 0 }) };
    },
    async ({ h, demo }) => {
      await demo?.stop();
      await h?.close();
    },
  );
}

/** `http://127.0.0.1:port` of a server whose url ends in /graphql. */
export const originOf = (server: PrivqlServer): string => new URL(server.url).origin;

/** A JSON POST to `path` on the server, as a browser page's script would send it. */
export const postJson = (server: PrivqlServer, path: string, body: unknown): Promise<Response> =>
  fetch(`${originOf(server)}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A GraphQL call with a token a demo endpoint minted, for the purpose it is used for. */
export const graphqlWithToken = (server: PrivqlServer, minted: { token: string; purpose: string }, query: string) =>
  fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${minted.token}`, 'x-purpose': minted.purpose },
    body: JSON.stringify({ query }),
  }).then((r) => r.json());
