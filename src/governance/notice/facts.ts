// The facts a privacy notice states, read from the catalog (the annotations)
// and the policy, never written by hand: which fields are held and in which
// class, for which purposes, through which channels, who receives them and
// which opt-outs there are. Pure: the same inputs give the same facts, in the
// same order, so the notice's hash decides "changed" or "unchanged".

import type { Catalog } from '../../../directives/catalog';
import { COLLECTION_CHANNELS, collectionChannelsOf, type CollectionChannel, type CollectionPolicy } from '../../policy/collection';
import { decideField } from '../../policy/decide';
import type { RolePolicy } from '../../policy/roles';
import { CLASSIFICATIONS, PURPOSES, type Classification, type OptOutKind, type OptOuts, type Purpose, type Role } from '../../policy/vocabulary';

/** The purpose under which data leaves the company: its applications are the notice's recipients. */
export const DISCLOSURE_PURPOSE: Purpose = 'THIRD_PARTY_DISCLOSURE';

export interface RegisteredApplication {
  id: string;
  name: string;
  role: string;
  owner: string;
}

export interface OptOutTermInput {
  kind: OptOutKind;
  title: string;
  effect: string;
}

export interface NoticeInputs {
  catalog: Catalog;
  rolePolicy: RolePolicy;
  collection: CollectionPolicy;
  /** Registered applications (the applications table). */
  applications: readonly RegisteredApplication[];
  optOutTerms: readonly OptOutTermInput[];
  /** The privacy officer's contact, from configuration. */
  officerContact: string;
  /** The anonymity policy's k: no statistic describes fewer customers. */
  k: number;
}

export interface NoticeField {
  coordinate: string;
  classification: Classification;
  purposes: Purpose[];
  channels: CollectionChannel[];
}

export interface NoticeRecipient {
  app: string;
  name: string;
  owner: string;
  purposes: Purpose[];
  /** Fields they receive as they are. */
  clearFields: string[];
  /** Fields they receive generalized or as a pseudonym of their own. */
  anonymizedFields: string[];
}

export interface NoticeFacts {
  fields: NoticeField[];
  /** Channels any field is collected through, in the policy's order. */
  channels: CollectionChannel[];
  /** Purposes any field of the class may be used for in clear, in the vocabulary's order. */
  purposesByClass: Record<Classification, Purpose[]>;
  recipients: NoticeRecipient[];
  optOuts: OptOutTermInput[];
  officerContact: string;
  k: number;
}

const NO_OPT_OUTS: OptOuts = { DIRECT_MARKETING: false, THIRD_PARTY_DISCLOSURE: false, AUTOMATED_DECISION: false, SENSITIVE_DATA_USE: false };

export function noticeFacts(inputs: NoticeInputs): NoticeFacts {
  const fields = [...inputs.catalog.fields.values()]
    .map((f) => ({
      coordinate: f.coordinate,
      classification: f.classification,
      purposes: PURPOSES.filter((p) => f.purposes.includes(p)),
      channels: COLLECTION_CHANNELS.filter((c) => collectionChannelsOf(inputs.collection, f.coordinate).includes(c)),
    }))
    .sort((a, b) => compare(a.coordinate, b.coordinate));
  const purposesByClass = Object.fromEntries(
    CLASSIFICATIONS.map((c) => [c, PURPOSES.filter((p) => fields.some((f) => f.classification === c && f.purposes.includes(p)))]),
  ) as Record<Classification, Purpose[]>;
  return {
    fields,
    channels: COLLECTION_CHANNELS.filter((c) => fields.some((f) => f.channels.includes(c))),
    purposesByClass,
    recipients: recipientsOf(inputs),
    optOuts: inputs.optOutTerms.map(({ kind, title, effect }) => ({ kind, title, effect })),
    officerContact: inputs.officerContact,
    k: inputs.k,
  };
}

// A recipient is a registered application whose role may act for the
// disclosure purpose; what it receives is what the decision rule gives that
// role's view for a customer who has not opted out.
function recipientsOf(inputs: NoticeInputs): NoticeRecipient[] {
  const out: NoticeRecipient[] = [];
  for (const app of [...inputs.applications].sort((a, b) => compare(a.id, b.id))) {
    const view = inputs.rolePolicy[app.role as Role]?.[DISCLOSURE_PURPOSE];
    if (!view) continue;
    const clearFields: string[] = [];
    const anonymizedFields: string[] = [];
    for (const field of inputs.catalog.fields.values()) {
      const decision = decideField(field, { view, purpose: DISCLOSURE_PURPOSE }, NO_OPT_OUTS);
      if (decision.action === 'CLEAR') clearFields.push(field.coordinate);
      if (decision.action === 'ANONYMIZED' || decision.action === 'MASKED') anonymizedFields.push(field.coordinate);
    }
    const purposes = PURPOSES.filter((p) => inputs.rolePolicy[app.role as Role]?.[p]);
    out.push({ app: app.id, name: app.name, owner: app.owner, purposes, clearFields: clearFields.sort(compare), anonymizedFields: anonymizedFields.sort(compare) });
  }
  return out;
}

// Code-point order, the same on every machine (localeCompare is not).
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
