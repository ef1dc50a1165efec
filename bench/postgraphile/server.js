// PostGraphile 4 for `npm run bench:compare`: the same tables as privql, in
// the bench's schema (DATABASE_SCHEMA), served on 127.0.0.1:PORT at /graphql,
// /health for readiness. No privacy, no log: what a generic
// "GraphQL from PostgreSQL" server costs. Options are its production ones:
// no GraphiQL, no query log, no watch, no mutations (the bench only reads).
// Plain JavaScript in a folder of its own: PostGraphile 4 brings graphql 15.

'use strict';

const http = require('node:http');
const { Pool } = require('pg');
const { postgraphile } = require('postgraphile');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.BENCH_POOL_MAX || 10) });
const middleware = postgraphile(pool, [process.env.DATABASE_SCHEMA], {
  graphiql: false,
  disableQueryLog: true,
  watchPg: false,
  disableDefaultMutations: true,
  ignoreRBAC: true,
  retryOnInitFail: false,
  extendedErrors: [],
  showErrorStack: false,
  setofFunctionsContainNulls: false,
});

http
  .createServer((req, res) => {
    if (req.url === '/health') {
      // Ready once the schema is introspected and built.
      middleware.getGraphQLSchema().then(() => res.end('ok'), () => ((res.statusCode = 503), res.end()));
      return;
    }
    middleware(req, res);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
