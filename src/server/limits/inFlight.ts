// The in-flight budget: how many values (the row budget's estimate, rows x
// fields) all requests of this process may hold at once, and how many of
// them one principal may hold. The row budget bounds one request; fifty
// clients each under it could together hold more than the process has
// memory for (bench:compare's 50 x `first: 500` reached 485 MiB of a 512 MiB
// target with nothing to stop it). A request whose estimate does not fit
// waits, first come first served, for requests ahead of it to finish; one
// that cannot start before its deadline is answered 503 SERVER_BUSY with
// Retry-After, having read nothing. The principal's own cap keeps one caller
// (many slow readers, say) from holding the whole budget.
//
// A request's share is taken once Apollo has resolved the operation (by the
// row-budget plugin, which knows the estimate) and given back only when the
// request is both answered and off the connection (Reservation below).

import { HeaderMap } from '@apollo/server';
import { Semaphore } from 'async-mutex';
import { GraphQLError } from 'graphql';

export const SERVER_BUSY_MESSAGE = 'the server is answering as much as it can hold at once: try again after the time in Retry-After, or ask for less';
const RETRY_AFTER_S = 2;

// async-mutex's semaphore walks its waiters one weight unit at a time on
// every release, so weights are counted in thousands of values: the budget is
// a few hundred units, not a few hundred thousand (config.ts caps it).
const VALUES_PER_UNIT = 1000;
const unitsOf = (values: number) => Math.max(1, Math.ceil(values / VALUES_PER_UNIT));

/** Gives back a request's share; calling it again does nothing. */
export type Release = () => void;

/** A principal's own semaphore, kept while any of its requests holds or waits for a share. */
interface PrincipalShare {
  semaphore: Semaphore;
  users: number;
}

export class InFlightBudget {
  private readonly semaphore: Semaphore;
  private readonly principals = new Map<string, PrincipalShare>();
  readonly units: number;
  private readonly principalUnits: number;

  /** `values`: what all requests may hold at once; `perPrincipal`: what one principal's may (both at least one request's row budget). */
  constructor(values: number, perPrincipal: number = values) {
    this.units = unitsOf(values);
    this.principalUnits = Math.min(this.units, unitsOf(perPrincipal));
    this.semaphore = new Semaphore(this.units);
  }

  /** Values not held by any request now (for tests: nothing reports it yet). */
  get available(): number {
    return this.semaphore.getValue() * VALUES_PER_UNIT;
  }

  /** Principals holding or waiting for a share now. */
  get principalsInFlight(): number {
    return this.principals.size;
  }

  /**
   * Waits up to `waitMs` for room for `values`, in the principal's own share
   * and then in the whole budget, and holds it until released. Rejects with
   * SERVER_BUSY when the wait runs out; whatever it would have held is then
   * given back as soon as the queue reaches it.
   */
  async reserve(values: number, waitMs: number, principal: string): Promise<Release> {
    // A request asking for nothing still holds its answer; one over the
    // whole budget (a row budget set above it) waits for all of it.
    const units = Math.min(this.principalUnits, unitsOf(values));
    const until = Date.now() + waitMs;
    const share = this.principalShare(principal);
    const leave = () => this.leave(principal, share);
    // A wait that runs out leaves its place in the queue behind (see
    // acquireWithin); until that place is reached and given back, the
    // principal keeps what it held, so one principal's abandoned waits in the
    // whole budget's queue are bounded by its own share.
    const releaseOwn = await acquireWithin(share.semaphore, units, until, leave);
    const releaseAll = await acquireWithin(this.semaphore, units, until, () => {
      releaseOwn();
      leave();
    });
    return once(() => {
      releaseAll();
      releaseOwn();
      leave();
    });
  }

  private principalShare(principal: string): PrincipalShare {
    let share = this.principals.get(principal);
    if (!share) this.principals.set(principal, (share = { semaphore: new Semaphore(this.principalUnits), users: 0 }));
    share.users++;
    return share;
  }

  private leave(principal: string, share: PrincipalShare): void {
    if (--share.users === 0) this.principals.delete(principal);
  }
}

/**
 * A share of `semaphore` by `until`; a wait with no time left still takes
 * room that is free now. async-mutex cannot take a waiter out of its queue:
 * one that runs out of time keeps its place, and when that place is reached
 * the share is given back at once and `afterLateGrant` runs.
 */
function acquireWithin(semaphore: Semaphore, units: number, until: number, afterLateGrant: () => void): Promise<Release> {
  const acquiring = semaphore.acquire(units);
  return new Promise((resolve, reject) => {
    let timedOut = false;
    // Unref'd: a wait keeps nothing alive that its request does not.
    const timer = setTimeout(() => {
      timedOut = true;
      void acquiring.then(([, release]) => {
        release();
        afterLateGrant();
      });
      reject(serverBusy());
    }, Math.max(0, until - Date.now())).unref();
    void acquiring.then(([, release]) => {
      if (timedOut) return;
      clearTimeout(timer);
      resolve(release);
    });
  });
}

function once(release: Release): Release {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    release();
  };
}

/** A request that found no room before its deadline: nothing was read. */
export function serverBusy(): GraphQLError {
  return new GraphQLError(SERVER_BUSY_MESSAGE, {
    extensions: { code: 'SERVER_BUSY', http: { status: 503, headers: new HeaderMap([['retry-after', String(RETRY_AFTER_S)]]) } },
  });
}

/**
 * One request's share, given back once every one of `ends` has come (each
 * counts once) — over HTTP, the answer handed to the response and the
 * connection done with it: a client that leaves early must not free room for
 * work that is still going on, nor one that does not read free room before
 * it has taken its answer. A share granted after all ends came is given back
 * at once.
 */
export class Reservation<End extends string> {
  private release?: Release;
  private readonly awaited: Set<End>;

  constructor(ends: readonly End[]) {
    this.awaited = new Set(ends);
  }

  grant(release: Release): void {
    if (this.awaited.size === 0) release();
    else this.release = release;
  }

  end(which: End): void {
    this.awaited.delete(which);
    if (this.awaited.size > 0) return;
    this.release?.();
    this.release = undefined;
  }
}
