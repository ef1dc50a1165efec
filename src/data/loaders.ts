// Per-request loaders. A new set for every request: DataLoader's cache would
// otherwise serve one caller's rows to another, and a row's visibility is a
// property of the request, not of the row.

import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { selectOrdersOf, type OrderRow } from './customerQueries';

export interface Loaders {
  ordersByCustomer: DataLoader<string, OrderRow[]>;
}

export function createLoaders(db: Knex): Loaders {
  return {
    ordersByCustomer: new DataLoader((ids) => selectOrdersOf(db, ids), { maxBatchSize: 1000 }),
  };
}
