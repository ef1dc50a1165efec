// The registered applications a token's `app` claim must name. Read from the
// database and kept for a short while: registrations change rarely, and a
// lookup per request would add a statement to every call.

import type { Knex } from 'knex';

export interface Application {
  id: string;
  name: string;
  role: string;
  owner: string;
}

export interface ApplicationRegistry {
  find(id: string): Promise<Application | undefined>;
}

/**
 * How long a server goes on using what it read: an application registered or
 * revoked (`npm run app`) takes effect within this long on every server.
 */
export const APPLICATION_CACHE_TTL_MS = 30_000;

export function applicationRegistry(db: Knex, ttlMs = APPLICATION_CACHE_TTL_MS): ApplicationRegistry {
  let cache: { at: number; apps: Map<string, Application> } | undefined;
  let loading: Promise<Map<string, Application>> | undefined;
  const load = async () => {
    const rows: Application[] = await db('applications').select('id', 'name', 'role', 'owner');
    cache = { at: Date.now(), apps: new Map(rows.map((r) => [r.id, r])) };
    return cache.apps;
  };
  return {
    async find(id) {
      if (cache && Date.now() - cache.at < ttlMs) return cache.apps.get(id);
      loading ??= load().finally(() => (loading = undefined));
      return (await loading).get(id);
    },
  };
}

/** What a server should say at start-up about the registered applications (nothing when some are). */
export async function applicationWarnings(db: Knex): Promise<string[]> {
  const [{ count }] = await db('applications').count<{ count: string | number }[]>({ count: '*' });
  if (Number(count) > 0) return [];
  return [
    'WARNING: no application is registered in this database, so every token is refused (401, "the token names an application that is not registered"). ' +
      'Register one with `npm run app -- add NAME --role ROLE --owner CONTACT` (or `npm run seed` for the demo data set).',
  ];
}
