import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Inputs of the generated cn=config (see slapdConfigLdif). */
export interface SlapdConfigInput {
  dir: string;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  /** olcDbNoSync: skip fsync (about 5x faster online writes; the data is throwaway). */
  noSync: boolean;
  /** Let anonymous clients read the tree (default in startSlapd: no, only bound users read). */
  anonymousRead: boolean;
  tls?: { caFile: string; certFile: string; keyFile: string };
  /** The accesslog database (cn=accesslog) and overlay (default: on). */
  accessLog?: boolean;
  moduleDir?: string;
  schemaDir?: string;
}

/** Schemas loaded, in order (shipped by Debian's slapd as cn=config LDIF in /etc/ldap/schema). */
export const SLAPD_SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'];

/**
 * cn=config for a throwaway slapd (loaded with `slapadd -n0`), after /work/shared/ldap/slapd-config.sh:
 * back_mdb; {1} cn=accesslog with syncprov; {2} the data suffix with the memberof (groupOfNames/member),
 * syncprov (checkpoint 100 10, sessionlog 10000) and accesslog (writes, purged after 7 days) overlays
 * (without `accessLog`: no {1} and no accesslog overlay, the data suffix is {1});
 * unlimited size limits also for non-root binds; cn=admin,cn=config for runtime changes.
 * ACL: userPassword is usable for auth and writable by its owner only; bound users read everything else.
 */
export function slapdConfigLdif(c: SlapdConfigInput): string {
  const moduleDir = c.moduleDir ?? '/usr/lib/ldap';
  const schemaDir = c.schemaDir ?? '/etc/ldap/schema';
  const schemas = SLAPD_SCHEMAS.map((s) =>
    readFileSync(path.join(schemaDir, `${s}.ldif`), 'utf8')
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n')
      .trim(),
  );
  const tls = c.tls
    ? [`olcTLSCACertificateFile: ${c.tls.caFile}`, `olcTLSCertificateFile: ${c.tls.certFile}`, `olcTLSCertificateKeyFile: ${c.tls.keyFile}`]
    : [];
  const readers = c.anonymousRead ? 'by * read' : 'by users read by * none';
  const accessLog = c.accessLog ?? true;
  // the data database comes after the accesslog's, when there is one
  const data = `{${accessLog ? 2 : 1}}mdb`;
  const ldif = [
    [
      'dn: cn=config',
      'objectClass: olcGlobal',
      'cn: config',
      `olcPidFile: ${c.dir}/slapd.pid`,
      `olcArgsFile: ${c.dir}/slapd.args`,
      'olcLogLevel: none',
      'olcToolThreads: 2',
      ...tls,
    ],
    [
      'dn: cn=module{0},cn=config',
      'objectClass: olcModuleList',
      'cn: module{0}',
      `olcModulePath: ${moduleDir}`,
      'olcModuleLoad: back_mdb',
      'olcModuleLoad: syncprov',
      'olcModuleLoad: accesslog',
      'olcModuleLoad: memberof',
    ],
    ['dn: cn=schema,cn=config', 'objectClass: olcSchemaConfig', 'cn: schema'],
    ...schemas.map((s) => [s]),
    [
      'dn: olcDatabase={-1}frontend,cn=config',
      'objectClass: olcDatabaseConfig',
      'objectClass: olcFrontendConfig',
      'olcDatabase: {-1}frontend',
      'olcSizeLimit: unlimited',
    ],
    [
      'dn: olcDatabase={0}config,cn=config',
      'objectClass: olcDatabaseConfig',
      'olcDatabase: {0}config',
      'olcRootDN: cn=admin,cn=config',
      `olcRootPW: ${c.rootPassword}`,
    ],
    ...(accessLog
      ? [
          [
            'dn: olcDatabase={1}mdb,cn=config',
            'objectClass: olcDatabaseConfig',
            'objectClass: olcMdbConfig',
            'olcDatabase: {1}mdb',
            'olcSuffix: cn=accesslog',
            `olcDbDirectory: ${c.dir}/accesslog`,
            `olcRootDN: ${c.rootDn}`,
            'olcDbMaxSize: 1073741824',
            `olcDbNoSync: ${c.noSync ? 'TRUE' : 'FALSE'}`,
            'olcDbIndex: default eq',
            'olcDbIndex: entryCSN,objectClass,reqEnd,reqResult,reqStart,reqDN',
            'olcSizeLimit: unlimited',
            'olcLimits: * size.prtotal=unlimited size.pr=unlimited',
            `olcAccess: {0}to * ${readers}`,
          ],
          [
            'dn: olcOverlay={0}syncprov,olcDatabase={1}mdb,cn=config',
            'objectClass: olcOverlayConfig',
            'objectClass: olcSyncProvConfig',
            'olcOverlay: {0}syncprov',
            'olcSpNoPresent: TRUE',
            'olcSpReloadHint: TRUE',
          ],
        ]
      : []),
    [
      `dn: olcDatabase=${data},cn=config`,
      'objectClass: olcDatabaseConfig',
      'objectClass: olcMdbConfig',
      `olcDatabase: ${data}`,
      `olcSuffix: ${c.suffix}`,
      `olcDbDirectory: ${c.dir}/data`,
      `olcRootDN: ${c.rootDn}`,
      `olcRootPW: ${c.rootPassword}`,
      'olcDbMaxSize: 4294967296',
      `olcDbNoSync: ${c.noSync ? 'TRUE' : 'FALSE'}`,
      'olcDbIndex: objectClass,entryCSN,entryUUID eq',
      'olcDbIndex: uid,mail,cn eq',
      'olcDbIndex: member,memberOf eq',
      'olcSizeLimit: unlimited',
      'olcLimits: * size.prtotal=unlimited size.pr=unlimited',
      'olcAccess: {0}to attrs=userPassword by self write by anonymous auth by * none',
      `olcAccess: {1}to * ${readers}`,
    ],
    [
      `dn: olcOverlay={0}memberof,olcDatabase=${data},cn=config`,
      'objectClass: olcOverlayConfig',
      'objectClass: olcMemberOf',
      'olcOverlay: {0}memberof',
      'olcMemberOfRefInt: TRUE',
      'olcMemberOfGroupOC: groupOfNames',
      'olcMemberOfMemberAD: member',
      'olcMemberOfMemberOfAD: memberOf',
    ],
    [
      `dn: olcOverlay={1}syncprov,olcDatabase=${data},cn=config`,
      'objectClass: olcOverlayConfig',
      'objectClass: olcSyncProvConfig',
      'olcOverlay: {1}syncprov',
      'olcSpCheckpoint: 100 10',
      'olcSpSessionlog: 10000',
    ],
    ...(accessLog
      ? [
          [
            `dn: olcOverlay={2}accesslog,olcDatabase=${data},cn=config`,
            'objectClass: olcOverlayConfig',
            'objectClass: olcAccessLogConfig',
            'olcOverlay: {2}accesslog',
            'olcAccessLogDB: cn=accesslog',
            'olcAccessLogOps: writes',
            'olcAccessLogSuccess: TRUE',
            'olcAccessLogPurge: 07+00:00 01+00:00',
          ],
        ]
      : []),
  ];
  return `${ldif.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
