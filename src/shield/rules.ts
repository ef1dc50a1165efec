// Access rules on root fields, as composable graphql-shield values. They answer
// "may this caller use this field at all"; what each customer field then shows
// is decided by the privacy plan, not here.

import { rule } from 'graphql-shield';
import type { PrivqlContext } from '../server/context';
import { forbidden } from '../server/errors';
import { viewReadsRecords } from '../policy/roles';
import { mayReadAggregates, notAllowed } from '../resolvers/customerStats';

/** The request names a purpose whose view reads customer records. */
export const readsCustomerRecords = rule({ cache: 'contextual' })((_parent, _args, ctx: PrivqlContext) => {
  const { purpose, view } = ctx.caller;
  if (!purpose || !view) return forbidden('this field reads customer data: name an allowed purpose in X-Purpose', 'PURPOSE_REQUIRED');
  if (!viewReadsRecords(view)) return forbidden(`role ${ctx.caller.role} reads no customer records`, 'NO_CUSTOMER_RECORDS');
  return true;
});

/** Lists and lookups are for staff roles; a customer reads their own record through `me`. */
export const readsOthersRecords = rule({ cache: 'contextual' })((_parent, _args, ctx: PrivqlContext) => {
  if (ctx.caller.view?.ownRecordOnly) return forbidden('customers read their own record through me', 'OWN_RECORD_ONLY');
  return true;
});

/** Looking a customer up by id confirms the id exists: only for callers who may see ids in clear. */
export const looksUpByRealId = rule({ cache: 'contextual' })((_parent, _args, ctx: PrivqlContext) => {
  const plan = ctx.privacy?.plan('Customer.id');
  if (plan?.consented.action === 'CLEAR') return true;
  return forbidden(`purpose ${ctx.caller.purpose} does not see customer ids: use customers(...) instead`, 'ID_NOT_VISIBLE');
});

export const isTheCustomer = rule({ cache: 'contextual' })((_parent, _args, ctx: PrivqlContext) => {
  if (ctx.caller.view?.ownRecordOnly) return true;
  return forbidden('me is for customers signed in to self-service', 'CUSTOMERS_ONLY');
});

/** The privacy officer acting for PRIVACY_ADMINISTRATION, or an auditor for SECURITY_REVIEW. */
function isOfficerOrAuditor(ctx: PrivqlContext): boolean {
  const { role, purpose } = ctx.caller;
  return (role === 'OFFICER' && purpose === 'PRIVACY_ADMINISTRATION') || (role === 'AUDITOR' && purpose === 'SECURITY_REVIEW');
}

/** The access log is for the privacy officer and, pseudonymized, for security review. */
export const readsAccessLog = rule({ cache: 'contextual' })((_parent, _args, ctx: PrivqlContext) => {
  if (isOfficerOrAuditor(ctx)) return true;
  return forbidden('the access log is for the privacy officer (PRIVACY_ADMINISTRATION) and auditors (SECURITY_REVIEW)', 'ACCESS_LOG_NOT_ALLOWED');
});

/**
 * The annotations (data dictionary) are for whoever reviews them: the privacy
 * officer and auditors. They hold no customer value, but they map out where
 * the data is and how each field is protected, which helps an attacker aim.
 */
export const readsAnnotations = rule({ cache: 'contextual' })((_parent, _args, ctx: PrivqlContext) => {
  if (isOfficerOrAuditor(ctx)) return true;
  return forbidden('the data dictionary is for the privacy officer (PRIVACY_ADMINISTRATION) and auditors (SECURITY_REVIEW)', 'ANNOTATIONS_NOT_ALLOWED');
});

/**
 * Compliance reports are for the privacy officer and auditors: counts drawn
 * from the access log and the annotations (the auditor's without the pending
 * requests' customers).
 */
export const readsReports = rule({ cache: 'contextual' })((_parent, _args, ctx: PrivqlContext) => {
  if (isOfficerOrAuditor(ctx)) return true;
  return forbidden('privacy reports are for the privacy officer (PRIVACY_ADMINISTRATION) and auditors (SECURITY_REVIEW)', 'REPORTS_NOT_ALLOWED');
});

/** Aggregates are for analysts (ANALYTICS) and the privacy officer (PRIVACY_ADMINISTRATION). */
export const readsAggregates = rule({ cache: 'contextual' })((_parent, _args, ctx: PrivqlContext) => {
  if (!ctx.caller.purpose || !ctx.caller.view) return forbidden('this field reads customer data: name an allowed purpose in X-Purpose', 'PURPOSE_REQUIRED');
  return mayReadAggregates(ctx.caller) ? true : notAllowed();
});

/** Self-service changes: a customer signed in to self-service, on their own record. */
export const isSelfService = rule({ cache: 'contextual' })((_parent, _args, ctx: PrivqlContext) => {
  if (ctx.caller.role === 'CUSTOMER' && ctx.caller.view?.ownRecordOnly) return true;
  return forbidden('self-service is for customers signed in to it (purpose SELF_SERVICE)', 'CUSTOMERS_ONLY');
});

/** Review queues and erasure: the privacy officer. */
export const isPrivacyOfficer = rule({ cache: 'contextual' })((_parent, _args, ctx: PrivqlContext) => {
  if (ctx.caller.role === 'OFFICER' && ctx.caller.purpose === 'PRIVACY_ADMINISTRATION') return true;
  return forbidden('this is for the privacy officer (PRIVACY_ADMINISTRATION)', 'OFFICER_ONLY');
});
