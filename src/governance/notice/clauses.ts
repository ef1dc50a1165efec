// The six clauses of the notice, in plain words, from its facts. Each item
// carries a `code` (a field coordinate, a purpose, an application, an
// opt-out) so a machine can check the words against the facts they state.

import { CHANNEL_WORDING, type CollectionChannel } from '../../policy/collection';
import { CLASSIFICATIONS } from '../../policy/vocabulary';
import { DISCLOSURE_PURPOSE, type NoticeFacts, type NoticeField } from './facts';
import {
  CATEGORY_WORDING, CHANNEL_SHORT, GIVEN_BY_YOU, PURPOSE_WORDING, RECIPIENT_DUTY, TRANSIT_UNKNOWN,
  capitalize, fieldName, listOf, typeName,
} from './wording';

export const CLAUSE_KEYS = ['COLLECTION', 'USE', 'CONTROL', 'ACCESS', 'SECURITY', 'ENFORCEMENT'] as const;
export type ClauseKey = (typeof CLAUSE_KEYS)[number];

export interface NoticeItem {
  label: string;
  text: string;
  /** What the item is about, for machines: a field coordinate, a purpose, an application id, an opt-out kind. */
  code: string | null;
  link: string | null;
}

export interface NoticeSection {
  heading: string;
  paragraphs: string[];
  items: NoticeItem[];
}

export interface NoticeClause {
  key: ClauseKey;
  title: string;
  paragraphs: string[];
  sections: NoticeSection[];
}

/** The self-service page, where every right in clause 4 is exercised. */
export const SELF_SERVICE_LINK = '/';

const item = (label: string, text: string, code: string | null = null, link: string | null = null): NoticeItem => ({ label, text, code, link });
const typeOf = (coordinate: string) => coordinate.slice(0, coordinate.indexOf('.'));

export function noticeClauses(facts: NoticeFacts): NoticeClause[] {
  return [collection(facts), use(facts), control(facts), access(facts), security(facts), enforcement(facts)];
}

function collection(facts: NoticeFacts): NoticeClause {
  // One section per class and kind of record, one item per field.
  const sections: NoticeSection[] = CLASSIFICATIONS.flatMap((c) => {
    const fields = facts.fields.filter((f) => f.classification === c);
    const types = [...new Set(fields.map((f) => typeOf(f.coordinate)))];
    return types.map((type, index) => ({
      heading: `${CATEGORY_WORDING[c].title}: ${typeName(type)}`,
      paragraphs: index === 0 ? [`${capitalize(CATEGORY_WORDING[c].description)}.`] : [],
      items: fields.filter((f) => typeOf(f.coordinate) === type).map((f) => item(fieldName(f.coordinate), `from ${listOf(f.channels.map((ch) => CHANNEL_SHORT[ch]))}.`, f.coordinate)),
    }));
  });
  sections.push({
    heading: 'Where it comes from',
    paragraphs: ['Each item above names where it comes from:'],
    items: facts.channels.map((ch: CollectionChannel) => item(capitalize(CHANNEL_SHORT[ch]), `${capitalize(CHANNEL_WORDING[ch])}.`, ch)),
  });
  const consented = facts.fields.filter(isIdentifyingOrContact).map((f) => fieldName(f.coordinate));
  const sensitive = facts.fields.filter((f) => f.classification === 'sensitive').map((f) => fieldName(f.coordinate));
  return {
    key: 'COLLECTION',
    title: 'What we collect',
    paragraphs: [
      'This notice lists every item of data we hold about you, grouped by how closely it concerns you, and where each comes from.',
      `We ask for your consent when we collect the data that identifies you or lets us contact you: ${listOf(consented)}.` +
        (sensitive.length > 0 ? ` You give us ${listOf(sensitive)} only if you wish to, and we use it only with your separate consent (see “Your control over its use”).` : ''),
    ],
    sections,
  };
}

// What identifies the customer or lets the company reach them: the data of
// their own record that they give themselves.
function isIdentifyingOrContact(f: NoticeField): boolean {
  return typeOf(f.coordinate) === 'Customer' && f.classification !== 'sensitive' && f.channels.some((ch) => GIVEN_BY_YOU.includes(ch));
}

