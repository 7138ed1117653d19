/**
 * Per-flavour defaults (filter, anchor, attribute list) and the attribute list a source reads.
 * The flavour seam: everything that differs between OpenLDAP and Active Directory reading lives in
 * a {@link Flavor} record, so adding a flavour is adding a record.
 */
import type { GroupSourceConfig, SourceConfig } from './schema';

export interface Flavor {
  name: 'openldap' | 'ad';
  defaultFilter: string;
  defaultGroupFilter: string;
  defaultMemberAttributes: string[];
  defaultAnchor: string;
  /** Read when the config lists no attributes. */
  defaultAttributes: string[];
  /** Always read, whatever the config says (needed by the agent itself). */
  internalAttributes: string[];
  /** Always binary. */
  binaryAttributes: string[];
}

const COMMON_BINARY = ['jpegPhoto', 'thumbnailPhoto', 'userCertificate', 'userSMIMECertificate'];

const FLAVORS: Record<Flavor['name'], Flavor> = {
  openldap: {
    name: 'openldap',
    defaultFilter: '(objectClass=inetOrgPerson)',
    defaultGroupFilter: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))',
    defaultMemberAttributes: ['member', 'uniqueMember'],
    defaultAnchor: 'entryUUID',
    defaultAttributes: [
      'uid',
      'cn',
      'sn',
      'givenName',
      'displayName',
      'mail',
      'telephoneNumber',
      'mobile',
      'title',
      'departmentNumber',
      'ou',
      'o',
      'employeeNumber',
      'employeeType',
      'manager',
      'l',
      'st',
      'postalCode',
      'street',
      'preferredLanguage',
      'initials',
    ],
    internalAttributes: ['entryUUID', 'modifyTimestamp', 'entryCSN'],
    binaryAttributes: COMMON_BINARY,
  },
  ad: {
    name: 'ad',
    defaultFilter: '(&(objectCategory=person)(objectClass=user))',
    defaultGroupFilter: '(objectClass=group)',
    defaultMemberAttributes: ['member'],
    defaultAnchor: 'objectGUID',
    defaultAttributes: [
      'sAMAccountName',
      'userPrincipalName',
      'cn',
      'sn',
      'givenName',
      'displayName',
      'mail',
      'telephoneNumber',
      'mobile',
      'title',
      'department',
      'company',
      'employeeID',
      'employeeNumber',
      'manager',
      'l',
      'st',
      'postalCode',
      'streetAddress',
      'co',
      'c',
      'initials',
      'middleName',
      'physicalDeliveryOfficeName',
    ],
    internalAttributes: ['objectGUID', 'userAccountControl', 'accountExpires', 'uSNChanged', 'whenChanged'],
    binaryAttributes: [...COMMON_BINARY, 'objectGUID', 'objectSid'],
  },
};

export function flavorOf(source: SourceConfig): Flavor {
  return FLAVORS[source.flavor];
}

export function anchorAttributeOf(source: SourceConfig): string {
  return source.anchorAttribute ?? flavorOf(source).defaultAnchor;
}

export function userFilterOf(source: SourceConfig): string {
  return source.users.filter ?? flavorOf(source).defaultFilter;
}

export function groupFilterOf(source: SourceConfig, groups: GroupSourceConfig): string {
  return groups.filter ?? flavorOf(source).defaultGroupFilter;
}

export function memberAttributesOf(source: SourceConfig, groups: GroupSourceConfig): string[] {
  return groups.memberAttributes ?? flavorOf(source).defaultMemberAttributes;
}

/** The attributes transforms may reference: the configured (or default) list, plus dn and the anchor. */
export function sourceAttributeList(source: SourceConfig): string[] {
  const f = flavorOf(source);
  return dedupe([...(source.users.attributes ?? f.defaultAttributes), anchorAttributeOf(source), ...f.internalAttributes]);
}

/** Attributes to request from the directory (transform references are a subset, checked at load). */
export function attributesToRead(source: SourceConfig): string[] {
  return sourceAttributeList(source);
}

export function binaryAttributesOf(source: SourceConfig): string[] {
  return dedupe([...flavorOf(source).binaryAttributes, ...source.binaryAttributes]);
}

function dedupe(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => {
    const k = n.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
