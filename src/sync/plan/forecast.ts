/**
 * The plan's forecast: how many Okta requests applying it takes, per rate-limit bucket, and how long
 * they take under the configured share of the limits. Pure: the plan's counts, the limits (last seen
 * in responses, else Okta's documented defaults) and the share in; the forecast out. A function of
 * counts only, so counts scaled from a sample give the forecast of the whole directory.
 *
 * What applying costs (sync/apply, sync/groups/apply), at most:
 * - a create: one `POST /api/v1/users`; when `okta.match` has rules other than login, the rules'
 *   reads first (a GET by login for the login rule, one search per other rule);
 * - an update: one `POST /api/v1/users/{id}`;
 * - a status change (suspend, deactivate, unsuspend, activate; on its own, with an update, after a
 *   create of a disabled user, or for a user missing past the grace): a GET of the user's status,
 *   then the lifecycle call;
 * - a group to create or take over: a search by name, then (when none is found) the create;
 *   a rename: one PUT; a membership added or removed: one PUT or DELETE.
 * The users are applied first, then the groups; within each, the buckets are paced side by side,
 * so a phase lasts as long as its slowest bucket. Latency and concurrency are not counted: at the
 * shares the governor allows, the rate limits are what bounds a run.
 */
import type { Bucket } from '../../okta/governor';
import { WORKFORCE_DEFAULT_LIMITS, type SeenLimits } from '../../okta/rate-limits';
import type { MatchRule } from '../../okta/schema';

/** What the forecast counts of a plan. */
export interface ForecastCounts {
  creates: number;
  updates: number;
  /** Status changes, those riding on updates, creates and missing users included. */
  statusChanges: number;
  /** Groups to create or take over. */
  groupCreates: number;
  groupRenames: number;
  memberAdds: number;
  memberRemoves: number;
}

/** Reads the apply makes before each create, by bucket ({@link matchReadsPerCreate}). */
export type ReadsPerCreate = Partial<Record<Bucket, number>>;

export type ForecastKind = 'creates' | 'updates' | 'lifecycle' | 'group writes' | 'reads';
export type ForecastPhase = 'users' | 'groups';

export interface ForecastRow {
  kind: ForecastKind;
  bucket: Bucket;
  phase: ForecastPhase;
  requests: number;
}

export interface BucketForecast {
  bucket: Bucket;
  requests: number;
  /** Requests per minute the bucket allows. */
  limit: number;
  /** When a response last gave that limit; null: none seen, Okta's documented Workforce default. */
  limitSeenAt: string | null;
  /** Requests per minute the agent uses of it (limit × share). */
  perMinute: number;
  seconds: number;
}

export interface Forecast {
  /** okta.rateLimitShare. */
  share: number;
  rows: ForecastRow[];
  buckets: BucketForecast[];
  requests: number;
  writes: number;
  reads: number;
  /** The users' phase, then the groups'. */
  seconds: number;
  /** Buckets the forecast uses whose limit no response has given yet (Okta's documented defaults stand in). */
  defaultLimits: Bucket[];
}

/** The reads `okta.match` makes before a create: none when login is the only rule (a conflict shows itself on create). */
export function matchReadsPerCreate(match: readonly MatchRule[]): ReadsPerCreate {
  if (!match.some((r) => r.by !== 'login')) return {};
  const gets = match.filter((r) => r.by === 'login').length;
  const searches = match.length - gets;
  return { ...(gets ? { 'user-get': gets } : {}), ...(searches ? { users: searches } : {}) };
}

/** The Okta requests applying a plan takes, by kind and bucket (rows of no request left out). */
export function planRequests(c: ForecastCounts, readsPerCreate: ReadsPerCreate = {}): ForecastRow[] {
  const rows: ForecastRow[] = [
    { kind: 'reads', bucket: 'users', phase: 'users', requests: c.creates * (readsPerCreate.users ?? 0) },
    { kind: 'reads', bucket: 'user-get', phase: 'users', requests: c.creates * (readsPerCreate['user-get'] ?? 0) + c.statusChanges },
    { kind: 'creates', bucket: 'users', phase: 'users', requests: c.creates },
    { kind: 'updates', bucket: 'user-write', phase: 'users', requests: c.updates },
    { kind: 'lifecycle', bucket: 'other', phase: 'users', requests: c.statusChanges },
    { kind: 'reads', bucket: 'groups', phase: 'groups', requests: c.groupCreates },
    { kind: 'group writes', bucket: 'groups', phase: 'groups', requests: c.groupCreates },
    { kind: 'group writes', bucket: 'group', phase: 'groups', requests: c.groupRenames },
    { kind: 'group writes', bucket: 'other', phase: 'groups', requests: c.memberAdds + c.memberRemoves },
  ];
  return rows.filter((r) => r.requests > 0);
}

const BUCKET_ORDER: readonly Bucket[] = ['users', 'user-get', 'user-write', 'other', 'groups', 'group'];

/** How long `rows` take at `share` of the limits (seen ones first, Okta's documented defaults otherwise). */
export function forecast(rows: readonly ForecastRow[], limits: SeenLimits, share: number): Forecast {
  const limitOf = (b: Bucket) => limits[b]?.limit ?? WORKFORCE_DEFAULT_LIMITS[b];
  const secondsFor = (b: Bucket, requests: number) => (requests === 0 ? 0 : (requests / (limitOf(b) * share)) * 60);
  const total = (pick: (r: ForecastRow) => boolean) => rows.filter(pick).reduce((n, r) => n + r.requests, 0);

  const buckets: BucketForecast[] = [];
  for (const bucket of BUCKET_ORDER) {
    const requests = total((r) => r.bucket === bucket);
    if (!requests) continue;
    const seen = limits[bucket];
    buckets.push({
      bucket,
      requests,
      limit: limitOf(bucket),
      limitSeenAt: seen?.seenAt ?? null,
      perMinute: limitOf(bucket) * share,
      seconds: secondsFor(bucket, requests),
    });
  }
  const phaseSeconds = (phase: ForecastPhase) =>
    Math.max(
      0,
      ...BUCKET_ORDER.map((b) =>
        secondsFor(
          b,
          total((r) => r.phase === phase && r.bucket === b),
        ),
      ),
    );
  const reads = total((r) => r.kind === 'reads');
  const requests = total(() => true);
  return {
    share,
    rows: [...rows],
    buckets,
    requests,
    writes: requests - reads,
    reads,
    seconds: phaseSeconds('users') + phaseSeconds('groups'),
    defaultLimits: buckets.filter((b) => b.limitSeenAt === null).map((b) => b.bucket),
  };
}

/** The forecast of a plan's counts: {@link planRequests} then {@link forecast}. */
export function planForecast(counts: ForecastCounts, opts: { limits: SeenLimits; share: number; readsPerCreate?: ReadsPerCreate }): Forecast {
  return forecast(planRequests(counts, opts.readsPerCreate), opts.limits, opts.share);
}
