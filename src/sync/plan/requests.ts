/**
 * The Okta requests a sync's writes cost, per rate-limit bucket, from the counts of what it would
 * do (as sync/apply does them): a create is a POST to /api/v1/users; a link the refused POST, a
 * GET by login and a partial update; an update a POST to /api/v1/users/{id}; a status change (or a
 * missing user deprovisioned) a GET of the user and a lifecycle call; a new group a search by name
 * and a POST; a renamed group a PUT; a membership change one call. The plan's own reads (GETs by
 * login of the username step) are measured, not modelled: the caller adds them.
 */
import type { Bucket } from '../../okta/governor';

/** Requests per bucket for one of each: outcome or action kind → bucket → requests. */
export const REQUESTS_PER_ACTION: Readonly<Record<string, Partial<Record<Bucket, number>>>> = {
  create: { users: 1 },
  'create-or-link': { users: 1 },
  link: { users: 1, 'user-get': 1, 'user-write': 1 },
  update: { 'user-write': 1 },
  lifecycle: { 'user-get': 1, other: 1 },
  missing: { 'user-get': 1, other: 1 },
  groupCreate: { groups: 2 },
  groupRename: { group: 1 },
  membership: { other: 1 },
};

/** Requests per bucket for counts of outcomes or actions (kinds without a cost, such as unchanged or quarantine, cost nothing). */
export function requestsOf(counts: Readonly<Record<string, number>>): Partial<Record<Bucket, number>> {
  const out: Partial<Record<Bucket, number>> = {};
  for (const [kind, n] of Object.entries(counts)) {
    for (const [bucket, per] of Object.entries(REQUESTS_PER_ACTION[kind] ?? {}) as [Bucket, number][]) {
      out[bucket] = (out[bucket] ?? 0) + per * n;
    }
  }
  return out;
}
