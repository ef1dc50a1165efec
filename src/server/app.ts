// Assembles the HTTP server: express, Apollo Server on /graphql, and in demo
// mode the GraphiQL IDE. Data flows one way through it: HTTP -> caller ->
// plan -> SQL -> transform -> log -> response.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { applicationRegistry } from '../auth/applications';
import { demoAppFor } from '../auth/demoApps';
import { createTokenVerifier, mintToken } from '../auth/token';
import { AccessLogWriter, type AccessLog } from '../audit/accessLogWriter';
import { DenialAggregator } from '../audit/denialAggregator';
import { isLoopback, type PrivqlConfig } from '../config';
import type { Database } from '../data/database';
import { pseudonymKeyFor } from '../masking';
import { ROLE_POLICY, purposesOf, validateRolePolicy } from '../policy/roles';
import { ROLES } from '../policy/vocabulary';
import { ANONYMITY_POLICY } from '../policy/anonymity';
import { cursorCodec } from '../resolvers/cursor';
import { accessLogPlugin } from './accessLogPlugin';
import { responseGateMiddleware } from './responseGate';
import type { PrivqlContext } from './context';
import { errorFormatter } from './errors';
import { graphiqlRouter } from './graphiql';
import { answerClientError } from './clientError';
import { hostCheck, requireHost } from './hostCheck';
import { ideOffPage } from './ideOff';
import { knownOperationTypes } from './knownOperationTypes';
import { rateLimitedContext, requestBounds, trustProxy } from './limits';
import { noStore, noStorePlugin } from './noStore';
import { contextFactory } from './requestContext';
import { requestIdMiddleware } from './requestId';
import { statusRulePlugin } from './statusRule';
import { reportingChangeFailures, writeFailureCause } from './writeFailure';
import { ReleaseKeeper } from '../anonymity/releaseKeeper';
import { releaseReaderOrders } from '../anonymity/releaseReaders';
import { RecipientOrderKeeper } from '../data/recipientOrderKeeper';
import { recipientOrderReaders } from '../data/recipientOrderIndex';
import { VerifiedChain } from '../audit/verifiedChain';
import { retentionPublicKeysOrNone } from '../audit/retentionKey';
import { demoCustomersRouter } from './demoCustomers';
import { demoOfficerRouter } from './demoOfficer';
import { vendorAssets, webPages } from './webPages';
import { publicNoticeRoute } from '../governance/notice/publicRoute';
import { addressSource } from '../audit/denialAggregator';
import { buildPrivqlSchema, type PrivqlSchema } from './schema';
import { compiledGateway } from './compiledExecution';

export interface PrivqlServer {
  url: string;
  httpServer: http.Server;
  schema: PrivqlSchema;
  /** The chain checks reports rest on (tests run a full check through it). */
  chain: VerifiedChain;
  /** The anonymous release's keeper (tests wait for its index builds through it). */
  release: ReleaseKeeper;
  /** The live customers' sort indexes (tests wait for their rounds through it). */
  recipientOrders: RecipientOrderKeeper;
  stop(): Promise<void>;
}

export interface ServerOptions {
  config: PrivqlConfig;
  db: Database;
  /** Listen on this port instead of config.port (tests use 0). */
  port?: number;
  log?: (message: string) => void;
  /**
   * A schema built elsewhere: start-up and the test harness pass the one
   * the privacy views were generated from; the benchmark passes a build
   * without the field guard, to measure what the guard costs. It is not
   * reachable from configuration, so no deployment can switch privacy off.
   */
  schema?: PrivqlSchema;
  /** Likewise bench-only: an access log that writes nothing, to measure what logging costs. */
  accessLog?: AccessLog;
  /**
   * 'graphql-js' executes every operation the interpreted way: tests compare
   * the compiled executor's answers against it, benchmarks its cost.
   */
  execution?: 'compiled' | 'graphql-js';
}

