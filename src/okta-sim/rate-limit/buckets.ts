/**
 * Okta's per-minute rate-limit buckets for the endpoints the simulator serves (facts §4/§9), with
 * the Workforce Identity defaults. Lifecycle calls, `/users/{id}/groups`, `/groups/{id}/users` and
 * membership PUT/DELETE and the user schema fall in "most other /api/v1" (Okta doesn't say; assumed).
 */
export const BUCKETS = ['users', 'userById', 'userWrite', 'groups', 'groupById', 'other'] as const;
export type BucketName = (typeof BUCKETS)[number];

/** Requests per window (per minute by default). */
export const WORKFORCE_LIMITS: Readonly<Record<BucketName, number>> = {
  /** GET/POST /api/v1/users */
  users: 600,
  /** GET /api/v1/users/{idOrLogin} */
  userById: 2000,
  /** POST/PUT/DELETE /api/v1/users/{id} */
  userWrite: 600,
  /** GET/POST /api/v1/groups */
  groups: 500,
  /** GET/PUT/DELETE /api/v1/groups/{id} */
  groupById: 1000,
  /** everything else under /api/v1 */
  other: 1200,
};
