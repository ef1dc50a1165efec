// `npm run audit:keygen [-- --out DIR]` (and `report:keygen`): a new Ed25519
// key pair. Without --out both PEMs are printed; with it they are written to
// DIR/<file>.pem (owner-only) and DIR/<file>.pub.pem, never over existing
// files.

import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateEd25519KeyPair } from '../audit/ed25519Keys';
import type { Io } from './io';

/** Which key a keygen makes: its file name and who gets each half. */
export interface KeyKind {
  command: string;
  /** e.g. retention key */
  name: string;
  file: string;
  privateVariable: string;
  privateHolder: string;
  publicVariable: string;
  publicHolder: string;
}

export const RETENTION_KEY_KIND: KeyKind = {
  command: 'audit keygen',
  name: 'retention key',
  file: 'retention-key',
  privateVariable: 'PRIVQL_RETENTION_KEY',
  privateHolder: 'the retention job only',
  publicVariable: 'PRIVQL_RETENTION_PUBLIC_KEY',
  publicHolder: 'audit:verify',
};

export function keygen(args: readonly string[], io: Io, kind: KeyKind = RETENTION_KEY_KIND): number {
  const i = args.indexOf('--out');
  if (args.length > 0 && (i !== 0 || args.length !== 2)) {
    io.err(`usage: ${kind.command} [--out DIR]`);
    return 2;
  }
  const pair = generateEd25519KeyPair();
  if (i < 0) {
    io.out(pair.privatePem.trimEnd());
    io.out(pair.publicPem.trimEnd());
    io.err(
      `${kind.name} ${pair.keyId}: give the PRIVATE KEY to ${kind.privateHolder} (${kind.privateVariable}), ` +
        `the PUBLIC KEY to whoever runs ${kind.publicHolder} (${kind.publicVariable}); keep neither in the database`,
    );
    return 0;
  }
  const dir = resolve(args[1]);
  const privatePath = join(dir, `${kind.file}.pem`);
  const publicPath = join(dir, `${kind.file}.pub.pem`);
  let written: string[] = [];
  try {
    writeFileSync(privatePath, pair.privatePem, { flag: 'wx', mode: 0o600 });
    written = [privatePath];
    writeFileSync(publicPath, pair.publicPem, { flag: 'wx', mode: 0o644 });
  } catch (err) {
    // Half a pair is no use: take back what was written.
    for (const path of written) rmSync(path, { force: true });
    io.err(`${kind.command}: cannot write ${(err as NodeJS.ErrnoException).path ?? dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)} (existing keys are never overwritten)`);
    return 1;
  }
  io.out(`${kind.name} ${pair.keyId} written:\n  ${kind.privateVariable}=${privatePath}          (${kind.privateHolder})\n  ${kind.publicVariable}=${publicPath}   (${kind.publicHolder})`);
  return 0;
}
