/**
 * What the agent knows of Okta's rate limits outside a run's pacing: the buckets' default
 * per-minute limits, and the limits last seen in responses (`X-Rate-Limit-Limit`, kept in the state
 * between runs), for forecasts of how long a plan takes.
 *
 * Defaults: Okta's documented Workforce Identity per-minute limits (facts §4; Okta now shows each
 * org's own in the Admin Console, so these are typical values, not guarantees).
 */
import type { Bucket } from './governor';

export const WORKFORCE_DEFAULT_LIMITS: Readonly<Record<Bucket, number>> = {
  users: 600,
  'user-get': 2000,
  'user-write': 600,
  groups: 500,
  group: 1000,
  other: 1200,
};

/** Requests per second the agent may send to a bucket of `limit` per minute (Okta's windows are one minute) at `share`. */
export function allowedPerSecond(limit: number, share: number): number {
  return (limit * share) / 60;
}

/** The requests each bucket covers, for people. */
export const BUCKET_ENDPOINTS: Readonly<Record<Bucket, string>> = {
  users: 'GET/POST /api/v1/users',
  'user-get': 'GET /api/v1/users/{id}',
  'user-write': 'POST /api/v1/users/{id}',
  groups: 'GET/POST /api/v1/groups',
  group: 'PUT /api/v1/groups/{id}',
  other: 'other /api/v1 (lifecycle, memberships)',
};

/** A bucket's limit per minute as a response gave it, and when (ISO 8601). */
export interface SeenLimit {
  limit: number;
  seenAt: string;
}

export type SeenLimits = Partial<Record<Bucket, SeenLimit>>;
