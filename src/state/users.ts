/**
 * The users table: one row per directory anchor the agent has seen, linking it to an Okta user id
 * once Okta confirmed a create or a link, with the profile last applied. The state never claims a
 * write that did not happen: `recordApplied` is called only after Okta answered 2xx.
 */
import type { Db } from './db';
import { normalizeLogin, type Profile } from '../okta/profile';
import { decodeProfile, encodeProfile } from './profile-codec';
import { normalizeDn } from '../directory/dn';
import { InLists } from './in-list';

export interface UserRow {
  anchor: string;
  dn: string;
  oktaId: string | null;
  login: string | null;
  loginSource: string | null;
  /** The profile last applied in Okta by the agent. */
  profile: Profile | null;
  oktaStatus: string | null;
  link: 'created' | 'linked' | null;
  disabled: boolean;
  /**
   * The latest run that read this user in the directory: an incremental run stamps what it read; a
   * full run stamps only the users it found again after they were missing (rewriting every row each
   * night cost a write of the whole table), and every user not missing was read by the latest
   * complete full run ({@link SELECT_USERS} resolves it).
   */
  lastSeenRun: number | null;
  /** since: when it entered quarantine (ISO time); run: the latest run that quarantined it. */
  quarantine: { step: string; reason: string; run: number; since: string } | null;
  /** Consecutive full runs (or AD deletions seen) this user was missing from the directory. */
  missingRuns: number;
  missingSince: string | null;
  /** Why the agent suspended or deactivated this user, if it did. */
  lifecycleReason: 'disabled' | 'missing' | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * A users row as SQLite returns it in raw mode (an array in {@link USER_COLUMNS} order): rows as
 * arrays cost a third of rows as objects, and the plan reads one per directory record.
 */
type RawUser = [
  anchor: string,
  dn: string,
  oktaId: string | null,
  login: string | null,
  loginSource: string | null,
  profile: string | null,
  oktaStatus: string | null,
  link: 'created' | 'linked' | null,
  disabled: number,
  lastSeenRun: number | null,
  quarantineStep: string | null,
  quarantineReason: string | null,
  quarantinedRun: number | null,
  quarantinedSince: string | null,
  missingRuns: number,
  missingSince: string | null,
  lifecycleReason: 'disabled' | 'missing' | null,
  createdAt: string,
  updatedAt: string,
];

/** The latest full sync run that completed its reading and stamping (spool.ts stampSeen): its id, its end. */
const lastFullRead = (column: 'id' | 'ended_at') =>
  `(SELECT ${column} FROM runs WHERE kind = 'sync' AND mode = 'full' AND outcome IN ('ok', 'quarantined') ORDER BY id DESC LIMIT 1)`;

/**
 * last_seen_run, or the latest complete full run when that is later and the user was not missing
 * after it (SQLite evaluates the uncorrelated subqueries once per statement).
 */
const LAST_SEEN = `CASE WHEN missing_runs = 0 AND ${lastFullRead('id')} > coalesce(last_seen_run, 0) AND created_at <= ${lastFullRead('ended_at')}
  THEN ${lastFullRead('id')} ELSE last_seen_run END`;

const USER_COLUMNS =
  `anchor, dn, okta_id, login, login_source, profile, okta_status, link, disabled, ${LAST_SEEN}, quarantine_step, quarantine_reason, ` +
  'quarantined_run, quarantined_since, missing_runs, missing_since, lifecycle_reason, created_at, updated_at';
const SELECT_USERS = `SELECT ${USER_COLUMNS} FROM users`;

function toRow(r: RawUser): UserRow {
  const [anchor, dn, oktaId, login, loginSource, profile, oktaStatus, link, disabled, lastSeenRun] = r;
  const [
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    ,
    quarantineStep,
    quarantineReason,
    quarantinedRun,
    quarantinedSince,
    missingRuns,
    missingSince,
    lifecycleReason,
    createdAt,
    updatedAt,
  ] = r;
  return {
    anchor,
    dn,
    oktaId,
    login,
    loginSource,
    profile: profile ? decodeProfile(profile) : null,
    oktaStatus,
    link,
    disabled: disabled === 1,
    lastSeenRun,
    quarantine: quarantineReason
      ? { step: quarantineStep ?? '', reason: quarantineReason, run: quarantinedRun ?? 0, since: quarantinedSince ?? updatedAt }
      : null,
    missingRuns,
    missingSince,
    lifecycleReason,
    createdAt,
    updatedAt,
  };
}

export interface AppliedWrite {
  anchor: string;
  dn: string;
  oktaId: string;
  login: string;
  loginSource: string | null;
  profile: Profile;
  oktaStatus: string;
  link: 'created' | 'linked';
  disabled: boolean;
  runId: number;
}

export class UsersRepo {
  private readonly byAnchor;
  private readonly byLoginNorm;
  private readonly holderByLoginNorm;
  private readonly byOktaIdStmt;
  private readonly byDnStmt;
  private readonly upsertApplied;
  private readonly upsertQuarantine;
  private readonly seen;
  private readonly inLists;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {
    this.inLists = new InLists(db);
    this.byAnchor = db.prepare<[string], RawUser>(`${SELECT_USERS} WHERE anchor = ?`).raw(true);
    this.byLoginNorm = db.prepare<[string], RawUser>(`${SELECT_USERS} WHERE login_norm = ?`).raw(true);
    this.holderByLoginNorm = db.prepare<[string], { anchor: string; dn: string }>('SELECT anchor, dn FROM users WHERE login_norm = ?');
    this.byOktaIdStmt = db.prepare<[string], RawUser>(`${SELECT_USERS} WHERE okta_id = ?`).raw(true);
    this.byDnStmt = db.prepare<[string], RawUser>(`${SELECT_USERS} WHERE dn_norm = ?`).raw(true);
    this.upsertApplied = db.prepare(`
      INSERT INTO users (anchor, dn, dn_norm, okta_id, login, login_norm, login_source, profile, okta_status, link, disabled,
                         last_seen_run, quarantine_step, quarantine_reason, quarantined_run, created_at, updated_at)
      VALUES (@anchor, @dn, @dnNorm, @oktaId, @login, @loginNorm, @loginSource, @profile, @oktaStatus, @link, @disabled,
              @runId, NULL, NULL, NULL, @now, @now)
      ON CONFLICT(anchor) DO UPDATE SET dn = excluded.dn, dn_norm = excluded.dn_norm, okta_id = excluded.okta_id, login = excluded.login,
        login_norm = excluded.login_norm, login_source = excluded.login_source, profile = excluded.profile,
        okta_status = excluded.okta_status, link = excluded.link, disabled = excluded.disabled,
        last_seen_run = excluded.last_seen_run, quarantine_step = NULL, quarantine_reason = NULL,
        quarantined_run = NULL, quarantined_since = NULL, updated_at = excluded.updated_at`);
    this.upsertQuarantine = db.prepare(`
      INSERT INTO users (anchor, dn, dn_norm, last_seen_run, quarantine_step, quarantine_reason, quarantined_run, quarantined_since, created_at, updated_at)
      VALUES (@anchor, @dn, @dnNorm, @runId, @step, @reason, @runId, @now, @now, @now)
      ON CONFLICT(anchor) DO UPDATE SET dn = excluded.dn, dn_norm = excluded.dn_norm, last_seen_run = excluded.last_seen_run,
        quarantine_step = excluded.quarantine_step, quarantine_reason = excluded.quarantine_reason,
        quarantined_run = excluded.quarantined_run, quarantined_since = COALESCE(users.quarantined_since, excluded.quarantined_since),
        updated_at = excluded.updated_at`);
    this.seen = db.prepare(`UPDATE users SET last_seen_run = @runId, dn = @dn, dn_norm = @dnNorm,
        quarantine_step = NULL, quarantine_reason = NULL, quarantined_run = NULL, quarantined_since = NULL,
        updated_at = CASE WHEN dn <> @dn OR quarantine_reason IS NOT NULL THEN @now ELSE updated_at END
      WHERE anchor = @anchor`);
  }

