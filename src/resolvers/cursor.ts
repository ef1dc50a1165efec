// Opaque page cursors. A cursor holds a position (the last customer id of a
// page, a sort key, a log position), and a readable one would leak real ids to
// callers who must never see them (analysts, partners), so cursors are
// encrypted (AES-256-GCM) for everyone.
//
// A cursor is also bound to the caller that received it and to the list it
// came from: the binding is the GCM associated data, so a cursor replayed by
// another application, principal, role, purpose or view, or passed to another
// list, fails authentication exactly like a forged one. Without the binding an
// AGENT's cursor (a position in real-id order) handed to an ANALYST would
// return "the pseudonym of the next real id", and one partner's cursor would
// work for another.

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Who a cursor was issued to; every part must match for it to be accepted. */
export interface CursorBinding {
  app: string;
  principal: string;
  role: string;
  purpose: string | null;
  view: string | null;
}

/** Which list a cursor belongs to: a position in one means nothing in another. */
export type CursorKind = 'customers' | 'accessLog';

export interface CursorCodec {
  /** The codec for one caller: cursors it makes open only for that caller. */
  forCaller(binding: CursorBinding): CallerCursors;
}

export interface CallerCursors {
  encode(kind: CursorKind, position: string): string;
  /** The position inside a cursor, or null when it was not made by this server for this caller and list. */
  decode(kind: CursorKind, cursor: string): string | null;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
// A chosen order's cursor carries the last row's sort values (up to four).
const MAX_CURSOR_BYTES = 2048;

export function cursorCodec(secret: string): CursorCodec {
  const key = createHash('sha256').update('privql/cursor/v2\0').update(secret).digest();
  return {
    forCaller(binding) {
      // JSON keeps the parts apart: no value can shift another's boundary.
      const aad = Buffer.from(JSON.stringify([binding.app, binding.principal, binding.role, binding.purpose, binding.view]), 'utf8');
      const associated = (kind: CursorKind) => Buffer.concat([Buffer.from(`${kind}\0`, 'utf8'), aad]);
      return {
        encode(kind, position) {
          const iv = randomBytes(IV_BYTES);
          const cipher = createCipheriv('aes-256-gcm', key, iv);
          cipher.setAAD(associated(kind));
          const body = Buffer.concat([cipher.update(position, 'utf8'), cipher.final()]);
          return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
        },
        decode(kind, cursor) {
          if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
          const raw = Buffer.from(cursor, 'base64url');
          if (raw.length < IV_BYTES + TAG_BYTES + 1 || raw.length > MAX_CURSOR_BYTES) return null;
          try {
            const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
            decipher.setAAD(associated(kind));
            decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
            return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
          } catch {
            return null;
          }
        },
      };
    },
  };
}
