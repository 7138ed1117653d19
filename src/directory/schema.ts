/**
 * The directory's config: the `source:` section (where users are read from) and the directory's
 * part of `groups:` (which entries are groups, which attributes list their members; sync/groups
 * adds naming and nesting), each with its semantic checks. src/config/schema.ts composes them.
 * Objects are strict (unknown keys rejected), every field is described, defaults live here.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { CheckIssue, KeyPath } from '../util/config-check';
import type { Secret } from '../util/secret';
import { rdnCount } from './dn';
import { checkFilterSyntax } from './ldap/filter-match';

/**
 * Makes a secret field (a reference in the file, a {@link Secret} once parsed). Given by the
 * composer of the configuration, which resolves references while loading (config/secret.ts).
 */
export type SecretField = (what: string) => z.ZodType<Secret, string>;

const ldapUrl = z
  .string()
  .regex(/^ldaps?:\/\/[^/\s]+\/?$/i, 'must be ldap://host[:port] or ldaps://host[:port]')
  .describe('Directory server URL: ldap://host:389 (use startTls) or ldaps://host:636.');

export const dnSchema = z.string().min(1).describe('A distinguished name.');

const tlsFields = z.strictObject({
  caFile: z
    .string()
    .optional()
    .describe('PEM file with the CA certificate(s) that signed the directory server certificate. Without it the system trust store is used.'),
  rejectUnauthorized: z
    .boolean()
    .default(true)
    .describe('Verify the server certificate and host name. Turn off only for a throwaway lab server; the agent logs a warning on every run when it is off.'),
  serverName: z.string().optional().describe('Host name to verify the certificate against, when it differs from the URL host.'),
});
const tlsSchema = tlsFields.default(() => tlsFields.parse({}));

const usersSchema = z.strictObject({
  baseDns: z.array(dnSchema).min(1).describe('One or more base DNs to search for users.'),
  filter: z
    .string()
    .optional()
    .describe('LDAP filter selecting users. Default: (objectClass=inetOrgPerson) for openldap, (&(objectCategory=person)(objectClass=user)) for ad.'),
  scope: z.enum(['sub', 'one']).default('sub').describe('Search scope under each base DN.'),
  attributes: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$/, 'not an LDAP attribute name'))
    .optional()
    .describe('Directory attributes to read. Transforms may only reference these (plus dn and the anchor). Default: a common set for the flavour.'),
  disabledFilter: z
    .string()
    .optional()
    .describe(
      'An LDAP filter that marks a user as disabled, evaluated on each entry, e.g. (pwdAccountLockedTime=*) or (shadowExpire=1). Active Directory users are disabled by userAccountControl bit 0x2 or a past accountExpires anyway.',
    ),
});

const changeTrackingFields = z.strictObject({
  method: z
    .enum(['auto', 'usn', 'csn', 'timestamp'])
    .default('auto')
    .describe(
      'How incremental runs find changed entries. auto: uSNChanged on Active Directory, entryCSN/contextCSN on OpenLDAP (modifyTimestamp when the server keeps no contextCSN). usn: AD only. timestamp: modifyTimestamp, for other directories.',
    ),
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .default(300)
    .describe(
      'timestamp method: re-read entries changed this long before the last run started (clock skew, same-second changes); re-read entries with no change cost no writes.',
    ),
});
const changeTrackingSchema = changeTrackingFields.default(() => changeTrackingFields.parse({}));

