/**
 * Fixed-window request counters, one per bucket. Okta's counters "reset every 60 s, not necessarily
 * synchronized with wall clock minutes", which two models fit, both available: by default a
 * bucket's window opens at its first request and lasts `windowMs`; with `phaseMs` the windows
 * follow each other back to back, starting at `phaseMs + k × windowMs` (epoch ms), whether requests
 * come or not. The `X-Rate-Limit-Reset` reported is the window end in epoch seconds, rounded up, so
 * a client that waits until Reset (as the SDK does) always lands in a fresh window.
 */
import type { Clock } from '../types';
import type { BucketName } from './buckets';

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

interface Window {
  start: number;
  count: number;
}

export class RateLimiter {
  private readonly windows = new Map<BucketName, Window>();

  constructor(
    private readonly limits: Record<BucketName, number>,
    private windowMsValue: number,
    private readonly clock: Clock,
    /** Back-to-back windows from this epoch-ms phase instead of a window opened by a request. */
    private readonly phaseMs?: number,
  ) {}

  get windowMs(): number {
    return this.windowMsValue;
  }

  setWindowMs(ms: number): void {
    this.windowMsValue = ms;
    this.windows.clear();
  }

  setLimit(bucket: BucketName, limit: number): void {
    this.limits[bucket] = limit;
  }

  limitOf(bucket: BucketName): number {
    return this.limits[bucket];
  }

  /** Current state without counting a request. */
  peek(bucket: BucketName): RateLimitState {
    const w = this.current(bucket);
    const now = this.clock();
    const limit = this.limits[bucket];
    if (!w) return { limit, remaining: limit, reset: Math.ceil((this.windowStartAt(now) + this.windowMsValue) / 1000) };
    return { limit, remaining: Math.max(0, limit - w.count), reset: Math.ceil((w.start + this.windowMsValue) / 1000) };
  }

  /**
   * Count a request; `allowed` is false once the bucket is exhausted for this window. `windowStart`
   * (epoch ms) names the window the request fell in, so tests can count requests per window.
   */
  consume(bucket: BucketName): RateLimitState & { allowed: boolean; windowStart: number } {
    let w = this.current(bucket);
    if (!w) {
      w = { start: this.windowStartAt(this.clock()), count: 0 };
      this.windows.set(bucket, w);
    }
    const limit = this.limits[bucket];
    const allowed = w.count < limit;
    if (allowed) w.count++;
    return { allowed, windowStart: w.start, limit, remaining: Math.max(0, limit - w.count), reset: Math.ceil((w.start + this.windowMsValue) / 1000) };
  }

  reset(): void {
    this.windows.clear();
  }

  /** Where a window opened now starts. */
  private windowStartAt(now: number): number {
    if (this.phaseMs === undefined) return now;
    return now - ((((now - this.phaseMs) % this.windowMsValue) + this.windowMsValue) % this.windowMsValue);
  }

  private current(bucket: BucketName): Window | undefined {
    const w = this.windows.get(bucket);
    if (w && this.clock() >= w.start + this.windowMsValue) {
      this.windows.delete(bucket);
      return undefined;
    }
    return w;
  }
}
