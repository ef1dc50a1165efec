// The permission tree. graphql-shield's fallbackRule is `deny`: a root field or
// a type without a rule is refused. Types whose rule is a plain `allow` are
// left unwrapped (see `applyPermissions`), because shield would otherwise put
// a promise around every field of every row.

import { GraphQLError, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { allow, and, deny, shield, type IRules } from 'graphql-shield';
import { isPrivacyOfficer, isSelfService, isTheCustomer, looksUpByRealId, readsAccessLog, readsAggregates, readsAnnotations, readsCustomerRecords, readsOthersRecords, readsReports } from './rules';

/** The types of Query.privacyReport (schema/report.graphql). */
const REPORT_TYPES = [
  'PrivacyReport', 'ReportChainStatus', 'ReportPeriod', 'WarehouseOverview', 'WarehouseTable', 'WarehouseView',
  'ExposureMatrix', 'ExposureRow', 'ExposureCell', 'ApplicationUsage', 'CategoryValues', 'UsageCount', 'CategoryUsage',
  'DayUsage', 'DeniedCount', 'ExclusionCount', 'LogReadCount', 'OptOutFigures', 'OptOutRate', 'OptOutDay',
  'PendingRequests', 'PendingRequest', 'NoticeFigures',
];

const selfService = and(isSelfService, readsCustomerRecords);
const officer = and(isPrivacyOfficer, readsCustomerRecords);

export const PERMISSIONS: IRules = {
  Query: {
    customers: and(readsCustomerRecords, readsOthersRecords),
    customer: and(readsCustomerRecords, readsOthersRecords, looksUpByRealId),
    me: and(isTheCustomer, readsCustomerRecords),
    accessLog: readsAccessLog,
    dataDictionary: readsAnnotations,
    privacyReport: readsReports,
    customerStats: readsAggregates,
    // Not personal data: what each opt-out stops, for anyone signed in.
    optOutTerms: allow,
    exportMyData: selfService,
    changeRequests: officer,
    erasureRequests: officer,
    // The one public field (DESIGN §4): the notice holds no customer data.
    // Without a token it is served by its own route and schema (governance/notice/publicRoute.ts).
    privacyNotice: allow,
    acknowledgedPrivacyNotice: selfService,
  },
  Mutation: {
    proposeProfileChange: selfService,
    confirmProfileChange: selfService,
    setOptOut: selfService,
    requestErasure: selfService,
    reviewChangeRequest: officer,
    processErasure: officer,
    publishPrivacyNotice: isPrivacyOfficer,
    acknowledgePrivacyNotice: selfService,
  },
  // Customer data is guarded field by field by the privacy plan.
  Customer: allow,
  Order: allow,
  OptOuts: allow,
  ContactPreferences: allow,
  OptOutChange: allow,
  OptOutTerm: allow,
  ChangeRequest: allow,
  FieldChange: allow,
  ChangeProblem: allow,
  ErasureRequest: allow,
  CustomerConnection: allow,
  CustomerEdge: allow,
  PageInfo: allow,
  // Reached only through Query.accessLog or the classified Customer.accessHistory.
  AccessLogConnection: allow,
  AccessLogEdge: allow,
  AccessLogEntry: allow,
  FieldAccess: allow,
  // Reached only through Query.dataDictionary.
  DataDictionaryEntry: allow,
  // Reached only through Query.privacyReport.
  ...Object.fromEntries(REPORT_TYPES.map((type) => [type, allow])),
  // Reached only through Query.customerStats.
  CustomerStats: allow,
  StatGroup: allow,
  StatValue: allow,
  // The privacy notice and what its mutations answer.
  PrivacyNotice: allow,
  NoticeClause: allow,
  NoticeSection: allow,
  NoticeItem: allow,
  PublishNoticeResult: allow,
  NoticeAcknowledgement: allow,
};

export function applyPermissions(schema: GraphQLSchema, rules: IRules = PERMISSIONS): GraphQLSchema {
  const generator = shield(rules, {
    fallbackRule: deny,
    fallbackError: () => new GraphQLError('Not authorised', { extensions: { code: 'FORBIDDEN', reason: 'NO_RULE' } }),
    // Errors thrown by resolvers (BAD_USER_INPUT, database failures) pass on to
    // formatError, which hides anything without a code as INTERNAL_SERVER_ERROR.
    allowExternalErrors: true,
  });
  const middleware = generator.generate(schema) as Record<string, unknown>;
  // `allow` needs no wrapper: dropping it changes nothing but the cost.
  const wrapped = Object.fromEntries(
    Object.entries(middleware).filter(([typeName]) => (rules as Record<string, unknown>)[typeName] !== allow),
  );
  return applyMiddleware(schema, wrapped as never);
}
