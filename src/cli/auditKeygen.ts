// `npm run audit:keygen [-- --out DIR]`: a new retention key pair. Without
// --out both PEMs are printed; with it they are written to
// DIR/retention-key.pem (owner-only) and DIR/retention-key.pub.pem, never
// over existing files.

import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateRetentionKeyPair } from '../audit/retentionKey';
import type { Io } from './io';

export function keygen(args: readonly string[], io: Io): number {
  const i = args.indexOf('--out');
  if (args.length > 0 && (i !== 0 || args.length !== 2)) {
    io.err('usage: audit keygen [--out DIR]');
    return 2;
  }
  const pair = generateRetentionKeyPair();
  if (i < 0) {
    io.out(pair.privatePem.trimEnd());
    io.out(pair.publicPem.trimEnd());
    io.err(
      `retention key ${pair.keyId}: give the PRIVATE KEY to the retention job only (PRIVQL_RETENTION_KEY), ` +
        'the PUBLIC KEY to whoever runs audit:verify (PRIVQL_RETENTION_PUBLIC_KEY); keep neither in the database',
    );
    return 0;
  }
  const dir = resolve(args[1]);
  const privatePath = join(dir, 'retention-key.pem');
  const publicPath = join(dir, 'retention-key.pub.pem');
  let written: string[] = [];
  try {
    writeFileSync(privatePath, pair.privatePem, { flag: 'wx', mode: 0o600 });
    written = [privatePath];
    writeFileSync(publicPath, pair.publicPem, { flag: 'wx', mode: 0o644 });
  } catch (err) {
    // Half a pair is no use: take back what was written.
    for (const path of written) rmSync(path, { force: true });
    io.err(`audit keygen: cannot write ${(err as NodeJS.ErrnoException).path ?? dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)} (existing keys are never overwritten)`);
    return 1;
  }
  io.out(`retention key ${pair.keyId} written:\n  PRIVQL_RETENTION_KEY=${privatePath}          (the retention job only)\n  PRIVQL_RETENTION_PUBLIC_KEY=${publicPath}   (audit:verify)`);
  return 0;
}
