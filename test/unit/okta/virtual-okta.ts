/**
 * The governor against the simulator's own rate-limit windows (okta-sim's RateLimiter), in virtual
 * time: every sleep, network hop and window is a timer on one virtual clock, so a run of many
 * windows takes milliseconds and its counts are exact and repeatable.
 */
import { RateLimiter } from '../../../src/okta-sim/rate-limit/limiter';
import { WORKFORCE_LIMITS } from '../../../src/okta-sim/rate-limit/buckets';
import { RateGovernor, type Answer } from '../../../src/okta/governor';

/** A virtual clock with timers; promise chains settle between two timers. */
export class VirtualTime {
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;
  constructor(public t: number) {}
  readonly now = (): number => this.t;
  readonly sleep = (ms: number): Promise<void> => new Promise<void>((r) => this.at(this.t + Math.max(0, ms), r));
  at(when: number, fn: () => void): void {
    this.timers.push({ at: when, seq: this.seq++, fn });
  }
  /** Run timers in order until none is left. */
  async run(): Promise<void> {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (!this.timers.length) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
  }
}

export interface Scenario {
  share: number;
  limit: number;
  windowMs: number;
  /** Back-to-back windows from this phase; default: a window opens at the first request after the last one. */
  phaseMs?: number;
  /** How Okta rounds the window's end to Reset's whole seconds (the simulator rounds up). */
  resetRounding?: 'up' | 'down';
  /** Our clock minus the server's. */
  skewMs: number;
  /** One-way network time (a request is counted on arrival, answered one hop later). */
  oneWayMs: number;
  concurrency: number;
  windows: number;
}

export interface Outcome {
  /** Requests counted by the server, per window start (server clock). */
  perWindow: Map<number, number>;
  /** Arrival times (our clock) of the requests the server counted. */
  counted: number[];
  requests: number;
  rejected429: number;
  start: number;
  end: number;
}

/** Callers (twice the concurrency) send creates through the governor for `windows` windows. */
export async function drive(s: Scenario): Promise<Outcome> {
  const vt = new VirtualTime(1_700_000_000_137);
  const server = () => vt.t - s.skewMs;
  const limiter = new RateLimiter({ ...WORKFORCE_LIMITS, users: s.limit }, s.windowMs, server, s.phaseMs);
  const g = new RateGovernor({ share: s.share, concurrency: s.concurrency, now: vt.now, sleep: vt.sleep, random: () => 0.5 });
  const out: Outcome = { perWindow: new Map(), counted: [], requests: 0, rejected429: 0, start: vt.t, end: vt.t + s.windows * s.windowMs };
  const send = () =>
    new Promise<Answer>((resolve) =>
      vt.at(vt.t + s.oneWayMs, () => {
        const rl = limiter.consume('users');
        if (rl.allowed) {
          out.perWindow.set(rl.windowStart, (out.perWindow.get(rl.windowStart) ?? 0) + 1);
          out.counted.push(vt.t);
        }
        const resetSec = s.resetRounding === 'down' ? Math.floor((rl.windowStart + s.windowMs) / 1000) : rl.reset;
        const answer: Answer = {
          headers: { limit: rl.limit, remaining: rl.remaining, resetSec, serverDate: Math.floor(server() / 1000) * 1000 },
          status: rl.allowed ? 200 : 429,
        };
        vt.at(vt.t + s.oneWayMs, () => resolve(answer));
      }),
    );
  const caller = async () => {
    while (vt.t < out.end) {
      const permit = await g.acquire('users');
      out.requests++;
      const answer = await send();
      if (answer.status === 429) out.rejected429++;
      permit.release(answer);
    }
  };
  const callers = Array.from({ length: s.concurrency * 2 }, caller);
  await vt.run();
  await Promise.all(callers);
  return out;
}

/** Requests counted between `from` and `to` windows after the start ÷ what the share allows then. */
export function achieved(s: Scenario, o: Outcome, fromWindow: number, toWindow: number): number {
  const [a, b] = [o.start + fromWindow * s.windowMs, o.start + toWindow * s.windowMs];
  const n = o.counted.filter((t) => t >= a && t < b).length;
  return n / ((toWindow - fromWindow) * s.share * s.limit);
}
