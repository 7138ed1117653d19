/**
 * Directory stage: the contract every reader (LDAP, Active Directory, LDIF file) fulfils.
 *
 * A reader streams *pages* of {@link SourceRecord}s; it never holds the whole directory in memory.
 * Attribute names are lower-cased (LDAP attribute names are case-insensitive); every attribute is an
 * array of values, so single- and multi-valued attributes look the same. Binary attributes
 * (objectGUID, objectSid, jpegPhoto, anything configured as binary) are Buffers, everything else strings.
 */
export type AttributeValue = string | Buffer;

/** attribute name, lower-cased → values (never empty: a missing attribute is absent). */
export type Attributes = Record<string, AttributeValue[]>;

export interface SourceRecord {
  /** Immutable identity: entryUUID, AD objectGUID as canonical GUID string, or a configured attribute. */
  anchor: string;
  /** Current distinguished name (changes on rename or move; the anchor does not). */
  dn: string;
  attributes: Attributes;
  /** Disabled in the directory (AD: userAccountControl bit 0x2 or accountExpires in the past). */
  disabled: boolean;
  /**
   * Why the record cannot be used as the directory gave it (a text value that is not UTF-8): the
   * record path quarantines it under its anchor (step `directory`) without running the transforms.
   */
  problem?: string;
}

/** A record the reader could not turn into a SourceRecord (e.g. no anchor). It is quarantined, never dropped silently. */
export interface RejectedEntry {
  dn: string;
  reason: string;
}

export interface SourcePage {
  records: SourceRecord[];
  rejected: RejectedEntry[];
}

/**
 * Thrown for directory failures that stop a run. `kind` says which step failed: the server cannot
 * be reached, TLS, the bind, a base DN that does not exist (`base-dn`), a search, or the LDIF file.
 */
export class DirectoryError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'bind' | 'tls' | 'base-dn' | 'search' | 'ldif',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DirectoryError';
  }
}
