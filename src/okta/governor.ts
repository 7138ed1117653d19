/**
 * Rate-limit governor: paces Okta requests per rate-limit bucket from the `X-Rate-Limit-*` headers
 * so the agent uses its configured share of each bucket — all of it, and no more — and bounds
 * concurrency.
 *
 * Per bucket it keeps the window's Limit and lowest Remaining, and when the window ends (see
 * rate-window.ts: an upper bound known to milliseconds, not Reset's whole seconds). A request may
 * start while `remaining - inFlight > limit × (1 - share)` (the reserve left to other
 * integrations); the allowance is spread evenly over the time left in the window instead of
 * bursting. Once the window has ended the last pace goes on until the new window's first answer
 * tells its Remaining. When the allowance is used up it waits for the window's end. A 429 empties
 * the bucket until the window ends; a concurrency 429 (Limit 0) holds every bucket for a short,
 * growing backoff and leaves the windows alone. Before the first answer of a bucket nothing is
 * known, so only the concurrency bound applies.
 *
 * A request waits for its bucket's pace before it takes a concurrency slot, so requests paced in one
 * bucket never hold slots that another bucket's requests could use.
 * Time and sleeping are injected, so the pacing is unit-tested without real waiting.
 */
import { allowedPerSecond } from './rate-limits';
import { ServerClock, WindowTimer, type RateHeaders } from './rate-window';

export { parseRateHeaders, type RateHeaders } from './rate-window';

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

interface BucketState {
  limit: number;
  /** Lowest Remaining answered from the current window. */
  remaining: number;
  /** When the current window ends at the latest (our clock). */
  endsAt: number;
  timer: WindowTimer;
  nextStart: number;
  /** The last pacing interval: kept from the end of a window until the next one's first answer. */
  spacing: number;
}

/** What came back for a request: its rate-limit headers (if any) and status. */
export interface Answer {
  headers: RateHeaders | undefined;
  status: number;
}

/** A granted request: release it once, with the answer when there was one. */
export interface Permit {
  release(answer?: Answer): void;
}

/** A bucket's window as Okta last described it (for metrics and progress). */
export interface RateLimitWindow {
  bucket: Bucket;
  limit: number;
  remaining: number;
  /** When the window ends at the latest (epoch ms, our clock). */
  endsAt: number;
}

export interface GovernorOptions {
  share: number;
  concurrency: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called when the governor decides to wait for a bucket reset (for logs and metrics). */
  onWait?: (bucket: Bucket, ms: number, why: string) => void;
  /** Backoff jitter in [0, 1) (default Math.random). */
  random?: () => number;
}

/** First backoff after a concurrency 429, doubled on each one that follows, and its ceiling. */
const CONCURRENCY_BACKOFF_MS = 1000;
const CONCURRENCY_BACKOFF_MAX_MS = 30_000;

export class RateGovernor {
  private readonly buckets = new Map<Bucket, BucketState>();
  /** Requests started and not answered, per bucket (those sent before its first answer too). */
  private readonly inFlight = new Map<Bucket, number>();
  private readonly clock = new ServerClock();
  private active = 0;
  private slotWaiters: (() => void)[] = [];
  /** After a concurrency 429: no request starts before this (our clock). */
  private heldUntil = 0;
  private concurrencyStrikes = 0;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** Milliseconds requests waited for a bucket to reset (its share used up, or a 429); pacing not included. */
  waitedMs = 0;
  /** The last per-window limit each bucket's responses gave, and when (a concurrency 429's Limit 0 is not a limit). */
  readonly seenLimits = new Map<Bucket, { limit: number; seenAt: number }>();

  constructor(private readonly opts: GovernorOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
  }

  /**
   * The rate (requests per second) the governor lets through a bucket over time: its share of the
   * bucket's limit. Undefined before Okta described the bucket.
   */
  pace(bucket: Bucket): number | undefined {
    const b = this.buckets.get(bucket);
    if (!b || b.limit <= 0) return undefined;
    return allowedPerSecond(b.limit, this.opts.share);
  }

  /** Every bucket seen so far, as its last answer described it (`endsAt`: the window's end at the latest, epoch ms). */
  windows(): RateLimitWindow[] {
    return [...this.buckets].map(([bucket, b]) => ({ bucket, limit: b.limit, remaining: b.remaining, endsAt: b.endsAt }));
  }

