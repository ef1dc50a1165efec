// The in-flight budget: how many values (the row budget's estimate, rows x
// fields) all requests of this process may hold at once. The row budget
// bounds one request; fifty clients each under it could together hold more
// than the process has memory for (bench:compare's 50 x `first: 500` reached
// 485 MiB of a 512 MiB target with nothing to stop it). A request whose
// estimate does not fit waits, first come first served, for requests ahead of
// it to finish; one that cannot start before its deadline is answered 503
// SERVER_BUSY with Retry-After, having read nothing.
//
// A request's share is taken once Apollo has resolved the operation (by the
// row-budget plugin, which knows the estimate) and given back when its
// response has left the server: the answer, serialized, is held until its
// access record commits (responseGate.ts), so "answered" is not "sent".

import { HeaderMap } from '@apollo/server';
import { Semaphore, withTimeout, E_TIMEOUT } from 'async-mutex';
import { GraphQLError } from 'graphql';

export const SERVER_BUSY_MESSAGE = 'the server is answering as much as it can hold at once: try again after the time in Retry-After, or ask for less';

// async-mutex's semaphore walks its waiters one weight unit at a time on
// every release, so weights are counted in thousands of values: the budget is
// a few hundred units, not a few hundred thousand.
const VALUES_PER_UNIT = 1000;

/** Gives back a request's share; calling it again does nothing. */
export type Release = () => void;

export class InFlightBudget {
  private readonly semaphore: Semaphore;
  readonly units: number;

  /** `values`: what all requests may hold at once (at least one request's row budget). */
  constructor(values: number) {
    this.units = Math.max(1, Math.floor(values / VALUES_PER_UNIT));
    this.semaphore = new Semaphore(this.units);
  }

  /** Values not held by any request now (tests and the operator's view). */
  get available(): number {
    return this.semaphore.getValue() * VALUES_PER_UNIT;
  }

  /**
   * Waits up to `waitMs` for room for `values`, then holds it until released.
   * Rejects with SERVER_BUSY when the wait runs out; what it would have held
   * is then given back as soon as the queue reaches it.
   */
  async reserve(values: number, waitMs: number): Promise<Release> {
    // A request asking for nothing still holds its answer; one over the
    // whole budget (a row budget set above it) waits for all of it.
    const units = Math.min(this.units, Math.max(1, Math.ceil(values / VALUES_PER_UNIT)));
    if (waitMs <= 0) throw serverBusy();
    try {
      const [, release] = await withTimeout(this.semaphore, waitMs).acquire(units);
      return release;
    } catch (err) {
      if (err === E_TIMEOUT) throw serverBusy();
      throw err;
    }
  }
}

/** A request that found no room before its deadline: nothing was read. */
export function serverBusy(): GraphQLError {
  return new GraphQLError(SERVER_BUSY_MESSAGE, {
    extensions: { code: 'SERVER_BUSY', http: { status: 503, headers: new HeaderMap([['retry-after', '1']]) } },
  });
}

/**
 * One request's share, whichever comes first: the share granted or the
 * response gone. A share granted after its response has gone (another plugin
 * refused the request while this one waited) is given back at once.
 */
export class Reservation {
  private release?: Release;
  private ended = false;

  grant(release: Release): void {
    if (this.ended) release();
    else this.release = release;
  }

  end(): void {
    this.ended = true;
    this.release?.();
    this.release = undefined;
  }
}
