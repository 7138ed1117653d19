/**
 * The directory stage's one interface. A run opens a source, takes a checkpoint (the server's
 * change position), streams the users (all of them, or only those changed since an earlier
 * checkpoint), the users deleted since, and the groups, page by page, and closes it.
 * `entriesRead` counts every entry the directory returned (the cost of a run).
 */
import type { Attributes, RejectedEntry, SourcePage, SourceRecord } from './types';

/**
 * A change position. Taken before a scan; a later scan `since` it returns what changed after.
 * - ad-usn: Active Directory uSNChanged, valid only on the same domain controller (dc) with the
 *   same invocationId (a restored DC gets a new one).
 * - ldap-csn: OpenLDAP contextCSN (entryCSN ordering).
 * - ldap-timestamp: modifyTimestamp (second granularity; read with an overlap window).
 * - none: the source cannot tell what changed (LDIF files): every run is a full run.
 */
export type Checkpoint =
  | { kind: 'ad-usn'; dc: string; invocationId: string; usn: string }
  | { kind: 'ldap-csn'; csn: string }
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

export interface DirectorySource {
  /** Identifies the directory and scope, e.g. for watermarks: `ldap://dc1:389 ou=people,dc=corp`. */
  readonly id: string;
  /** Entries returned by the directory since open(). */
  readonly entriesRead: number;
  /** Connect and bind (no-op for files). Throws DirectoryError. */
  open(): Promise<void>;
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
  /** Anchors of users deleted since a checkpoint (AD tombstones); nothing for sources without them. */
  deletedUsers(since: Checkpoint): AsyncIterable<string[]>;
  /** Groups in scope (all, or changed since a checkpoint). Nothing when groups are not configured. */
  groups(since?: Checkpoint): AsyncIterable<GroupPage>;
  /**
   * Users matching a key a person typed (anchor, DN, or a login-like attribute value), escaped so
   * that the key can only ever match literally.
   */
  findUsers(key: string): Promise<SourceRecord[]>;
  close(): Promise<void>;
}
