/**
 * The configuration schema: the single source of truth for types, defaults, validation and the
 * documented reference (`config schema` prints the JSON schema generated from it; config/example.yaml
 * is checked against it by a test). Unknown keys are rejected everywhere.
 */
import { z } from 'zod';
import { resolveSecret, Secret } from './secret';
import { transformsSchema } from '../transform/schema';

/** A secret given by reference; resolved while the config loads, errors reported with the rest. */
const secretRef = (what: string) =>
  z
    .string()
    .describe(`${what}, as a reference: \${env:NAME}, \${file:/absolute/path} or \${credential:NAME} (systemd LoadCredential=). Never the secret itself.`)
    .transform((ref, ctx): Secret => {
      const r = resolveSecret(ref);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: r.message });
        return z.NEVER;
      }
      return r.secret;
    });

const ldapUrl = z
  .string()
  .regex(/^ldaps?:\/\/[^/\s]+\/?$/i, 'must be ldap://host[:port] or ldaps://host[:port]')
  .describe('Directory server URL: ldap://host:389 (use startTls) or ldaps://host:636.');

const dn = z.string().min(1).describe('A distinguished name.');

const tlsSchema = z
  .strictObject({
    caFile: z
      .string()
      .optional()
      .describe('PEM file with the CA certificate(s) that signed the directory server certificate. Without it the system trust store is used.'),
    rejectUnauthorized: z
      .boolean()
      .default(true)
      .describe('Verify the server certificate and host name. Turn off only for a throwaway lab server; the agent logs a warning on every run when it is off.'),
    serverName: z.string().optional().describe('Host name to verify the certificate against, when it differs from the URL host.'),
  })
  .default({ rejectUnauthorized: true });

