import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import type { Client, Entry, SearchOptions } from 'ldapts';
import { addEntries, connect, searchAll, withClient, type LdapCredentials, type ModifySpec, writeOps } from './ldap-ops';
import { normalizeDn, parseLdif, splitDn, toLdif, type LdapEntry } from './ldif';
import { currentRunDir, registerServer, unregisterServer } from './run-dir';
import { slapdConfigLdif } from './slapd-config';
import { generateCertificates, type CertificateOptions, type TestCertificates } from './tls';
import { findBinary } from './util/binaries';
import { freePort, sleep } from './util/ports';
import { isAlive, run, spawnDaemon, stopProcessGroup, tailFile } from './util/processes';

/** Options of startSlapd / startTlsSlapd. All optional. */
export interface SlapdOptions {
  /** Data suffix (default dc=example,dc=com). */
  baseDn?: string;
  /** Root DN password (also the cn=admin,cn=config password). Default 'admin'. */
  rootPassword?: string;
  /**
   * Loaded offline with `slapadd -q` before slapd starts (fast: ~2 s per 100k entries). Entries or LDIF
   * text. Offline loads bypass the overlays: no memberOf, no accesslog records (entryUUID, entryCSN and
   * timestamps are generated, or kept when the LDIF has them, e.g. a slapcat export).
   */
  seed?: readonly LdapEntry[] | string;
  /** LDIF files loaded offline like `seed` (parsed and merged with the skeleton). */
  seedFiles?: readonly string[];
  /** LDIF files handed to slapadd exactly as they are, after the seed (comments, folding, all). */
  rawSeedFiles?: readonly string[];
  /**
   * Add the skeleton (default true): the suffix entry, ou=people, ou=groups, ou=service-accounts and the
   * service account. Skeleton entries whose DN the seed already has are left out.
   */
  skeleton?: boolean;
  /** olcDbNoSync (default true). */
  noSync?: boolean;
  /** The accesslog database (cn=accesslog) and overlay (default true); false: a server without one. */
  accessLog?: boolean;
  /** Allow anonymous reads (default false: only bound users read; anonymous may only bind). */
  anonymousRead?: boolean;
  /** slapd -d level (default 0; 'stats' logs every operation to the log file). */
  debug?: string | number;
  /** Start timeout in ms (default 20000). */
  startTimeoutMs?: number;
}

export interface TlsSlapdOptions extends SlapdOptions {
  /** Server certificate options (SANs default to IP:127.0.0.1 and DNS:localhost). */
  certificate?: CertificateOptions;
}

/** A running throwaway slapd. */
export interface SlapdServer {
  /** ldap://127.0.0.1:<port> (StartTLS is offered on it when started with TLS). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly baseDn: string;
  /** The root DN (cn=admin,<baseDn>): bypasses ACLs and limits. */
  readonly bindDn: string;
  readonly bindPassword: string;
  /** A normal, non-root account that can read the whole tree (not userPassword). */
  readonly serviceDn: string;
  readonly servicePassword: string;
  /** cn=admin,cn=config: change the configuration at runtime. */
  readonly configDn: string;
  readonly configPassword: string;
  /** Where the configuration, data, log and (with TLS) certificates live; removed by stop(). */
  readonly dir: string;
  /** The running slapd's process id (a new one after `restart`). */
  readonly pid: number;
  readonly logFile: string;
  /** Root-DN credentials for ldap-ops helpers. */
  readonly rootCredentials: LdapCredentials;
  /** Service-account credentials. */
  readonly serviceCredentials: LdapCredentials;
  /**
   * A connected client bound as the root DN (default), the service account or given credentials. The
   * caller unbinds. On a TLS server, `tls` picks ldaps:// or StartTLS (trusting the test CA).
   */
  client(as?: 'root' | 'service' | { dn: string; password: string }, opts?: { tls?: 'ldaps' | 'starttls' }): Promise<Client>;
  /** Adds entries online (as the root DN, several connections, parents/members first). */
  add(entries: LdapEntry | readonly LdapEntry[], opts?: { concurrency?: number }): Promise<void>;
  /** Adds the content records of an LDIF text online. */
  addLdif(ldif: string, opts?: { concurrency?: number }): Promise<void>;
  modify(dn: string, spec: ModifySpec): Promise<void>;
  /** modifyDN: `newDn` is the complete new DN (new RDN and, for a move, new parent). */
  rename(dn: string, newDn: string): Promise<void>;
  /** Deletes one entry, or with `{ subtree: true }` the entry and everything below it. */
  del(dn: string, opts?: { subtree?: boolean }): Promise<void>;
  /** Paged search as the root DN (subtree by default). */
  search(base: string, options?: SearchOptions): Promise<Entry[]>;
  /** The last lines of slapd's log. */
  logTail(lines?: number): string;
  /** Kills slapd (SIGTERM, SIGKILL after 10 s) and removes `dir`. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would: the connections drop, `dir` (configuration and data) stays for `restart`. */
  kill(): Promise<void>;
  /** Starts slapd again on the same port with the same configuration and data (after `kill`). */
  restart(): Promise<void>;
}

