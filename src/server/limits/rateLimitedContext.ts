// Puts the rate limits in front of the context factory: a source address
// that has used up its UNAUTHENTICATED allowance is refused before its token
// is looked at any further than a signature check (a valid token from the
// same address, e.g. behind one NAT, still gets through), and a verified
// principal over its own limit is refused before anything is read.

import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { GraphQLError } from 'graphql';
import { authenticate, type CallerSources } from '../../auth/caller';
import type { AccessLog } from '../../audit/accessLogWriter';
import type { PrivqlContext } from '../context';
import { rateLimited, type RateLimitReason, type RateLimits } from './rateLimits';

export interface RateLimitedContextDeps {
  rateLimits: RateLimits;
  sources: CallerSources;
  accessLog: AccessLog;
}

export function rateLimitedContext<A extends { req: Request }>(
  contextOf: (args: A) => Promise<PrivqlContext>,
  deps: RateLimitedContextDeps,
): (args: A) => Promise<PrivqlContext> {
  return async (args) => {
    const source = sourceAddress(args.req);
    const blockedFor = await deps.rateLimits.sourceBlockedFor(source);
    if (blockedFor !== null && !(await hasValidToken(deps.sources, args.req.headers.authorization))) {
      throw rateLimited('UNAUTHENTICATED_RATE_LIMIT', blockedFor);
    }
    let ctx: PrivqlContext;
    try {
      ctx = await contextOf(args);
    } catch (err) {
      // The refusal itself was logged by the context factory; the log says once when the source is cut off.
      if (err instanceof GraphQLError && err.extensions.code === 'UNAUTHENTICATED' && (await deps.rateLimits.noteUnauthenticated(source))) {
        await logRateLimited(deps.accessLog, undefined, 'UNAUTHENTICATED_RATE_LIMIT');
      }
      throw err;
    }
    const refused = await deps.rateLimits.takePrincipal(ctx.caller.app, ctx.caller.sub);
    if (refused) {
      if (refused.firstInWindow) await logRateLimited(deps.accessLog, ctx, 'PRINCIPAL_RATE_LIMIT');
      throw rateLimited('PRINCIPAL_RATE_LIMIT', refused.retryAfterS);
    }
    return ctx;
  };
}

export function sourceAddress(req: Request): string {
  return (req.ip ?? req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}

async function hasValidToken(sources: CallerSources, authorization: string | undefined): Promise<boolean> {
  return authenticate(sources, authorization).then(
    () => true,
    () => false,
  );
}

async function logRateLimited(log: AccessLog, ctx: PrivqlContext | undefined, reason: RateLimitReason): Promise<void> {
  const caller = ctx?.caller;
  await log
    .writeDenied(
      {
        requestId: ctx?.requestId ?? randomUUID(),
        app: caller?.app ?? null,
        principal: caller?.sub ?? null,
        role: caller?.role ?? null,
        purpose: caller?.purpose ?? null,
        view: caller?.view?.name ?? null,
      },
      { code: 'RATE_LIMITED', reason },
    )
    .catch(() => undefined);
}
