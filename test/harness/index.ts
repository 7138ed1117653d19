/**
 * The integration-test harness: real directory servers and realistic data.
 *
 *   startSlapd / startTlsSlapd / useSlapd  — a throwaway OpenLDAP per test file (./slapd)
 *   getSambaAd                             — the run's shared Samba AD DC (./ad, ./samba-ad)
 *   buildOpenLdapDirectory / buildAdDirectory / generatePeople — deterministic messy data (./builders)
 *   parseLdif / toLdif / escapeDnValue / escapeFilterValue       — LDIF and DN helpers (./ldif)
 */
export * from './slapd';
export * from './ad';
export type { SambaAdInfo } from './samba-ad';
export * from './ldif';
export * from './ldap-ops';
export * from './tls';
export * from './builders/people';
export * from './builders/openldap';
export * from './builders/ad';
export { createRng, type Rng } from './builders/random';
