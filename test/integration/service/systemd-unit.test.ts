/**
 * The shipped unit (systemd/ldap-okta-sync.service) as systemd reads it: `systemd-analyze verify`
 * finds nothing wrong with it where the install puts the package, and `systemd-analyze security
 * --offline=true` rates it 2.5 or better (both work without systemd as PID 1). The unit is checked
 * inside a temporary root that holds the executable at the unit's ExecStart= path and systemd's
 * own units (verify needs sysinit.target and the targets the unit names).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const UNIT = join(__dirname, '..', '..', '..', 'systemd', 'ldap-okta-sync.service');
const unitText = readFileSync(UNIT, 'utf8');
let root: string;

/** A root with systemd's units, the executables the unit starts (Exec…=), and `text` as the installed unit. */
function rootWith(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'unit-root-'));
  cpSync('/usr/lib/systemd/system', join(dir, 'usr/lib/systemd/system'), { recursive: true });
  for (const [, exec] of text.matchAll(/^Exec\w+=[-@:+!]*(\S+)/gm)) {
    mkdirSync(join(dir, dirname(exec)), { recursive: true });
    writeFileSync(join(dir, exec), '#!/bin/sh\n');
    chmodSync(join(dir, exec), 0o755);
  }
  mkdirSync(join(dir, 'etc/systemd/system'), { recursive: true });
  writeFileSync(join(dir, 'etc/systemd/system/ldap-okta-sync.service'), text);
  return dir;
}

function verify(dir: string): { code: number | null; out: string } {
  const r = spawnSync('systemd-analyze', ['verify', '--man=no', `--root=${dir}`, 'ldap-okta-sync.service'], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

function exposure(dir: string): number {
  const out = execFileSync('systemd-analyze', ['security', '--offline=true', `--root=${dir}`, '--no-pager', 'ldap-okta-sync.service'], { encoding: 'utf8' });
  const m = /Overall exposure level for ldap-okta-sync\.service: (\d+\.\d)/.exec(out);
  if (!m) throw new Error(`no exposure level in:\n${out}`);
  return Number(m[1]);
}

beforeAll(() => {
  root = rootWith(unitText);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('the unit starts the installed executable (/opt/ldap-okta-sync) as Type=notify with a watchdog and credentials', () => {
  expect(unitText).toMatch(/^ExecStart=\/opt\/ldap-okta-sync\/bin\/ldap-okta-sync run --config \/etc\/ldap-okta-sync\/config\.yaml$/m);
  expect(unitText).toMatch(
    /^Documentation=file:\/\/\/opt\/ldap-okta-sync\/lib\/node_modules\/ldap-okta-sync\/README\.md file:\/\/\/opt\/ldap-okta-sync\/lib\/node_modules\/ldap-okta-sync\/docs\/troubleshooting\.md$/m,
  );
  expect(unitText).toMatch(/^Type=notify$/m);
  expect(unitText).toMatch(/^WatchdogSec=\d+/m);
  expect(unitText).toMatch(/^LoadCredential=okta-api-token:\/etc\/ldap-okta-sync\/credentials\/okta-api-token$/m);
  expect(unitText).not.toMatch(/^EnvironmentFile=/m);
});

test('systemd-analyze verify: no complaint about the shipped unit', () => {
  expect(verify(root)).toEqual({ code: 0, out: '' });
});

test('systemd-analyze verify catches a unit whose executable is not where ExecStart= says', () => {
  const broken = rootWith(unitText);
  try {
    rmSync(join(broken, 'opt'), { recursive: true });
    const r = verify(broken);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Command \/opt\/ldap-okta-sync\/bin\/ldap-okta-sync is not executable/);
  } finally {
    rmSync(broken, { recursive: true, force: true });
  }
});

test('systemd-analyze security --offline=true rates the unit 2.5 or better (the 0.1.0 unit was 8.8 EXPOSED)', () => {
  const level = exposure(root);
  expect(level).toBeLessThanOrEqual(2.5);
  // the measure tells hardening apart: the unit without its hardening block is exposed
  const bare = rootWith(unitText.slice(0, unitText.indexOf('# Hardening.')) + '\n[Install]\nWantedBy=multi-user.target\n');
  try {
    expect(exposure(bare)).toBeGreaterThan(8);
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});