/** A slapd started with startTlsSlapd: ldaps:// on a second port and StartTLS on `url`. */
export interface TlsSlapdServer extends SlapdServer {
  /** ldaps://127.0.0.1:<ldapsPort> (the certificate names 127.0.0.1 and localhost). */
  readonly ldapsUrl: string;
  readonly ldapsPort: number;
  /** The test CA (PEM file) that signed the server certificate. */
  readonly caFile: string;
  readonly certificates: TestCertificates;
  /** TLS options that trust the test CA (for ldapts `tlsOptions` and `startTLS`). */
  readonly tlsOptions: ConnectionOptions;
}

export const SERVICE_ACCOUNT_PASSWORD = 'Svc-Okta-Sync-1!';

/** The skeleton entries of a suffix: organization, ou=people, ou=groups, ou=service-accounts, the service account. */
export function skeletonEntries(baseDn: string): LdapEntry[] {
  const firstRdn = splitDn(baseDn)[0] ?? '';
  const [attr, value] = firstRdn.split('=', 2) as [string, string];
  const top: LdapEntry =
    attr.toLowerCase() === 'dc'
      ? { dn: baseDn, attributes: { objectClass: ['top', 'dcObject', 'organization'], dc: value, o: 'Example Corp' } }
      : attr.toLowerCase() === 'o'
        ? { dn: baseDn, attributes: { objectClass: ['top', 'organization'], o: value } }
        : { dn: baseDn, attributes: { objectClass: ['top', 'organizationalUnit'], ou: value } };
  return [
    top,
    { dn: `ou=people,${baseDn}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'people' } },
    { dn: `ou=groups,${baseDn}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'groups' } },
    { dn: `ou=service-accounts,${baseDn}`, attributes: { objectClass: ['top', 'organizationalUnit'], ou: 'service-accounts' } },
    {
      dn: `uid=svc-okta-sync,ou=service-accounts,${baseDn}`,
      attributes: {
        objectClass: ['top', 'account', 'simpleSecurityObject'],
        uid: 'svc-okta-sync',
        description: 'Okta sync agent (read-only)',
        userPassword: SERVICE_ACCOUNT_PASSWORD,
      },
    },
  ];
}

/** Orders entries so every parent comes before its children (stable otherwise). */
function parentsFirst(entries: LdapEntry[]): LdapEntry[] {
  return entries
    .map((e, i) => ({ e, i, d: splitDn(e.dn).length }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.e);
}

/** Writes entries as LDIF in chunks (a million entries as one string would near V8's string length limit). */
function writeLdifFile(file: string, entries: readonly LdapEntry[]): void {
  const CHUNK = 10_000;
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < entries.length; i += CHUNK) {
      writeSync(fd, `${i ? '\n' : ''}${toLdif(entries.slice(i, i + CHUNK), { fold: 0 })}`);
    }
  } finally {
    closeSync(fd);
  }
}

interface Layout {
  dir: string;
  logFile: string;
  configDir: string;
}

