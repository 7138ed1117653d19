/** The directory stage: pick the reader for the configured source. */
import type { SourceConfig } from '../config/schema';
import { LdapDirectorySource } from './ldap/reader';
import { LdifDirectorySource } from './ldif/reader';
import type { DirectorySource } from './source';

export function createDirectorySource(source: SourceConfig, now?: () => Date): DirectorySource {
  return source.type === 'ldap' ? new LdapDirectorySource(source, now) : new LdifDirectorySource(source, now);
}

export type { DirectorySource } from './source';
export { DirectoryError } from './types';
export type { SourceRecord, SourcePage, RejectedEntry, Attributes, AttributeValue } from './types';
