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

export function applicationRegistry(db: Knex, ttlMs = 30_000): ApplicationRegistry {
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
