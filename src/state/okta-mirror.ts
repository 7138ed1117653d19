/**
 * The Okta mirror: what the agent knows of the Okta org, so that it decides locally instead of
 * asking Okta record by record (sync/mirror/ refreshes it; see there how and when).
 *
 * - the org the state belongs to (`okta_org`): bound at the first refresh; a state used with
 *   another org is refused;
 * - users (`okta_users`): id, status, login, the profile attributes of the mirror's shape (what the
 *   configuration maps or matches on), lastUpdated; and the values match rules compare
 *   (`okta_user_values`, lower case);
 * - groups (`okta_groups`) and the members of the groups the agent manages (`okta_group_members`,
 *   mirror-groups.ts);
 * - per collection, the watermark of the last complete read and the shape it kept (`okta_mirror`).
 *
 * A mirror lives in the state file (`main`), or in TEMP tables copied from it ({@link OktaMirror.copyOf})
 * for the read-only commands (plan, preflight, explain): they refresh the copy, never the file.
 * Pages are written as they arrive and looked up by key: the org is never held in memory.
 */
import type { Db } from './db';
import type { OktaUser } from '../okta/client';
import { newProfile, normalizeLogin, type Profile } from '../okta/profile';
import { InLists } from './in-list';
import { MirrorGroups } from './okta-mirror-groups';
import { decodeProfile, encodeProfile } from './profile-codec';

/** What the mirror keeps of each user: profile attributes (null: all of them) and the attributes match rules look up. */
export interface MirrorShape {
  attributes: string[] | null;
  indexed: string[];
}

export interface MirrorUser {
  id: string;
  status: string;
  login: string;
  /** The attributes of the shape only. */
  profile: Profile;
  lastUpdated: string | null;
}

export interface MirrorMeta {
  /** Okta's time (ISO) when the last complete read began; null: none, the next read is full. */
  watermark: string | null;
  shape: MirrorShape;
  /** The agent's time (ISO) of the last complete read. */
  refreshedAt: string | null;
}

export type MirrorCollection = 'users' | 'groups';

/** Whether a mirror kept with `stored` has everything `needed` asks for. */
export function shapeCovers(stored: MirrorShape, needed: MirrorShape): boolean {
  const attrs = stored.attributes === null || (needed.attributes !== null && needed.attributes.every((a) => stored.attributes!.includes(a)));
  return attrs && needed.indexed.every((a) => stored.indexed.includes(a));
}

const TABLES = ['okta_org', 'okta_mirror', 'okta_users', 'okta_user_values', 'okta_groups', 'okta_group_members'] as const;

/** An okta_users row in raw mode (an array in {@link MIRROR_USER_COLUMNS} order: cheaper than an object per row). */
type RawUser = [id: string, status: string, login: string, profile: string, lastUpdated: string | null];

const MIRROR_USER_COLUMNS = (table: string) => `${table}.id, ${table}.status, ${table}.login, ${table}.profile, ${table}.last_updated`;

const toUser = ([id, status, login, profile, lastUpdated]: RawUser): MirrorUser => ({
  id,
  status,
  login,
  profile: decodeProfile(profile),
  lastUpdated,
});

/** The lower-case form match rules look values up by (scalars only). */
function valueKey(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v).toLowerCase();
  return undefined;
}

export class OktaMirror {
  readonly groups: MirrorGroups;
  private readonly s: string;
  private readonly upsert;
  private readonly byId;
  private readonly byLoginNorm;
  private readonly deleteValues;
  private readonly insertValue;
  private readonly byValueStmt;
  private readonly metaStmt;
  private readonly inLists;

