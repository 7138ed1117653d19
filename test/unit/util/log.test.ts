import { PassThrough } from 'node:stream';
import { Secret } from '../../../src/util/secret';
import { createLogger, maskPii, maskValue, scrub } from '../../../src/util/log';

function capture(format: 'json' | 'text' | 'auto', isTty?: boolean) {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (d) => (out += d));
  const log = createLogger({ level: 'debug', format, stream, isTty });
  return { log, out: () => out };
}

test('JSON lines when not a terminal, readable text on one', async () => {
  const j = capture('auto', false);
  j.log.info('run 1 full ok', { runId: 1 });
  const t = capture('auto', true);
  t.log.info('run 1 full ok', { runId: 1 });
  await new Promise((r) => setImmediate(r));
  expect(JSON.parse(j.out().trim())).toMatchObject({ level: 'info', message: 'run 1 full ok', runId: 1, timestamp: expect.any(String) });
  expect(t.out()).toMatch(/^info\s+run 1 full ok runId=1/);
});

test('secrets never appear: Secret objects, SSWS tokens and password fields are redacted', async () => {
  const c = capture('json');
  const secret = new Secret('hunter2-very-secret', '${env:LDAP_PW}');
  c.log.error('bind failed', { password: 'hunter2-very-secret', header: 'Authorization: SSWS 00abcDEF123_xyz', cfg: { bindPassword: secret } });
  c.log.warn(`request with SSWS 00abcDEF123_xyz failed, password=hunter2-very-secret`);
  await new Promise((r) => setImmediate(r));
  expect(c.out()).not.toContain('hunter2-very-secret');
  expect(c.out()).not.toContain('00abcDEF123_xyz');
  expect(c.out()).toContain('[redacted');
  expect(String(secret)).toBe('[redacted]');
  expect(JSON.stringify({ s: secret })).toBe('{"s":"[redacted ${env:LDAP_PW}]"}');
});

test('scrub masks token headers and password assignments in free text', () => {
  expect(scrub('Authorization: SSWS 00abc.def-ghi')).toBe('Authorization: SSWS [redacted]');
  expect(scrub('{"password":"p@ss"}')).toBe('{"password":[redacted]}');
});

test('a key path of the configuration followed by prose (a config warning) is not a secret assignment', () => {
  expect(scrub('config.yaml:8:3: okta.token: the secret file /x has mode 0644')).toBe('config.yaml:8:3: okta.token: the secret file /x has mode 0644');
  expect(scrub('config.yaml:5:3: source.bindPassword: environment variable X is not set')).toBe(
    'config.yaml:5:3: source.bindPassword: environment variable X is not set',
  );
  expect(scrub('bindPassword: hunter2 token=abc unicodePwd: x')).toBe('bindPassword: [redacted] token=[redacted] unicodePwd: [redacted]');
});

describe('log.maskPii', () => {
  test('e-mails keep their first character and domain; DNs keep their shape with naming values masked', () => {
    expect(maskPii('login jane.doe@corp.example taken by uid=jdoe,ou=people,dc=example,dc=com (E0000001)')).toBe(
      'login j***@corp.example taken by uid=j***,ou=people,dc=example,dc=com (E0000001)',
    );
    expect(maskPii('quarantined cn=Jane Doe,ou=People,dc=corp,dc=example: missing mail')).toBe(
      'quarantined cn=J***,ou=People,dc=corp,dc=example: missing mail',
    );
    // escaped commas, multi-valued RDNs and AD's upper case
    expect(maskPii('dn="CN=Müller\\, Hans+uid=hmueller,OU=Staff,DC=ad,DC=example"')).toBe('dn="CN=M***+uid=h***,OU=Staff,DC=ad,DC=example"');
    // what support needs stays: anchors, counts, error codes, organisational units
    const plain = 'run 12 full ok: read 1000, quarantined 2; anchor 3f2a9c1e-0000-4000-8000-000000000001 ou=Sales,dc=corp E0000038';
    expect(maskPii(plain)).toBe(plain);
  });

  test('a logger with maskPii masks messages and person fields, nested profiles included; without it nothing is masked', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (d) => (out += d));
    const masked = createLogger({ level: 'info', format: 'json', stream, maskPii: true });
    const meta = {
      dn: 'uid=jdoe,ou=people,dc=example,dc=com',
      anchor: 'a-1',
      profile: { login: 'jdoe', firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com' },
      count: 3,
    };
    masked.warn('quarantined uid=jdoe,ou=people,dc=example,dc=com: login jane@example.com taken', meta);
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(out.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({
      message: 'quarantined uid=j***,ou=people,dc=example,dc=com: login j***@example.com taken',
      dn: 'uid=j***,ou=people,dc=example,dc=com',
      anchor: 'a-1',
      profile: { login: 'j***', firstName: 'J***', lastName: 'D***', email: 'j***@example.com' },
      count: 3,
    });
    expect(out).not.toMatch(/Jane|jdoe|jane@/);
    // the caller's object is not changed
    expect(meta.profile.firstName).toBe('Jane');

    out = '';
    createLogger({ level: 'info', format: 'json', stream }).warn('uid=jdoe,ou=people', { profile: { firstName: 'Jane' } });
    await new Promise((r) => setImmediate(r));
    expect(JSON.parse(out.trim())).toMatchObject({ message: 'uid=jdoe,ou=people', profile: { firstName: 'Jane' } });
  });

  test('maskValue: first character (a whole code point) and ***; e-mails keep the domain', () => {
    expect(maskValue('Ölaf')).toBe('Ö***');
    expect(maskValue('😀x')).toBe('😀***');
    expect(maskValue('a.b@corp.example')).toBe('a***@corp.example');
    expect(maskValue('')).toBe('');
  });
});
