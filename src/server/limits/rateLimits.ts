// Two in-memory rate limits, per server instance (a deployment of N
// instances behind a load balancer allows up to N times as much):
// - each principal (application + sub) may send `principalRateLimit`
//   requests per window;
// - each source address may be refused as UNAUTHENTICATED
//   `unauthenticatedRateLimit` times per window. After that, its requests
//   that carry no valid token are refused with 429 before anything is
//   written, so a flood of bad tokens cannot fill the append-only log.
// - each source address may read the public privacy notice (no token)
//   `principalRateLimit` times per window, as much as one principal may send.
// A request over a limit is answered 429 RATE_LIMITED with Retry-After; the
// first refusal of each window is logged, the rest would only repeat it.

import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RequestLimits } from '../../config';

export type RateLimitReason = 'PRINCIPAL_RATE_LIMIT' | 'UNAUTHENTICATED_RATE_LIMIT' | 'PUBLIC_RATE_LIMIT';

const MESSAGES: Record<RateLimitReason, string> = {
  PRINCIPAL_RATE_LIMIT: 'too many requests from this principal: wait for the time in Retry-After',
  UNAUTHENTICATED_RATE_LIMIT: 'too many requests without a valid token from this network: wait for the time in Retry-After',
  PUBLIC_RATE_LIMIT: 'too many requests for the privacy notice from this network: wait for the time in Retry-After',
};

/** A refusal by a rate limit; `firstInWindow` when it is the first of its window for this key. */
export interface Refusal {
  retryAfterS: number;
  firstInWindow: boolean;
}

export class RateLimits {
  private readonly principals: RateLimiterMemory;
  private readonly failures: RateLimiterMemory;
  private readonly publicReads: RateLimiterMemory;

  constructor(private readonly limits: Pick<RequestLimits, 'principalRateLimit' | 'unauthenticatedRateLimit' | 'rateLimitWindowS'>) {
    this.principals = new RateLimiterMemory({ points: limits.principalRateLimit, duration: limits.rateLimitWindowS });
    this.failures = new RateLimiterMemory({ points: limits.unauthenticatedRateLimit, duration: limits.rateLimitWindowS });
    this.publicReads = new RateLimiterMemory({ points: limits.principalRateLimit, duration: limits.rateLimitWindowS });
  }

  /** Counts `reads` tokenless reads of public fields from `source`; a Refusal when it is over the limit. */
  async takePublic(source: string, reads = 1): Promise<Refusal | null> {
    try {
      await this.publicReads.consume(source, reads);
      return null;
    } catch (res) {
      return refusal(res, this.limits.principalRateLimit);
    }
  }

  /** Counts one request of the principal; a Refusal when it is over the limit. */
  async takePrincipal(app: string, sub: string): Promise<Refusal | null> {
    try {
      await this.principals.consume(JSON.stringify([app, sub]));
      return null;
    } catch (res) {
      return refusal(res, this.limits.principalRateLimit);
    }
  }

  /** Seconds until the source may try again without a valid token, or null when it may now. */
  async sourceBlockedFor(source: string): Promise<number | null> {
    const res = await this.failures.get(source);
    return res && res.consumedPoints >= this.limits.unauthenticatedRateLimit ? retryAfter(res) : null;
  }

  /** Counts one UNAUTHENTICATED refusal of the source; true when this one used up its allowance. */
  async noteUnauthenticated(source: string): Promise<boolean> {
    const res = await this.failures.penalty(source);
    return res.consumedPoints === this.limits.unauthenticatedRateLimit;
  }
}

export function rateLimited(reason: RateLimitReason, retryAfterS: number): GraphQLError {
  return new GraphQLError(MESSAGES[reason], {
    extensions: { code: 'RATE_LIMITED', reason, http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterS)]]) } },
  });
}

function refusal(res: unknown, points: number): Refusal {
  if (!(res instanceof RateLimiterRes)) throw res;
  return { retryAfterS: retryAfter(res), firstInWindow: res.consumedPoints === points + 1 };
}

function retryAfter(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