  private constructor(
    private readonly db: Db,
    schema: 'main' | 'temp',
    private readonly now: () => Date,
  ) {
    const s = (this.s = schema);
    this.groups = new MirrorGroups(db, schema);
    this.inLists = new InLists(db);
    // a user's newer version wins: an eventually consistent read may return an older one than a write's answer
    this.upsert = db.prepare(`
      INSERT INTO ${s}.okta_users (id, status, login, login_norm, profile, last_updated)
      VALUES (@id, @status, @login, @loginNorm, @profile, @lastUpdated)
      ON CONFLICT(id) DO UPDATE SET status = excluded.status, login = excluded.login, login_norm = excluded.login_norm,
        profile = excluded.profile, last_updated = COALESCE(excluded.last_updated, okta_users.last_updated)
      WHERE excluded.last_updated IS NULL OR okta_users.last_updated IS NULL OR excluded.last_updated >= okta_users.last_updated`);
    this.byId = db.prepare<[string], RawUser>(`SELECT ${MIRROR_USER_COLUMNS('u')} FROM ${s}.okta_users u WHERE id = ?`).raw(true);
    this.byLoginNorm = db.prepare<[string], RawUser>(`SELECT ${MIRROR_USER_COLUMNS('u')} FROM ${s}.okta_users u WHERE login_norm = ? ORDER BY id`).raw(true);
    this.deleteValues = db.prepare(`DELETE FROM ${s}.okta_user_values WHERE id = ?`);
    this.insertValue = db.prepare(`INSERT OR IGNORE INTO ${s}.okta_user_values (attribute, value, id) VALUES (?, ?, ?)`);
    // per record (match rules at first contact) and per write (putUsers reads the shape): prepared once
    this.byValueStmt = db
      .prepare<[string, string, number], RawUser>(
        `SELECT ${MIRROR_USER_COLUMNS('u')} FROM ${s}.okta_user_values v JOIN ${s}.okta_users u ON u.id = v.id WHERE v.attribute = ? AND v.value = ? ORDER BY u.id LIMIT ?`,
      )
      .raw(true);
    this.metaStmt = db.prepare<[string], { watermark: string | null; shape: string; refreshed_at: string | null }>(
      `SELECT watermark, shape, refreshed_at FROM ${s}.okta_mirror WHERE what = ?`,
    );
  }

  /** The mirror in the state file. */
  static inState(db: Db, now: () => Date): OktaMirror {
    return new OktaMirror(db, 'main', now);
  }

  /**
   * A TEMP copy of the state's mirror (same tables, same rows), for a command that must not write
   * the state file: refreshing it changes only the copy, gone when the connection closes.
   */
  static copyOf(db: Db, now: () => Date): OktaMirror {
    const ddl = db
      .prepare<[], { type: string; name: string; sql: string }>(
        `SELECT type, name, sql FROM main.sqlite_master WHERE tbl_name IN (${TABLES.map((t) => `'${t}'`).join(',')}) AND sql IS NOT NULL ORDER BY type DESC`,
      )
      .all();
    db.transaction(() => {
      for (const t of TABLES) db.exec(`DROP TABLE IF EXISTS temp.${t}`);
      for (const d of ddl) {
        if (d.type === 'table') db.exec(d.sql.replace(/^CREATE TABLE /, 'CREATE TEMP TABLE '));
        else db.exec(d.sql.replace(/^CREATE (UNIQUE )?INDEX (\w+) ON /, (_m, u: string | undefined, n: string) => `CREATE ${u ?? ''}INDEX temp.${n} ON `));
      }
      for (const t of TABLES) db.exec(`INSERT INTO temp.${t} SELECT * FROM main.${t}`);
    })();
    return new OktaMirror(db, 'temp', now);
  }

