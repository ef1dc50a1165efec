// Signing a report so an outside body can check it: Ed25519 over the report's
// canonical JSON (keys sorted, no whitespace), the signature itself left out.
// The report carries the chain head it was computed at, so the signature
// also fixes which log records its figures stand for.
//   PRIVQL_REPORT_SIGNING_KEY  the private key (whoever issues reports)
//   PRIVQL_REPORT_PUBLIC_KEY   the public key(s) report:verify accepts; without
//                              it, the public half of the signing key.
// Each a PEM or the path of a file holding one (npm run report:keygen).

import { sign, verify, type KeyObject } from 'node:crypto';
import { keyIdOf, privateKeyFrom, publicKeysFrom, type KeyVariables } from '../../audit/ed25519Keys';
import type { PrivacyReport, ReportSignature, SignedReport } from './types';

export const REPORT_KEY: KeyVariables = {
  privateVariable: 'PRIVQL_REPORT_SIGNING_KEY',
  publicVariable: 'PRIVQL_REPORT_PUBLIC_KEY',
  name: 'the report signing key',
  keygen: 'npm run report:keygen',
};

export const reportSigningKey = (env: NodeJS.ProcessEnv): KeyObject | null => privateKeyFrom(env, REPORT_KEY);
export const reportPublicKeys = (env: NodeJS.ProcessEnv): KeyObject[] => publicKeysFrom(env, REPORT_KEY);

const SIGNED_PREFIX = 'privql-privacy-report-signature-v1\n';

/** JSON with object keys sorted at every level and no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

function message(report: PrivacyReport): Buffer {
  const { signature: _omitted, ...unsigned } = report as SignedReport;
  return Buffer.from(SIGNED_PREFIX + canonicalJson(unsigned), 'utf8');
}

export function signReport(report: PrivacyReport, privateKey: KeyObject, publicKey: KeyObject): SignedReport {
  const signature: ReportSignature = { algorithm: 'Ed25519', keyId: keyIdOf(publicKey), value: sign(null, message(report), privateKey).toString('base64') };
  return { ...report, signature };
}

export type SignatureCheck = { ok: true; keyId: string } | { ok: false; problem: 'UNSIGNED' | 'NO_PUBLIC_KEY' | 'BAD_SIGNATURE'; message: string };

export function checkReportSignature(report: SignedReport, keys: readonly KeyObject[]): SignatureCheck {
  const s = report.signature;
  if (!s || typeof s.value !== 'string') return { ok: false, problem: 'UNSIGNED', message: 'the report carries no signature (made without --sign)' };
  if (keys.length === 0) return { ok: false, problem: 'NO_PUBLIC_KEY', message: 'no public key to check it with: set PRIVQL_REPORT_PUBLIC_KEY' };
  const bytes = Buffer.from(s.value, 'base64');
  const key = keys.find((k) => verify(null, message(report), k, bytes));
  if (!key) return { ok: false, problem: 'BAD_SIGNATURE', message: 'the signature does not match the report: it was changed after signing, or signed with a key not accepted here' };
  return { ok: true, keyId: keyIdOf(key) };
}
