/**
 * What the agent learnt of the Okta org, kept between runs: the user schema as last read (a run that
 * cannot read it falls back on it) and the rate limit each bucket's responses last gave (the plan's
 * forecast uses them). A read-only state (plan) is never written.
 */
import type { SeenLimits } from '../okta/rate-limits';
import type { Bucket } from '../okta/governor';
import type { UserSchema } from '../okta/user-schema';
import type { Db } from './db';

export class OktaFactsRepo {
  constructor(private readonly db: Db) {}

  /** The user schema as last read from the org, or undefined. */
  userSchema(): UserSchema | undefined {
    const r = this.db.prepare<[], { schema: string; read_at: string }>('SELECT schema, read_at FROM okta_user_schema WHERE id = 1').get();
    return r ? { ...(JSON.parse(r.schema) as UserSchema), readAt: r.read_at } : undefined;
  }

  setUserSchema(schema: UserSchema): void {
    if (schema.source !== 'org') return;
    this.db
      .prepare(
        `INSERT INTO okta_user_schema (id, schema, read_at) VALUES (1, ?, ?)
         ON CONFLICT(id) DO UPDATE SET schema = excluded.schema, read_at = excluded.read_at`,
      )
      .run(JSON.stringify(schema), schema.readAt ?? new Date().toISOString());
  }

  seenLimits(): SeenLimits {
    const out: SeenLimits = {};
    for (const r of this.db
      .prepare<[], { bucket: string; rate_limit: number; seen_at: string }>('SELECT bucket, rate_limit, seen_at FROM okta_rate_limits')
      .all()) {
      out[r.bucket as Bucket] = { limit: r.rate_limit, seenAt: r.seen_at };
    }
    return out;
  }

  /** Keep the limits seen (buckets not seen keep what they had). */
  setSeenLimits(limits: SeenLimits): void {
    const put = this.db.prepare(
      `INSERT INTO okta_rate_limits (bucket, rate_limit, seen_at) VALUES (?, ?, ?)
       ON CONFLICT(bucket) DO UPDATE SET rate_limit = excluded.rate_limit, seen_at = excluded.seen_at`,
    );
    this.db.transaction(() => {
      for (const [bucket, l] of Object.entries(limits)) if (l) put.run(bucket, l.limit, l.seenAt);
    })();
  }
}
