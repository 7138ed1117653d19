/**
 * Test helpers for driving the agent the way a sysadmin does: a YAML config file on disk, the CLI
 * entry point (`main`) with captured output, the real SDK against the Okta simulator.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';
import type { Io } from '../../src/cli/io';
import type { RunReport } from '../../src/sync/report';

export interface Captured {
  code: number;
  out: string;
  err: string;
}

/** Run the CLI in-process with captured stdout/stderr. */
export async function cli(...args: string[]): Promise<Captured> {
  let out = '';
  let err = '';
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const io: Io = {
    out: (t) => void (out += t.endsWith('\n') ? t : t + '\n'),
    err: (t) => void (err += t.endsWith('\n') ? t : t + '\n'),
    stdout,
    stderr,
  };
  const code = await main(['node', 'ldap-okta-sync', ...args], io);
  await new Promise((r) => setImmediate(r));
  return { code, out, err };
}

/** `sync --json`: the exit code and the parsed run report. */
export async function sync(configFile: string): Promise<{ code: number; report: RunReport; err: string }> {
  const r = await cli('sync', '-c', configFile, '--json');
  let report: RunReport;
  try {
    report = JSON.parse(r.out) as RunReport;
  } catch {
    throw new Error(`sync printed no report (exit ${r.code}):\n${r.out}\n${r.err}`);
  }
  return { code: r.code, report, err: r.err };
}

/** A temporary directory for a scenario's config and state; removed by `cleanup`. */
export function scenarioDir(name: string): { dir: string; file: (n: string, text: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `los-${name}-`));
  return {
    dir,
    file: (n, text) => {
      const p = join(dir, n);
      writeFileSync(p, text);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let envCounter = 0;
/** Put a secret in the environment and return the reference a config uses for it. */
export function secretEnv(value: string): string {
  const name = `LOS_TEST_SECRET_${process.pid}_${++envCounter}`;
  process.env[name] = value;
  return `\${env:${name}}`;
}

/** YAML for an LDAP source section. */
export function ldapSourceYaml(o: {
  url: string;
  bindDn: string;
  password: string;
  baseDns: string[];
  attributes: string[];
  filter?: string;
  flavor?: 'openldap' | 'ad';
  extra?: string;
}): string {
  return [
    'source:',
    '  type: ldap',
    `  flavor: ${o.flavor ?? 'openldap'}`,
    `  url: ${o.url}`,
    `  bindDn: ${JSON.stringify(o.bindDn)}`,
    `  bindPassword: ${secretEnv(o.password)}`,
    '  connectTimeoutMs: 3000',
    '  pageSize: 200',
    '  users:',
    `    baseDns: ${JSON.stringify(o.baseDns)}`,
    ...(o.filter ? [`    filter: ${JSON.stringify(o.filter)}`] : []),
    `    attributes: ${JSON.stringify(o.attributes)}`,
    ...(o.extra ? [o.extra] : []),
  ].join('\n');
}

/** YAML for the okta section against a simulator. */
export function oktaYaml(o: { url: string; token: string; match?: 'none' | 'login'; extra?: string }): string {
  return [
    'okta:',
    `  orgUrl: ${o.url}`,
    `  token: ${secretEnv(o.token)}`,
    `  match: ${o.match ?? 'none'}`,
    '  concurrency: 8',
    '  requestTimeoutMs: 5000',
    '  maxRetries: 3',
    ...(o.extra ? [o.extra] : []),
  ].join('\n');
}

/** Simulator rate limits high enough that tests are not paced (pacing has its own tests). */
export const FAST_LIMITS = { users: 100_000, userById: 100_000, userWrite: 100_000, groups: 100_000, groupById: 100_000, other: 100_000 };

export function cleanupEnv(): void {
  for (const k of Object.keys(process.env)) if (k.startsWith(`LOS_TEST_SECRET_${process.pid}_`)) delete process.env[k];
}
