// Bounds below GraphQL: how long a client may take to send its headers and
// its whole request (slow-loris), and where the source address comes from.

import type http from 'node:http';
import type { Express } from 'express';
import type { RequestLimits } from '../../config';

export function httpServerOptions(limits: RequestLimits): http.ServerOptions {
  return {
    headersTimeout: limits.httpHeadersTimeoutMs,
    requestTimeout: limits.httpRequestTimeoutMs,
    // Node enforces both timeouts on this interval (30 s by default), which
    // would let a short timeout run up to 30 s over.
    connectionsCheckingInterval: Math.min(1000, limits.httpHeadersTimeoutMs),
    // Well past the idle time after which clients stop reusing a connection
    // (undici: 4 s): at Node's 5 s, a busy client could send a request on a
    // socket the server was closing, and get ECONNRESET instead of an answer.
    keepAliveTimeout: 15_000,
  };
}

/** Behind a proxy, the source address of the rate limits is the client's, as the proxy reports it. */
export function trustProxy(app: Express, limits: RequestLimits): void {
  if (limits.trustProxy) app.set('trust proxy', /^\d+$/.test(limits.trustProxy) ? Number(limits.trustProxy) : limits.trustProxy);
}
