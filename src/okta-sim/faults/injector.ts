/**
 * Deterministic, scriptable fault injection.
 *
 * A rule matches requests by endpoint (`"POST /api/v1/users"`, globs such as
 * `"* /api/v1/users/{id}/lifecycle/*"`, a bare path pattern for any method, or a RegExp tested
 * against `"METHOD /template"`), lets the first `after` matching requests through (default 0),
 * fires on at most `times` matching requests (default: unlimited), each time with probability
 * `rate` (default 1) drawn from a seeded RNG, and performs an action:
 *
 * - `latency`   delay the request by `ms` (latency rules add up; they don't stop other rules);
 * - `error500`  JSON 500 E0000009;
 * - `html502`   non-JSON 502 (a proxy error page; the SDK surfaces it as HttpError);
 * - `http`      any status/body/content type;
 * - `rateLimit` forced 429 E0000047 with the bucket's headers and Remaining 0;
 * - `concurrencyLimit` forced 429 E0000047 with Limit 0 / Remaining 0;
 * - `timeout`   hold the request and never answer (the client's timeout fires); `apply: true`
 *               performs the write first;
 * - `drop`      destroy the connection without a response; `apply: true` = "apply then drop":
 *               the write happens, the response is lost.
 *
 * Rules are checked in the order added; the first terminal (non-latency) rule that fires wins.
 * The RNG is consumed only for matching rules with `rate < 1`, so a run is reproducible.
 */
import { createRng, type Rng } from '../../util/rng';

export type FaultAction =
  | { type: 'latency'; ms: number }
  | { type: 'error500' }
  | { type: 'html502'; body?: string }
  | { type: 'http'; status: number; body?: string; contentType?: string }
  | { type: 'rateLimit' }
  | { type: 'concurrencyLimit' }
  | { type: 'timeout'; apply?: boolean }
  | { type: 'drop'; apply?: boolean };

export type TerminalFault = Exclude<FaultAction, { type: 'latency' }>;

export interface FaultRule {
  /** Endpoint pattern; omitted = every request. */
  endpoint?: string | RegExp;
  /** Let this many matching requests through before the rule can fire (e.g. "the second read"). */
  after?: number;
  /** Fire on at most this many matching requests. */
  times?: number;
  /** Probability (0..1) per matching request, from the seeded RNG. */
  rate?: number;
  action: FaultAction;
}

export interface FaultHandle {
  readonly id: number;
  readonly rule: Readonly<FaultRule>;
  /** How many times the rule fired. */
  readonly fired: number;
  /** Firings left (Infinity when unlimited). */
  readonly remaining: number;
  remove(): void;
}

export interface FaultPlan {
  latencyMs: number;
  terminal?: TerminalFault;
  /** Ids of the rules that fired, for the request log. */
  fired: number[];
}

interface ActiveRule {
  id: number;
  rule: FaultRule;
  test: (key: string) => boolean;
  fired: number;
  /** Matching requests let through because of `after`. */
  passed: number;
}

function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${esc}$`);
}

/** Compile an endpoint pattern into a test on `"METHOD /template"` keys. */
export function endpointMatcher(pattern: string | RegExp | undefined): (key: string) => boolean {
  if (pattern === undefined) return () => true;
  if (pattern instanceof RegExp) return (key) => pattern.test(key);
  const space = pattern.indexOf(' ');
  const methodPat = space >= 0 ? pattern.slice(0, space).toUpperCase() : '*';
  const pathRe = globToRegExp(space >= 0 ? pattern.slice(space + 1).trim() : pattern);
  return (key) => {
    const i = key.indexOf(' ');
    const method = key.slice(0, i);
    return (methodPat === '*' || methodPat === method) && pathRe.test(key.slice(i + 1));
  };
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  private rng: Rng;

  constructor(seed: number) {
    this.rng = createRng(seed);
  }

  /** Re-seed the RNG (e.g. at the start of a test). */
  seed(seed: number): void {
    this.rng = createRng(seed);
  }

  add(rule: FaultRule): FaultHandle {
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) throw new Error('fault rate must be within 0..1');
    if (rule.times !== undefined && !(rule.times >= 0)) throw new Error('fault times must be >= 0');
    if (rule.after !== undefined && !(rule.after >= 0)) throw new Error('fault after must be >= 0');
    const active: ActiveRule = { id: this.nextId++, rule, test: endpointMatcher(rule.endpoint), fired: 0, passed: 0 };
    this.rules.push(active);
    const drop = () => {
      this.rules = this.rules.filter((r) => r !== active);
    };
    return {
      id: active.id,
      rule,
      get fired() {
        return active.fired;
      },
      get remaining() {
        return rule.times === undefined ? Infinity : Math.max(0, rule.times - active.fired);
      },
      remove() {
        drop();
      },
    };
  }

  /** Shorthand: the next `n` requests matching `endpoint` get `action`. */
  next(n: number, endpoint: string | RegExp | undefined, action: FaultAction): FaultHandle {
    return this.add({ endpoint, times: n, action });
  }

  /** Shorthand: a fixed delay on every request matching `endpoint` (all requests when omitted). */
  latency(ms: number, endpoint?: string | RegExp): FaultHandle {
    return this.add({ endpoint, action: { type: 'latency', ms } });
  }

  clear(): void {
    this.rules = [];
  }

  get size(): number {
    return this.rules.length;
  }

  /** Decide what happens to a request with endpoint key `"METHOD /template"`. */
  plan(key: string): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0, fired: [] };
    for (const r of this.rules) {
      const { rule } = r;
      const isLatency = rule.action.type === 'latency';
      if (!isLatency && plan.terminal) continue;
      if (rule.times !== undefined && r.fired >= rule.times) continue;
      if (!r.test(key)) continue;
      if (r.passed < (rule.after ?? 0)) {
        r.passed++;
        continue;
      }
      if (rule.rate !== undefined && rule.rate < 1 && this.rng() >= rule.rate) continue;
      r.fired++;
      plan.fired.push(r.id);
      if (rule.action.type === 'latency') plan.latencyMs += rule.action.ms;
      else plan.terminal = rule.action;
    }
    return plan;
  }
}