export async function startPrivqlServer(options: ServerOptions): Promise<PrivqlServer> {
  const { config, db } = options;
  const log = options.log ?? (() => undefined);
  validateRolePolicy(ROLE_POLICY);
  const privqlSchema = options.schema ?? buildPrivqlSchema();
  const verifier = createTokenVerifier({ secret: config.jwtSecret, jwksUrl: config.jwksUrl, issuer: config.jwtIssuer, audience: config.jwtAudience });
  const applications = applicationRegistry(db.knex);
  const cursors = cursorCodec(config.pseudonymSecret);
  const pseudonymKeys = new Map<string, Buffer>();
  const keyFor = (app: string) => {
    let key = pseudonymKeys.get(app);
    if (!key) pseudonymKeys.set(app, (key = pseudonymKeyFor(config.pseudonymSecret, app)));
    return key;
  };

  // The anonymous view is served from the release: bring it up to date
  // before the first request (a fresh or changed database has none yet).
  const release = new ReleaseKeeper(db.knex, ANONYMITY_POLICY, log, () => releaseReaderOrders(db.knex, keyFor));
  await release.prepare();
  release.watch();
  // A partner's pages of the live customers: its sort index, before the first request.
  const recipientOrders = new RecipientOrderKeeper(db.knex, () => recipientOrderReaders(db.knex, privqlSchema.catalog, keyFor), log);
  await recipientOrders.prepare();
  recipientOrders.watch();
  // Not awaited: on a large log the first full check takes longer than a
  // start-up should; reports say PENDING until it completes.
  const chain = new VerifiedChain(db.knex, { retentionKeys: () => retentionPublicKeysOrNone(process.env), snapshot: db.kind === 'server', log });
  chain.start(config.chainVerifyIntervalS);

  const notice = { catalog: privqlSchema.catalog, officerContact: config.officerContact };
  const bounds = requestBounds(config.limits, db);
  const accessLog = bounds.deadlines.outside(options.accessLog ?? new AccessLogWriter(db.knex, db.kind === 'server' ? { timeoutMs: config.auditTimeoutMs, prepared: true } : {}));
  const denials = new DenialAggregator(accessLog, { windowMs: config.denialWindowMs });
  const app = express();
  app.disable('x-powered-by');
  // First: every answer, even a refused host or an unknown route, names its request.
  app.use(requestIdMiddleware);
  trustProxy(app, config.limits);
  app.use(requireHost);
  const checkHost = hostCheck({ loopback: isLoopback(config.host), allowed: config.allowedHosts });
  if (checkHost) app.use(checkHost);
  noStore(app, '/graphql');
  const httpServer = http.createServer({ ...bounds.httpServerOptions, requireHostHeader: false }, app);
  httpServer.on('clientError', answerClientError);
  const apollo = new ApolloServer<PrivqlContext>({
    ...(options.execution === 'graphql-js' ? { schema: privqlSchema.schema } : { gateway: compiledGateway(privqlSchema.schema, privqlSchema.released) }),
    formatError: reportingChangeFailures(errorFormatter(privqlSchema.schema), log),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // Signals are handled by the CLI (src/cli/shutdown.ts); Apollo's own
    // handler would re-send SIGTERM after stopping and kill the process
    // before the database is closed.
    stopOnTerminationSignals: false,
    // Off: the APQ cache is shared by all callers, so whether a hash is known
    // would tell one caller what documents (with their literal ids) others sent.
    persistedQueries: false,
    parseOptions: bounds.parseOptions,
    validationRules: [knownOperationTypes, ...bounds.validationRules],
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Responses are per caller and never cacheable; the plugin would also
      // hook every field of every row.
      ApolloServerPluginCacheControlDisabled(),
      accessLogPlugin({ accessLog, denials, onWriteFailure: (err) => log(`access log write failed (${writeFailureCause(err)}): responses withheld (AUDIT_UNAVAILABLE)`) }),
      ...bounds.plugins,
      noStorePlugin,
      statusRulePlugin,
    ],
  });
  await apollo.start();
  const publicNotice = await publicNoticeRoute({
    schema: privqlSchema.schema,
    context: { db: db.knex, notice },
    parseOptions: bounds.parseOptions,
    validationRules: [knownOperationTypes, ...bounds.validationRules],
    overLimit: async (req, reads) => (await bounds.rateLimits.takePublic(addressSource(req.ip ?? req.socket.remoteAddress), reads))?.retryAfterS ?? null,
  });

  if (config.demo) {
    app.use(
      graphiqlRouter({
        endpoint: '/graphql',
        roles: ROLES.map((role) => ({ role, purposes: purposesOf(ROLE_POLICY, role), app: demoAppFor(role) })),
        mintDemoToken: async (role) => {
          const sub = role === 'CUSTOMER' ? await firstCustomerId(db) : `demo-${role.toLowerCase()}`;
          const token = await mintToken({ secret: config.jwtSecret, sub, role, app: demoAppFor(role) });
          return { token, app: demoAppFor(role), purpose: purposesOf(ROLE_POLICY, role as never)[0] ?? null, sub };
        },
      }),
    );
    app.use(demoCustomersRouter({ knex: db.knex, jwtSecret: config.jwtSecret }));
    app.use(demoOfficerRouter({ jwtSecret: config.jwtSecret }));
  } else {
    app.get('/graphql', ideOffPage());
  }
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    express.json({ limit: config.limits.maxBodyBytes }),
    bounds.deadlines.middleware,
    publicNotice.handler,
    responseGateMiddleware({ deliveryTimeoutMs: config.limits.httpResponseTimeoutMs }),
    expressMiddleware(apollo, {
      context: rateLimitedContext(
        contextFactory({ verifier, applications, db: db.knex, catalog: privqlSchema.catalog, cursors, accessLog, denials, pseudonymKeyFor: keyFor, release, recipientOrders, chain, notice, countedCustomersMax: config.limits.countedCustomersMax }),
        { rateLimits: bounds.rateLimits, sources: { verifier, applications }, accessLog },
      ),
    }),
  );
  app.use(vendorAssets());
  app.use(webPages());
  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'not found: the API is POST /graphql', extensions: { code: 'NOT_FOUND' } }] });
  });
  // Anything express itself rejects (a body express.json cannot parse, one
  // too large) is answered in GraphQL's shape, not with express's HTML page
  // and its stack trace.
  app.use((err: { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    const message = status === 500 ? 'Internal server error' : err.type === 'entity.too.large' ? 'the request body is too large' : 'the request body is not valid JSON';
    res.status(status).json({ errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }] });
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? config.port, config.host, () => {
      httpServer.off('error', reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://${urlHost(config.host)}:${port}/graphql`,
    httpServer,
    schema: privqlSchema,
    chain,
    release,
    recipientOrders,
    stop: async () => {
      await apollo.stop();
      await publicNotice.stop();
      await release.stop();
      await recipientOrders.stop();
      await chain.stop();
      await denials.stop().catch(() => log('could not write the counts of repeated refusals to the access log'));
    },
  };
}

// A wildcard address is not a place to send requests to; a v6 literal needs brackets.
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

async function firstCustomerId(db: Database): Promise<string> {
  const row = await db.knex('customers').select('id').whereNull('erased_at').orderBy('id').first();
  return row?.id ?? 'no-customer';
}
