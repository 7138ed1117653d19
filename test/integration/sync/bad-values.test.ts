/**
 * Issue 9 items 1 and 2, through a whole sync (LDIF source, the simulator): a value that is not
 * UTF-8 in a text attribute quarantines its record with a reason naming the attribute (only the
 * declared binary attributes hold bytes); control characters, bidirectional overrides and values
 * longer than Okta takes quarantine the record whatever the transforms say. Nothing of it reaches
 * Okta; the other records sync.
 */
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { cleanupEnv, FAST_LIMITS, scenarioDir, sync } from '../../helpers/agent';
import { ldifAgentConfig } from '../../helpers/ldif-scenario';

let sim: OktaSimulator;
const env = scenarioDir('bad-values');

beforeAll(async () => {
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
});
afterAll(async () => {
  await sim?.close();
  env.cleanup();
  cleanupEnv();
});

/** One inetOrgPerson as LDIF lines; `lines` replace or add attribute lines. */
function entry(uid: string, n: number, lines: string[] = []): string[] {
  const names = new Set(lines.map((l) => l.split(':')[0].toLowerCase()));
  const base = [`uid: ${uid}`, `cn: ${uid}`, 'sn: Tester', 'givenName: Pat', `mail: ${uid}@example.com`].filter(
    (l) => !names.has(l.split(':')[0].toLowerCase()),
  );
  return [
    `dn: uid=${uid},ou=people,dc=example,dc=com`,
    'objectClass: inetOrgPerson',
    ...base,
    ...lines,
    `entryUUID: 0b9d3c1e-0000-4000-8000-${String(n).padStart(12, '0')}`,
    '',
  ];
}

