// The applications that list the anonymous release, as the keyed orders
// their pages come in: whose sort indexes the server keeps
// (releaseKeeper.ts). An application registered with a role that has the
// ANONYMOUS view for some purpose lists the release; others never do.

import type { Knex } from 'knex';
import { ROLE_POLICY, type RolePolicy } from '../policy/roles';
import { keyedOrder, orderKeyFor, type KeyedOrder } from '../plan/recipientOrder';

export async function releaseReaderOrders(db: Knex, pseudonymKeyFor: (app: string) => Uint8Array, policy: RolePolicy = ROLE_POLICY): Promise<KeyedOrder[]> {
  const apps: Array<{ id: string; role: string }> = await db('applications').select('id', 'role').orderBy('id');
  return apps
    .filter((app) => Object.values(policy[app.role] ?? {}).some((view) => view.name === 'ANONYMOUS'))
    .map((app) => keyedOrder(orderKeyFor(pseudonymKeyFor(app.id))));
}
