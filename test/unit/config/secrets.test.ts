/**
 * ${credential:NAME}: one reference that works for the unit (systemd's LoadCredential= puts the
 * file in $CREDENTIALS_DIRECTORY) and for a command run by hand as the service user (the file NAME
 * in credentials/ beside the configuration file, which the unit's LoadCredential= lines name).
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfigText } from '../../../src/config/load';
import { resolveSecret } from '../../../src/config/secret';

const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
const systemdDir = join(dir, 'run-credentials');
const etc = join(dir, 'etc');
mkdirSync(systemdDir);
mkdirSync(join(etc, 'credentials'), { recursive: true });
writeFileSync(join(systemdDir, 'okta-api-token'), 'from-systemd\n');
writeFileSync(join(etc, 'credentials', 'okta-api-token'), 'from-etc\n');
writeFileSync(join(etc, 'credentials', 'only-in-etc'), 'etc-only');
writeFileSync(join(etc, 'export.ldif'), 'version: 1\n');

const reveal = (r: ReturnType<typeof resolveSecret>) => (r.ok ? r.secret.reveal() : r.message);

test('$CREDENTIALS_DIRECTORY first, then the fallback directory; the messages name every place tried', () => {
  const ctx = { credentialsFallbackDir: join(etc, 'credentials') };
  expect(reveal(resolveSecret('${credential:okta-api-token}', { CREDENTIALS_DIRECTORY: systemdDir }, ctx))).toBe('from-systemd');
  expect(reveal(resolveSecret('${credential:okta-api-token}', {}, ctx))).toBe('from-etc');
  expect(reveal(resolveSecret('${credential:only-in-etc}', { CREDENTIALS_DIRECTORY: systemdDir }, ctx))).toBe('etc-only');
  expect(reveal(resolveSecret('${credential:missing}', { CREDENTIALS_DIRECTORY: systemdDir }, ctx))).toBe(
    `\${credential:missing}: cannot read ${join(etc, 'credentials', 'missing')}: ENOENT (looked in ${join(systemdDir, 'missing')} and ${join(etc, 'credentials', 'missing')})`,
  );
  expect(reveal(resolveSecret('${credential:missing}', {}, {}))).toMatch(/CREDENTIALS_DIRECTORY is not set/);
});

test('a configuration file finds ${credential:NAME} in credentials/ beside it when systemd passed nothing', () => {
  const before = process.env.CREDENTIALS_DIRECTORY;
  delete process.env.CREDENTIALS_DIRECTORY;
  try {
    const text = ['source:', '  type: ldif', '  path: export.ldif', 'okta:', '  orgUrl: https://corp.okta.com', '  token: ${credential:okta-api-token}'].join(
      '\n',
    );
    expect(parseConfigText(text, join(etc, 'config.yaml')).config.okta.token.reveal()).toBe('from-etc');
    const missing = text.replace('okta-api-token', 'nope');
    expect(() => parseConfigText(missing, join(etc, 'config.yaml'))).toThrow(ConfigError);
    expect(() => parseConfigText(missing, join(etc, 'config.yaml'))).toThrow(
      /config\.yaml:6:3: okta\.token: \$\{credential:nope\}: cannot read .*credentials\/nope: ENOENT/,
    );
  } finally {
    if (before !== undefined) process.env.CREDENTIALS_DIRECTORY = before;
  }
});

test("the documented layout warns nothing (credentials/ at 0640, the service's group); a file everyone may read, or a ${file:} one its group may read, warns", () => {
  const before = process.env.CREDENTIALS_DIRECTORY;
  delete process.env.CREDENTIALS_DIRECTORY;
  try {
    const creds = join(etc, 'credentials');
    const config = (ref: string) =>
      parseConfigText(
        ['source:', '  type: ldif', '  path: export.ldif', 'okta:', '  orgUrl: https://corp.okta.com', `  token: ${ref}`].join('\n'),
        join(etc, 'config.yaml'),
      );
    const warnings = (ref: string) => config(ref).warnings.map((w) => w.message);
    chmodSync(join(creds, 'okta-api-token'), 0o640);
    expect(warnings('${credential:okta-api-token}')).toEqual([]);
    chmodSync(join(creds, 'okta-api-token'), 0o644);
    expect(warnings('${credential:okta-api-token}')).toEqual([expect.stringMatching(/has mode 0644: every account on this machine can read it/)]);
    // the same mode on a ${file:} secret: its group is not the service's own by construction
    chmodSync(join(creds, 'okta-api-token'), 0o640);
    expect(warnings(`\${file:${join(creds, 'okta-api-token')}}`)).toEqual([
      expect.stringMatching(/has mode 0640: the members of the file's group can read it/),
    ]);
  } finally {
    if (before !== undefined) process.env.CREDENTIALS_DIRECTORY = before;
  }
});
