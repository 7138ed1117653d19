import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { Client, Entry, SearchOptions } from 'ldapts';
import { addEntries, connect, deleteTree, modifyEntry, searchAll, withClient, type LdapCredentials, type ModifySpec, writeOps } from './ldap-ops';
import { escapeDnValue, type LdapAttributes, type LdapEntry } from './ldif';
import { acquireSharedSambaAd, type SambaAdInfo } from './samba-ad';

/**
 * Test helpers for the run's shared Samba AD DC: scenario OUs, fast bulk user/group loads, modifies,
 * renames/moves, deletes, and the values an AD sync keys on (rootDSE highestCommittedUSN, dsServiceName,
 * dnsHostName; the DC's invocationId). All writes bind as Administrator.
 *
 * The DC is shared by every AD test file of the run (concurrently, on 2 jest workers): keep each test
 * file's objects in its own scenario OU, and scope searches, DirSync and USN checks to it.
 */
export interface AdUser extends LdapEntry {
  /** Created enabled (UAC 512 or the entry's own userAccountControl) with this password, over LDAPS. */
  password?: string;
  /**
   * Without a password: keep the entry's userAccountControl as given (it must then allow an empty
   * password, e.g. 544 = NORMAL_ACCOUNT|PASSWD_NOTREQD). Default: ACCOUNTDISABLE is added (514).
   */
  enabled?: boolean;
}

export interface AdRootDse {
  highestCommittedUSN: number;
  /** DN of the DC's NTDS Settings object (holds invocationId). */
  dsServiceName: string;
  dnsHostName: string;
  defaultNamingContext: string;
  serverName: string;
  supportedControl: string[];
  raw: Entry;
}

export interface AdScenario {
  name: string;
  /** OU=<name>,DC=example,DC=test */
  dn: string;
  /** Adds users below the scenario (see SambaAd.addUsers). */
  addUsers(users: readonly AdUser[], opts?: { concurrency?: number }): Promise<void>;
  /** Adds any entries (OUs, groups, users without passwords) in dependency order. */
  add(entries: readonly LdapEntry[], opts?: { concurrency?: number }): Promise<void>;
  /** Adds a built directory (builders/ad.ts): containers, then users, then groups. */
  load(directory: { containers: readonly LdapEntry[]; users: readonly AdUser[]; groups: readonly LdapEntry[] }, opts?: { concurrency?: number }): Promise<void>;
  /** Deletes the scenario OU and everything in it. */
  remove(): Promise<void>;
}

export interface SambaAd extends SambaAdInfo {
  /** Administrator over ldap:// */
  readonly adminCredentials: LdapCredentials;
  /** Administrator over ldaps:// (trusting caFile, not checking the host name) */
  readonly ldapsAdminCredentials: LdapCredentials;
  /** Trusts the DC's CA; the certificate names DC1.example.test, so the host-name check is off. */
  readonly tlsOptions: ConnectionOptions;
  /** A connected client bound as Administrator (or `as`), over ldap:// or ldaps://. The caller unbinds. */
  client(opts?: { ldaps?: boolean; as?: { dn: string; password: string } }): Promise<Client>;
  /** Paged search as Administrator; objectGUID, objectSid and invocationId come back as Buffers. */
  search(base: string, options?: SearchOptions): Promise<Entry[]>;
  /** Adds entries in dependency order over several connections (see addUsers for users with passwords). */
  add(entries: readonly LdapEntry[], opts?: { concurrency?: number }): Promise<void>;
  /**
   * Adds users: with `password` they are created enabled over LDAPS (unicodePwd; about 3x slower, Samba
   * derives the Kerberos keys); without one they are created disabled (ACCOUNTDISABLE set in
   * userAccountControl; 514 by default), as AD requires, unless `enabled` is set.
   */
  addUsers(users: readonly AdUser[], opts?: { concurrency?: number }): Promise<void>;
  modify(dn: string, spec: ModifySpec): Promise<void>;
  /** modifyDN: `newDn` is the complete new DN (rename and/or move). */
  rename(dn: string, newDn: string): Promise<void>;
  del(dn: string, opts?: { subtree?: boolean }): Promise<void>;
  /** Sets a user's password over LDAPS. */
  setPassword(dn: string, password: string): Promise<void>;
  rootDse(): Promise<AdRootDse>;
  /** The DC's invocationId (GUID string), from its NTDS Settings object. */
  invocationId(): Promise<string>;
  /**
   * Creates OU=<name>,<baseDn> (deleting a leftover one of that name first). Names must be unique among
   * the run's test files; `unique: true` appends a random suffix.
   */
  createScenario(name: string, opts?: { unique?: boolean }): Promise<AdScenario>;
}

