import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'ldapts';
import { currentRunDir, registerServer, unregisterServer } from './run-dir';
import { findBinary } from './util/binaries';
import { canListen, sleep } from './util/ports';
import { acquireShared } from './util/shared-resource';
import { isAlive, run, spawnDaemon, stopProcessGroup, tailFile } from './util/processes';

/**
 * The Samba 4 Active Directory domain controller the AD tests share: one per test run, provisioned and
 * started by the first test file that asks for it (getSambaAd in ./ad), stopped by globalTeardown.
 *
 * Samba's ports are fixed (389, 636, 3268, 3269), so to let several test runs (and the recipes' DC on
 * 127.0.0.1) coexist on one machine, each run's DC binds them on its own loopback address,
 * 127.77.x.y (Linux routes all of 127/8 to lo), unless SAMBA_AD_HOST names one.
 * Only the `ldap` service runs (simple binds only, no NTLM/Kerberos); plain-LDAP simple binds are allowed
 * (`ldap server require strong auth = no`). Env: SAMBA_AD_HOST (fixed address), SAMBA_DEBUG (log level),
 * SAMBA_PROCESS_MODEL (samba -M; default prefork). Needs root (ports below 1024).
 */
export interface SambaAdInfo {
  /** The loopback address the DC listens on. */
  host: string;
  /** ldap://<host>:389 */
  url: string;
  /** ldaps://<host>:636 (self-signed certificate for DC1.example.test, signed by caFile). */
  ldapsUrl: string;
  /** Global catalog: ldap://<host>:3268 */
  gcUrl: string;
  /** DC=example,DC=test */
  baseDn: string;
  /** EXAMPLE.TEST */
  realm: string;
  /** NetBIOS domain: EXAMPLE */
  domain: string;
  /** example.test (also the UPN suffix) */
  dnsDomain: string;
  /** CN=Administrator,CN=Users,DC=example,DC=test */
  adminDn: string;
  /** Administrator@example.test (simple binds accept either) */
  adminUpn: string;
  adminPassword: string;
  /** Samba's auto-generated CA (PEM) for LDAPS. The server certificate names DC1.example.test, not the IP. */
  caFile: string;
  /** Samba's private dir etc.; removed at teardown. */
  dir: string;
  pid: number;
  /** Measured: provisioning and start (until LDAP and LDAPS binds work), ms. */
  timings: { provisionMs: number; startMs: number };
}

export const AD_REALM = 'EXAMPLE.TEST';
export const AD_DOMAIN = 'EXAMPLE';
export const AD_ADMIN_PASSWORD = 'Passw0rd!Test';
const AD_PORTS = [389, 636, 3268, 3269];
/**
 * TDB_NO_FSYNC=1 (what Samba's own selftest uses): no fsync per database transaction. User adds are about
 * 4x faster with it on a busy 2-core machine (53 against 13 users/s measured); the DC is throwaway.
 */
const SAMBA_ENV = { ...process.env, TDB_NO_FSYNC: '1' };

function sambaStateDir(runDir: string): string {
  return path.join(runDir, 'samba');
}

async function chooseHost(): Promise<string> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error('the Samba AD test DC needs root (it listens on ports 389/636/3268/3269); run the AD tests as root');
  }
  const fixed = process.env.SAMBA_AD_HOST;
  const candidates = fixed ? [fixed] : Array.from({ length: 8 }, () => `127.77.${1 + Math.floor(Math.random() * 254)}.${1 + Math.floor(Math.random() * 254)}`);
  const busy: string[] = [];
  for (const host of candidates) {
    let free = true;
    for (const port of AD_PORTS) {
      if (!(await canListen(host, port))) {
        free = false;
        busy.push(`${host}:${port}`);
        break;
      }
    }
    if (free) return host;
  }
  let listeners = '';
  try {
    listeners = (await run('ss', ['-ltnp', 'sport = :389'])).stdout;
  } catch {
    // ss (iproute2) may be missing
  }
  throw new Error(
    `no loopback address with ports ${AD_PORTS.join('/')} free for the Samba AD DC (busy: ${busy.join(', ')}). ` +
      `Something listens on port 389 of all addresses, e.g. a packaged slapd or samba-ad-dc: ` +
      `run test/servers/ensure-packages.sh as root (it stops them).\n${listeners}`,
  );
}

