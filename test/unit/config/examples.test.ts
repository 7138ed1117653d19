/**
 * The shipped example configurations are what a sysadmin copies: every YAML file under config/
 * (and the LDIF source written out in config/example.yaml's comments) validates without a warning,
 * and every DN in it is the DN its author meant. (YAML flow style once read
 * `baseDns: [ou=groups,dc=corp,dc=example]` as three base DNs; `config validate` said OK and the
 * run failed against a real server.)
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText, type LoadedConfig } from '../../../src/config/load';
import { rdnCount } from '../../../src/directory/dn';

const CONFIG_DIR = join(__dirname, '..', '..', '..', 'config');
const LDIF_ALTERNATIVE = 'example.yaml, its LDIF source';

/** The DNs each example means, by key. A new example config gets its line here. */
const EXPECTED: Record<string, Record<string, string | string[]>> = {
  'example.yaml': {
    'source.bindDn': 'cn=okta-sync,ou=service-accounts,dc=corp,dc=example',
    'source.users.baseDns': ['ou=people,dc=corp,dc=example'],
    'groups.baseDns': ['ou=groups,dc=corp,dc=example'],
  },
  [LDIF_ALTERNATIVE]: {
    'source.users.baseDns': ['ou=people,dc=corp,dc=example'],
    'groups.baseDns': ['ou=groups,dc=corp,dc=example'],
  },
  'demo/demo.yaml': {
    'source.users.baseDns': ['dc=example,dc=com'],
    'groups.baseDns': ['ou=groups,dc=example,dc=com'],
  },
};

const scratch = mkdtempSync(join(tmpdir(), 'examples-'));

/** The file as a sysadmin's machine would see it: its secrets set (environment, systemd credentials), its CA file present. */
function load(relative: string, text: string, dir = join(CONFIG_DIR, relative, '..')): LoadedConfig {
  for (const [, name] of text.matchAll(/\$\{env:([^}]+)\}/g)) process.env[name] = 'example-secret';
  const credentials = join(scratch, 'credentials');
  mkdirSync(credentials, { recursive: true });
  // as systemd hands them over: readable by the service user alone
  for (const [, name] of text.matchAll(/\$\{credential:([^}]+)\}/g)) writeFileSync(join(credentials, name), 'example-secret\n', { mode: 0o400 });
  const ca = join(scratch, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
  const before = process.env.CREDENTIALS_DIRECTORY;
  process.env.CREDENTIALS_DIRECTORY = credentials;
  try {
    return parseConfigText(text.replace(/^(\s*caFile:).*$/m, `$1 ${ca}`), join(dir, relative.split('/').pop()!));
  } finally {
    if (before === undefined) delete process.env.CREDENTIALS_DIRECTORY;
    else process.env.CREDENTIALS_DIRECTORY = before;
  }
}

/** config/example.yaml with its live `source:` section replaced by the commented-out LDIF one. */
function ldifAlternative(): string {
  const text = readFileSync(join(CONFIG_DIR, 'example.yaml'), 'utf8');
  const start = text.indexOf('\nsource:\n');
  const marker = text.indexOf('# An LDIF source instead');
  const end = text.indexOf('\n\n', marker);
  expect([start, marker, end].every((i) => i > 0)).toBe(true);
  const block = text
    .slice(text.indexOf('\n', marker) + 1, end)
    .split('\n')
    .map((l) => l.replace(/^# ?/, ''))
    .join('\n');
  writeFileSync(join(scratch, 'export.ldif'), 'version: 1\n');
  return text.slice(0, start + 1) + block + text.slice(end);
}

function dnsOf({ config }: LoadedConfig): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (config.source.type === 'ldap') out['source.bindDn'] = config.source.bindDn;
  if (config.source.users.baseDns) out['source.users.baseDns'] = config.source.users.baseDns;
  if (config.groups) out['groups.baseDns'] = config.groups.baseDns;
  return out;
}

const shipped = (readdirSync(CONFIG_DIR, { recursive: true }) as string[]).filter((f) => /\.ya?ml$/.test(f)).sort();

test('every shipped example config is in the table of expected DNs', () => {
  expect(shipped).toEqual(
    Object.keys(EXPECTED)
      .filter((k) => k !== LDIF_ALTERNATIVE)
      .sort(),
  );
});

describe.each(Object.keys(EXPECTED))('%s', (name) => {
  const loaded = () =>
    name === LDIF_ALTERNATIVE ? load('example.yaml', ldifAlternative(), scratch) : load(name, readFileSync(join(CONFIG_DIR, name), 'utf8'));

  test('validates, without warnings', () => {
    expect(loaded().warnings).toEqual([]);
  });

  test('every DN is the DN its author meant: the expected values, each DN-list entry a DN of several RDNs', () => {
    const dns = dnsOf(loaded());
    expect(dns).toEqual(EXPECTED[name]);
    for (const [key, value] of Object.entries(dns)) {
      if (Array.isArray(value)) for (const dn of value) expect({ key, dn, rdns: rdnCount(dn) > 1 }).toEqual({ key, dn, rdns: true });
    }
  });
});
