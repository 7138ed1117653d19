/**
 * Issue 9 item 9: LDAP failures in words. A result code is named (noSuchObject, sizeLimitExceeded…)
 * with what to do, and the error's kind says which step failed: unreachable, TLS, bind, base DN or
 * search. ldapts' own errors stand in for the server here (the real ones: test/e2e/bad-input).
 */
import { AdminLimitExceededError, InsufficientAccessError, NoSuchObjectError, SizeLimitExceededError, StrongAuthRequiredError } from 'ldapts';
import { mapError } from '../../../src/directory/ldap/connection';
import type { LdapSourceConfig } from '../../../src/directory/schema';

const cfg = { url: 'ldap://dc1.corp.example:389', bindDn: 'cn=svc,dc=corp,dc=example', pageSize: 500 } as LdapSourceConfig;

test('noSuchObject (0x20) on a search is a base DN error that names the base and what to check', () => {
  const e = mapError(new NoSuchObjectError(''), cfg, 'search of ou=groups,dc=corp,dc=example');
  expect(e.kind).toBe('base-dn');
  expect(e.message).toBe(
    'search of ou=groups,dc=corp,dc=example on ldap://dc1.corp.example:389 failed: noSuchObject (LDAP result 32): the base DN does not exist on this server ' +
      '(search of ou=groups,dc=corp,dc=example): check source.users.baseDns and groups.baseDns, spelling and suffix (a DN list that YAML split at its commas?)',
  );
  expect(e.message).not.toMatch(/Code: 0x/);
});

test("sizeLimitExceeded (0x4) says the account's limit is lower than the directory: raise it or page smaller", () => {
  const e = mapError(new SizeLimitExceededError(''), cfg, 'search of ou=people,dc=corp,dc=example');
  expect(e.kind).toBe('search');
  expect(e.message).toMatch(
    /failed: sizeLimitExceeded \(LDAP result 4\): the server's size limit for this account is lower than the number of entries in scope/,
  );
  expect(e.message).toMatch(/raise it for the bind DN .* or keep the pages under it with a smaller source\.pageSize \(now 500\)$/);
});

test('adminLimitExceeded (0xb) on a paged search suggests a smaller pageSize', () => {
  const e = mapError(new AdminLimitExceededError(''), cfg, 'search of ou=people,dc=corp,dc=example');
  expect(e.kind).toBe('search');
  expect(e.message).toMatch(/adminLimitExceeded \(LDAP result 11\): the server refused pages of 500 entries: set source\.pageSize to a smaller value/);
});

test("the server's own text is kept between the name and the hint", () => {
  const e = mapError(new InsufficientAccessError('no read access to ou=people'), cfg, 'search of ou=people,dc=corp,dc=example');
  expect(e.message).toMatch(/insufficientAccessRights \(LDAP result 50\): no read access to ou=people: the bind DN may not read this/);
});

test('a bind refused for want of encryption is a bind error that says to use ldaps:// or StartTLS', () => {
  const e = mapError(new StrongAuthRequiredError(''), cfg, 'bind');
  expect(e.kind).toBe('bind');
  expect(e.message).toBe(
    'bind as cn=svc,dc=corp,dc=example to ldap://dc1.corp.example:389 failed: strongerAuthRequired (LDAP result 8): the server wants an encrypted connection: use an ldaps:// URL or startTls: true',
  );
});

test('a connection reset in the middle of a search (ldapts: "Socket error", no code) is the directory closing the connection', () => {
  const e = mapError(new Error('Socket error. Message type: SearchRequest (0x63)\nread ECONNRESET'), cfg, 'search of ou=people,dc=corp,dc=example');
  expect(e.kind).toBe('unreachable');
  expect(e.message).toBe(
    'directory ldap://dc1.corp.example:389 closed the connection during search of ou=people,dc=corp,dc=example: Socket error. Message type: SearchRequest (0x63): read ECONNRESET',
  );
});