function use(facts: NoticeFacts): NoticeClause {
  const sections: NoticeSection[] = CLASSIFICATIONS.map((c) => {
    const purposes = facts.purposesByClass[c];
    return {
      heading: CATEGORY_WORDING[c].title,
      paragraphs:
        purposes.length === 0
          ? ['We use it for none of our purposes: only you and our privacy office see it.']
          : ['Used, each item only for the purposes it was collected for:'],
      items: purposes.map((p) => item(capitalize(p.replace(/_/g, ' ').toLowerCase()), `${capitalize(PURPOSE_WORDING[p])}.`, p)),
    };
  });
  sections.push({
    heading: 'Who receives your data',
    paragraphs:
      facts.recipients.length === 0
        ? ['We give your data to no other company.']
        : [
            `We give data to these partner companies, only ${PURPOSE_WORDING[DISCLOSURE_PURPOSE]}, and never data of customers who said no to it.`,
            RECIPIENT_DUTY,
          ],
    items: facts.recipients.map((r) =>
      item(
        `${r.name} (${r.owner})`,
        `Receives ${listOf(r.clearFields.map(fieldName)) || 'nothing'} as it is` +
          (r.anonymizedFields.length > 0 ? `, and ${listOf(r.anonymizedFields.map(fieldName))} only generalized or as a code of its own, which no other partner can match.` : '.'),
        r.app,
      ),
    ),
  });
  return {
    key: 'USE',
    title: 'How we use it and who receives it',
    paragraphs: ['We use each item of data only for the purposes listed with its group below.'],
    sections,
  };
}

function control(facts: NoticeFacts): NoticeClause {
  return {
    key: 'CONTROL',
    title: 'Your control over its use',
    paragraphs: [
      'We use your data only for the purposes it was collected for. We use it for nothing else without asking your permission first.',
    ],
    sections: [
      {
        heading: 'Saying no',
        paragraphs: ['Each of these choices applies at once, and you can change it again at any time on your self-service page:'],
        items: facts.optOuts.map((o) => item(o.title, o.effect, o.kind, SELF_SERVICE_LINK)),
      },
    ],
  };
}

function access(facts: NoticeFacts): NoticeClause {
  return {
    key: 'ACCESS',
    title: 'Seeing, correcting and erasing your data',
    paragraphs: [`All of this is on your self-service page. If you cannot use it, write to our privacy officer at ${facts.officerContact}.`],
    sections: [
      {
        heading: 'On your self-service page you can',
        paragraphs: [],
        items: [
          item('See your data', 'See everything we hold about you, and who has accessed it, when and why.', 'VIEW', SELF_SERVICE_LINK),
          item('Correct it', 'Correct what is wrong. Nothing changes until you confirm; a change of name waits for our privacy office.', 'CORRECT', SELF_SERVICE_LINK),
          item('Take a copy', 'Download everything we hold about you in one file (JSON), to keep or take elsewhere.', 'EXPORT', SELF_SERVICE_LINK),
          item('Erase it', 'Ask us to erase your data. Our privacy office carries it out; it cannot be undone.', 'ERASE', SELF_SERVICE_LINK),
          item('Choose how we contact you', 'Choose the channels we may use (email, phone, text message, post) and the one you prefer.', 'CONTACT_PREFERENCES', SELF_SERVICE_LINK),
        ],
      },
    ],
  };
}

function security(facts: NoticeFacts): NoticeClause {
  return {
    key: 'SECURITY',
    title: 'How we protect it',
    paragraphs: [],
    sections: [
      {
        heading: 'Our safeguards',
        paragraphs: [],
        items: [
          item('Field by field', `Each of the ${facts.fields.length} items listed above is protected on its own: every person and system sees only what its role and purpose allow, and the rest hidden, partly hidden or generalized.`, 'FIELD_LEVEL_ENFORCEMENT'),
          item('Pseudonyms', 'Partners and statisticians get a code in place of your customer number, made with a secret key and different for each of them, so they cannot combine their data.', 'PSEUDONYMS'),
          item('A log that shows tampering', 'Every access to your data is recorded. Each record is sealed together with the one before it, so a removed or altered record shows; you can read your part of it on your self-service page.', 'TAMPER_EVIDENT_LOG'),
          item('Statistics', `Statistics about our customers never describe a group of fewer than ${facts.k} people.`, 'ANONYMITY'),
          item('In transit', TRANSIT_UNKNOWN, 'ENCRYPTION_IN_TRANSIT'),
        ],
      },
    ],
  };
}

function enforcement(facts: NoticeFacts): NoticeClause {
  return {
    key: 'ENFORCEMENT',
    title: 'Questions, concerns and changes',
    paragraphs: [],
    sections: [
      {
        heading: 'Who to contact',
        paragraphs: [],
        items: [
          item('Our privacy officer', facts.officerContact, 'OFFICER_CONTACT', contactLink(facts.officerContact)),
          item('Raising a concern', 'Write to our privacy officer, who answers every concern. If you are not satisfied, you may complain to your data protection authority.', 'CONCERN'),
          item('When this notice changes', 'We publish a new version on this page, with its date and what changed in plain words, and send a message to every customer. Your self-service page asks you to acknowledge it.', 'CHANGES'),
        ],
      },
    ],
  };
}

function contactLink(contact: string): string | null {
  if (/^[^\s@]+@[^\s@]+$/.test(contact)) return `mailto:${contact}`;
  if (/^https:\/\/\S+$/.test(contact)) return contact;
  return null;
}
