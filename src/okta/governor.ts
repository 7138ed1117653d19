/**
 * Rate-limit governor: paces Okta requests per rate-limit bucket from the `X-Rate-Limit-*` headers
 * so the agent uses at most a configured share of each bucket, and bounds concurrency.
 *
 * Per bucket it remembers the last Limit/Remaining/Reset it saw. A request may start while
 * `remaining - inFlight > limit × (1 - share)` (the reserve left to other integrations); the
 * remaining allowance is spread evenly over the time left until Reset instead of bursting. When the
 * allowance is used up it waits for Reset. A 429 empties the bucket until its Reset. Before the
 * first response of a bucket nothing is known, so only the concurrency bound applies.
 * Time and sleeping are injected, so the pacing is unit-tested without real waiting.
 */

export type Bucket = 'users' | 'user-get' | 'user-write' | 'groups' | 'group' | 'other';

/** Okta's documented rate-limit buckets (management API). */
export function bucketOf(method: string, url: string): Bucket {
  const path = new URL(url).pathname.replace(/\/+$/, '');
  const m = method.toUpperCase();
  if (path === '/api/v1/users') return 'users';
  if (/^\/api\/v1\/users\/[^/]+$/.test(path)) return m === 'GET' ? 'user-get' : 'user-write';
  if (path === '/api/v1/groups') return 'groups';
  if (/^\/api\/v1\/groups\/[^/]+$/.test(path)) return 'group';
  return 'other';
}

export interface RateHeaders {
  limit: number;
  remaining: number;
  /** epoch milliseconds */
  resetAt: number;
}

export function parseRateHeaders(get: (name: string) => string | null, serverNow: number | undefined, localNow: number): RateHeaders | undefined {
  const limit = Number(get('x-rate-limit-limit'));
  const remaining = Number(get('x-rate-limit-remaining'));
  const resetRaw = get('x-rate-limit-reset');
  if (!resetRaw || resetRaw.includes(',') || !Number.isFinite(limit) || !Number.isFinite(remaining)) return undefined;
  const reset = Number(resetRaw) * 1000;
  if (!Number.isFinite(reset)) return undefined;
  // Reset is the server's clock; translate it to ours with the Date header when there is one
  const skew = serverNow !== undefined && Number.isFinite(serverNow) ? localNow - serverNow : 0;
  return { limit, remaining, resetAt: reset + skew };
}

interface BucketState {
  limit: number;
  remaining: number;
  resetAt: number;
  inFlight: number;
  nextStart: number;
}

export interface GovernorOptions {
  share: number;
  concurrency: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called when the governor decides to wait for a bucket reset (for logs and metrics). */
  onWait?: (bucket: Bucket, ms: number, why: string) => void;
}

export class RateGovernor {
  private readonly buckets = new Map<Bucket, BucketState>();
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds requests waited for a bucket to reset (its share used up, or a 429); pacing not included. */
  waitedMs = 0;
  /** The last per-window limit each bucket's responses gave, and when (a concurrency 429's Limit 0 is not a limit). */
  readonly seenLimits = new Map<Bucket, { limit: number; seenAt: number }>();

  constructor(private readonly opts: GovernorOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Wait for a concurrency slot and the bucket's pace; returns the release function. */
  async acquire(bucket: Bucket): Promise<() => void> {
    await this.slot();
    try {
      for (;;) {
        const wait = this.delayFor(bucket);
        if (wait.ms <= 0) break;
        if (wait.why !== 'pacing') {
          this.opts.onWait?.(bucket, wait.ms, wait.why);
          this.waitedMs += wait.ms;
        }
        await this.sleep(wait.ms);
      }
    } catch (e) {
      this.releaseSlot();
      throw e;
    }
    const b = this.buckets.get(bucket);
    if (b) {
      b.inFlight++;
      b.nextStart = Math.max(b.nextStart, this.now()) + this.spacing(b);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (b) b.inFlight--;
      this.releaseSlot();
    };
  }

  /** Record what a response said about its bucket. */
  observe(bucket: Bucket, h: RateHeaders | undefined, status: number): void {
    if (!h) return;
    if (h.limit > 0) this.seenLimits.set(bucket, { limit: h.limit, seenAt: this.now() });
    const b = this.buckets.get(bucket) ?? { limit: h.limit, remaining: h.remaining, resetAt: h.resetAt, inFlight: 0, nextStart: 0 };
    // responses can arrive out of order: within one window keep the lowest Remaining seen
    if (h.resetAt > b.resetAt + 500) {
      b.remaining = h.remaining;
    } else {
      b.remaining = Math.min(b.remaining, h.remaining);
    }
    b.limit = h.limit;
    b.resetAt = Math.max(b.resetAt, h.resetAt);
    if (status === 429) b.remaining = 0;
    this.buckets.set(bucket, b);
  }

  /** How long to wait before the next request of this bucket may start. */
  delayFor(bucket: Bucket): { ms: number; why: string } {
    const b = this.buckets.get(bucket);
    if (!b) return { ms: 0, why: '' };
    const now = this.now();
    if (now >= b.resetAt) {
      // a new window: we do not know Remaining until the next response; let one request through
      if (b.inFlight === 0) return { ms: 0, why: '' };
      return { ms: 50, why: 'window reset; waiting for fresh rate-limit headers' };
    }
    if (b.limit === 0) return { ms: b.resetAt - now + jitter(), why: 'concurrency limit (429 with Limit 0)' };
    if (this.allowance(b) <= 0) return { ms: b.resetAt - now + jitter(), why: `share of ${b.limit}/window used; waiting for reset` };
    if (b.nextStart > now) return { ms: b.nextStart - now, why: 'pacing' };
    return { ms: 0, why: '' };
  }

  private allowance(b: BucketState): number {
    const reserve = Math.ceil(b.limit * (1 - this.opts.share));
    return b.remaining - b.inFlight - reserve;
  }

  private spacing(b: BucketState): number {
    const allowance = this.allowance(b);
    const left = b.resetAt - this.now();
    if (allowance <= 0 || left <= 0) return 0;
    return Math.floor(left / (allowance + 1));
  }

  private async slot(): Promise<void> {
    if (this.active < this.opts.concurrency) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}

function jitter(): number {
  return 250 + Math.floor(Math.random() * 250);
}