/** objectGUID / invocationId bytes (little-endian first three fields) as the usual GUID string. */
export function adGuidToString(buf: Buffer): string {
  if (buf.length !== 16) throw new Error(`a GUID has 16 bytes, got ${buf.length}`);
  const h = buf.toString('hex');
  const rev = (s: string): string => (s.match(/../g) as string[]).reverse().join('');
  return `${rev(h.slice(0, 8))}-${rev(h.slice(8, 12))}-${rev(h.slice(12, 16))}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const BINARY_ATTRIBUTES = ['objectGUID', 'objectSid', 'invocationId', 'objectguid', 'objectsid', 'invocationID'];
const UF_ACCOUNTDISABLE = 0x2;
const UF_NORMAL_ACCOUNT = 0x200;

function one(entry: Entry, name: string): string {
  const v = entry[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined ? '' : s.toString();
}

function withUac(attributes: LdapAttributes, enabled: boolean): LdapAttributes {
  const key = Object.keys(attributes).find((k) => k.toLowerCase() === 'useraccountcontrol');
  const raw = key ? attributes[key] : undefined;
  let uac = raw === undefined ? UF_NORMAL_ACCOUNT : Number((Array.isArray(raw) ? raw[0] : raw)?.toString());
  uac = enabled ? uac & ~UF_ACCOUNTDISABLE : uac | UF_ACCOUNTDISABLE;
  const rest = Object.fromEntries(Object.entries(attributes).filter(([k]) => k !== key));
  return { ...rest, userAccountControl: String(uac) };
}

function unicodePwd(password: string): Buffer {
  return Buffer.from(`"${password}"`, 'utf16le');
}

export function makeSambaAd(info: SambaAdInfo): SambaAd {
  const ca = readFileSync(info.caFile, 'utf8');
  const tlsOptions: ConnectionOptions = { ca: [ca], checkServerIdentity: () => undefined };
  const adminCredentials: LdapCredentials = { url: info.url, bindDn: info.adminUpn, bindPassword: info.adminPassword };
  const ldapsAdminCredentials: LdapCredentials = { url: info.ldapsUrl, bindDn: info.adminUpn, bindPassword: info.adminPassword, tlsOptions };
  const admin = <T>(fn: (c: Client) => Promise<T>): Promise<T> => withClient(adminCredentials, fn);

  const addUsers = async (users: readonly AdUser[], opts?: { concurrency?: number }): Promise<void> => {
    const withPw: LdapEntry[] = [];
    const others: LdapEntry[] = [];
    for (const u of users) {
      if (u.password) withPw.push({ dn: u.dn, attributes: { ...withUac(u.attributes, true), unicodePwd: unicodePwd(u.password) } });
      else others.push({ dn: u.dn, attributes: u.enabled ? u.attributes : withUac(u.attributes, false) });
    }
    // one batch so managers come before their reports whichever set they are in; LDAPS only if needed
    const all = [...others, ...withPw];
    await addEntries(withPw.length ? ldapsAdminCredentials : adminCredentials, all, opts);
  };

  const ad: SambaAd = {
    ...info,
    adminCredentials,
    ldapsAdminCredentials,
    tlsOptions,
    client(opts = {}) {
      const base = opts.ldaps ? ldapsAdminCredentials : adminCredentials;
      return connect(opts.as ? { ...base, bindDn: opts.as.dn, bindPassword: opts.as.password } : base);
    },
    search(base, options = {}) {
      return admin((c) => searchAll(c, base, { explicitBufferAttributes: BINARY_ATTRIBUTES, ...options }));
    },
    add(entries, opts) {
      return addEntries(adminCredentials, entries, opts);
    },
    addUsers,
    ...writeOps(adminCredentials),
    setPassword(dn, password) {
      return withClient(ldapsAdminCredentials, (c) => modifyEntry(c, dn, { replace: { unicodePwd: unicodePwd(password) } }));
    },
    async rootDse() {
      const [raw] = await admin((c) =>
        c
          .search('', {
            scope: 'base',
            attributes: ['highestCommittedUSN', 'dsServiceName', 'dnsHostName', 'defaultNamingContext', 'serverName', 'supportedControl'],
          })
          .then((r) => r.searchEntries),
      );
      if (!raw) throw new Error('no rootDSE');
      const controls = raw.supportedControl;
      return {
        highestCommittedUSN: Number(one(raw, 'highestCommittedUSN')),
        dsServiceName: one(raw, 'dsServiceName'),
        dnsHostName: one(raw, 'dnsHostName'),
        defaultNamingContext: one(raw, 'defaultNamingContext'),
        serverName: one(raw, 'serverName'),
        supportedControl: (Array.isArray(controls) ? controls : controls === undefined ? [] : [controls]).map(String),
        raw,
      };
    },
    async invocationId() {
      const { dsServiceName } = await ad.rootDse();
      const [e] = await admin((c) =>
        c.search(dsServiceName, { scope: 'base', attributes: ['invocationId'], explicitBufferAttributes: BINARY_ATTRIBUTES }).then((r) => r.searchEntries),
      );
      const v = e ? (e.invocationId ?? e.invocationID) : undefined;
      const buf = Array.isArray(v) ? v[0] : v;
      if (!Buffer.isBuffer(buf)) throw new Error(`no invocationId on ${dsServiceName}`);
      return adGuidToString(buf);
    },
    async createScenario(name, opts = {}) {
      const ouName = opts.unique ? `${name}-${Math.random().toString(36).slice(2, 8)}` : name;
      const dn = `OU=${escapeDnValue(ouName, { ad: true })},${info.baseDn}`;
      await admin(async (c) => {
        await deleteTree(c, dn);
        await c.add(dn, { objectClass: ['top', 'organizationalUnit'], ou: ouName, description: `test scenario ${name}` });
      });
      return {
        name: ouName,
        dn,
        addUsers: (users, o) => addUsers(users, o),
        add: (entries, o) => addEntries(adminCredentials, entries, o),
        async load(directory, o) {
          await addEntries(adminCredentials, directory.containers, o);
          await addUsers(directory.users, o);
          await addEntries(adminCredentials, directory.groups, o);
        },
        remove: () => ad.del(dn, { subtree: true }),
      };
    },
  };
  return ad;
}

let shared: Promise<SambaAd> | undefined;

/**
 * The run's Samba AD DC, started on first use (provisioning included, ~6 s) and shared by all test files
 * and jest workers; stopped by globalTeardown. Rejects (the test fails) when it cannot start.
 */
export function getSambaAd(): Promise<SambaAd> {
  shared ??= acquireSharedSambaAd().then(makeSambaAd);
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
}