  get(anchor: string): UserRow | undefined {
    const r = this.byAnchor.get(anchor);
    return r && toRow(r);
  }

  /** Rows for a page of anchors, in one query. */
  getMany(anchors: readonly string[]): Map<string, UserRow> {
    const out = new Map<string, UserRow>();
    for (const r of this.inLists.all<RawUser>(`${SELECT_USERS} WHERE anchor`, anchors, { raw: true })) out.set(r[0], toRow(r));
    return out;
  }

  /**
   * Who holds each of these logins, already normalised ({@link normalizeLogin}): a page's question
   * in one query. Logins nobody holds are absent from the map.
   */
  holdersOfNormalizedLogins(loginNorms: readonly string[]): Map<string, { anchor: string; dn: string }> {
    const out = new Map<string, { anchor: string; dn: string }>();
    for (const r of this.inLists.all<{ login_norm: string; anchor: string; dn: string }>(
      'SELECT login_norm, anchor, dn FROM users WHERE login_norm',
      loginNorms,
    )) {
      out.set(r.login_norm, { anchor: r.anchor, dn: r.dn });
    }
    return out;
  }

  /** The row that holds a login (compared as Okta compares: case- and diacritic-insensitive). */
  holderOfLogin(login: string): UserRow | undefined {
    const r = this.byLoginNorm.get(normalizeLogin(login));
    return r && toRow(r);
  }

