// Refused requests are recorded, but a refusal costs the caller nothing: a
// script sending bad tokens could append a record per request to a log that
// can never be pruned early. So refusals are recorded once per key (source,
// what was refused and why) per window: the first at once, so a lone refusal
// shows up immediately, and the repeats as records carrying their count,
// written every `flushMs` while they keep coming (a crash loses at most that
// much) and when the server stops.
//
// Memory is bounded: past `maxKeys` distinct keys in a window, further
// sources share one overflow key per code.
//
// Every change to the windows happens before the first await, so two
// refusals arriving together cannot both open the same window.

import { randomUUID } from 'node:crypto';
import type { AccessContext } from './accessContext';

export interface DenialWriter {
  writeDenied(ctx: AccessContext, detail: Record<string, unknown>): Promise<void>;
}

export interface Denial {
  /** What makes two refusals "the same": who, what was asked, and why it was refused. */
  key: string;
  ctx: AccessContext;
  /** Written as the record's detail; must carry `code`. */
  detail: { code: unknown } & Record<string, unknown>;
}

interface Window {
  opened: number;
  first: Denial;
  /** Repeats not yet written, and when the first and last of them came. */
  repeats: number;
  from: number;
  to: number;
}

export interface DenialAggregatorOptions {
  windowMs: number;
  /** How often counts of repeats are written; default a sixth of the window. */
  flushMs?: number;
  maxKeys?: number;
  now?: () => number;
}

const OVERFLOW = '(other sources)';

export class DenialAggregator {
  private readonly windows = new Map<string, Window>();
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(
    private readonly log: DenialWriter,
    private readonly options: DenialAggregatorOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 1_000;
    this.timer = setInterval(() => void this.flush(false).catch(() => undefined), options.flushMs ?? Math.max(1, Math.floor(options.windowMs / 6)));
    this.timer.unref();
  }

  /** Records a refusal: written now if it opens a window, counted otherwise. */
  record(denial: Denial): Promise<void> {
    const now = this.now();
    let key = denial.key;
    const open = this.windows.get(key);
    if (open && now - open.opened < this.options.windowMs) return this.count(open, now);
    const writes: Array<Promise<void>> = [];
    if (open) {
      this.windows.delete(key);
      writes.push(this.writeRepeats(open));
    }
    if (this.windows.size >= this.maxKeys) {
      key = `${OVERFLOW}\n${String(denial.detail.code)}`;
      const overflow = this.windows.get(key);
      if (overflow) return Promise.all([...writes, this.count(overflow, now)]).then(() => undefined);
      denial = { key, ctx: { requestId: denial.ctx.requestId, app: null, principal: null, role: null, purpose: null, view: null }, detail: { code: denial.detail.code, source: OVERFLOW } };
    }
    this.windows.set(key, { opened: now, first: denial, repeats: 0, from: now, to: now });
    writes.push(this.log.writeDenied(denial.ctx, denial.detail));
    return Promise.all(writes).then(() => undefined);
  }

  /** Writes pending counts; closes windows that have run out (all of them when `all`, e.g. at shutdown). */
  async flush(all = true): Promise<void> {
    const now = this.now();
    const writes: Array<Promise<void>> = [];
    for (const [key, window] of this.windows) {
      if (all || now - window.opened >= this.options.windowMs) this.windows.delete(key);
      writes.push(this.writeRepeats(window));
    }
    await Promise.all(writes);
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    return this.flush(true);
  }

  private count(window: Window, now: number): Promise<void> {
    if (window.repeats === 0) window.from = now;
    window.repeats++;
    window.to = now;
    return Promise.resolve();
  }

  private writeRepeats(window: Window): Promise<void> {
    if (window.repeats === 0) return Promise.resolve();
    const { repeats, from, to } = window;
    window.repeats = 0;
    // A record of its own (its own request id): it stands for many requests, none of which it names.
    return this.log.writeDenied(
      { ...window.first.ctx, requestId: randomUUID(), clientRequestId: undefined },
      { ...window.first.detail, repeated: repeats, from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    );
  }
}

/**
 * Where unauthenticated requests come from, as the key that counts them: a
 * caller can pick any address of a /24 (IPv4) or /64 (IPv6) it sits in, so
 * the network, not the address, is the source.
 */
export function addressSource(address: string | undefined): string {
  if (!address) return 'address unknown';
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/i.exec(address);
  if (v4) return `network ${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (address.includes(':')) return `network ${networkOf64(address).join(':')}::/64`;
  return 'address unknown';
}

/**
 * The first four groups of an IPv6 address, written out. "::" stands for as
 * many zero groups as the address lacks, which may be fewer than four and
 * may sit inside the network half (2001:db8::5:a:b:c:d is in 2001:db8:0:5),
 * so it is expanded, not read as "the rest of the network is zero".
 */
function networkOf64(address: string): string[] {
  const bare = address.split('%')[0]; // a zone (fe80::1%eth0) is not part of the address
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])));
  const compressed = bare.indexOf('::');
  const head = groupsOf(compressed < 0 ? bare : bare.slice(0, compressed));
  const tail = compressed < 0 ? [] : groupsOf(bare.slice(compressed + 2));
  const full = compressed < 0 ? head : [...head, ...Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0'), ...tail];
  return [...full, '0', '0', '0', '0'].slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}
