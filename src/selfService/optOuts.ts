// Opt-outs set by the customer: at once, with channel and time, in one
// transaction with their history row (proof of consent) and their access-log
// record. Consent to sensitive-data use is opt-in and names the wording shown.

import type { Knex } from 'knex';
import type { AccessContext } from '../audit/accessContext';
import { writeChangeRecord } from '../audit/changeRecord';
import type { OptOutKind } from '../policy/vocabulary';
import { ANONYMITY_POLICY } from '../policy/anonymity';
import { privqlError } from '../server/errors';
import { activeCustomer } from './customerRecord';

// v1 said staff might see the values with consent; no @sensitive field
// allows a purpose, so they never do (test: sensitiveConsent.test.ts).
export const CONSENT_VERSION = 'sensitive-data-use-v2';

/** Customer.optOutHistory pages: the default and the largest (the export has all of it). */
export const HISTORY_PAGE = 20;
export const MAX_HISTORY_PAGE = 100;

export const OPT_OUT_TERMS = [
  {
    kind: 'DIRECT_MARKETING',
    title: 'No direct marketing',
    effect: 'We stop using your data to send you offers and advertising, by any channel. Service messages about your orders still reach you.',
  },
  {
    kind: 'THIRD_PARTY_DISCLOSURE',
    title: 'Do not sell or share my data',
    effect: 'We stop giving your data to partner companies. A browser that sends the Global Privacy Control signal sets this for you; if you turn sharing back on here from that browser, your choice is kept.',
  },
  {
    kind: 'AUTOMATED_DECISION',
    title: 'No automated decisions',
    effect: 'We stop making decisions about you (such as credit limits) by computer alone; a person decides instead.',
  },
  {
    kind: 'SENSITIVE_DATA_USE',
    title: 'Use of sensitive data (your consent)',
    effect:
      `Off unless you consent. With your consent, you are counted in anonymous statistics about ethnicity and religion (groups of at least ${ANONYMITY_POLICY.k} people, never a list of names). ` +
      'Staff and partners never see these values; only you and the privacy officer do. You can withdraw consent at any time.',
    consentWording:
      'I consent to the company counting the ethnicity and religion I have provided in anonymous statistics about groups of customers. ' +
      'I can withdraw this consent at any time on this page; withdrawing it does not affect use before that.',
    consentVersion: CONSENT_VERSION,
  },
] as const;

// How each kind is named in OptOuts (the GraphQL type and the log's coordinates).
export const OPT_OUT_FIELD: Record<OptOutKind, string> = {
  DIRECT_MARKETING: 'directMarketing',
  THIRD_PARTY_DISCLOSURE: 'thirdPartyDisclosure',
  AUTOMATED_DECISION: 'automatedDecision',
  SENSITIVE_DATA_USE: 'sensitiveDataUse',
};

/** A missing row is the default: not opted out, except sensitive-data use (privacy by default). */
export const optedOutByDefault = (kind: OptOutKind) => kind === 'SENSITIVE_DATA_USE';
const defaultOf = optedOutByDefault;

/** Refuses a consent that does not name the wording shown, and a version given where none belongs. */
export function checkConsent(kind: OptOutKind, optedOut: boolean, consentVersion: string | null | undefined): string | null {
  const consenting = kind === 'SENSITIVE_DATA_USE' && !optedOut;
  if (consenting && consentVersion !== CONSENT_VERSION) {
    throw privqlError('BAD_USER_INPUT', `consenting to sensitive-data use needs consentVersion: the version of the wording shown (optOutTerms), currently ${CONSENT_VERSION}`, { field: 'consentVersion' });
  }
  if (!consenting && consentVersion != null) {
    throw privqlError('BAD_USER_INPUT', 'consentVersion belongs only to consenting to SENSITIVE_DATA_USE', { field: 'consentVersion' });
  }
  return consenting ? consentVersion! : null;
}

export interface OptOutChange {
  kind: OptOutKind;
  optedOut: boolean;
  channel: string;
  wording: string | null;
  operation: string;
}

/** Sets one opt-out in `trx` when it differs from what is held; returns whether it changed. */
export async function applyOptOut(trx: Knex, actor: AccessContext, customerId: string, change: OptOutChange): Promise<boolean> {
  const held = await trx('opt_outs').where({ customer_id: customerId, kind: change.kind }).first('opted_out');
  if ((held?.opted_out ?? defaultOf(change.kind)) === change.optedOut) return false;
  const row = { customer_id: customerId, kind: change.kind, opted_out: change.optedOut, channel: change.channel, changed_at: trx.fn.now() };
  await trx('opt_outs').insert(row).onConflict(['customer_id', 'kind']).merge(['opted_out', 'channel', 'changed_at']);
  await trx('opt_out_history').insert({ ...row, wording: change.wording });
  await writeChangeRecord(trx, actor, {
    subjectId: customerId,
    fields: { [`OptOuts.${OPT_OUT_FIELD[change.kind]}`]: change.optedOut ? 'OPTED_OUT' : 'OPTED_IN' },
    detail: { operation: change.operation, kind: change.kind, channel: change.channel },
  });
  return true;
}