  /** Wait for the bucket's pace, then for a concurrency slot. */
  async acquire(bucket: Bucket): Promise<Permit> {
    for (;;) {
      const wait = this.delayFor(bucket);
      if (wait.ms > 0) {
        if (wait.why !== 'pacing') {
          this.opts.onWait?.(bucket, wait.ms, wait.why);
          this.waitedMs += wait.ms;
        }
        await this.sleep(wait.ms);
        continue;
      }
      if (this.active < this.opts.concurrency) break;
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    this.active++;
    const sentAt = this.now();
    this.inFlight.set(bucket, (this.inFlight.get(bucket) ?? 0) + 1);
    const b = this.buckets.get(bucket);
    if (b) {
      const allowance = this.allowance(bucket, b);
      // the allowance left (this request counted) spread evenly until the window's end; past the
      // end, or with nothing left (the next request then waits for the end), the pace is kept
      if (sentAt < b.endsAt && allowance > 0) b.spacing = (b.endsAt - sentAt) / (allowance + 1);
      b.nextStart = Math.max(b.nextStart, sentAt) + b.spacing;
    }
    let released = false;
    return {
      release: (answer) => {
        if (released) return;
        released = true;
        this.inFlight.set(bucket, (this.inFlight.get(bucket) ?? 1) - 1);
        this.active--;
        // every waiter looks again: the first may still be pacing while a later one could go
        const waiters = this.slotWaiters;
        this.slotWaiters = [];
        for (const w of waiters) w();
        if (answer) this.observe(bucket, answer, sentAt);
      },
    };
  }

  /** How long to wait before the next request of this bucket may start (concurrency slots aside). */
  delayFor(bucket: Bucket): { ms: number; why: string } {
    const now = this.now();
    if (now < this.heldUntil) return { ms: this.heldUntil - now, why: 'concurrency limit (429 with Limit 0)' };
    const b = this.buckets.get(bucket);
    if (!b) return { ms: 0, why: '' };
    // past the window's end, its allowance no longer binds: keep the pace until the next one answers
    if (now < b.endsAt && this.allowance(bucket, b) <= 0) return { ms: b.endsAt - now, why: `share of ${b.limit}/window used; waiting for reset` };
    if (b.nextStart > now) return { ms: b.nextStart - now, why: 'pacing' };
    return { ms: 0, why: '' };
  }

  /** Record what an answer said about its bucket; `sentAt` is when its request was started. */
  private observe(bucket: Bucket, { headers: h, status }: Answer, sentAt: number): void {
    if (!h) return;
    const now = this.now();
    this.clock.sample(now, h.serverDate);
    if (h.limit > 0) this.seenLimits.set(bucket, { limit: h.limit, seenAt: now });
    if (status === 429 && h.limit === 0) {
      // the org's concurrency limit, not this bucket's window: a short pause for everyone, growing
      const backoff = Math.min(CONCURRENCY_BACKOFF_MAX_MS, CONCURRENCY_BACKOFF_MS * 2 ** this.concurrencyStrikes++);
      this.heldUntil = Math.max(this.heldUntil, now + backoff * (0.75 + this.random() / 2));
      return;
    }
    if (status !== 429) this.concurrencyStrikes = 0;
    let b = this.buckets.get(bucket);
    if (!b) {
      b = { limit: h.limit, remaining: h.remaining, endsAt: 0, timer: new WindowTimer(), nextStart: 0, spacing: 0 };
      this.buckets.set(bucket, b);
    }
    const which = b.timer.answer(h.resetSec, sentAt, now);
    if (which === 'stale') return;
    b.remaining = which === 'new' ? h.remaining : Math.min(b.remaining, h.remaining);
    b.limit = h.limit;
    if (status === 429) b.remaining = 0;
    b.endsAt = b.timer.endsAt(this.clock.offset);
  }

  private allowance(bucket: Bucket, b: BucketState): number {
    const reserve = Math.ceil(b.limit * (1 - this.opts.share));
    return b.remaining - (this.inFlight.get(bucket) ?? 0) - reserve;
  }
}
