// The rate limits need the verified caller before the context does; the
// signature is checked once per request and the result handed on.

import type { Request } from 'express';
import { mintToken, createTokenVerifier, type TokenVerifier } from '../../auth/token';
import type { PrivqlContext } from '../context';
import { rateLimitedContext } from './rateLimitedContext';
import { RateLimits } from './rateLimits';

const SECRET = 's'.repeat(40);

function countingVerifier(): TokenVerifier & { calls: number } {
  const real = createTokenVerifier({ secret: SECRET });
  const counting = { calls: 0, verify: (token: string) => (counting.calls++, real.verify(token)) };
  return counting;
}

test('the token is verified once, and the context is handed the verified claims', async () => {
  const verifier = countingVerifier();
  const token = await mintToken({ secret: SECRET, sub: 'agent-1', role: 'AGENT', app: 'crm-console' });
  let handed: unknown;
  const contextOf = rateLimitedContext(
    async ({ verification }) => {
      handed = await verification;
      return {} as PrivqlContext;
    },
    {
      rateLimits: new RateLimits({ principalRateLimit: 10, unauthenticatedRateLimit: 10, rateLimitWindowS: 60 }),
      sources: { verifier, applications: { find: async () => undefined } },
      accessLog: { writeRequest: async () => undefined, writeDenied: async () => undefined },
    },
  );
  await contextOf({ req: { headers: { authorization: `Bearer ${token}` }, ip: '127.0.0.1', socket: {} } as unknown as Request });
  expect(verifier.calls).toBe(1);
  expect(handed).toEqual({ sub: 'agent-1', role: 'AGENT', app: 'crm-console' });
});