const ldapSourceSchema = (secret: SecretField) =>
  z.strictObject({
    type: z.literal('ldap').describe('Read from an LDAP server.'),
    flavor: z.enum(['openldap', 'ad']).default('openldap').describe('Directory flavour: openldap (any RFC 4512 directory) or ad (Active Directory).'),
    url: ldapUrl,
    startTls: z.boolean().default(false).describe('Upgrade an ldap:// connection with StartTLS before binding.'),
    tls: tlsSchema,
    bindDn: dnSchema.describe('DN (or, for AD, user principal name) the agent binds as.'),
    bindPassword: secret('Password for bindDn'),
    connectTimeoutMs: z.number().int().min(100).default(10_000).describe('Give up connecting after this many milliseconds.'),
    timeoutMs: z.number().int().min(100).default(120_000).describe('Give up on a single LDAP operation (one page) after this many milliseconds.'),
    pageSize: z
      .number()
      .int()
      .min(1)
      .max(5000)
      .default(100)
      .describe(
        'Entries per page of the paged search (RFC 2696). Memory grows with it: a page of more than about 100 entries outlives the JavaScript young generation (measured for 20,000 users: peak RSS 180 MB with 100, 300 MB with 200 or 500, at the same speed).',
      ),
    users: usersSchema,
    anchorAttribute: z
      .string()
      .optional()
      .describe('Immutable attribute identifying a user across renames and moves. Default: entryUUID (openldap), objectGUID (ad).'),
    binaryAttributes: z
      .array(z.string())
      .default([])
      .describe('Attributes returned as raw bytes (in addition to objectGUID, objectSid, jpegPhoto, thumbnailPhoto, userCertificate).'),
    changeTracking: changeTrackingSchema.describe('Incremental runs: how changes are found.'),
  });

const ldifUsersSchema = usersSchema.partial({ baseDns: true });

const ldifSourceSchema = z.strictObject({
  type: z.literal('ldif').describe('Read from an LDIF file (an export, or the demo directory).'),
  path: z.string().min(1).describe('LDIF file, relative to this config file.'),
  flavor: z.enum(['openldap', 'ad']).default('openldap').describe('Which directory the export came from (selects anchor and defaults).'),
  users: ldifUsersSchema
    .describe('Which entries of the file are users: baseDns (default: all), filter, scope, attributes.')
    .default(() => ldifUsersSchema.parse({})),
  anchorAttribute: z.string().optional().describe('Immutable attribute identifying a user. Default: entryUUID (openldap), objectGUID (ad).'),
  binaryAttributes: z.array(z.string()).default([]).describe('Attributes kept as raw bytes.'),
});

/** The `source:` section; `secret` makes the bind password field (see {@link SecretField}). */
export function sourceSection(secret: SecretField) {
  return z.discriminatedUnion('type', [ldapSourceSchema(secret), ldifSourceSchema]).describe('Where users are read from.');
}

export type SourceConfig = z.output<ReturnType<typeof sourceSection>>;
export type LdapSourceConfig = Extract<SourceConfig, { type: 'ldap' }>;
export type LdifSourceConfig = Extract<SourceConfig, { type: 'ldif' }>;

/** A member attribute: a name, no options (range options are the reader's business). */
const memberAttributeName = z.string().superRefine((a, ctx) => {
  const [name, ...options] = a.split(';');
  if (options.some((o) => /^range=/i.test(o.trim()))) {
    ctx.addIssue({
      code: 'custom',
      message: `"${a}": list the attribute without a range (${name}); the reader reads large Active Directory groups in ranges (${name};range=0-1499, …) by itself`,
    });
  } else if (options.length) {
    ctx.addIssue({ code: 'custom', message: `"${a}": attribute options (;${options.join(';')}) are not supported here; list the attribute name (${name})` });
  } else if (!/^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/.test(a)) {
    ctx.addIssue({ code: 'custom', message: `"${a}" is not an LDAP attribute name` });
  }
});

/** The directory's keys of the `groups:` section: how groups and their members are read. */
export const groupSourceSchema = z.strictObject({
  baseDns: z.array(dnSchema).min(1).describe('Base DNs to search for groups.'),
  filter: z
    .string()
    .optional()
    .describe('LDAP filter selecting groups. Default: (|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)) for openldap, (objectClass=group) for ad.'),
  scope: z.enum(['sub', 'one']).default('sub').describe('Search scope under each base DN.'),
  attributes: z.array(z.string()).default(['cn', 'description']).describe('Group attributes the name and description templates may use.'),
  memberAttributes: z
    .array(memberAttributeName)
    .min(1, 'list at least one attribute, e.g. [member]')
    .optional()
    .describe(
      'Attributes listing member DNs, by name (member, uniqueMember), without options: the reader asks for ranges (member;range=…) itself when a large Active Directory group needs them. Default: member and uniqueMember (openldap), member (ad).',
    ),
});

