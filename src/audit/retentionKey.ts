// The retention key: an Ed25519 pair whose private half signs retention
// checkpoints (`audit:prune`) and is kept outside the database, so that
// nobody who can only write to the database can make a checkpoint that
// `audit:verify` accepts. Each variable holds a PEM, or the path of a file
// holding one:
//   PRIVQL_RETENTION_KEY         the private key (the retention job only)
//   PRIVQL_RETENTION_PUBLIC_KEY  the public key(s) verify accepts; several
//                                PEM blocks for keys retired by a rotation.
//                                Without it, the public half of
//                                PRIVQL_RETENTION_KEY is used.

import type { KeyObject } from 'node:crypto';
import { KeyConfigError, generateEd25519KeyPair, keyIdOf, privateKeyFrom, publicKeysFrom, type Ed25519KeyPair, type KeyVariables } from './ed25519Keys';

export class RetentionKeyError extends KeyConfigError {}

export type RetentionKeyPair = Ed25519KeyPair;
export const generateRetentionKeyPair = generateEd25519KeyPair;
export { keyIdOf };

const RETENTION_KEY: KeyVariables = {
  privateVariable: 'PRIVQL_RETENTION_KEY',
  publicVariable: 'PRIVQL_RETENTION_PUBLIC_KEY',
  name: 'the retention key',
  keygen: 'npm run audit:keygen',
  error: RetentionKeyError,
};

/** The signing key, or null when PRIVQL_RETENTION_KEY is not set. */
export function retentionPrivateKey(env: NodeJS.ProcessEnv): KeyObject | null {
  return privateKeyFrom(env, RETENTION_KEY);
}

/** The keys a checkpoint may be signed with; empty when neither variable is set. */
export function retentionPublicKeys(env: NodeJS.ProcessEnv): KeyObject[] {
  return publicKeysFrom(env, RETENTION_KEY);
}

/** As retentionPublicKeys, for a server: a key that cannot be read leaves checkpoints unverified, which the chain check then says, rather than stop it. */
export function retentionPublicKeysOrNone(env: NodeJS.ProcessEnv): KeyObject[] {
  try {
    return retentionPublicKeys(env);
  } catch {
    return [];
  }
}
