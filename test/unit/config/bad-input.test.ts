/**
 * Issue 9, the configuration loader: an Okta org URL that would send the token in cleartext or
 * carries a user name and password is refused; profile attribute names that are JavaScript object
 * internals (__proto__, constructor, prototype) are refused wherever a step names a target; secret
 * files others can read and TLS verification turned off are warnings with file, line and key;
 * secrets are resolved only when asked (commands that talk to no server need none), while the
 * reference syntax is checked either way.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfigText, type ConfigIssue } from '../../../src/config/load';

const dir = mkdtempSync(join(tmpdir(), 'config-bad-input-'));
writeFileSync(join(dir, 'export.ldif'), 'version: 1\n');
const file = join(dir, 'config.yaml');
process.env.LOS_BAD_INPUT_TOKEN = 'token';

const SOURCE = ['source:', '  type: ldif', '  path: export.ldif'];
const okta = (orgUrl: string, token = '${env:LOS_BAD_INPUT_TOKEN}') => ['okta:', `  orgUrl: ${orgUrl}`, `  token: ${token}`];

function issues(text: string, opts?: { secrets?: boolean }): ConfigIssue[] {
  try {
    parseConfigText(text, file, opts);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  return [];
}

describe('item 7: the Okta org URL', () => {
  test.each(['http://corp.okta.com', 'http://10.0.0.8:8080'])('plain http to %s is refused: the token would travel in cleartext', (url) => {
    expect(issues([...SOURCE, ...okta(url)].join('\n'))).toEqual([
      { file, line: 5, column: 3, path: 'okta.orgUrl', message: expect.stringMatching(/cleartext.*https:\/\//) },
    ]);
  });

  test('a user name and password in the URL are refused, and not repeated in the message', () => {
    const found = issues([...SOURCE, ...okta('https://admin:hunter2@corp.okta.com')].join('\n'));
    expect(found).toEqual([{ file, line: 5, column: 3, path: 'okta.orgUrl', message: expect.stringMatching(/user name or password/) }]);
    expect(JSON.stringify(found)).not.toContain('hunter2');
  });

  test.each(['http://127.0.0.1:8080', 'http://localhost:1234', 'http://[::1]:8080', 'https://corp.okta.com', 'https://corp.oktapreview.com:443'])(
    '%s is accepted (https, or http to this machine: the simulator)',
    (url) => {
      expect(issues([...SOURCE, ...okta(url)].join('\n'))).toEqual([]);
    },
  );
});

describe('item 3: JavaScript object internals as profile attribute names', () => {
  const transforms = (...lines: string[]) => [...SOURCE, ...okta('https://corp.okta.com'), 'transforms:', ...lines].join('\n');

  test('map and set targets __proto__, constructor and prototype are refused with line and key', () => {
    const found = issues(
      transforms('  - map:', '      login: "{mail}"', '      __proto__: "{cn}"', '      constructor: "{sn}"', '  - set:', '      prototype: x'),
    );
    expect(found.map((i) => [i.line, i.path])).toEqual([
      [10, 'transforms[0].map.__proto__'],
      [11, 'transforms[0].map.constructor'],
      [13, 'transforms[1].set.prototype'],
    ]);
    for (const i of found) expect(i.message).toMatch(/not (an attribute name|a key): it is an internal of JavaScript objects/);
  });

  test('so are a username attribute and a validate list entry', () => {
    const found = issues(
      transforms(
        '  - map:',
        '      login: "{mail}"',
        '  - username:',
        '      templates: ["{uid}@x.test"]',
        '      attribute: constructor',
        '  - validate:',
        '      required: [login, __proto__]',
      ),
    );
    expect(found.map((i) => i.path)).toEqual(['transforms[1].username.attribute', 'transforms[2].validate.required[1]']);
  });
});

describe('item 16: warnings for secrets others can read and for TLS verification turned off', () => {
  test('a ${file:} secret with group or other read bits loads, with a warning naming file, line, key and mode', () => {
    const secret = join(dir, 'token.txt');
    writeFileSync(secret, 'tok\n');
    chmodSync(secret, 0o644);
    const { warnings } = parseConfigText([...SOURCE, ...okta('https://corp.okta.com', `\${file:${secret}}`)].join('\n'), file);
    expect(warnings).toEqual([
      {
        file,
        line: 6,
        column: 3,
        path: 'okta.token',
        severity: 'warning',
        message: expect.stringMatching(/mode 0644: every account on this machine can read it.*0600/),
      },
    ]);
    chmodSync(secret, 0o600);
    expect(parseConfigText([...SOURCE, ...okta('https://corp.okta.com', `\${file:${secret}}`)].join('\n'), file).warnings).toEqual([]);
  });

  test('tls.rejectUnauthorized: false loads, with a warning naming file, line and key', () => {
    process.env.LOS_BAD_INPUT_PW = 'pw';
    const text = [
      'source:',
      '  type: ldap',
      '  url: ldaps://dc1.corp.example',
      '  bindDn: cn=svc,dc=corp,dc=example',
      '  bindPassword: ${env:LOS_BAD_INPUT_PW}',
      '  tls:',
      '    rejectUnauthorized: false',
      '  users:',
      '    baseDns:',
      '      - dc=corp,dc=example',
      ...okta('https://corp.okta.com'),
    ].join('\n');
    expect(parseConfigText(text, file).warnings).toEqual([
      {
        file,
        line: 7,
        column: 5,
        path: 'source.tls.rejectUnauthorized',
        severity: 'warning',
        message: expect.stringMatching(/certificate.*not verified/),
      },
    ]);
  });
});

describe('item 14: secrets are resolved only when the command needs them', () => {
  const unset = [...SOURCE, ...okta('https://corp.okta.com', '${env:LOS_BAD_INPUT_NOT_SET}')].join('\n');

  test('without resolving, a reference to an unset variable loads; the secret is not available', () => {
    const { config } = parseConfigText(unset, file, { secrets: false });
    expect(() => config.okta.token.reveal()).toThrow(/not resolved/);
    expect(issues(unset)).toEqual([{ file, line: 6, column: 3, path: 'okta.token', message: expect.stringMatching(/LOS_BAD_INPUT_NOT_SET.*not set/) }]);
  });

  test('without resolving, the reference syntax is still checked: a secret written in the file is refused', () => {
    const plain = [...SOURCE, ...okta('https://corp.okta.com', 'my-actual-token')].join('\n');
    expect(issues(plain, { secrets: false })).toEqual([{ file, line: 6, column: 3, path: 'okta.token', message: expect.stringMatching(/secret reference/) }]);
  });
});
