// Every bound on a request, assembled from the configuration for app.ts to
// wire in: validation rules and parser options (depth, aliases, directives,
// tokens, cost), Apollo plugins (token-limit reasons, the row budget and the
// in-flight budget, the timeout), the per-request clock on SQL statements, the rate limits in
// front of the context, and the http server's own timeouts.

import type { ApolloServerPlugin } from '@apollo/server';
import type { ParseOptions, ValidationRule } from 'graphql';
import type http from 'node:http';
import type { RequestLimits } from '../../config';
import type { Database } from '../../data/database';
import { MAX_LOG_PAGE } from '../../resolvers/accessLog';
import { MAX_PAGE_SIZE } from '../../resolvers/customers';
import { MAX_DIMENSIONS } from '../../analytics/dimensions';
import { MAX_QUEUE_PAGE } from '../../resolvers/selfService';
import { MAX_REPORT_DAYS } from '../../resolvers/privacyReport';
import { NOT_ACKNOWLEDGED_LIST_LIMIT, PENDING_LIST_LIMIT } from '../../governance/report/gatherState';
import { DATABASE_VIEWS } from '../../policy/databaseViews';
import { OPT_OUT_KINDS, PURPOSES, ROLES } from '../../policy/vocabulary';
import { MAX_HISTORY_PAGE } from '../../selfService/optOuts';
import type { PrivqlContext } from '../context';
import { armorProtections } from './armor';
import { RequestDeadlines } from './deadline';
import { httpServerOptions } from './httpBounds';
import { RateLimits } from './rateLimits';
import { rowBudgetPlugin, type ListSizes } from './rowBudget';
import { InFlightBudget } from './inFlight';
import { limitRefusalLog } from './refusal';
import { oneReport } from './oneReport';
import { tokenLimit } from './tokens';

export { rateLimitedContext } from './rateLimitedContext';
export { trustProxy } from './httpBounds';

/**
 * How big the lists of this schema are taken to be. Paged fields: their
 * largest `first`. Lists without a page: an estimate per parent (the seed
 * data has 0-10 orders per customer; an access-log entry lists one request's
 * fields).
 */
export const LIST_SIZES: ListSizes = {
  maxPage: {
    'Query.customers': MAX_PAGE_SIZE,
    'Query.accessLog': MAX_LOG_PAGE,
    'Customer.accessHistory': MAX_LOG_PAGE,
    'Query.changeRequests': MAX_QUEUE_PAGE,
    'Query.erasureRequests': MAX_QUEUE_PAGE,
    'Customer.optOutHistory': MAX_HISTORY_PAGE,
  },
  defaultMaxPage: 500,
  // customerStats: groups are at most the product of its dimensions' values
  // (32 cities x 10 age bands x 5 segments = 1,600 on the seed data); a
  // group lists one value per dimension, at most MAX_DIMENSIONS.
  // Self-service: a change request lists at most the 13 editable fields; at
  // most two requests are pending per customer (their opt-out history is paged).
  // The data dictionary has one entry per classified field (59 in the shipped
  // schema); the estimate leaves room, and a test keeps it above the catalog.
  // privacyReport: its lists are bounded by the vocabulary (purposes, roles,
  // opt-out kinds, the three classes), the registered applications, and its
  // period of at most MAX_REPORT_DAYS days (per-day lists).
  estimates: {
    'PrivacyReport.dataModel': 100,
    'WarehouseOverview.tables': 40,
    'WarehouseOverview.views': DATABASE_VIEWS.length,
    'ExposureMatrix.rows': 2 * ROLES.length,
    'ExposureRow.cells': 100,
    'PrivacyReport.applications': 100,
    'ApplicationUsage.roles': ROLES.length,
    'ApplicationUsage.purposes': PURPOSES.length,
    'ApplicationUsage.views': 2 * ROLES.length,
    'ApplicationUsage.categories': 3,
    'PrivacyReport.accessByPurpose': PURPOSES.length + 1,
    'PrivacyReport.accessByRole': ROLES.length + 1,
    'PrivacyReport.accessByCategory': 3,
    'PrivacyReport.accessByDay': MAX_REPORT_DAYS * (PURPOSES.length + 1),
    'PrivacyReport.denied': 100,
    'PrivacyReport.exclusions': PURPOSES.length,
    'PrivacyReport.logReads': 100,
    'OptOutFigures.current': OPT_OUT_KINDS.length,
    'OptOutFigures.trend': MAX_REPORT_DAYS * OPT_OUT_KINDS.length,
    'PendingRequests.list': 2 * PENDING_LIST_LIMIT,
    'PendingRequest.fields': 13,
    'NoticeFigures.notAcknowledgedCustomers': NOT_ACKNOWLEDGED_LIST_LIMIT,
    // The privacy notice: six clauses; on the shipped schema at most 15
    // sections in a clause and 18 items in a section (one per field of a type).
    'PrivacyNotice.clauses': 6,
    'NoticeClause.sections': 20,
    'NoticeSection.items': 60,
    'Query.dataDictionary': 100,
    'Customer.orders': 10,
    'AccessLogEntry.fields': 20,
    'CustomerStats.groups': 2000,
    'StatGroup.values': MAX_DIMENSIONS,
    'Customer.pendingChangeRequests': 2,
    'Customer.erasureRequests': 2,
    'ChangeRequest.changes': 13,
    'ChangeRequest.problems': 13,
    'ContactPreferences.channels': 4,
  },
  defaultEstimate: 100,
};

export interface RequestBounds {
  validationRules: ValidationRule[];
  parseOptions: ParseOptions;
  plugins: ApolloServerPlugin<PrivqlContext>[];
  deadlines: RequestDeadlines;
  rateLimits: RateLimits;
  httpServerOptions: http.ServerOptions;
}

/** The bounds of `limits`; SQL sent through `db` during a request is held to the request's deadline from now on. */
export function requestBounds(limits: RequestLimits, db: Database): RequestBounds {
  const armor = armorProtections(limits);
  const tokens = tokenLimit(limits.maxTokens);
  const deadlines = new RequestDeadlines(limits.requestTimeoutMs);
  deadlines.bound(db.knex, { cancel: db.kind === 'server' });
  return {
    validationRules: [...armor.validationRules, oneReport],
    parseOptions: tokens.parseOptions,
    plugins: [
      ...armor.plugins,
      tokens.plugin,
      rowBudgetPlugin({
        budget: limits.rowBudget,
        sizes: LIST_SIZES,
        inFlight: { budget: new InFlightBudget(limits.inFlightValues, limits.inFlightValuesPerPrincipal), waitMs: () => deadlines.remainingMs() },
      }),
      limitRefusalLog,
      deadlines.plugin(),
    ],
    deadlines,
    rateLimits: new RateLimits(limits),
    httpServerOptions: httpServerOptions(limits),
  };
}