const ldifText = (...entries: string[][]) => ['version: 1', '', ...entries.flat()].join('\n');
const b64 = (s: string | Buffer) => (Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8')).toString('base64');

function quarantined(statePath: string): Map<string, { step: string; reason: string; linked: boolean }> {
  const s = StateStore.open(statePath, { readonly: true });
  try {
    return new Map(
      s.users.quarantined().map((r) => [r.dn.split(',')[0], { step: r.quarantine!.step, reason: r.quarantine!.reason, linked: r.oktaId !== null }]),
    );
  } finally {
    s.close();
  }
}

const ATTRIBUTES = ['uid', 'cn', 'sn', 'givenName', 'mail', 'title', 'postalAddress', 'jpegPhoto'];
const TRANSFORMS = `
transforms:
  - map:
      login: "{mail}"
      email: "{mail}"
      firstName: "{givenName}"
      lastName: "{sn}"
      title: "{title}"
      displayName: "{cn}"
      postalAddress: "{postalAddress}"
  - validate:
      oktaLimits: false
`;

test('item 1: a value that is not UTF-8 in a text attribute quarantines its record, naming the attribute; declared binary attributes keep their bytes', async () => {
  const latin1 = Buffer.from('Ren\xe9 M\xfcller', 'latin1');
  const text = ldifText(entry('good', 1, ['jpegPhoto:: /9j/4AAQSkZJRgABAQ==']), entry('badb64', 2, ['sn:: QmFk//5VVEY4ww==']), entry('badraw', 3));
  // a plain (not base64) value with ISO-8859-1 bytes, as some exports write them
  const raw = Buffer.concat([Buffer.from(text.replace('cn: badraw', 'cn: @@'), 'utf8')]);
  const at = raw.indexOf('@@');
  const ldif = Buffer.concat([raw.subarray(0, at), latin1, raw.subarray(at + 2)]);
  const { file, statePath, dir } = ldifAgentConfig(env, 'utf8', {
    okta: sim,
    transforms: TRANSFORMS,
    attributes: ATTRIBUTES,
  });
  require('node:fs').writeFileSync(`${dir}/directory.ldif`, ldif);
  const { code, report } = await sync(file);
  expect(code).toBe(6);
  expect(report.counts.created).toBe(1);
  const q = quarantined(statePath);
  expect([...q.keys()].sort()).toEqual(['uid=badb64', 'uid=badraw']);
  expect(q.get('uid=badb64')).toMatchObject({ step: 'directory', reason: expect.stringMatching(/^sn: a value is not valid UTF-8 .*binaryAttributes/) });
  expect(q.get('uid=badraw')).toMatchObject({ step: 'directory', reason: expect.stringMatching(/^cn: a value is not valid UTF-8/) });
  expect(sim.store.userCount).toBe(1);
  expect(JSON.stringify(sim.requests.writes())).not.toContain('QmFk//5VVEY4ww==');
});

test('item 1: a linked user whose value turns into bytes is quarantined under its own anchor and stays linked, not missing', async () => {
  const { file, statePath, dir } = ldifAgentConfig(env, 'utf8-linked', {
    okta: sim,
    transforms: TRANSFORMS,
    attributes: ATTRIBUTES,
    ldif: ldifText(entry('linked', 1)),
  });
  expect((await sync(file)).code).toBe(0);
  require('node:fs').writeFileSync(`${dir}/directory.ldif`, ldifText(entry('linked', 1, ['sn:: QmFk//5VVEY4ww=='])));
  const { code, report } = await sync(file);
  expect(code).toBe(6);
  expect(report.counts.missing ?? 0).toBe(0);
  expect(quarantined(statePath).get('uid=linked')).toMatchObject({ step: 'directory', linked: true, reason: expect.stringMatching(/^sn: /) });
});

test('item 2: control characters, bidirectional overrides and oversized values are quarantined whatever the transforms say', async () => {
  const { file, statePath } = ldifAgentConfig(env, 'limits', {
    okta: sim,
    transforms: TRANSFORMS,
    attributes: ATTRIBUTES,
    ldif: ldifText(
      entry('nul', 1, [`title:: ${b64('Chief\u0000Officer')}`]),
      entry('bell', 2, [`sn:: ${b64('Tes\u0007ter')}`]),
      entry('rlo', 3, [`cn:: ${b64('Ann \u202Egnp.exe')}`]),
      entry('huge', 4, [`title: ${'x'.repeat(100 * 1024)}`]),
      entry('longname', 5, [`sn: ${'y'.repeat(51)}`]),
      entry('fine', 6, [`postalAddress:: ${b64('1 Main St\nSpringfield\tUSA')}`, `title:: ${b64('Ingénieure 技術')}`]),
    ),
  });
  const { code, report } = await sync(file);
  expect(code).toBe(6);
  expect(report.counts.created).toBe(1);
  const q = quarantined(statePath);
  expect([...q.keys()].sort()).toEqual(['uid=bell', 'uid=huge', 'uid=longname', 'uid=nul', 'uid=rlo']);
  // characters: the pipeline's last step; lengths: Okta's user schema (the simulator's: base attributes)
  expect(q.get('uid=nul')).toMatchObject({
    step: 'okta-characters',
    reason: expect.stringMatching(/^title contains U\+0000 \(a control character\) at character 6/),
  });
  expect(q.get('uid=bell')).toMatchObject({ step: 'okta-characters', reason: expect.stringMatching(/^lastName contains U\+0007 \(a control character\)/) });
  expect(q.get('uid=rlo')).toMatchObject({
    step: 'okta-characters',
    reason: expect.stringMatching(/^displayName contains U\+202E \(RIGHT-TO-LEFT OVERRIDE\)/),
  });
  expect(q.get('uid=huge')).toMatchObject({ step: 'okta-schema', reason: expect.stringMatching(/^title: 102400 characters, more than the 4096 /) });
  expect(q.get('uid=longname')).toMatchObject({
    step: 'okta-schema',
    reason: expect.stringMatching(/^lastName: 51 characters, more than the 50 \(maxLength\)/),
  });
  const written = JSON.stringify(sim.requests.writes());
  expect(written).not.toMatch(/\\u0000|\\u0007|\u202E|xxxxxxxxxx/);
  expect(sim.store.userCount).toBeGreaterThanOrEqual(1);
});
