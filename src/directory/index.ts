/** The directory stage: pick the reader for the configured source. */
import type { GroupSourceConfig, SourceConfig } from './schema';
import { LdapDirectorySource } from './ldap/reader';
import { LdifDirectorySource } from './ldif/reader';
import type { DirectorySource } from './source';

export function createDirectorySource(source: SourceConfig, groups?: GroupSourceConfig, now?: () => Date): DirectorySource {
  return source.type === 'ldap' ? new LdapDirectorySource(source, groups, now) : new LdifDirectorySource(source, groups, now);
}

export type { DirectorySource, Checkpoint, SourceGroup, GroupPage } from './source';
export { DirectoryError } from './types';
export type { SourceRecord, SourcePage, RejectedEntry, Attributes, AttributeValue } from './types';
