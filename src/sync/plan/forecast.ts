/**
 * The plan's forecast: how many Okta requests applying it takes, per rate-limit bucket, and how long
 * they take under the configured share of the limits. Pure: the plan's counts, the limits (last seen
 * in responses, else Okta's documented defaults) and the share in; the forecast out. A function of
 * counts only, so counts scaled from a sample give the forecast of the whole directory.
 *
 * What applying costs (sync/apply, sync/groups/apply), at most. Every decision about Okta is taken
 * from the agent's mirror of Okta, refreshed by the plan phase, so applying reads nothing:
 * - a create: one `POST /api/v1/users`, which carries up to 20 of the user's groups (not counted as
 *   membership writes);
 * - an update, a drift repair, a first-contact link (when something differs): one `POST /api/v1/users/{id}`;
 * - a status change (suspend, deactivate, unsuspend, activate; on its own, with an update, after a
 *   create of a disabled user, or for a user missing past the grace): the lifecycle call;
 * - a group to create or take over: the create (none for a take-over); a rename: one PUT; a
 *   membership added or removed: one PUT or DELETE.
 * A race the mirror did not know (a login or group name created since the refresh) costs a read
 * more, a status changed in Okta since the refresh a read and a call more: rare, not forecast.
 * The groups' creates and renames are applied first, then the users, then the other memberships;
 * within each phase the buckets are paced side by side, so a phase lasts as long as its slowest
 * bucket (the forecast adds the users' phase and the groups' writes). Latency and concurrency are not counted: at the
 * shares the governor allows, the rate limits are what bounds a run.
 */
import type { Bucket } from '../../okta/governor';
import { allowedPerSecond, WORKFORCE_DEFAULT_LIMITS, type SeenLimits } from '../../okta/rate-limits';

/** What the forecast counts of a plan. */
export interface ForecastCounts {
  creates: number;
  /** Updates, drift repairs and first-contact links. */
  updates: number;
  /** Status changes, those riding on updates, creates and missing users included. */
  statusChanges: number;
  /** Groups to create or take over. */
  groupCreates: number;
  groupRenames: number;
  /** Membership adds other than those users created this run carry with their create. */
  memberAdds: number;
  memberRemoves: number;
}

/**
 * A plan's counts by action kind (`create`, `update`, `link`, `drift`, `statusChanges`) and of its
 * groups (`groupCreates`, `groupRenames`, `memberAdds` — those riding on creates excluded —,
 * `memberRemoves`) as the forecast counts them: a link sends what differs (at most one update);
 * drift is sent only when repaired. Counts scaled from a sample go through the same.
 */
export function forecastCountsOf(c: Readonly<Record<string, number>>, drift: 'repair' | 'report' | 'ignore'): ForecastCounts {
  const n = (k: string) => c[k] ?? 0;
  return {
    creates: n('create'),
    updates: n('update') + n('link') + (drift === 'repair' ? n('drift') : 0),
    statusChanges: n('statusChanges'),
    groupCreates: n('groupCreates'),
    groupRenames: n('groupRenames'),
    memberAdds: n('memberAdds'),
    memberRemoves: n('memberRemoves'),
  };
}

export type ForecastKind = 'creates' | 'updates' | 'lifecycle' | 'group writes';
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
  /** Every one a write: applying reads nothing (see the module comment). */
  requests: number;
  /** The users' phase, then the groups'. */
  seconds: number;
  /** Buckets the forecast uses whose limit no response has given yet (Okta's documented defaults stand in). */
  defaultLimits: Bucket[];
}

/** The Okta requests applying a plan takes, by kind and bucket (rows of no request left out). */
export function planRequests(c: ForecastCounts): ForecastRow[] {
  const rows: ForecastRow[] = [
    { kind: 'creates', bucket: 'users', phase: 'users', requests: c.creates },
    { kind: 'updates', bucket: 'user-write', phase: 'users', requests: c.updates },
    { kind: 'lifecycle', bucket: 'other', phase: 'users', requests: c.statusChanges },
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
  const secondsFor = (b: Bucket, requests: number) => (requests === 0 ? 0 : requests / allowedPerSecond(limitOf(b), share));
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
  const requests = total(() => true);
  return {
    share,
    rows: [...rows],
    buckets,
    requests,
    seconds: phaseSeconds('users') + phaseSeconds('groups'),
    defaultLimits: buckets.filter((b) => b.limitSeenAt === null).map((b) => b.bucket),
  };
}

/** The forecast of a plan's counts: {@link planRequests} then {@link forecast}. */
export function planForecast(counts: ForecastCounts, opts: { limits: SeenLimits; share: number }): Forecast {
  return forecast(planRequests(counts), opts.limits, opts.share);
}