  /**
   * Who holds a login already normalised ({@link normalizeLogin}): anchor and DN only, the plan's
   * question for every record (no profile parsed).
   */
  holderOfNormalizedLogin(loginNorm: string): { anchor: string; dn: string } | undefined {
    return this.holderByLoginNorm.get(loginNorm);
  }

  /** Look a user up by anchor, login, Okta id or DN (for `explain`). */
  find(key: string): UserRow | undefined {
    const r =
      this.byAnchor.get(key) ??
      this.byLoginNorm.get(normalizeLogin(key)) ??
      this.db.prepare<[string], RawUser>(`${SELECT_USERS} WHERE okta_id = ?`).raw(true).get(key) ??
      this.byDnStmt.get(normalizeDn(key));
    return r && toRow(r);
  }

  /** After Okta confirmed a create, link or update: the new truth for this anchor. */
  recordApplied(w: AppliedWrite): void {
    this.upsertApplied.run({
      anchor: w.anchor,
      dn: w.dn,
      dnNorm: normalizeDn(w.dn),
      oktaId: w.oktaId,
      login: w.login,
      loginNorm: normalizeLogin(w.login),
      loginSource: w.loginSource,
      profile: encodeProfile(w.profile),
      oktaStatus: w.oktaStatus,
      link: w.link,
      disabled: w.disabled ? 1 : 0,
      runId: w.runId,
      now: this.now().toISOString(),
    });
  }

  /** The record stays out of Okta (or, if linked, untouched) with a reason; the Okta link, if any, is kept. */
  recordQuarantine(anchor: string, dn: string, step: string, reason: string, runId: number): void {
    this.upsertQuarantine.run({ anchor, dn, dnNorm: normalizeDn(dn), step, reason, runId, now: this.now().toISOString() });
  }

  /** Seen in the directory this run with nothing to write (clears a quarantine the source no longer causes). */
  recordSeen(anchor: string, dn: string, runId: number): void {
    this.seen.run({ anchor, dn, dnNorm: normalizeDn(dn), runId, now: this.now().toISOString() });
  }

  /** After a lifecycle change Okta confirmed (or one that turned out not to be needed). */
  recordStatus(anchor: string, s: { oktaStatus: string | null; lifecycleReason: 'disabled' | 'missing' | null; disabled: boolean; dn?: string }): void {
    this.db
      .prepare(
        `UPDATE users SET okta_status = COALESCE(@oktaStatus, okta_status), lifecycle_reason = @lifecycleReason, disabled = @disabled,
           dn = COALESCE(@dn, dn), dn_norm = COALESCE(@dnNorm, dn_norm), updated_at = @now WHERE anchor = @anchor`,
      )
      .run({
        anchor,
        oktaStatus: s.oktaStatus,
        lifecycleReason: s.lifecycleReason,
        disabled: s.disabled ? 1 : 0,
        dn: s.dn ?? null,
        dnNorm: s.dn ? normalizeDn(s.dn) : null,
        now: this.now().toISOString(),
      });
  }

  /**
   * One more missing observation (the user was not seen by a full run, or was deleted). It leaves
   * quarantine: quarantine describes records the directory has and the agent keeps out of Okta.
   */
  recordMissing(anchor: string, missingRuns: number): void {
    const now = this.now().toISOString();
    this.db
      .prepare(
        `UPDATE users SET last_seen_run = ${LAST_SEEN}, missing_runs = ?, missing_since = COALESCE(missing_since, ?), updated_at = ?,
           quarantine_step = NULL, quarantine_reason = NULL, quarantined_run = NULL, quarantined_since = NULL
         WHERE anchor = ?`,
      )
      .run(missingRuns, now, now, anchor);
  }

  /** The row linked to this Okta user, if any. */
  byOktaId(oktaId: string): UserRow | undefined {
    const r = this.byOktaIdStmt.get(oktaId);
    return r && toRow(r);
  }

  /** The user with this DN (compared normalised), if the agent knows it. */
  byDn(dn: string): UserRow | undefined {
    const r = this.byDnStmt.get(normalizeDn(dn));
    return r && toRow(r);
  }

  quarantined(): UserRow[] {
    return this.db.prepare<[], RawUser>(`${SELECT_USERS} WHERE quarantine_reason IS NOT NULL ORDER BY quarantined_run DESC, dn`).raw(true).all().map(toRow);
  }

  counts(): { total: number; linked: number; quarantined: number } {
    return this.db
      .prepare<[], { total: number; linked: number; quarantined: number }>(
        `SELECT count(*) AS total, count(okta_id) AS linked, count(quarantine_reason) AS quarantined FROM users`,
      )
      .get()!;
  }
}