  /** Drop a TEMP copy's tables (a mirror in the state file stays). */
  close(): void {
    if (this.s === 'temp') for (const t of TABLES) this.db.exec(`DROP TABLE IF EXISTS temp.${t}`);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // --- the org ---------------------------------------------------------------------------------

  /** The org the state belongs to, once bound. */
  org(): { url: string; orgId: string; boundAt: string } | undefined {
    const r = this.db.prepare<[], { url: string; org_id: string; bound_at: string }>(`SELECT url, org_id, bound_at FROM ${this.s}.okta_org WHERE id = 1`).get();
    return r && { url: r.url, orgId: r.org_id, boundAt: r.bound_at };
  }

  /** Bind the state to an org (or record the org's new URL). */
  bind(url: string, orgId: string): void {
    this.db
      .prepare(
        `INSERT INTO ${this.s}.okta_org (id, url, org_id, bound_at) VALUES (1, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET url = excluded.url, org_id = excluded.org_id`,
      )
      .run(url, orgId, this.now().toISOString());
  }

  // --- refresh bookkeeping ---------------------------------------------------------------------

  meta(what: MirrorCollection): MirrorMeta | undefined {
    const r = this.metaStmt.get(what);
    return r && { watermark: r.watermark, shape: JSON.parse(r.shape) as MirrorShape, refreshedAt: r.refreshed_at };
  }

  setMeta(what: MirrorCollection, m: MirrorMeta): void {
    this.db
      .prepare(
        `INSERT INTO ${this.s}.okta_mirror (what, watermark, shape, refreshed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(what) DO UPDATE SET watermark = excluded.watermark, shape = excluded.shape, refreshed_at = excluded.refreshed_at`,
      )
      .run(what, m.watermark, JSON.stringify(m.shape), m.refreshedAt);
  }

  // --- users -----------------------------------------------------------------------------------

  /** The shape users are kept in (what the last complete read kept; a write keeps the same). */
  get userShape(): MirrorShape | undefined {
    return this.meta('users')?.shape;
  }

  /** Forget every user (a full read follows). */
  clearUsers(): void {
    this.db.exec(`DELETE FROM ${this.s}.okta_users; DELETE FROM ${this.s}.okta_user_values;`);
  }

  /**
   * Record users as Okta returned them (a page of a read, or a write's answer): newer versions win.
   * Returns the ids of the users that are new to the mirror or newer than what it had (not those
   * it already had in this version, e.g. from the answer to the agent's own write).
   */
  putUsers(users: readonly OktaUser[], shape: MirrorShape | undefined = this.userShape): string[] {
    if (!shape) return []; // never read: nothing is kept until the first complete read
    const newer: string[] = [];
    this.transaction(() => {
      for (const u of users) {
        const before = this.byId.get(u.id);
        const login = String(u.profile.login ?? '');
        const profile: Profile = newProfile();
        for (const [k, v] of Object.entries(u.profile)) if (v !== null && (shape.attributes === null || shape.attributes.includes(k))) profile[k] = v;
        const changed = this.upsert.run({
          id: u.id,
          status: u.status,
          login,
          loginNorm: normalizeLogin(login),
          profile: encodeProfile(profile),
          lastUpdated: u.lastUpdated ?? null,
        }).changes;
        if (!changed) continue;
        // before[4]: the lastUpdated the mirror had
        if (!before || (u.lastUpdated && before[4] !== u.lastUpdated)) newer.push(u.id);
        this.deleteValues.run(u.id);
        for (const a of shape.indexed) {
          const key = valueKey(u.profile[a]);
          if (key !== undefined) this.insertValue.run(a, key, u.id);
        }
      }
    });
    return newer;
  }

  /** The status a lifecycle call Okta confirmed (lastUpdated comes with the next read). */
  setStatus(id: string, status: string): void {
    this.db.prepare(`UPDATE ${this.s}.okta_users SET status = ? WHERE id = ?`).run(status, id);
  }

  /** Okta answered 404 for this user: it is gone. */
  removeUser(id: string): void {
    this.transaction(() => {
      this.db.prepare(`DELETE FROM ${this.s}.okta_users WHERE id = ?`).run(id);
      this.deleteValues.run(id);
      this.groups.forgetUser(id);
    });
  }

  user(id: string): MirrorUser | undefined {
    const r = this.byId.get(id);
    return r && toUser(r);
  }

  /** The users with these ids, in one query (a page's question); ids the mirror lacks are absent. */
  usersById(ids: readonly string[]): Map<string, MirrorUser> {
    const out = new Map<string, MirrorUser>();
    for (const r of this.inLists.all<RawUser>(`SELECT ${MIRROR_USER_COLUMNS('u')} FROM ${this.s}.okta_users u WHERE id`, ids, { raw: true }))
      out.set(r[0], toUser(r));
    return out;
  }

  /** Users holding a login, compared as Okta compares logins (one, unless the mirror lags a rename). */
  byLogin(login: string): MirrorUser[] {
    return this.byLoginNorm.all(normalizeLogin(login)).map(toUser);
  }

  /** Users whose indexed `attribute` equals `value` ignoring case (the caller applies the rule's exactness). */
  byValue(attribute: string, value: string, limit = 50): MirrorUser[] {
    const key = valueKey(value);
    if (key === undefined) return [];
    return this.byValueStmt.all(attribute, key, limit).map(toUser);
  }

  userCount(): number {
    return this.db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${this.s}.okta_users`).get()!.n;
  }
}
