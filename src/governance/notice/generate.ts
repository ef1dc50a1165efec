// The privacy notice: its facts, its six clauses, and the hash that decides
// whether a newly generated notice differs from the one last published.

import { createHash } from 'node:crypto';
import { noticeClauses, type NoticeClause } from './clauses';
import { noticeFacts, type NoticeFacts, type NoticeInputs } from './facts';

export const NOTICE_FORMAT = 'privql-notice-v1';

export interface NoticeContent {
  format: typeof NOTICE_FORMAT;
  facts: NoticeFacts;
  clauses: NoticeClause[];
}

export function generateNotice(inputs: NoticeInputs): NoticeContent {
  const facts = noticeFacts(inputs);
  return { format: NOTICE_FORMAT, facts, clauses: noticeClauses(facts) };
}

/**
 * SHA-256 of the content with its keys in a fixed order. The content is all
 * the notice says, facts and words alike, so equal hashes mean a customer
 * would read the same notice. (jsonb reorders keys: a stored notice is
 * hashed by the same function after reading it back.)
 */
export function noticeHash(content: NoticeContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
