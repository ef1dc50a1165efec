// The per-request timeout. Each /graphql request runs on a clock
// (AsyncLocalStorage) started when its body has been read. Every SQL
// statement the request sends is checked against it: none starts after the
// deadline, and on a server each gets the remaining time as its timeout and
// is cancelled in PostgreSQL when that runs out. (The embedded database has
// one connection, which a cancel would lose: there a statement already
// running finishes.) A request whose execution ends after its deadline is
// answered 503 REQUEST_TIMEOUT without data, and what it read is logged all
// the same: the access log's writes run off the clock.

import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import type { PrivqlContext } from '../context';
import { privqlError } from '../errors';

export const REQUEST_TIMEOUT_MESSAGE = 'the request took longer than this server allows; no data is returned: ask for less, or try again later';

interface RequestClock {
  deadline: number;
  expired: boolean;
}

/** What knex's runner is handed: a query builder or a raw statement. */
interface Statement {
  _timeout?: number;
  timeout(ms: number, options: { cancel: boolean }): unknown;
}

export class RequestDeadlines {
  private readonly clocks = new AsyncLocalStorage<RequestClock>();

  constructor(readonly timeoutMs: number) {}

  /** Express middleware: the rest of the request runs on its own clock. */
  readonly middleware: RequestHandler = (_req, _res, next) => {
    this.clocks.run({ deadline: Date.now() + this.timeoutMs, expired: false }, next);
  };

  /** The time the current request has left; the whole timeout outside a request's clock. */
  remainingMs(): number {
    const clock = this.clocks.getStore();
    return clock ? clock.deadline - Date.now() : this.timeoutMs;
  }

  /** Every statement `knex` runs during a request is bounded by the time the request has left. */
  bound(knex: Knex, options: { cancel: boolean }): void {
    const client = knex.client as { runner(statement: Statement): unknown };
    const runner = client.runner.bind(client);
    client.runner = (statement) => {
      const clock = this.clocks.getStore();
      if (clock) {
        const remaining = clock.deadline - Date.now();
        if (remaining <= 0) {
          clock.expired = true;
          return { run: () => Promise.reject(privqlError('REQUEST_TIMEOUT', REQUEST_TIMEOUT_MESSAGE)) };
        }
        if (options.cancel) statement.timeout(Math.min(statement._timeout ?? remaining, remaining), { cancel: true });
      }
      return runner(statement);
    };
  }

  /**
   * `target` with every method run off any request's clock: the access log
   * must be written however late the request is. (A proxy, so methods added
   * to the log later are covered too.)
   */
  outside<T extends object>(target: T): T {
    return new Proxy(target, {
      get: (object, key) => {
        const value = Reflect.get(object, key);
        return typeof value === 'function' ? (...args: unknown[]) => this.clocks.exit(() => value.apply(object, args)) : value;
      },
    });
  }

  /** Turns a request that ran past its deadline into 503 REQUEST_TIMEOUT, recorded with what it read. */
  plugin(): ApolloServerPlugin<PrivqlContext> {
    const clockNow = () => this.clocks.getStore();
    return {
      async requestDidStart() {
        return {
          async executionDidStart({ contextValue }) {
            return {
              async executionDidEnd() {
                const clock = clockNow();
                if (!clock || (!clock.expired && Date.now() < clock.deadline)) return;
                clock.expired = true;
                contextValue.recorder.denied.push({ path: '', code: 'REQUEST_TIMEOUT' });
              },
            };
          },
          // Registered after the access-log plugin, whose write this does not wait for or change.
          async willSendResponse({ response }) {
            if (!clockNow()?.expired || response.body.kind !== 'single') return;
            response.body.singleResult = { errors: [{ message: REQUEST_TIMEOUT_MESSAGE, extensions: { code: 'REQUEST_TIMEOUT' } }] };
            response.http.status = 503;
          },
        };
      },
    };
  }
}
