/**
 * README.md "Installing as a service", run as written, into a temporary root (a fake /etc, /opt,
 * /var/lib, /usr/local/bin), as far as a machine without systemd as PID 1 allows:
 *
 * - the `install:build` block (`npm pack`) runs in a copy of the checkout (its node_modules linked:
 *   `npm ci` already ran for this test run);
 * - the `install:server` block runs in bash, word for word, with the absolute paths moved under the
 *   temporary root and these stand-ins, because the test must not change the machine it runs on:
 *   `sudo CMD` runs CMD (the test runs as root); `useradd` gets `--prefix ROOT`, so the system user
 *   is created in ROOT/etc/passwd (copied from the machine's, so its uid is one no real user has)
 *   and never on the machine; `install -o/-g NAME` maps NAME through ROOT/etc/passwd and group;
 *   `sudo -u ldap-okta-sync CMD` runs CMD with setpriv as that uid/gid with no supplementary groups
 *   (the service user, simulated); `sudoedit FILE` writes the content a sysadmin would type;
 *   `systemctl` is recorded (no PID 1). The program's default configuration path is /etc/…, so the
 *   hand-run commands get LDAP_OKTA_SYNC_CONFIG pointing into the root.
 *
 * better-sqlite3's install script (prebuild-install) gets its prebuilt binary from a local mirror
 * (`npm_config_better_sqlite3_binary_host`, the mirror setting prebuild-install documents) serving
 * the binary this test run's own `npm ci` built, as a server with Internet access gets it from
 * GitHub; building it from source here would take minutes (CI's `npm ci` builds it already).
 *
 * Then: the files have the owners and modes the README promises, the hand-run commands as the
 * service user read their secrets from the credentials directory (and a `sync` by hand writes the
 * state as that user), another user cannot read them, and the installed unit passes
 * `systemd-analyze verify` against the installed executable.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startOktaSimulator, type OktaSimulator } from '../../src/okta-sim/simulator';
import { startSlapd, type SlapdServer } from '../harness';
import { FAST_LIMITS } from '../helpers/agent';
import { runToEnd } from '../helpers/process';

const REPO = join(__dirname, '..', '..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const BASE = 'dc=example,dc=com';
const OU = `ou=install,${BASE}`;
const SERVICE = 'ldap-okta-sync';

/** The fenced block after `<!-- install:NAME … -->` in README.md. */
function readmeBlock(name: string): string {
  const m = new RegExp(`<!-- install:${name}\\b[^>]*-->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(README);
  if (!m) throw new Error(`README.md has no install:${name} block`);
  return m[1];
}

let work: string;
let root: string;
let ldap: SlapdServer;
let sim: OktaSimulator;
let ids: { uid: number; gid: number };
let mirror: Server;
let mirrorHits = 0;
let mirrorUrl: string;
let prebuildUrl: string;

const R = (p: string) => join(root, p);

/** The installed command as the (simulated) service user, or another uid. */
function asUser(uid: number, gid: number, args: string[]) {
  return runToEnd('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', R('usr/local/bin/ldap-okta-sync'), ...args], {
    // HOME as sudo -u and systemd set it (the user's home); the Okta SDK asks for it
    env: { PATH: process.env.PATH, HOME: R('var/lib/ldap-okta-sync'), LDAP_OKTA_SYNC_CONFIG: R('etc/ldap-okta-sync/config.yaml') },
  });
}

function idsOf(name: string): { uid: number; gid: number } {
  const line = readFileSync(R('etc/passwd'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`${name} is not in ${R('etc/passwd')}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

const mode = (p: string) => (statSync(R(p)).mode & 0o7777).toString(8).padStart(4, '0');
const owner = (p: string) => {
  const s = statSync(R(p));
  return `${s.uid}:${s.gid}`;
};

beforeAll(async () => {
  ldap = await startSlapd({
    seed: [
      { dn: OU, attributes: { objectClass: ['organizationalUnit'], ou: 'install' } },
      ...['ann', 'bob', 'cyd'].map((uid) => ({
        dn: `uid=${uid},${OU}`,
        attributes: { objectClass: ['inetOrgPerson'], uid, cn: `${uid} Test`, givenName: uid, sn: 'Test', mail: `${uid}@example.com` },
      })),
    ],
  });
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  work = mkdtempSync(join(tmpdir(), 'los-install-'));
  // the service user must be able to reach the root's files, as on a real machine
  chmodSync(work, 0o755);
  root = join(work, 'root');
  for (const d of ['etc/systemd/system', 'opt', 'var/lib', 'usr/local/bin']) mkdirSync(R(d), { recursive: true });
  for (const f of ['passwd', 'group']) cpSync(`/etc/${f}`, R(`etc/${f}`));

  // the better-sqlite3 binary mirror: /v<version>/better-sqlite3-v<version>-node-v<abi>-linux-<arch>.tar.gz
  const bsq = join(REPO, 'node_modules', 'better-sqlite3');
  const version = (JSON.parse(readFileSync(join(bsq, 'package.json'), 'utf8')) as { version: string }).version;
  const file = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  mkdirSync(join(work, 'mirror', `v${version}`), { recursive: true });
  execFileSync('tar', ['-czf', join(work, 'mirror', `v${version}`, file), '-C', bsq, 'build/Release/better_sqlite3.node']);
  mirror = createServer((req, res) => {
    const path = join(work, 'mirror', (req.url ?? '/').split('?')[0]);
    if (!path.startsWith(join(work, 'mirror')) || !existsSync(path)) return void res.writeHead(404).end();
    mirrorHits++;
    res.writeHead(200, { 'content-type': 'application/gzip' }).end(readFileSync(path));
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
  prebuildUrl = `${mirrorUrl}/v${version}/${file}`;
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await ldap?.stop();
  await new Promise((r) => (mirror ? mirror.close(r) : r(undefined)));
  if (work) rmSync(work, { recursive: true, force: true });
  // prebuild-install keeps what it downloaded in npm's cache, named after the URL (a port of this run)
  if (prebuildUrl) {
    const digest = createHash('sha512').update(prebuildUrl).digest('hex').slice(0, 6);
    rmSync(join(homedir(), '.npm', '_prebuilds', `${digest}-${basename(prebuildUrl).replace(/[^a-zA-Z0-9.]+/g, '-')}`), { force: true });
  }
});

test('npm pack in a checkout (install:build) makes the tarball with its dependency versions pinned', () => {
  const checkout = join(work, 'checkout');
  mkdirSync(checkout);
  for (const p of ['package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'bin', 'src', 'config', 'systemd', 'docs'])
    cpSync(join(REPO, p), join(checkout, p), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(checkout, 'node_modules'));
  const block = readmeBlock('build').replace(/^npm ci && /m, ''); // npm ci ran already for this test run
  execFileSync('bash', ['-euo', 'pipefail', '-c', block], { cwd: checkout, stdio: 'pipe' });
  const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  const tarball = join(checkout, `ldap-okta-sync-${version}.tgz`);
  expect(existsSync(tarball)).toBe(true);
  const listing = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n');
  expect(listing).toEqual(
    expect.arrayContaining([
      'package/npm-shrinkwrap.json',
      'package/dist/cli/main.js',
      'package/systemd/ldap-okta-sync.service',
      'package/config/example.yaml',
    ]),
  );
  expect(existsSync(join(checkout, 'npm-shrinkwrap.json'))).toBe(false); // postpack removed its copy
  mkdirSync(join(work, 'server'));
  cpSync(tarball, join(work, 'server', `ldap-okta-sync-${version}.tgz`));
}, 300_000);

test('the server steps (install:server) install the package, the user, the configuration and the secrets; the unit verifies', async () => {
  // what the sysadmin types into sudoedit
  const typed = join(work, 'typed');
  mkdirSync(typed);
  writeFileSync(
    join(typed, 'config.yaml'),
    [
      'source:',
      '  type: ldap',
      `  url: ${ldap.url}`,
      `  bindDn: ${ldap.serviceDn}`,
      '  bindPassword: ${credential:ldap-bind-password}',
      '  users:',
      '    baseDns:',
      `      - ${OU}`,
      '    attributes: [uid, givenName, sn, mail]',
      'okta:',
      `  orgUrl: ${sim.url}`,
      '  token: ${credential:okta-api-token}',
      'transforms:',
      '  - map:',
      '      login: "{mail}"',
      '      email: "{mail}"',
      '      firstName: "{givenName}"',
      '      lastName: "{sn}"',
      'state:',
      `  path: ${R('var/lib/ldap-okta-sync/state.db')}`,
      '',
    ].join('\n'),
  );
  writeFileSync(join(typed, 'ldap-bind-password'), `${ldap.servicePassword}\n`);
  writeFileSync(join(typed, 'okta-api-token'), `${sim.token}\n`);

  const prelude = `
ROOT=${JSON.stringify(root)}
TYPED=${JSON.stringify(typed)}
export PATH="$ROOT/usr/local/bin:$PATH" LDAP_OKTA_SYNC_CONFIG="$ROOT/etc/ldap-okta-sync/config.yaml"
id_of() { awk -F: -v n="$2" '$1 == n { print $3 }' "$ROOT/etc/$1"; }
sudo() {
  if [ "$1" = -u ]; then
    local user=$2; shift 2
    HOME="$(awk -F: -v n="$user" '$1 == n { print $6 }' "$ROOT/etc/passwd")" \
      setpriv --reuid="$(id_of passwd "$user")" --regid="$(id_of group "$user")" --clear-groups -- "$@"
  else
    "$@"
  fi
}
useradd() { command useradd --prefix "$ROOT" "$@"; }
install() {
  local args=()
  while [ $# -gt 0 ]; do
    case $1 in
      -o) args+=(-o "$(id_of passwd "$2")"); shift 2 ;;
      -g) args+=(-g "$(id_of group "$2")"); shift 2 ;;
      *) args+=("$1"); shift ;;
    esac
  done
  command install "\${args[@]}"
}
sudoedit() { cp -- "$TYPED/$(basename "$1")" "$1"; }
systemctl() { echo "systemctl $*" >> "$ROOT/systemctl.log"; }
`;
  const block = readmeBlock('server').replace(/(^|[\s=])\/(opt|etc|var\/lib|usr\/local\/bin)\//gm, '$1$ROOT/$2/');
  expect(block).not.toMatch(/\s\/(opt|etc|var)\//); // every absolute path moved into the root
  const r = await runToEnd('bash', ['-euo', 'pipefail', '-c', `${prelude}\n${block}`], {
    cwd: join(work, 'server'),
    env: { ...process.env, npm_config_better_sqlite3_binary_host: mirrorUrl },
  });
  if (r.code !== 0) throw new Error(`the README's server steps failed (exit ${r.code}):\n${r.out}\n${r.err}`);

  expect(mirrorHits).toBe(1); // better-sqlite3's binary came from the mirror, not a build from source
  ids = idsOf(SERVICE);
  expect(ids.uid).toBeGreaterThan(0);
  expect(readFileSync('/etc/passwd', 'utf8')).not.toMatch(/^ldap-okta-sync:/m); // the machine's users are untouched
  const g = ids.gid;
  expect({
    state: [mode('var/lib/ldap-okta-sync'), owner('var/lib/ldap-okta-sync')],
    etc: [mode('etc/ldap-okta-sync'), owner('etc/ldap-okta-sync')],
    credentials: [mode('etc/ldap-okta-sync/credentials'), owner('etc/ldap-okta-sync/credentials')],
    config: [mode('etc/ldap-okta-sync/config.yaml'), owner('etc/ldap-okta-sync/config.yaml')],
    token: [mode('etc/ldap-okta-sync/credentials/okta-api-token'), owner('etc/ldap-okta-sync/credentials/okta-api-token')],
    unit: [mode('etc/systemd/system/ldap-okta-sync.service'), owner('etc/systemd/system/ldap-okta-sync.service')],
  }).toEqual({
    state: ['0750', `${ids.uid}:${g}`],
    etc: ['0750', `0:${g}`],
    credentials: ['0750', `0:${g}`],
    config: ['0640', `0:${g}`],
    token: ['0640', `0:${g}`],
    unit: ['0644', '0:0'],
  });
  // the hand-run steps of the block worked as the service user: validate printed OK, plan read Okta and the directory
  expect(r.out).toMatch(/config\.yaml: OK \(openldap directory ldap:\/\/127\.0\.0\.1:\d+ → http:\/\/127\.0\.0\.1:\d+/);
  expect(r.out).toMatch(/ann@example\.com/);
  expect(readFileSync(R('systemctl.log'), 'utf8')).toBe('systemctl daemon-reload\nsystemctl enable --now ldap-okta-sync\n');
  // the packaged dependencies are the pinned ones
  const pkg = (p: string) => (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
  const installed = R('opt/ldap-okta-sync/lib/node_modules/ldap-okta-sync');
  expect(pkg(join(installed, 'node_modules/zod/package.json'))).toBe(pkg(join(REPO, 'node_modules/zod/package.json')));
  expect(readdirSync(join(installed, 'node_modules'))).not.toContain('typescript'); // no dev dependencies

  // the installed unit, checked where the install put everything (ExecStart= is the installed executable)
  const unit = readFileSync(R('etc/systemd/system/ldap-okta-sync.service'), 'utf8');
  const docs = [...(/^Documentation=(.*)$/m.exec(unit)?.[1] ?? '').matchAll(/file:\/\/(\S+)/g)].map((m) => m[1]);
  expect(docs.length).toBeGreaterThanOrEqual(2);
  for (const doc of docs) expect({ doc, installed: existsSync(R(doc)) }).toEqual({ doc, installed: true });
  cpSync('/usr/lib/systemd/system', R('usr/lib/systemd/system'), { recursive: true });
  mkdirSync(R('bin'), { recursive: true });
  cpSync('/usr/bin/kill', R('bin/kill'));
  const verify = spawnSync('systemd-analyze', ['verify', '--man=no', `--root=${root}`, 'ldap-okta-sync.service'], { encoding: 'utf8' });
  expect({ code: verify.status, out: verify.stdout + verify.stderr }).toEqual({ code: 0, out: '' });
}, 900_000);

test('a command run by hand as the service user reads its secrets and writes its state; another user cannot read them', async () => {
  expect(ids).toBeDefined();
  const sync = await asUser(ids.uid, ids.gid, ['sync', '--json']);
  expect({ code: sync.code, log: /run 1 full ok: read 3/.test(sync.err) }).toEqual({ code: 0, log: true });
  expect((JSON.parse(sync.out) as { counts: { created: number } }).counts.created).toBe(3);
  expect(sim.store.userCount).toBe(3);
  expect([mode('var/lib/ldap-okta-sync/state.db'), owner('var/lib/ldap-okta-sync/state.db')]).toEqual(['0600', `${ids.uid}:${ids.gid}`]);
  const status = await asUser(ids.uid, ids.gid, ['status']);
  expect(status.code).toBe(0);
  expect(status.out).toMatch(/Users: 3 known, 3 linked to Okta, 0 quarantined/);

  // nobody else: the configuration and the secrets are the service group's
  const other = await asUser(65534, 65534, ['config', 'validate']);
  expect(other.code).toBe(3);
  expect(other.err).toMatch(/cannot read the configuration file: EACCES/);
}, 300_000);
