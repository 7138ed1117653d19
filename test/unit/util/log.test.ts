import { PassThrough } from 'node:stream';
import { Secret } from '../../../src/util/secret';
import { createLogger, scrub } from '../../../src/util/log';

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
