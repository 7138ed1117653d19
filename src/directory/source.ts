/**
 * The directory stage's one interface. A run opens a source, streams the users in scope page by
 * page, and closes it. `entriesRead` counts every entry the directory returned (the cost of a run).
 */
import type { SourcePage, SourceRecord } from './types';

export interface DirectorySource {
  /** Identifies the directory and scope, e.g. for watermarks: `ldap://dc1:389 ou=people,dc=corp`. */
  readonly id: string;
  /** Entries returned by the directory since open(). */
  readonly entriesRead: number;
  /** Connect and bind (no-op for files). Throws DirectoryError. */
  open(): Promise<void>;
  /** Every user in scope, a page at a time; never the whole directory in memory. */
  users(): AsyncIterable<SourcePage>;
  /**
   * Users matching a key a person typed (anchor, DN, or a login-like attribute value), escaped so
   * that the key can only ever match literally.
   */
  findUsers(key: string): Promise<SourceRecord[]>;
  close(): Promise<void>;
}
