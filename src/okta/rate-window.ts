/**
 * When does a rate-limit window end? The governor's clock arithmetic, apart from its pacing.
 *
 * Okta says little: `X-Rate-Limit-Reset` is the window's end in epoch **seconds** (so up to a second
 * off), on the server's clock (and the `Date` header that would let us translate it is whole seconds
 * too), and the counters reset every window "not necessarily synchronized with wall clock minutes".
 * Taken at face value, the end is known to about a second either way, which on a 60 s window is 2 %
 * of the share lost (and far more on the short windows of tests).
 *
 * What is known exactly is on our side of the wire: when each request was sent and when its answer
 * came back, and from which window it was answered. So:
 * - {@link ServerClock}: our clock minus the server's is at most `received − Date` for every
 *   answer (Date is the server's time floored, and the answer was sent before we received it); the
 *   smallest such value seen recently is a tight upper bound. `Reset` + that bound is never before
 *   the real reset.
 * - {@link WindowTimer}: a window starts after the last request answered from the window before was
 *   sent, and no later than the first answer from it came back. When a window ends the same way, its
 *   length is bounded from both sides; the bounds tighten window after window. The current window
 *   then ends no later than (its latest possible start + its longest possible length) — about two
 *   paces and a round trip after it really does (tens of milliseconds, against a second from Reset),
 *   whether windows follow each other back to back or each opens at the first request after the
 *   previous one (both are consistent with Okta's wording). The first two windows only have Reset.
 * Every estimate is an upper bound: the governor never believes a window over before it is. If an
 * answer proves an estimate wrong (a request sent after the supposed end was still counted in the
 * window), the timer drops what it learnt and falls back to Reset, read as possibly rounded down.
 */

/** `X-Rate-Limit-*` as sent, and the `Date` of the answer. */
export interface RateHeaders {
  limit: number;
  remaining: number;
  /** X-Rate-Limit-Reset: epoch seconds, server clock. */
  resetSec: number;
  /** The Date header (epoch ms, whole seconds), when there is one. */
  serverDate?: number;
}

export function parseRateHeaders(get: (name: string) => string | null): RateHeaders | undefined {
  const limit = Number(get('x-rate-limit-limit'));
  const remaining = Number(get('x-rate-limit-remaining'));
  const resetRaw = get('x-rate-limit-reset');
  if (!resetRaw || resetRaw.includes(',') || !Number.isFinite(limit) || !Number.isFinite(remaining)) return undefined;
  const resetSec = Number(resetRaw);
  if (!Number.isFinite(resetSec)) return undefined;
  const date = get('date');
  const serverDate = date ? Date.parse(date) : NaN;
  return { limit, remaining, resetSec, ...(Number.isFinite(serverDate) ? { serverDate } : {}) };
}

/** How long a sample of the clock offset is trusted (clocks drift; an old minimum may go stale). */
const OFFSET_PERIOD_MS = 5 * 60_000;

/** Upper bound of (our clock − the server's), from the answers' Date headers. */
export class ServerClock {
  private current = Infinity;
  private previous = Infinity;
  private periodStart = -Infinity;

  /** An answer received at `receivedAt` (our clock) carrying `Date: serverDate`. */
  sample(receivedAt: number, serverDate: number | undefined): void {
    if (serverDate === undefined) return;
    if (receivedAt - this.periodStart >= OFFSET_PERIOD_MS) {
      this.previous = this.current;
      this.current = Infinity;
      this.periodStart = receivedAt;
    }
    this.current = Math.min(this.current, receivedAt - serverDate);
  }

  /** Our clock minus the server's, rounded up; 0 (clocks in sync) until an answer had a Date. */
  get offset(): number {
    const o = Math.min(this.current, this.previous);
    return Number.isFinite(o) ? o : 0;
  }
}

/** Bounds on when one bucket's current window started and how long its windows last (our clock). */
export class WindowTimer {
  /** The current window's Reset (server epoch seconds): an answer with a higher one is from the next window. */
  resetSec = -Infinity;
  private startLo = -Infinity;
  private startHi = Infinity;
  /** Latest send time of a request answered from the current window: the window was still open then. */
  private lastSentInWindow = -Infinity;
  private lengthLo = 0;
  private lengthHi = Infinity;
  /** Set once a window outlived its Reset: Reset is then read as possibly rounded down. */
  private resetRoundedDown = false;

  /**
   * Place one answer: `'new'` if it is the first from a later window, `'current'`, or `'stale'` (from
   * an earlier window, answered late).
   */
  answer(resetSec: number, sentAt: number, receivedAt: number): 'new' | 'current' | 'stale' {
    if (resetSec < this.resetSec) return 'stale';
    if (resetSec === this.resetSec) {
      this.lastSentInWindow = Math.max(this.lastSentInWindow, sentAt);
      this.startHi = Math.min(this.startHi, receivedAt);
      return 'current';
    }
    // the previous window ended after lastSentInWindow and no later than this answer came back
    if (Number.isFinite(this.startLo) && Number.isFinite(this.lastSentInWindow)) {
      this.learnLength(this.lastSentInWindow - this.startHi, receivedAt - this.startLo);
    }
    this.startLo = this.lastSentInWindow;
    this.startHi = receivedAt;
    this.lastSentInWindow = sentAt;
    this.resetSec = resetSec;
    return 'new';
  }

  /** The latest the current window can end (our clock), with `offset` = ServerClock.offset. */
  endsAt(offset: number): number {
    // an answer proves the window was open when lastSentInWindow was sent: estimates before that were wrong
    if (!this.resetRoundedDown && this.resetSec * 1000 + offset <= this.lastSentInWindow) this.resetRoundedDown = true;
    if (this.startHi + this.lengthHi <= this.lastSentInWindow) [this.lengthLo, this.lengthHi] = [0, Infinity];
    const byReset = this.resetSec * 1000 + offset + (this.resetRoundedDown ? 1000 : 0);
    const end = Math.min(byReset, this.startHi + this.lengthHi);
    // clocks beyond repair (a jump): look again a second after the last sign of life
    return end > this.lastSentInWindow ? end : this.lastSentInWindow + 1000;
  }

  private learnLength(lo: number, hi: number): void {
    const [l, h] = [Math.max(this.lengthLo, lo), Math.min(this.lengthHi, hi)];
    // bounds that cannot both hold: the windows changed (or the model was wrong); start afresh
    [this.lengthLo, this.lengthHi] = l <= h ? [l, h] : [lo, hi];
  }
}
