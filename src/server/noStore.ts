// Responses on /graphql are per caller and carry personal data: no cache,
// shared or private, may keep them, and none is conditional (no ETag; and
// the request's own If-None-Match / If-Modified-Since are dropped, or
// express would answer a GET with `If-None-Match: *` 304 after reading the
// data). Set on every /graphql response, before anything else answers
// (GraphiQL, body-parser errors, context refusals), and again on Apollo's
// own responses, which may carry a Cache-Control of their own (persisted-query
// errors do).

import type { ApolloServerPlugin } from '@apollo/server';
import type { Express, RequestHandler } from 'express';

export const NO_STORE = 'no-store';

/** Express: no ETag anywhere, and `Cache-Control: no-store` on everything under `path`. */
export function noStore(app: Express, path: string): void {
  app.set('etag', false);
  const header: RequestHandler = (req, res, next) => {
    delete req.headers['if-none-match'];
    delete req.headers['if-modified-since'];
    res.setHeader('Cache-Control', NO_STORE);
    next();
  };
  app.use(path, header);
}

export const noStorePlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        response.http.headers.set('cache-control', NO_STORE);
      },
    };
  },
};
