// Keeps the anonymous release current for one server process.
//
// The choice: a request for the ANONYMOUS view that finds the release stale
// waits for the refresh before it is answered (one refresh per process at a
// time: requests arriving meanwhile join it). A changed, erased or opted-out
// customer is therefore never served from a release older than the change —
// the staleness bound is zero — at the cost of one request waiting for a
// refresh after each burst of changes (milliseconds at 1,000 customers, a few
// seconds at 100,000: see `npm run bench`). Serving the old release while
// refreshing in the background would answer faster but would keep showing a
// customer who just asked to be erased.
//
// It also keeps the release's sort indexes (releaseOrderIndex.ts) for the
// registered applications that list the release (`indexedOrders`): built
// before the server takes requests, again in the background after each
// refresh it cuts, and for any application whose page was served without one
// (a refresh by another process, an application registered since). A page
// never waits for an index: until it is built, pages hash, in the same order.

import type { Knex } from 'knex';
import { ANONYMITY_POLICY, type AnonymityPolicy } from '../policy/anonymity';
import type { KeyedOrder } from '../plan/recipientOrder';
import { refreshRelease } from './refresh';
import { buildOrderIndex } from './releaseOrderBuild';
import { orderIndexId } from './releaseOrderIndex';
import { readReleaseMeta, type ReleaseSummary } from './releaseMeta';

// Each round either serves a current release or refreshes; a change that
// lands during a refresh costs one more round. Past this, data changes faster
// than the release can be cut, and the request fails rather than serve old values.
const MAX_ROUNDS = 3;

/** indexAll's reading of the applications, among the builds (no index id is this short). */
const LISTING = 'applications';

export class ReleaseUnavailableError extends Error {}

/**
 * How often a server looks for a stale release on its own. Readers of the
 * database view privacy.anonymous_customers get no rows while the release is
 * stale (a class thinned below k by an erasure must not be shown), so the
 * release cannot wait for the next analyst request to be cut again.
 */
export const RELEASE_CHECK_MS = 30_000;

export class ReleaseKeeper {
  private inflight: Promise<unknown> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Index builds asked for, by index id (hex): one per order at a time. */
  private readonly indexing = new Map<string, Promise<void>>();
  /** Builds run one after another: at most one pooled connection is ever a build's. */
  private builds: Promise<void> = Promise.resolve();
  private reportedFull = false;

  constructor(
    private readonly db: Knex,
    private readonly policy: AnonymityPolicy = ANONYMITY_POLICY,
    private readonly log: (message: string) => void = () => undefined,
    /** The keyed orders of the registered applications that list the release. */
    private readonly indexedOrders: () => Promise<KeyedOrder[]> = async () => [],
  ) {}

  /** The current release's summary, refreshing first when customer data changed since it was cut. */
  async current(): Promise<ReleaseSummary> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (this.inflight) {
        await this.inflight;
        continue;
      }
      const { needsRefresh, ...summary } = await readReleaseMeta(this.db);
      if (!needsRefresh) return summary;
      await this.refreshOnce();
    }
    throw new ReleaseUnavailableError('the anonymous release could not be brought up to date');
  }

  /**
   * Refreshes if stale (start-up); resolves when the release is current and
   * the registered readers' indexes are built: before any request, so the
   * first pages need no hashing (about 1.5 s an application at 100,000 rows).
   */
  async prepare(): Promise<ReleaseSummary> {
    const summary = await this.current();
    this.indexAll();
    await this.indexed();
    return summary;
  }

  /** Builds `order`'s sort index in the background, unless a build of it is under way. */
  indexOrder(order: KeyedOrder): void {
    const id = orderIndexId(order).toString('hex');
    if (this.indexing.has(id)) return;
    const build = this.builds
      .then(() => buildOrderIndex(this.db, order))
      .then((outcome) => {
        // Said once until the next refresh, not on every page such an application reads.
        if (outcome === 'full' && !this.reportedFull) {
          this.reportedFull = true;
          this.log('an application pages the anonymous release without a sort index: the most indexes a release keeps are built');
        }
      })
      .catch(() => this.log('a sort index of the anonymous release could not be built; its pages hash until it is'))
      .finally(() => this.indexing.delete(id));
    this.builds = build;
    this.indexing.set(id, build);
  }

  /** Builds (in the background) the indexes of every registered application that lists the release. */
  private indexAll(): void {
    this.reportedFull = false;
    const listing = this.indexedOrders()
      .then(
        (orders) => orders.forEach((order) => this.indexOrder(order)),
        () => this.log('the applications whose sort index the anonymous release keeps could not be read'),
      )
      .finally(() => this.indexing.delete(LISTING));
    this.indexing.set(LISTING, listing);
  }

  /** Resolves when no index build is under way (tests, and stop). */
  async indexed(): Promise<void> {
    while (this.indexing.size > 0) await Promise.all(this.indexing.values());
  }

  /** Refreshes a stale release every `intervalMs` in the background, until `stop`. */
  watch(intervalMs = RELEASE_CHECK_MS): void {
    this.timer ??= setInterval(() => {
      this.current().catch(() => this.log('the anonymous release could not be refreshed; it will be tried again'));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inflight?.catch(() => undefined);
    await this.indexed();
  }

  private refreshOnce(): Promise<unknown> {
    this.inflight ??= refreshRelease(this.db, { policy: this.policy, onlyIfStale: true })
      .then((result) => {
        if (result.refreshed) {
          this.indexAll();
          const s = result.summary;
          this.log(`anonymous release refreshed in ${result.ms} ms: ${s.released} released, ${s.suppressed} suppressed, achieved k ${s.achievedK ?? '-'}`);
        }
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }
}