async function provision(dir: string, dnsBackend: 'NONE' | 'SAMBA_INTERNAL'): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'provision.log');
  try {
    const { stdout, stderr } = await run(
      findBinary('samba-tool'),
      [
        'domain',
        'provision',
        `--targetdir=${dir}`,
        `--realm=${AD_REALM}`,
        `--domain=${AD_DOMAIN}`,
        '--server-role=dc',
        `--dns-backend=${dnsBackend}`,
        '--use-rfc2307',
        `--adminpass=${AD_ADMIN_PASSWORD}`,
        '--host-name=dc1',
        '--host-ip=127.0.0.1',
      ],
      { timeoutMs: 180000, env: SAMBA_ENV },
    );
    writeFileSync(log, `${stdout}\n${stderr}`);
  } catch (err) {
    throw new Error(`samba-tool domain provision failed: ${(err as Error).message}`);
  }
}

/**
 * smb.conf after provisioning (provision drops most --option values): only the ldap service, bound to
 * `host` only, simple binds over plain LDAP allowed, and every path Samba writes (pid, sockets, logs) inside
 * `dir` so runs do not collide with each other or with a packaged Samba.
 */
function patchConfig(dir: string, host: string): void {
  const conf = path.join(dir, 'etc', 'smb.conf');
  const managed = [
    'server services',
    'interfaces',
    'bind interfaces only',
    'ldap server require strong auth',
    'log file',
    'logging',
    'max log size',
    'pid directory',
    'ncalrpc dir',
    'winbindd socket directory',
    'ntp signd socket directory',
  ];
  const lines = readFileSync(conf, 'utf8')
    .split('\n')
    .filter((l) => !managed.some((k) => new RegExp(`^\\s*${k}\\s*=`, 'i').test(l)));
  const global = lines.findIndex((l) => /^\s*\[global\]\s*$/i.test(l));
  for (const sub of ['run', 'ncalrpc', 'winbindd', 'ntp_signd']) mkdirSync(path.join(dir, sub), { recursive: true });
  lines.splice(
    global + 1,
    0,
    '\tserver services = ldap',
    `\tinterfaces = ${host}/8`,
    '\tbind interfaces only = yes',
    '\tldap server require strong auth = no',
    `\tlog file = ${dir}/log.%m`,
    '\tlogging = file',
    '\tmax log size = 10000',
    `\tpid directory = ${dir}/run`,
    `\tncalrpc dir = ${dir}/ncalrpc`,
    `\twinbindd socket directory = ${dir}/winbindd`,
    `\tntp signd socket directory = ${dir}/ntp_signd`,
  );
  writeFileSync(conf, lines.join('\n'));
}

