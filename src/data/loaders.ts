// Per-request loaders. A new set for every request: DataLoader's cache would
// otherwise serve one caller's rows to another, and a row's visibility is a
// property of the request, not of the row.

import DataLoader from 'dataloader';
import type { Knex } from 'knex';
import { selectOrdersOf, type OrderRow } from './customerQueries';
import { MAX_HISTORY_PAGE, optOutHistoryOf, type OptOutHistoryRow } from '../selfService/optOuts';
import { pendingRequestsOf, type ChangeRequestRow } from '../selfService/changeRequests';
import { erasureRequestsOf, type ErasureRequestRow } from '../selfService/erasure';

export interface Loaders {
  ordersByCustomer: DataLoader<string, OrderRow[]>;
  optOutHistory: DataLoader<string, OptOutHistoryRow[]>;
  pendingChangeRequests: DataLoader<string, ChangeRequestRow[]>;
  erasureRequests: DataLoader<string, ErasureRequestRow[]>;
}

export function createLoaders(db: Knex): Loaders {
  return {
    ordersByCustomer: new DataLoader((ids) => selectOrdersOf(db, ids), { maxBatchSize: 1000 }),
    optOutHistory: new DataLoader((ids) => optOutHistoryOf(db, ids, MAX_HISTORY_PAGE), { maxBatchSize: 1000 }),
    pendingChangeRequests: new DataLoader((ids) => pendingRequestsOf(db, ids), { maxBatchSize: 1000 }),
    erasureRequests: new DataLoader((ids) => erasureRequestsOf(db, ids), { maxBatchSize: 1000 }),
  };
}