async function prepareDirectory(
  opts: TlsSlapdOptions,
  tls: boolean,
): Promise<{ layout: Layout; certs?: TestCertificates; baseDn: string; rootDn: string; rootPassword: string }> {
  const baseDn = opts.baseDn ?? 'dc=example,dc=com';
  const rootDn = `cn=admin,${baseDn}`;
  const rootPassword = opts.rootPassword ?? 'admin';
  const dir = mkdtempSync(path.join(currentRunDir(), 'slapd-'));
  const layout: Layout = { dir, logFile: path.join(dir, 'slapd.log'), configDir: path.join(dir, 'slapd.d') };
  for (const sub of ['slapd.d', 'data', 'accesslog']) mkdirSync(path.join(dir, sub));
  try {
    const certs = tls ? await generateCertificates(dir, opts.certificate) : undefined;
    const config = slapdConfigLdif({
      dir,
      suffix: baseDn,
      rootDn,
      rootPassword,
      noSync: opts.noSync ?? true,
      anonymousRead: opts.anonymousRead ?? false,
      tls: certs,
      accessLog: opts.accessLog,
    });
    writeFileSync(path.join(dir, 'config.ldif'), config);
    const slapadd = findBinary('slapadd');
    await run(slapadd, ['-n0', '-F', layout.configDir, '-l', path.join(dir, 'config.ldif')]);

    // concat, not push(...): a spread of a million entries overflows the call stack
    let seed: LdapEntry[] = [];
    if (typeof opts.seed === 'string') seed = seed.concat(parseLdif(opts.seed));
    else if (opts.seed) seed = seed.concat(opts.seed);
    for (const f of opts.seedFiles ?? []) seed = seed.concat(parseLdif(readFileSync(f, 'utf8')));
    const seeded = new Set(seed.map((e) => normalizeDn(e.dn)));
    const skeleton = opts.skeleton === false ? [] : skeletonEntries(baseDn).filter((e) => !seeded.has(normalizeDn(e.dn)));
    const all = parentsFirst([...skeleton, ...seed]);
    if (all.length) {
      const file = path.join(dir, 'seed.ldif');
      writeLdifFile(file, all);
      await run(slapadd, ['-q', '-F', layout.configDir, '-b', baseDn, '-l', file]);
    }
    for (const raw of opts.rawSeedFiles ?? []) await run(slapadd, ['-q', '-F', layout.configDir, '-b', baseDn, '-l', raw]);
    return { layout, certs, baseDn, rootDn, rootPassword };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Log lines that mean "the port was taken between choosing it and binding it": retry with another one. */
const PORT_RACE = /bind\(\d+\) failed|Address already in use|daemon: bind/i;

async function launch(layout: Layout, urls: string[], rootCreds: LdapCredentials, opts: SlapdOptions): Promise<number> {
  const slapd = findBinary('slapd');
  writeFileSync(layout.logFile, '');
  const child = spawnDaemon(slapd, ['-h', urls.join(' '), '-F', layout.configDir, '-d', String(opts.debug ?? 0)], {
    logFile: layout.logFile,
    cwd: layout.dir,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${slapd}`);
  registerServer({ kind: 'slapd', pid, dir: layout.dir, startedBy: process.pid });
  const deadline = Date.now() + (opts.startTimeoutMs ?? 20000);
  let lastError: unknown;
  for (;;) {
    if (!isAlive(pid)) {
      unregisterServer(pid);
      const log = tailFile(layout.logFile);
      const err = new Error(`slapd exited during startup (${urls.join(' ')}). Log tail:\n${log}`);
      (err as Error & { portRace?: boolean }).portRace = PORT_RACE.test(log);
      throw err;
    }
    try {
      const c = await connect(rootCreds, { timeoutMs: 2000 });
      await c.unbind();
      return pid;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      await stopProcessGroup(pid);
      unregisterServer(pid);
      throw new Error(`slapd not ready after ${opts.startTimeoutMs ?? 20000} ms (${String(lastError)}). Log tail:\n${tailFile(layout.logFile)}`);
    }
    await sleep(20);
  }
}

function makeServer(
  layout: Layout,
  launched: { pid: number; relaunch: () => Promise<number> },
  port: number,
  baseDn: string,
  rootDn: string,
  rootPassword: string,
  tls?: { options: ConnectionOptions; ldapsPort: number },
): SlapdServer {
  const host = '127.0.0.1';
  const url = `ldap://${host}:${port}`;
  const serviceDn = `uid=svc-okta-sync,ou=service-accounts,${baseDn}`;
  const rootCredentials: LdapCredentials = { url, bindDn: rootDn, bindPassword: rootPassword };
  const serviceCredentials: LdapCredentials = { url, bindDn: serviceDn, bindPassword: SERVICE_ACCOUNT_PASSWORD };
  let stopped: Promise<void> | undefined;
  let pid = launched.pid;
  const root = <T>(fn: (c: Client) => Promise<T>): Promise<T> => withClient(rootCredentials, fn);
  return {
    url,
    host,
    port,
    baseDn,
    bindDn: rootDn,
    bindPassword: rootPassword,
    serviceDn,
    servicePassword: SERVICE_ACCOUNT_PASSWORD,
    configDn: 'cn=admin,cn=config',
    configPassword: rootPassword,
    dir: layout.dir,
    get pid() {
      return pid;
    },
    logFile: layout.logFile,
    rootCredentials,
    serviceCredentials,
    client(as = 'root', opts = {}) {
      const base = as === 'root' ? rootCredentials : as === 'service' ? serviceCredentials : { url, bindDn: as.dn, bindPassword: as.password };
      if (!opts.tls) return connect(base);
      if (!tls) throw new Error('this slapd was started without TLS (use startTlsSlapd)');
      if (opts.tls === 'ldaps') return connect({ ...base, url: `ldaps://${host}:${tls.ldapsPort}`, tlsOptions: tls.options });
      return connect({ ...base, startTls: true, tlsOptions: tls.options });
    },
    add(entries, opts) {
      return addEntries(rootCredentials, Array.isArray(entries) ? entries : [entries as LdapEntry], opts);
    },
    addLdif(ldif, opts) {
      return addEntries(rootCredentials, parseLdif(ldif), opts);
    },
    ...writeOps(rootCredentials),
    search(base, options) {
      return root((c) => searchAll(c, base, options));
    },
    logTail(lines = 40) {
      return tailFile(layout.logFile, lines);
    },
    stop() {
      stopped ??= (async () => {
        await stopProcessGroup(pid);
        unregisterServer(pid);
        rmSync(layout.dir, { recursive: true, force: true });
      })();
      return stopped;
    },
    async kill() {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone already
      }
      while (isAlive(pid)) await sleep(10);
      unregisterServer(pid);
    },
    async restart() {
      pid = await launched.relaunch();
    },
  };
}

/** Servers of this process not stopped yet: killed when the process exits (globalTeardown also does). */
const running = new Set<SlapdServer>();
let exitHookInstalled = false;
function track(server: SlapdServer): SlapdServer {
  running.add(server);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const s of running) {
        try {
          process.kill(-s.pid, 'SIGKILL');
        } catch {
          // gone
        }
        rmSync(s.dir, { recursive: true, force: true });
      }
    });
  }
  const stop = server.stop.bind(server);
  return Object.assign(server, {
    stop: async () => {
      await stop();
      running.delete(server);
    },
  });
}

