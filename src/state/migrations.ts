/**
 * Versioned schema migrations, applied in order; `PRAGMA user_version` holds how many ran.
 * Never edit a released migration: append a new one.
 */
export const MIGRATIONS: string[] = [
  // 1: users, runs, journal, watermarks, run lock
  `
  CREATE TABLE users (
    anchor            TEXT PRIMARY KEY,
    dn                TEXT NOT NULL,
    okta_id           TEXT UNIQUE,
    login             TEXT,
    login_norm        TEXT UNIQUE,            -- the agent's claim on a login (lower-case, diacritics stripped)
    login_source      TEXT,                   -- what the login was built from (kept stable across runs)
    profile           TEXT,                   -- JSON: the profile last applied in Okta (what Okta has from us)
    okta_status       TEXT,                   -- Okta status after our last write
    link              TEXT CHECK (link IN ('created','linked')),
    disabled          INTEGER NOT NULL DEFAULT 0,
    last_seen_run     INTEGER,
    quarantine_step   TEXT,
    quarantine_reason TEXT,
    quarantined_run   INTEGER,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
  );
  CREATE INDEX users_dn ON users(dn);
  CREATE INDEX users_login ON users(login);
  CREATE INDEX users_quarantined ON users(quarantined_run) WHERE quarantine_reason IS NOT NULL;

  CREATE TABLE runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,                -- sync | plan
    mode        TEXT NOT NULL,                -- full | incremental
    trigger     TEXT NOT NULL,                -- cli | schedule | start
    started_at  TEXT NOT NULL,
    ended_at    TEXT,
    outcome     TEXT NOT NULL DEFAULT 'running', -- running | ok | quarantined | failed | stopped | interrupted
    counts      TEXT,                         -- JSON run report counts
    error       TEXT
  );

  -- write-ahead intents: a row exists while an Okta write is in flight; a crash leaves it behind
  CREATE TABLE journal (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id     INTEGER NOT NULL,
    anchor     TEXT NOT NULL,
    op         TEXT NOT NULL,
    payload    TEXT NOT NULL,
    started_at TEXT NOT NULL
  );

  CREATE TABLE watermarks (
    source     TEXT PRIMARY KEY,
    value      TEXT NOT NULL,                 -- JSON
    run_id     INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE run_lock (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    pid        INTEGER NOT NULL,
    host       TEXT NOT NULL,
    run_id     INTEGER,
    acquired_at TEXT NOT NULL
  );
  `,
  // 2: values of attributes that must be unique across the directory (validate.unique), by holder
  `
  CREATE TABLE unique_claims (
    attribute TEXT NOT NULL,
    value     TEXT NOT NULL,
    anchor    TEXT NOT NULL,
    PRIMARY KEY (attribute, value)
  ) WITHOUT ROWID;
  CREATE INDEX unique_claims_anchor ON unique_claims(anchor);
  `,
  // 3: lifecycle (missing users, why the agent suspended or deactivated someone) and groups
  `
  -- the DN normalised for comparison (lower case, no spaces around separators): group members are DNs
  ALTER TABLE users ADD COLUMN dn_norm TEXT;
  UPDATE users SET dn_norm = lower(dn);
  CREATE INDEX users_dn_norm ON users(dn_norm);
  ALTER TABLE users ADD COLUMN missing_runs INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN missing_since TEXT;
  -- why the agent suspended or deactivated this user: 'disabled' (in the directory) or 'missing'
  ALTER TABLE users ADD COLUMN lifecycle_reason TEXT CHECK (lifecycle_reason IN ('disabled','missing'));

  -- directory groups in scope (and groups that left it, while the agent still holds memberships in their Okta group)
  CREATE TABLE groups (
    anchor        TEXT PRIMARY KEY,
    dn            TEXT NOT NULL,
    dn_norm       TEXT NOT NULL,              -- normalised DN: how member lists name this group
    want_name     TEXT,                       -- name and description the directory wants (templates, last read)
    want_description TEXT,
    okta_id       TEXT UNIQUE,                -- the Okta group the agent manages for it (kept when it leaves scope)
    name          TEXT,                       -- name and description last applied in Okta
    description   TEXT,
    name_norm     TEXT,                       -- lower-cased want_name (Okta compares names case-insensitively)
    link          TEXT CHECK (link IN ('created','matched')),
    last_seen_run INTEGER,
    removed_run   INTEGER,                    -- a full run found it gone from the directory (or out of scope)
    pending       INTEGER NOT NULL DEFAULT 0, -- planned writes not all confirmed: re-planned by the next run, incremental too
    quarantine_reason TEXT,
    quarantined_run   INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
  );
  CREATE INDEX groups_dn_norm ON groups(dn_norm);
  CREATE INDEX groups_name_norm ON groups(name_norm);
  CREATE INDEX groups_retry ON groups(anchor) WHERE pending = 1 OR quarantine_reason IS NOT NULL;

  -- direct members of each directory group as last read (member DNs), for flattening nested groups
  CREATE TABLE group_direct_members (
    group_anchor TEXT NOT NULL,
    member_dn    TEXT NOT NULL,              -- lower-cased, normalised DN
    PRIMARY KEY (group_anchor, member_dn)
  ) WITHOUT ROWID;
  CREATE INDEX group_direct_members_dn ON group_direct_members(member_dn);

  -- memberships the agent applied in Okta (group anchor, user anchor)
  CREATE TABLE group_members (
    group_anchor TEXT NOT NULL,
    user_anchor  TEXT NOT NULL,
    PRIMARY KEY (group_anchor, user_anchor)
  ) WITHOUT ROWID;
  CREATE INDEX group_members_user ON group_members(user_anchor);
  `,
  // 4: DNs compared per RFC 4514 (src/directory/dn.ts): `\2C` and `\,`, `\3D` and `\=`, hex-escaped UTF-8 and
  // the characters, attribute types in any case, … give one normalised DN. The normalised DNs of users and
  // groups are recomputed from their DNs by the agent when it opens the state (src/state/groups.ts,
  // refreshNormalisedDns: the tables listed in dn_norm_refresh). Stored member lists hold normalised DNs
  // only, so they are dropped, and with them the watermarks: the next run is full and reads every group again.
  `
  CREATE TABLE dn_norm_refresh (tbl TEXT PRIMARY KEY) WITHOUT ROWID;
  INSERT INTO dn_norm_refresh (tbl) VALUES ('users'), ('groups');
  DELETE FROM watermarks WHERE EXISTS (SELECT 1 FROM group_direct_members);
  DELETE FROM group_direct_members;
  `,
  // 5: when a record entered quarantine (kept while it stays there; quarantined_run is the latest run)
  `
  ALTER TABLE users ADD COLUMN quarantined_since TEXT;
  UPDATE users SET quarantined_since = updated_at WHERE quarantine_reason IS NOT NULL;
  `,
  // 6: what the agent learnt of the Okta org between runs: its user schema (as last read) and the rate
  // limit each bucket's responses last gave (for the plan's forecast)
  `
  CREATE TABLE okta_user_schema (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    schema   TEXT NOT NULL,                  -- JSON: the agent's view of the schema (okta/user-schema.ts)
    read_at  TEXT NOT NULL
  );
  CREATE TABLE okta_rate_limits (
    bucket     TEXT PRIMARY KEY,             -- okta/governor.ts Bucket
    rate_limit INTEGER NOT NULL,             -- X-Rate-Limit-Limit (requests per window)
    seen_at    TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // 7: the Okta mirror (state/okta-mirror.ts): the org the state belongs to, the Okta users (the profile attributes
  // the configuration maps or matches on), the groups, and the members of the groups the agent manages, refreshed
  // by change queries (sync/mirror/). Deleting these rows only costs a full read of Okta at the next run.
  `
  CREATE TABLE okta_org (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    url       TEXT NOT NULL,                  -- the org URL the configuration named when the state was bound
    org_id    TEXT NOT NULL,                  -- Okta's org id (/.well-known/okta-organization)
    bound_at  TEXT NOT NULL
  );
  -- one row per mirrored collection ('users', 'groups')
  CREATE TABLE okta_mirror (
    what         TEXT PRIMARY KEY,
    watermark    TEXT,                        -- Okta's time when the last complete read began (NULL: none; the next read is full)
    shape        TEXT NOT NULL,               -- JSON: what is kept (users: profile attributes and indexed attributes)
    refreshed_at TEXT                         -- the agent's time of the last complete read
  ) WITHOUT ROWID;
  CREATE TABLE okta_users (
    id           TEXT PRIMARY KEY,
    status       TEXT NOT NULL,
    login        TEXT NOT NULL,
    login_norm   TEXT NOT NULL,               -- normalizeLogin: Okta compares logins ignoring case and diacritics
    profile      TEXT NOT NULL,               -- JSON: the attributes of the shape
    last_updated TEXT                         -- Okta's lastUpdated (NULL: known from a write without it)
  ) WITHOUT ROWID;
  CREATE INDEX okta_users_login ON okta_users(login_norm);
  -- values of the attributes match rules compare (lower case), for first contact
  CREATE TABLE okta_user_values (
    attribute TEXT NOT NULL,
    value     TEXT NOT NULL,
    id        TEXT NOT NULL,
    PRIMARY KEY (attribute, value, id)
  ) WITHOUT ROWID;
  CREATE INDEX okta_user_values_id ON okta_user_values(id);
  CREATE TABLE okta_groups (
    id                      TEXT PRIMARY KEY,
    type                    TEXT NOT NULL,
    name                    TEXT NOT NULL,
    name_norm               TEXT NOT NULL,  -- lower case: Okta compares group names ignoring case
    description             TEXT,
    last_updated            TEXT,
    last_membership_updated TEXT,
    members_read            TEXT            -- lastMembershipUpdated when its members were read (managed groups); NULL: not read
  ) WITHOUT ROWID;
  CREATE INDEX okta_groups_name ON okta_groups(name_norm);
  CREATE TABLE okta_group_members (
    group_id TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
  ) WITHOUT ROWID;
  `,
  // 8: a smaller state per user (issue 10). No query looks users up by their raw DN or login (by dn_norm and
  // login_norm only): their indexes cost about 85 bytes a user for nothing. From this version on, users.profile
  // and okta_users.profile are written in state/profile-codec.ts's form (a JSON array naming the base
  // profile's attributes by number); rows written before keep their JSON object until they are written again,
  // and read as they are. (New state files also get 8 KiB pages: db.ts.)
  `
  DROP INDEX users_dn;
  DROP INDEX users_login;
  `,
  // 9: the latest complete full run, which every read of a user row resolves lastSeenRun from
  // (state/users.ts LAST_SEEN): found in this partial index at once, not by walking back over every
  // incremental run since (thousands a day with a seconds-level schedule)
  `
  CREATE INDEX runs_full_read ON runs(id) WHERE kind = 'sync' AND mode = 'full' AND outcome IN ('ok', 'quarantined');
  `,
];
