/**
 * How long a number of Okta requests takes under the rate limits: per bucket, requests ÷ (the
 * bucket's per-minute limit × the configured share), the buckets one after the other (a sync
 * creates, then updates, then changes statuses, then groups). A lower bound: latency, concurrency
 * and retries are not counted.
 *
 * Limits: the ones the caller observed (X-Rate-Limit-Limit), else Okta's documented defaults for
 * a Workforce Identity org (../shared/okta: "Default per-minute limits for management
 * endpoints"; an org's own numbers are on its Rate Limit dashboard).
 */
import type { Bucket } from './governor';

/** Okta's documented default per-minute limits of a Workforce Identity org, per bucket. */
export const DEFAULT_LIMITS: Readonly<Record<Bucket, number>> = {
  users: 600,
  'user-get': 2000,
  'user-write': 600,
  groups: 500,
  group: 1000,
  other: 1200,
};

export const BUCKETS: readonly Bucket[] = ['users', 'user-get', 'user-write', 'groups', 'group', 'other'];

export interface BucketBudget {
  bucket: Bucket;
  requests: number;
  /** Requests per minute the bucket allows. */
  limit: number;
  limitFrom: 'observed' | 'default';
  minutes: number;
}

export function durationUnderShare(
  requests: Partial<Record<Bucket, number>>,
  share: number,
  observed: Partial<Record<Bucket, number>> = {},
): { buckets: BucketBudget[]; minutes: number } {
  const buckets = BUCKETS.filter((b) => (requests[b] ?? 0) > 0).map((bucket): BucketBudget => {
    const seen = observed[bucket];
    const limit = seen && seen > 0 ? seen : DEFAULT_LIMITS[bucket];
    const n = requests[bucket]!;
    return { bucket, requests: n, limit, limitFrom: seen && seen > 0 ? 'observed' : 'default', minutes: n / (limit * share) };
  });
  return { buckets, minutes: buckets.reduce((m, b) => m + b.minutes, 0) };
}