async function startWith(opts: TlsSlapdOptions, tls: boolean): Promise<SlapdServer | TlsSlapdServer> {
  const prepared = await prepareDirectory(opts, tls);
  const { layout, certs, baseDn, rootDn, rootPassword } = prepared;
  const tlsOptions: ConnectionOptions | undefined = certs ? { ca: [certs.caPem] } : undefined;
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const ldapsPort = tls ? await freePort() : 0;
      const urls = [`ldap://127.0.0.1:${port}/`, ...(tls ? [`ldaps://127.0.0.1:${ldapsPort}/`] : [])];
      try {
        const relaunch = () => launch(layout, urls, { url: `ldap://127.0.0.1:${port}`, bindDn: rootDn, bindPassword: rootPassword }, opts);
        const server = makeServer(
          layout,
          { pid: await relaunch(), relaunch },
          port,
          baseDn,
          rootDn,
          rootPassword,
          tlsOptions && { options: tlsOptions, ldapsPort },
        );
        if (!certs) return track(server);
        return track(
          Object.assign(server, {
            ldapsUrl: `ldaps://127.0.0.1:${ldapsPort}`,
            ldapsPort,
            caFile: certs.caFile,
            certificates: certs,
            tlsOptions: tlsOptions as ConnectionOptions,
          }),
        );
      } catch (err) {
        if ((err as { portRace?: boolean }).portRace && attempt < 5) continue;
        throw err;
      }
    }
  } catch (err) {
    rmSync(layout.dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Starts a throwaway slapd on 127.0.0.1 on a free port, with its own directory under the test run's
 * directory (cn=config generated: memberof, syncprov and accesslog overlays, NoSync, unlimited size
 * limits, a read-only service account). Optionally seeded offline first. Resolves once a root bind
 * works (~0.2 s); rejects with slapd's log tail when it cannot start.
 */
export function startSlapd(opts: SlapdOptions = {}): Promise<SlapdServer> {
  return startWith(opts, false);
}

/**
 * Like startSlapd, plus TLS: a CA and a server certificate generated with openssl in the server's
 * directory; ldaps:// on a second free port and StartTLS on the ldap:// port. Clients must trust
 * `caFile` (or use `tlsOptions`); without it verification fails.
 */
export function startTlsSlapd(opts: TlsSlapdOptions = {}): Promise<TlsSlapdServer> {
  return startWith(opts, true) as Promise<TlsSlapdServer>;
}

/**
 * Jest sugar: starts slapd in beforeAll and stops it in afterAll; returns a getter for the running server.
 *   const ldap = useSlapd({ seed });  test('…', async () => { const c = await ldap().client(); … });
 */
export function useSlapd(opts: SlapdOptions = {}): () => SlapdServer {
  let server: SlapdServer | undefined;
  beforeAll(async () => {
    server = await startSlapd(opts);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('slapd is not running (useSlapd must be called at the top level of a describe/file)');
    return server;
  };
}