// Global Privacy Control against an explicit choice. The signal wins over a
// setting made without it (CCPA regulations §7025(c)(3): process the signal,
// and the business may offer the consumer to consent anyway). A customer who
// then opts back in to sharing *while their browser sends the signal* has
// answered that offer knowingly: the opt-in is recorded with this channel,
// and the signal does not undo it on the next request. Without this rule the
// two would flip the setting back and forth, a log record each time.
export const GPC_OVERRIDE_CHANNEL = 'self-service, over gpc';

const selfServiceChannel = (kind: OptOutKind, optedOut: boolean, globalPrivacyControl: boolean) =>
  kind === 'THIRD_PARTY_DISCLOSURE' && !optedOut && globalPrivacyControl ? GPC_OVERRIDE_CHANNEL : 'self-service';

export async function setOptOut(
  db: Knex,
  actor: AccessContext,
  customerId: string,
  change: { kind: OptOutKind; optedOut: boolean; consentVersion?: string | null; globalPrivacyControl?: boolean },
): Promise<void> {
  const { kind, optedOut } = change;
  const wording = checkConsent(kind, optedOut, change.consentVersion);
  const channel = selfServiceChannel(kind, optedOut, Boolean(change.globalPrivacyControl));
  await db.transaction(async (trx) => {
    await activeCustomer(trx, customerId);
    await applyOptOut(trx, actor, customerId, { kind, optedOut, channel, wording, operation: 'setOptOut' });
  });
}

/**
 * Global Privacy Control (Sec-GPC: 1) from a signed-in customer: a "do not
 * sell or share" request, recorded as a THIRD_PARTY_DISCLOSURE opt-out with
 * channel gpc unless the customer is opted out already or opted back in
 * over the signal (above). One read when nothing is to be done.
 */
export async function honourGlobalPrivacyControl(db: Knex, actor: AccessContext, customerId: string): Promise<void> {
  const held = await db('opt_outs').where({ customer_id: customerId, kind: 'THIRD_PARTY_DISCLOSURE' }).first('opted_out', 'channel');
  if (held && (held.opted_out || held.channel === GPC_OVERRIDE_CHANNEL)) return;
  await db.transaction(async (trx) => {
    const active = await trx('customers').where({ id: customerId }).whereNull('erased_at').forUpdate().first('id');
    if (!active) return;
    await applyOptOut(trx, actor, customerId, { kind: 'THIRD_PARTY_DISCLOSURE', optedOut: true, channel: 'gpc', wording: null, operation: 'globalPrivacyControl' });
  });
}

/** The caller's opt-outs as Customer.optOuts has them. */
export async function optOutsOf(db: Knex, customerId: string): Promise<Record<string, boolean>> {
  const rows: Array<{ kind: OptOutKind; opted_out: boolean }> = await db('opt_outs').where({ customer_id: customerId }).select('kind', 'opted_out');
  const held = new Map(rows.map((r) => [r.kind, r.opted_out]));
  return Object.fromEntries((Object.keys(OPT_OUT_FIELD) as OptOutKind[]).map((kind) => [OPT_OUT_FIELD[kind], held.get(kind) ?? defaultOf(kind)]));
}

export interface OptOutHistoryRow {
  customerId: string;
  kind: OptOutKind;
  optedOut: boolean;
  channel: string;
  at: string;
  wording: string | null;
}

/** Each customer's opt-out history, newest first (at most `limit` each, when given), in the order of `customerIds`. */
export async function optOutHistoryOf(db: Knex, customerIds: readonly string[], limit?: number): Promise<OptOutHistoryRow[][]> {
  const history = db('opt_out_history')
    .select(
      db.raw('customer_id AS "customerId"'),
      'kind',
      db.raw('opted_out AS "optedOut"'),
      'channel',
      db.raw(`to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at`),
      'wording',
      'changed_at',
      'id',
      db.raw('row_number() OVER (PARTITION BY customer_id ORDER BY changed_at DESC, id DESC) AS newness'),
    )
    .whereIn('customer_id', customerIds as string[]);
  const rows: OptOutHistoryRow[] = await db
    .select('customerId', 'kind', 'optedOut', 'channel', 'at', 'wording')
    .from(history.as('h'))
    .modify((q) => (limit === undefined ? q : q.where('newness', '<=', limit)))
    .orderBy([{ column: 'changed_at', order: 'desc' }, { column: 'id', order: 'desc' }]);
  return customerIds.map((id) => rows.filter((r) => r.customerId === id));
}
