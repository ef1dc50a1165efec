// Opaque page cursors. A cursor holds the last customer id of a page, and for
// callers who must never see a real id (analysts, partners) a readable cursor
// would leak it, so cursors are encrypted (AES-256-GCM) for everyone.

import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface CursorCodec {
  encode(id: string): string;
  /** The id inside a cursor, or null when the cursor was not made by this server. */
  decode(cursor: string): string | null;
}

export function cursorCodec(secret: string): CursorCodec {
  const key = createHash('sha256').update('privql/cursor/v1\0').update(secret).digest();
  return {
    encode(id) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(id, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    decode(cursor) {
      const raw = Buffer.from(cursor, 'base64url');
      if (raw.length < 29 || raw.length > 200) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}
