// Refused requests are recorded, but a refusal costs the caller nothing: a
// script sending bad tokens could append a record per request to a log that
// can never be pruned early. So denials are recorded once per source, code
// and reason per window: the first one at once (a lone refusal shows up
// immediately), the repeats as one record with their count when the window
// closes or the server stops. Memory is bounded: past `maxSources` distinct
// keys in a window, further sources share one overflow key.

import { randomUUID } from 'node:crypto';
import type { AccessContext } from './accessContext';

export interface DenialWriter {
  writeDenied(ctx: AccessContext, detail: Record<string, unknown>): Promise<void>;
}

export interface Denial {
  /** Who was refused: a client address for unauthenticated requests, app and principal otherwise. */
  source: string;
  ctx: AccessContext;
  detail: { code: unknown; reason?: unknown };
}

interface Window {
  opened: number;
  last: number;
  repeats: number;
  first: Denial;
}

export interface DenialAggregatorOptions {
  windowMs: number;
  maxSources?: number;
  now?: () => number;
}

const OVERFLOW = '(other sources)';

export class DenialAggregator {
  private readonly windows = new Map<string, Window>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly maxSources: number;

  constructor(
    private readonly log: DenialWriter,
    private readonly options: DenialAggregatorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.maxSources = options.maxSources ?? 10_000;
    this.timer = setInterval(() => void this.flush(false).catch(() => undefined), options.windowMs);
    this.timer.unref();
  }

  /** Records a refusal: written now if it opens a window, counted otherwise. */
  async record(denial: Denial): Promise<void> {
    const now = this.now();
    let key = `${denial.source}\n${String(denial.detail.code)}\n${String(denial.detail.reason ?? '')}`;
    const open = this.windows.get(key);
    if (open && now - open.opened < this.options.windowMs) {
      open.repeats++;
      open.last = now;
      return;
    }
    if (open) await this.close(key, open);
    if (!this.windows.has(key) && this.windows.size >= this.maxSources) {
      key = `${OVERFLOW}\n${String(denial.detail.code)}`;
      const overflow = this.windows.get(key);
      if (overflow) {
        overflow.repeats++;
        overflow.last = now;
        return;
      }
      denial = { ...denial, source: OVERFLOW };
    }
    this.windows.set(key, { opened: now, last: now, repeats: 0, first: denial });
    await this.log.writeDenied(denial.ctx, { ...denial.detail, source: denial.source });
  }

  /** Writes the counts of closed windows (all of them when `all`, e.g. at shutdown). */
  async flush(all = true): Promise<void> {
    const now = this.now();
    for (const [key, window] of [...this.windows]) {
      if (all || now - window.opened >= this.options.windowMs) await this.close(key, window);
    }
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    return this.flush(true);
  }

  private async close(key: string, window: Window): Promise<void> {
    this.windows.delete(key);
    if (window.repeats === 0) return;
    const { ctx, detail, source } = window.first;
    await this.log.writeDenied(
      { ...ctx, requestId: randomUUID() },
      { ...detail, source, repeated: window.repeats, from: new Date(window.opened).toISOString(), to: new Date(window.last).toISOString() },
    );
  }
}