async function bindWorks(url: string, user: string, password: string): Promise<boolean> {
  // ldapts uses TLS whenever tlsOptions are given, so only pass them for ldaps://
  const tlsOptions = url.startsWith('ldaps:') ? { tlsOptions: { rejectUnauthorized: false } } : {};
  const c = new Client({ url, timeout: 5000, connectTimeout: 2000, ...tlsOptions });
  try {
    await c.bind(user, password);
    return true;
  } catch {
    return false;
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

/**
 * Provisions and starts a DC in `dir`. Resolves when simple binds over LDAP and LDAPS work.
 * `restorable`: provisioned with Samba's DNS partitions (the DNS server does not run), which
 * `samba-tool domain backup restore` needs.
 */
export async function startSambaAdProcess(dir: string, opts: { startTimeoutMs?: number; restorable?: boolean; private?: boolean } = {}): Promise<SambaAdInfo> {
  const host = await chooseHost();
  const t0 = Date.now();
  await provision(dir, opts.restorable ? 'SAMBA_INTERNAL' : 'NONE');
  const provisionMs = Date.now() - t0;
  patchConfig(dir, host);
  const t1 = Date.now();
  const pid = await launchSambaAd(dir, host, opts);
  const baseDn = 'DC=example,DC=test';
  return {
    host,
    url: `ldap://${host}:389`,
    ldapsUrl: `ldaps://${host}:636`,
    gcUrl: `ldap://${host}:3268`,
    baseDn,
    realm: AD_REALM,
    domain: AD_DOMAIN,
    dnsDomain: AD_REALM.toLowerCase(),
    adminDn: `CN=Administrator,CN=Users,${baseDn}`,
    adminUpn: `Administrator@${AD_REALM.toLowerCase()}`,
    adminPassword: AD_ADMIN_PASSWORD,
    caFile: path.join(dir, 'private', 'tls', 'ca.pem'),
    dir,
    pid,
    timings: { provisionMs, startMs: Date.now() - t1 },
  };
}

/**
 * Starts samba on a provisioned (or restored) DC directory whose smb.conf binds `host`; resolves with
 * its pid when simple binds over LDAP and LDAPS work (registered for the run's cleanup).
 */
export async function launchSambaAd(dir: string, host: string, opts: { startTimeoutMs?: number; private?: boolean } = {}): Promise<number> {
  const logFile = path.join(dir, 'samba.out');
  const model = process.env.SAMBA_PROCESS_MODEL ? ['-M', process.env.SAMBA_PROCESS_MODEL] : [];
  const child = spawnDaemon(findBinary('samba'), ['-s', path.join(dir, 'etc', 'smb.conf'), '-i', '-d', process.env.SAMBA_DEBUG ?? '1', ...model], {
    logFile,
    cwd: dir,
    env: SAMBA_ENV,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn samba');
  registerServer({ kind: 'samba', pid, dir, startedBy: process.pid, ...(opts.private ? { private: true } : {}) });
  const deadline = Date.now() + (opts.startTimeoutMs ?? 90000);
  for (const url of [`ldap://${host}:389`, `ldaps://${host}:636`]) {
    while (!(await bindWorks(url, `Administrator@${AD_REALM.toLowerCase()}`, AD_ADMIN_PASSWORD))) {
      if (!isAlive(pid)) {
        unregisterServer(pid);
        throw new Error(`samba exited during startup. Log tail:\n${tailFile(logFile)}`);
      }
      if (Date.now() > deadline) {
        await stopProcessGroup(pid, 15000);
        unregisterServer(pid);
        throw new Error(`samba not ready (${url}) after ${opts.startTimeoutMs ?? 90000} ms. Log tail:\n${tailFile(logFile)}`);
      }
      await sleep(100);
    }
  }
  return pid;
}

/**
 * A DC restored from an offline backup of the DC in `dir` (samba-tool domain backup offline, then
 * restore): Samba restores a backup as a new DC, `newServerName`, with its own invocationId, into
 * `targetDir`, configured for `host` like a provisioned one. Not started.
 */
export async function restoreSambaAdBackup(dir: string, targetDir: string, host: string, newServerName: string): Promise<void> {
  const backups = path.join(path.dirname(targetDir), `${path.basename(targetDir)}-backup`);
  mkdirSync(backups, { recursive: true });
  const tool = findBinary('samba-tool');
  await run(tool, ['domain', 'backup', 'offline', `--targetdir=${backups}`, '-s', path.join(dir, 'etc', 'smb.conf')], { timeoutMs: 180000, env: SAMBA_ENV });
  const file = readdirSync(backups).find((f) => f.endsWith('.tar.bz2'));
  if (!file) throw new Error(`samba-tool domain backup offline wrote no .tar.bz2 into ${backups}`);
  await run(
    tool,
    ['domain', 'backup', 'restore', `--backup-file=${path.join(backups, file)}`, `--targetdir=${targetDir}`, `--newservername=${newServerName}`],
    {
      timeoutMs: 180000,
      env: SAMBA_ENV,
    },
  );
  rmSync(backups, { recursive: true, force: true });
  patchConfig(targetDir, host);
}

/**
 * The run's shared DC: started by exactly one caller across all jest workers (util/shared-resource: an
 * O_EXCL lock file in the run directory); the others wait for its connection info or its failure.
 */
export async function acquireSharedSambaAd(opts: { waitTimeoutMs?: number } = {}): Promise<SambaAdInfo> {
  const state = sambaStateDir(currentRunDir());
  const dcDir = path.join(state, 'dc');
  return acquireShared<SambaAdInfo>(
    state,
    async () => {
      try {
        return await startSambaAdProcess(dcDir);
      } catch (err) {
        throw new Error(`the shared Samba AD DC could not start: ${(err as Error).message}`);
      }
    },
    {
      waitTimeoutMs: opts.waitTimeoutMs,
      check: (info) =>
        isAlive(info.pid)
          ? undefined
          : `the shared Samba AD DC (pid ${info.pid}) is no longer running. Log tail:\n${tailFile(path.join(info.dir, 'samba.out'))}`,
      onTakeover: () => rmSync(dcDir, { recursive: true, force: true }),
    },
  );
}

/** globalTeardown: stops the run's DC if one was started (or is being started) and removes its files. */
export async function stopSharedSambaAd(runDir: string): Promise<boolean> {
  const state = sambaStateDir(runDir);
  const infoFile = path.join(state, 'info.json');
  if (!existsSync(infoFile)) {
    rmSync(state, { recursive: true, force: true });
    return false;
  }
  const info = JSON.parse(readFileSync(infoFile, 'utf8')) as SambaAdInfo;
  await stopProcessGroup(info.pid, 15000);
  unregisterServer(info.pid, runDir);
  rmSync(state, { recursive: true, force: true });
  return true;
}
