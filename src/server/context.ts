import type { Knex } from 'knex';
import type { Caller } from '../auth/caller';
import type { Loaders } from '../data/loaders';
import type { RequestPrivacy } from '../plan/requestPrivacy';
import type { CursorCodec } from '../resolvers/cursor';

/** What every resolver of one request sees. */
export interface PrivqlContext {
  requestId: string;
  caller: Caller;
  db: Knex;
  loaders: Loaders;
  cursors: CursorCodec;
  /** Present when the request named a purpose whose view reads customer records. */
  privacy?: RequestPrivacy;
}
