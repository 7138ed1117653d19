import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cmdline, isAlive, stopProcessGroup } from './util/processes';

/**
 * One directory per test run (created by jest's globalSetup, named in this environment variable, inherited
 * by the workers). It holds every server's data directory, a registry of running servers (so
 * globalTeardown can stop whatever a crashed or careless test file left behind) and the shared Samba DC's
 * lock and connection-info files.
 */
export const RUN_DIR_ENV = 'LDAP_OKTA_SYNC_TEST_RUN_DIR';
const RUN_PREFIX = 'ldap-okta-sync-run-';

export interface ServerRecord {
  kind: 'slapd' | 'samba';
  /** A Samba DC of one test file's own (harness/samba-private), not the run's shared one. */
  private?: boolean;
  pid: number;
  /** The server's own directory; its path appears on the server's command line (checked before killing). */
  dir: string;
  /** pid of the process that started it. */
  startedBy: number;
}

/** Creates a run directory owned by this process and returns its path. */
export function createRunDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), RUN_PREFIX));
  mkdirSync(path.join(dir, 'servers'));
  writeFileSync(path.join(dir, 'owner.json'), JSON.stringify({ pid: process.pid, createdAt: new Date().toISOString() }));
  return dir;
}

let fallbackDir: string | undefined;

/**
 * The current run directory. Outside jest's globalSetup (a script, another runner) this process creates
 * its own and stops the servers registered in it when it exits.
 */
export function currentRunDir(): string {
  const fromEnv = process.env[RUN_DIR_ENV];
  if (fromEnv) {
    mkdirSync(path.join(fromEnv, 'servers'), { recursive: true });
    return fromEnv;
  }
  if (!fallbackDir) {
    const dir = createRunDir();
    fallbackDir = dir;
    process.env[RUN_DIR_ENV] = dir;
    process.once('exit', () => {
      killRegisteredServersSync(dir);
      rmSync(dir, { recursive: true, force: true });
    });
  }
  return fallbackDir;
}

function recordFile(runDir: string, pid: number): string {
  return path.join(runDir, 'servers', `${pid}.json`);
}

export function registerServer(rec: ServerRecord, runDir = currentRunDir()): void {
  writeFileSync(recordFile(runDir, rec.pid), JSON.stringify(rec));
}

export function unregisterServer(pid: number, runDir = currentRunDir()): void {
  try {
    unlinkSync(recordFile(runDir, pid));
  } catch {
    // already gone
  }
}

export function registeredServers(runDir: string): ServerRecord[] {
  let names: string[];
  try {
    names = readdirSync(path.join(runDir, 'servers'));
  } catch {
    return [];
  }
  const out: ServerRecord[] = [];
  for (const name of names) {
    try {
      out.push(JSON.parse(readFileSync(path.join(runDir, 'servers', name), 'utf8')) as ServerRecord);
    } catch {
      // half-written or removed meanwhile
    }
  }
  return out;
}

/**
 * The record's process is still the server it names (the pid was not reused by something else): its
 * command line or its working directory names the server's directory. (Samba rewrites its command line
 * to "samba: root process"; both servers are started with their directory as working directory.)
 */
function stillOurs(rec: ServerRecord): boolean {
  if (!isAlive(rec.pid)) return false;
  if (cmdline(rec.pid).includes(rec.dir)) return true;
  try {
    return readlinkSync(`/proc/${rec.pid}/cwd`).startsWith(rec.dir);
  } catch {
    return false;
  }
}

/** Stops every server still registered in `runDir`; returns a description of each one it had to stop. */
export async function stopRegisteredServers(runDir: string): Promise<string[]> {
  const stopped: string[] = [];
  await Promise.all(
    registeredServers(runDir).map(async (rec) => {
      if (stillOurs(rec)) {
        await stopProcessGroup(rec.pid, rec.kind === 'samba' ? 15000 : 10000);
        stopped.push(`${rec.kind} pid ${rec.pid} (${rec.dir})`);
      }
      unregisterServer(rec.pid, runDir);
    }),
  );
  return stopped;
}

function killRegisteredServersSync(runDir: string): void {
  for (const rec of registeredServers(runDir)) {
    if (!stillOurs(rec)) continue;
    for (const target of [-rec.pid, rec.pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

/**
 * Run directories of earlier test runs whose jest process is gone (killed, crashed): stops their servers
 * and removes them. Called by globalSetup, so an aborted run never blocks the next one.
 */
export async function cleanupStaleRuns(): Promise<string[]> {
  const stopped: string[] = [];
  let names: string[];
  try {
    names = readdirSync(os.tmpdir()).filter((n) => n.startsWith(RUN_PREFIX));
  } catch {
    return stopped;
  }
  for (const name of names) {
    const dir = path.join(os.tmpdir(), name);
    let owner: number | undefined;
    try {
      owner = (JSON.parse(readFileSync(path.join(dir, 'owner.json'), 'utf8')) as { pid: number }).pid;
    } catch {
      owner = undefined;
    }
    if (owner !== undefined && isAlive(owner)) continue;
    // no owner file yet: another run may be creating it right now; only old ones are stale
    if (owner === undefined && Date.now() - statMtime(dir) < 10 * 60_000) continue;
    stopped.push(...(await stopRegisteredServers(dir)));
    rmSync(dir, { recursive: true, force: true });
  }
  return stopped;
}

function statMtime(p: string): number {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** Stops the run's servers and removes the run directory. */
export async function removeRunDir(runDir: string): Promise<string[]> {
  const stopped = await stopRegisteredServers(runDir);
  rmSync(runDir, { recursive: true, force: true });
  return stopped;
}
