/**
 * The directory stage's one interface. A run opens a source, takes a checkpoint (the server's
 * change position), streams the users (all of them, or only those changed since an earlier
 * checkpoint), the users deleted since, and the groups, page by page, and releases it.
 * What a run costs is counted in the {@link DirectoryReads} value the run passes to `open`: the
 * source keeps no count of its own, so a source that outlives runs (the daemon's) reports each
 * run's own reads.
 */
import type { Attributes, RejectedEntry, SourcePage, SourceRecord } from './types';

/**
 * A change position. Taken before a scan; a later scan `since` it returns what changed after.
 * - ad-usn: Active Directory uSNChanged, valid only on the same domain controller (dc) with the
 *   same invocationId (a restored DC gets a new one).
 * - ldap-csn: OpenLDAP contextCSN (entryCSN ordering): the smallest of the databases' values, and
 *   all of them (`csns`, absent in watermarks of earlier versions) to tell whether anything moved.
 * - ldap-timestamp: modifyTimestamp (second granularity; read with an overlap window).
 * - none: the source cannot tell what changed (LDIF files): every run is a full run.
 */
export type Checkpoint =
  | { kind: 'ad-usn'; dc: string; invocationId: string; usn: string }
  | { kind: 'ldap-csn'; csn: string; csns?: string[] }
  | { kind: 'ldap-timestamp'; timestamp: string }
  | { kind: 'none' };

/** A directory group: its member DNs complete (AD ranged retrieval done). */
export interface SourceGroup {
  anchor: string;
  dn: string;
  attributes: Attributes;
  /** Direct member DNs as the directory lists them. */
  members: string[];
}

export interface GroupPage {
  groups: SourceGroup[];
  rejected: RejectedEntry[];
}

/** What one run read from the directory: a value the run creates and passes to {@link DirectorySource.open}. */
export interface DirectoryReads {
  /** Entries the directory returned (users, groups, tombstones, deletion records, the rootDSE). */
  entries: number;
  /** Requests sent to the server (a bind, each page of a paged search, each base read). */
  queries: number;
}

export const noReads = (): DirectoryReads => ({ entries: 0, queries: 0 });

/**
 * A user gone from the scope since a checkpoint: deleted (AD tombstone, OpenLDAP accesslog) or
 * moved out of the base DNs (OpenLDAP accesslog).
 */
export interface GoneUser {
  anchor: string;
  why: 'deleted' | 'moved out of scope';
}

export interface DirectorySource {
  /** Identifies the directory and scope, e.g. for watermarks: `ldap://dc1:389 ou=people,dc=corp`. */
  readonly id: string;
  /**
   * Begin a run: connect and bind, or go on with the connection an earlier run of this source
   * left open (`release`), as long as it is still bound. The run's reads are counted in `reads`.
   * No-op for files. Throws DirectoryError.
   */
  open(reads?: DirectoryReads): Promise<void>;
  /** The server's current change position (read before scanning). */
  checkpoint(): Promise<Checkpoint>;
  /** Whether an incremental scan from `previous` is valid against `current`, and why not. */
  canResume(previous: Checkpoint, current: Checkpoint): { ok: true } | { ok: false; reason: string };
  /** Users in scope, a page at a time (all, or those changed since a checkpoint); never the whole directory in memory. */
  users(since?: Checkpoint): AsyncIterable<SourcePage>;
  /**
   * The users at these DNs that are still in scope (base-scope reads; DNs gone or out of scope are
   * left out). Incremental runs use it to retry quarantined records.
   */
  usersByDn(dns: readonly string[]): AsyncIterable<SourcePage>;
  /**
   * Users gone from the scope after `since` and up to `until` (the checkpoint this run read, so a
   * deletion is reported by exactly one run): AD tombstones; OpenLDAP deletions and moves out of
   * scope from the accesslog (`cn=accesslog`) where the server keeps one that the agent may read.
   */
  goneUsers(since: Checkpoint, until: Checkpoint): AsyncIterable<GoneUser[]>;
  /**
   * Whether `goneUsers` sees deletions at all for this checkpoint kind (an AD DC always; OpenLDAP
   * with a readable accesslog; files never), and if not, why: incremental runs then leave
   * deletions to full runs, and say so.
   */
  tracksDeletions(since: Checkpoint): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Groups in scope (all, or changed since a checkpoint). Nothing when groups are not configured. */
  groups(since?: Checkpoint): AsyncIterable<GroupPage>;
  /**
   * Users matching a key a person typed (anchor, DN, or a login-like attribute value), escaped so
   * that the key can only ever match literally.
   */
  findUsers(key: string): Promise<SourceRecord[]>;
  /** End of a run: the connection stays open for the next run of this source (a daemon's polls). */
  release(): Promise<void>;
  /** Close the connection (end of the process, a reload, or a run that failed). */
  close(): Promise<void>;
}
