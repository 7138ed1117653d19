/**
 * LDAP result codes (RFC 4511 §4.1.9) in words: the name a directory administrator knows, and for
 * the ones a sync meets what to do about them. ldapts reports a failed operation as a
 * ResultCodeError whose message is the server's diagnostic text (often empty) and `Code: 0x20`;
 * {@link describeResult} names it instead.
 */

export interface ResultContext {
  /** The configured page size, when the failed operation was a paged search. */
  pageSize?: number;
  /** What the failed operation read, e.g. `search of ou=people,dc=corp,dc=example`. */
  during: string;
}

interface ResultInfo {
  name: string;
  hint?: (c: ResultContext) => string;
}

const ENCRYPTION = 'the server wants an encrypted connection: use an ldaps:// URL or startTls: true';

const RESULTS: Readonly<Record<number, ResultInfo>> = {
  1: {
    name: 'operationsError',
    hint: () => 'the server could not carry out the request (Active Directory: a bind is needed first, or the base DN is on another domain)',
  },
  2: { name: 'protocolError', hint: () => 'the server did not understand the request (is this an LDAP v3 server?)' },
  3: {
    name: 'timeLimitExceeded',
    hint: () => "the server's time limit for this account ran out: raise it on the server, or narrow source.users.filter",
  },
  4: {
    name: 'sizeLimitExceeded',
    hint: (c) =>
      "the server's size limit for this account is lower than the number of entries in scope: raise it for the bind DN (OpenLDAP: olcLimits size / size.prtotal; Active Directory: MaxResultSetSize), " +
      `or keep the pages under it with a smaller source.pageSize${c.pageSize ? ` (now ${c.pageSize})` : ''}`,
  },
  7: { name: 'authMethodNotSupported', hint: () => ENCRYPTION },
  8: { name: 'strongerAuthRequired', hint: () => ENCRYPTION },
  10: { name: 'referral', hint: () => 'the entry lives on another server: point source.url at the server that holds the base DN' },
  11: {
    name: 'adminLimitExceeded',
    hint: (c) =>
      c.pageSize
        ? `the server refused pages of ${c.pageSize} entries: set source.pageSize to a smaller value (Active Directory: at most MaxPageSize, 1000 by default; OpenLDAP: size.pr)`
        : 'a limit the administrator set on the server was exceeded',
  },
  12: {
    name: 'unavailableCriticalExtension',
    hint: () => 'the server does not support a control the agent sent (paged results, RFC 2696; or Active Directory Show Deleted)',
  },
  13: { name: 'confidentialityRequired', hint: () => ENCRYPTION },
  16: { name: 'noSuchAttribute' },
  21: { name: 'invalidAttributeSyntax' },
  32: {
    name: 'noSuchObject',
    hint: (c) =>
      `the base DN does not exist on this server (${c.during}): check source.users.baseDns and groups.baseDns, spelling and suffix (a DN list that YAML split at its commas?)`,
  },
  34: { name: 'invalidDNSyntax', hint: () => 'a DN in the configuration is not a valid DN: check bindDn and the base DNs' },
  48: {
    name: 'inappropriateAuthentication',
    hint: () => 'the server refuses this kind of bind (an empty password is an anonymous bind): check bindDn and bindPassword',
  },
  49: {
    name: 'invalidCredentials',
    hint: () => 'check source.bindDn and source.bindPassword (Active Directory: the account may be locked, expired or need a password change)',
  },
  50: {
    name: 'insufficientAccessRights',
    hint: () => 'the bind DN may not read this: grant it read access to the base DNs and the attributes the agent reads',
  },
  51: { name: 'busy', hint: () => 'the server is too busy: the next run tries again' },
  52: { name: 'unavailable', hint: () => 'the server is shutting down or not ready: the next run tries again' },
  53: {
    name: 'unwillingToPerform',
    hint: () => 'the server refuses the operation (Active Directory: a simple bind over an unencrypted connection, or a password that must be changed)',
  },
  54: { name: 'loopDetect' },
  80: { name: 'other' },
};

/**
 * `noSuchObject (LDAP result 32): <the server's text>: <what to do>`. `serverText` is the server's
 * diagnostic message (empty when it gave none).
 */
export function describeResult(code: number, serverText: string, c: ResultContext): string {
  const info = RESULTS[code];
  const name = info ? `${info.name} (LDAP result ${code})` : `LDAP result ${code}`;
  const text = serverText.trim();
  const hint = info?.hint?.(c);
  return [name, text, hint].filter(Boolean).join(': ');
}

/** The server's diagnostic text of an ldapts ResultCodeError (its message without ` Code: 0x…`). */
export function serverTextOf(message: string): string {
  return message.replace(/\s*Code: 0x[0-9a-f]+\s*$/i, '');
}