const usersSchema = z.strictObject({
  baseDns: z.array(dn).min(1).describe('One or more base DNs to search for users.'),
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

const changeTrackingSchema = z
  .strictObject({
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
  })
  .default({ method: 'auto', overlapSeconds: 300 });

const ldapSourceSchema = z.strictObject({
  type: z.literal('ldap').describe('Read from an LDAP server.'),
  flavor: z.enum(['openldap', 'ad']).default('openldap').describe('Directory flavour: openldap (any RFC 4512 directory) or ad (Active Directory).'),
  url: ldapUrl,
  startTls: z.boolean().default(false).describe('Upgrade an ldap:// connection with StartTLS before binding.'),
  tls: tlsSchema,
  bindDn: dn.describe('DN (or, for AD, user principal name) the agent binds as.'),
  bindPassword: secretRef('Password for bindDn'),
  connectTimeoutMs: z.number().int().min(100).default(10_000).describe('Give up connecting after this many milliseconds.'),
  timeoutMs: z.number().int().min(100).default(120_000).describe('Give up on a single LDAP operation (one page) after this many milliseconds.'),
  pageSize: z.number().int().min(1).max(5000).default(500).describe('Entries per page of the paged search (RFC 2696). Memory grows with it; 200–500 is best.'),
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

const ldifSourceSchema = z.strictObject({
  type: z.literal('ldif').describe('Read from an LDIF file (an export, or the demo directory).'),
  path: z.string().min(1).describe('LDIF file, relative to this config file.'),
  flavor: z.enum(['openldap', 'ad']).default('openldap').describe('Which directory the export came from (selects anchor and defaults).'),
  users: usersSchema
    .partial({ baseDns: true })
    .describe('Which entries of the file are users: baseDns (default: all), filter, scope, attributes.')
    .default({ scope: 'sub' }),
  anchorAttribute: z.string().optional().describe('Immutable attribute identifying a user. Default: entryUUID (openldap), objectGUID (ad).'),
  binaryAttributes: z.array(z.string()).default([]).describe('Attributes kept as raw bytes.'),
});

/** A rule for finding an existing Okta user that is the same person as a directory record. */
export type MatchRule = { by: 'login' } | { by: 'email' } | { by: 'attribute'; attribute: string; caseInsensitive: boolean };

const matchRuleSchema = z.union([
  z
    .enum(['login', 'email'])
    .describe(
      "login: the Okta user whose login equals the record's (compared as Okta does: case and diacritics ignored); email: whose profile.email equals the record's email (case-insensitive).",
    ),
  z
    .strictObject({
      attribute: z.string().min(1).describe("An Okta profile attribute, e.g. employeeNumber: the Okta user whose value equals the record's."),
      caseInsensitive: z.boolean().default(false).describe('Compare ignoring case (default: exact).'),
    })
    .describe('Match by a profile attribute.'),
]);

const matchSchema = z
  .union([z.literal('none'), z.enum(['login', 'email']), z.array(matchRuleSchema)])
  .default('none')
  .describe(
    "First contact with Okta users that existed before the agent: rules that find the same person (login, email, or a profile attribute). A record with exactly one candidate across all rules is linked to it and updated from then on; several candidates (ambiguous) or a candidate already linked to another record → quarantined, never guessed; none → created. `none` (no rules): a login Okta already has quarantines the record with Okta's error. Never a duplicate.",
  )
  .transform((v): MatchRule[] => {
    const list = v === 'none' ? [] : Array.isArray(v) ? v : [v];
    return list.map((r) => (typeof r === 'string' ? { by: r } : { by: 'attribute' as const, attribute: r.attribute, caseInsensitive: r.caseInsensitive }));
  });

const oktaSchema = z.strictObject({
  orgUrl: z
    .string()
    .regex(/^https?:\/\/[^/\s]+$/, 'must be the org URL without a path or trailing slash, e.g. https://corp.okta.com')
    .describe('Okta org URL, e.g. https://corp.okta.com (no trailing slash).'),
  token: secretRef('Okta API token (SSWS)'),
  activate: z.boolean().default(true).describe('Activate users when they are created (false: create them STAGED).'),
  provider: z
    .enum(['okta', 'federation'])
    .default('okta')
    .describe(
      'okta: users get their password from Okta flows (or a delegated-auth agent); federation: users sign in through a federated IdP (created with provider FEDERATION).',
    ),
  match: matchSchema,
  concurrency: z
    .number()
    .int()
    .min(1)
    .max(32)
    .default(4)
    .describe("Okta requests in flight at once (Okta's org-wide concurrency limit is typically 75; bulk loads rarely need more than 10)."),
  rateLimitShare: z
    .number()
    .gt(0)
    .max(1)
    .default(0.5)
    .describe('Fraction of each rate-limit bucket (X-Rate-Limit-Limit) the agent may use, leaving the rest to other integrations and admins.'),
  requestTimeoutMs: z.number().int().min(1000).default(30_000).describe('Give up on one Okta HTTP request after this many milliseconds (then retry).'),
  maxRetries: z.number().int().min(0).max(20).default(5).describe('Retries of a request that failed with 429, 5xx or a network error, with backoff.'),
});

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

const groupsSchema = z
  .strictObject({
    baseDns: z.array(dn).min(1).describe('Base DNs to search for groups.'),
    filter: z
      .string()
      .optional()
      .describe(
        'LDAP filter selecting groups. Default: (|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)) for openldap, (objectClass=group) for ad.',
      ),
    scope: z.enum(['sub', 'one']).default('sub').describe('Search scope under each base DN.'),
    attributes: z.array(z.string()).default(['cn', 'description']).describe('Group attributes the name and description templates may use.'),
    memberAttributes: z
      .array(memberAttributeName)
      .min(1, 'list at least one attribute, e.g. [member]')
      .optional()
      .describe(
        'Attributes listing member DNs, by name (member, uniqueMember), without options: the reader asks for ranges (member;range=…) itself when a large Active Directory group needs them. Default: member and uniqueMember (openldap), member (ad).',
      ),
    name: z
      .string()
      .optional()
      .describe(
        'Template of the Okta group name, e.g. "AD {cn}". Default: "{cn}" (cn must then be in groups.attributes). Okta group names are unique: on first contact an existing OKTA_GROUP with this name is taken over.',
      ),
    description: z
      .string()
      .optional()
      .describe(
        'Template of the Okta group description. Default: "{description}" when description is in groups.attributes (it is in the default attributes), else no description.',
      ),
    nested: z
      .enum(['flatten', 'direct'])
      .default('flatten')
      .describe('flatten: members of nested groups are members of the Okta group too; direct: only direct user members.'),
  })
  .describe('Directory groups to sync as Okta groups (type OKTA_GROUP) with their memberships. Omit to sync no groups.');

const scheduleSchema = z
  .strictObject({
    full: z
      .string()
      .default('0 2 * * *')
      .describe('Cron expression (node-cron, 5 or 6 fields) for full runs by `run` (the daemon): every entry is read, missing users are found.'),
    incremental: z
      .string()
      .optional()
      .describe('Cron expression for incremental runs, which read only what changed since the last run (e.g. "*/15 * * * *"). Omit for full runs only.'),
    timezone: z.string().optional().describe('IANA time zone for the cron expressions. Default: the system time zone.'),
    runOnStart: z.boolean().default(true).describe('The daemon runs a sync immediately when it starts.'),
  })
  .default({ full: '0 2 * * *', runOnStart: true });

const thresholdSchema = (what: string, percent: number, count: number) =>
  z
    .strictObject({
      percent: z.number().min(0).max(100).default(percent).describe(`Stop when ${what} exceed this percentage of the users the agent manages.`),
      count: z.number().int().min(0).default(count).describe(`Stop when ${what} exceed this number.`),
    })
    .default({ percent, count })
    .describe(`Threshold for ${what}.`);

const lifecycleSchema = z
  .strictObject({
    disabled: z
      .enum(['suspend', 'deactivate', 'nothing'])
      .default('suspend')
      .describe(
        'A user disabled in the directory: suspend (a user not yet activated cannot be suspended and is deactivated), deactivate, or nothing. Enabled again: unsuspended or activated.',
      ),
    createDisabled: z
      .boolean()
      .default(false)
      .describe(
        'Create users that are disabled in the directory (then at once suspended or deactivated as above). Default: they are not created until enabled.',
      ),
    missing: z
      .enum(['deactivate', 'suspend', 'nothing'])
      .default('deactivate')
      .describe('A user the agent manages that is gone from the directory or out of scope (deleted, moved, filtered away), after the grace.'),
    missingGraceRuns: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe('How many consecutive full runs a user must be missing before the `missing` action (an AD deletion seen by an incremental run counts as one).'),
  })
  .default({ disabled: 'suspend', createDisabled: false, missing: 'deactivate', missingGraceRuns: 2 });

const safeguardsSchema = z
  .strictObject({
    deprovisions: thresholdSchema('deactivations plus suspensions', 10, 500),
    membershipRemovals: thresholdSchema('group membership removals', 10, 5000),
    updates: thresholdSchema('profile updates', 60, 200000),
    ignoreBelow: z
      .number()
      .int()
      .min(0)
      .default(10)
      .describe('Percent thresholds do not apply to fewer changes than this (so a 20-user directory can lose 3 users without an override).'),
  })
  .default({
    deprovisions: { percent: 10, count: 500 },
    membershipRemovals: { percent: 10, count: 5000 },
    updates: { percent: 60, count: 200000 },
    ignoreBelow: 10,
  });

const stateSchema = z
  .strictObject({
    path: z.string().default('/var/lib/ldap-okta-sync/state.db').describe('SQLite state database, relative to this config file. Created with mode 0600.'),
  })
  .default({ path: '/var/lib/ldap-okta-sync/state.db' });

const logSchema = z
  .strictObject({
    level: z.enum(['error', 'warn', 'info', 'debug']).default('info').describe('Log level.'),
    format: z.enum(['auto', 'json', 'text']).default('auto').describe('auto: readable text on a terminal, JSON lines otherwise (journald).'),
  })
  .default({ level: 'info', format: 'auto' });

export const sourceSchema = z.discriminatedUnion('type', [ldapSourceSchema, ldifSourceSchema]).describe('Where users are read from.');

export const configSchema = z.strictObject({
  source: sourceSchema,
  okta: oktaSchema.describe('The Okta org users are written to.'),
  transforms: transformsSchema,
  groups: groupsSchema.optional(),
  lifecycle: lifecycleSchema.describe('What happens in Okta when a user is disabled in, or disappears from, the directory. Okta users are never deleted.'),
  safeguards: safeguardsSchema.describe('Before any write, a run stops when the plan exceeds these thresholds (`sync --allow-mass-change` overrides once).'),
  state: stateSchema.describe('Where the agent keeps its state.'),
  schedule: scheduleSchema.describe('When the daemon (`run`) syncs.'),
  log: logSchema.describe('Logging.'),
});

export type Config = z.output<typeof configSchema>;
export type LdapSourceConfig = Extract<Config['source'], { type: 'ldap' }>;
export type LdifSourceConfig = Extract<Config['source'], { type: 'ldif' }>;
export type SourceConfig = Config['source'];
export type OktaConfig = Config['okta'];
export type GroupsConfig = z.output<typeof groupsSchema>;
export type LifecycleConfig = Config['lifecycle'];
export type SafeguardsConfig = Config['safeguards'];

/** The JSON schema of the configuration file (what `config schema` prints). */
export function configJsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