/** What the directory reads of the `groups:` section. */
export type GroupSourceConfig = z.output<typeof groupSourceSchema>;

/** Checks of a `source:` section the schema accepted, its relative paths already resolved. */
export function checkSource(source: SourceConfig): CheckIssue[] {
  const issues: CheckIssue[] = [];
  issues.push(...checkFilter(['source', 'users', 'filter'], source.users.filter));
  issues.push(...checkFilter(['source', 'users', 'disabledFilter'], source.users.disabledFilter));
  if (source.users.baseDns) issues.push(...checkDnList(['source', 'users', 'baseDns'], source.users.baseDns));
  if (source.type === 'ldif') {
    if (!existsSync(source.path)) issues.push({ path: ['source', 'path'], message: `file ${source.path} does not exist` });
    return issues;
  }
  if (source.flavor === 'ad' && source.pageSize > 1000) {
    issues.push({
      path: ['source', 'pageSize'],
      message: `Active Directory returns at most 1000 entries a page (MaxPageSize); ${source.pageSize} would be cut short`,
    });
  }
  if (source.changeTracking.method === 'usn' && source.flavor !== 'ad') {
    issues.push({ path: ['source', 'changeTracking', 'method'], message: 'usn change tracking needs flavor: ad' });
  }
  if (!source.tls.rejectUnauthorized) {
    issues.push({
      path: ['source', 'tls', 'rejectUnauthorized'],
      severity: 'warning',
      message:
        "the directory's TLS certificate is not verified: whoever sits between the agent and the directory can read the bind password and the data. Give the CA that signed it with tls.caFile instead",
    });
  }
  const caFile = source.tls.caFile;
  if (caFile && !existsSync(caFile)) issues.push({ path: ['source', 'tls', 'caFile'], message: `file ${caFile} does not exist` });
  if (source.startTls && source.url.toLowerCase().startsWith('ldaps:')) {
    issues.push({ path: ['source', 'startTls'], message: 'startTls applies to ldap:// URLs; ldaps:// is already encrypted' });
  }
  return issues;
}

/** Checks of the directory's keys of a `groups:` section the schema accepted. */
export function checkGroupSource(groups: GroupSourceConfig): CheckIssue[] {
  return [...checkFilter(['groups', 'filter'], groups.filter), ...checkDnList(['groups', 'baseDns'], groups.baseDns)];
}

function checkFilter(path: KeyPath, filter: string | undefined): CheckIssue[] {
  const problem = filter ? checkFilterSyntax(filter) : undefined;
  return problem ? [{ path, message: `not a valid LDAP filter: ${problem}` }] : [];
}

/**
 * A warning for a DN list that YAML split: in flow style, `[ou=groups,dc=corp,dc=example]` is a
 * list of three entries, `ou=groups`, `dc=corp` and `dc=example`, each a DN of one RDN, and the
 * search runs under the wrong bases (or fails with noSuchObject). Two or more single-RDN entries
 * next to each other look like the pieces of one DN: one warning at the first of them. A single
 * one-RDN base (`dc=example`) and lists of full DNs are what they say.
 */
export function checkDnList(path: KeyPath, dns: readonly string[]): CheckIssue[] {
  const issues: CheckIssue[] = [];
  for (let i = 0; i < dns.length;) {
    let end = i;
    while (end < dns.length && rdnCount(dns[end]) === 1) end++;
    if (end - i >= 2) {
      const pieces = dns.slice(i, end).map((d) => d.trim());
      const joined = pieces.join(',');
      issues.push({
        path: [...path, i],
        severity: 'warning',
        message:
          `looks like one DN split into ${pieces.length} entries (${pieces.map((p) => `"${p}"`).join(', ')}): YAML flow style reads [${joined}] ` +
          `as a list of ${pieces.length} one-RDN DNs. For the DN ${joined}, quote it ("${joined}") or write it as a block item (- ${joined})`,
      });
    }
    i = Math.max(end, i + 1);
  }
  return issues;
}
