// Puts the rate limits in front of the context factory. The token is
// verified first (a missing or malformed header costs nothing; a forged one
// one signature check), and then:
// - a verified principal over its limit is refused before anything is read
//   or written, whatever it asks for — so a principal cannot fill the log with
//   refusals (a wrong purpose, say) either;
// - a request without a valid token from an address that has used up its
//   UNAUTHENTICATED allowance is refused before the context factory would
//   look the caller up and log the refusal. A valid token from the same
//   address (an office behind one NAT) still gets through.

import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import { authenticate, type CallerSources } from '../../auth/caller';
import type { TokenClaims } from '../../auth/token';
import type { AccessLog } from '../../audit/accessLogWriter';
import { addressSource } from '../../audit/denialAggregator';
import type { PrivqlContext } from '../context';
import { requestIdsOf, type RequestIds } from '../requestId';
import { rateLimited, type RateLimitReason, type RateLimits } from './rateLimits';

export interface RateLimitedContextDeps {
  rateLimits: RateLimits;
  sources: CallerSources;
  accessLog: AccessLog;
}

export function rateLimitedContext<A extends { req: Request }>(
  contextOf: (args: A & { verification: Promise<TokenClaims> }) => Promise<PrivqlContext>,
  deps: RateLimitedContextDeps,
): (args: A) => Promise<PrivqlContext> {
  return async (args) => {
    // Keyed by network, like the log's denial records: a caller can pick any address of its /24 or /64.
    const source = addressSource(args.req.ip ?? args.req.socket.remoteAddress);
    // Verified once: the context factory is handed this result rather than checking the signature again.
    const verification = authenticate(deps.sources, args.req.headers.authorization);
    const claims = await verification.catch(() => null);
    if (claims) {
      const refused = await deps.rateLimits.takePrincipal(claims.app, claims.sub);
      if (refused) {
        if (refused.firstInWindow) await logRateLimited(deps.accessLog, requestIdsOf(args.req), claims, 'PRINCIPAL_RATE_LIMIT');
        throw rateLimited('PRINCIPAL_RATE_LIMIT', refused.retryAfterS);
      }
    } else {
      const blockedFor = await deps.rateLimits.sourceBlockedFor(source);
      if (blockedFor !== null) throw rateLimited('UNAUTHENTICATED_RATE_LIMIT', blockedFor);
    }
    try {
      return await contextOf({ ...args, verification });
    } catch (err) {
      // The refusal itself was logged by the context factory; the log says once when the address is cut off.
      if (err instanceof GraphQLError && err.extensions.code === 'UNAUTHENTICATED' && (await deps.rateLimits.noteUnauthenticated(source))) {
        await logRateLimited(deps.accessLog, requestIdsOf(args.req), undefined, 'UNAUTHENTICATED_RATE_LIMIT', source);
      }
      throw err;
    }
  };
}

async function logRateLimited(log: AccessLog, ids: RequestIds, claims: TokenClaims | undefined, reason: RateLimitReason, source?: string): Promise<void> {
  await log
    .writeDenied(
      { ...ids, app: claims?.app ?? null, principal: claims?.sub ?? null, role: claims?.role ?? null, purpose: null, view: null },
      { code: 'RATE_LIMITED', reason, ...(source ? { source } : {}) },
    )
    .catch(() => undefined);
}
