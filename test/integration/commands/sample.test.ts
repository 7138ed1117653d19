/**
 * `sample` on the harness's messy directory in a real slapd (a third of the phones badly
 * formatted, missing, malformed, shared and differently cased e-mails, repeated employee numbers,
 * LDAP-special CNs, Cyrillic, Greek, CJK, Hangul and Arabic names, disabled people, managers,
 * nested groups, a group with a dangling member; plus photos), through the CLI:
 *
 * - the problem proportions `preflight` reports on the 25% sample are within ±3 points of the
 *   directory's for every problem type of at least 1%, and every problem type is in the sample;
 * - no original name, e-mail, phone, employee number or DN component of three characters or more
 *   appears anywhere in the sample (words the configuration itself names excepted: they are the
 *   operator's, e.g. the `example.com` of a username template);
 * - the same key gives the same bytes; another key gives no pseudonym in common (both at 100%, so
 *   the entries line up one for one);
 * - every manager and member reference resolves inside the sample; nothing binary, no password,
 *   no attribute the configuration does not read;
 * - the sample loads into an empty slapd with `ldapadd -e relax` (anchors kept) and syncs into the
 *   simulator; `preflight --scale-from-sample` forecasts the directory's outcomes.
 *
 * Size: 2,000 people. Allocation is proportional per stratum, so a problem type's share in the
 * sample is off only by rounding (less than a user per stratum, spread evenly by the systematic
 * rounding) and by the units added to cover rare types (a handful): at 500 sampled users a user is
 * 0.2 points, so ±3 points leaves room for 15 users of error per type; measured, every type is
 * within 0.7 points. (Pure random sampling of 500 would put a 40% type at ±2.2 points for one
 * standard deviation: stratification is what makes a few thousand users enough.) The two-key
 * comparison samples a sixth of the people at 100%, so that entries line up one for one.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDn } from '../../../src/directory/dn';
import type { PreflightReport } from '../../../src/inspect/preflight';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { configLiterals } from '../../../src/sample/from-config';
import { foldRun } from '../../../src/sample/letters';
import type { SampleManifest } from '../../../src/sample/manifest';
import type { SampleSummary } from '../../../src/sample';
import type { SampleForecast } from '../../../src/sample/forecast';
import { buildOpenLdapDirectory, startSlapd, type SlapdServer } from '../../harness';
import { normalizeDn, parseLdif, type LdapEntry } from '../../harness/ldif';
import { cleanupEnv, cli, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir, sync } from '../../helpers/agent';

const USERS = 2000;
const dir = buildOpenLdapDirectory({ users: USERS, seed: 7 });
// a photo on every 20th person: binary values are never copied
for (const [i, u] of dir.users.entries()) {
  if (i % 20 === 3 && (u.attributes.objectClass as string[]).includes('inetOrgPerson')) u.attributes.jpegPhoto = Buffer.from(`JFIF-${i}`);
}
const PEOPLE_OU = `ou=people,${dir.baseDn}`;
const SERVICE_OU = `ou=service-accounts,${dir.baseDn}`;
const GROUPS_OU = `ou=groups,${dir.baseDn}`;

const TRANSFORMS = `
transforms:
  - name: service-accounts
    skip:
      if: "uid =~ /^(svc|sa)[-_]/"
      reason: "service account {uid}"
  - name: attributes
    map:
      firstName: "{givenName}"
      lastName: "{sn}"
      displayName: "{displayName | default(cn)}"
      email: "{mail}"
      primaryPhone: "{telephoneNumber}"
      mobilePhone: "{mobile}"
      employeeNumber: "{employeeNumber}"
      manager: "{manager | rdn}"
      title: "{title}"
      nickName: "{exists(jpegPhoto) ? 'photo' : 'none'}"
  - name: clean
    normalize:
      whitespace: { attributes: [displayName] }
      email: { attributes: [email], invalid: drop }
      phone: { attributes: [primaryPhone, mobilePhone], region: US, invalid: drop }
  - name: checks
    validate:
      required: [firstName, lastName, email]
      unique: [employeeNumber]
  - name: login
    username:
      templates: ["{profile.email}", "{uid | lower}@example.com"]
      suffix: { start: 2, max: 9 }
`;
/** Read; `l`, `employeeType` and `preferredLanguage` are read but no transform uses them. */
const ATTRIBUTES = [
  'uid',
  'givenName',
  'sn',
  'cn',
  'displayName',
  'mail',
  'telephoneNumber',
  'mobile',
  'employeeNumber',
  'manager',
  'title',
  'jpegPhoto',
  'l',
  'employeeType',
  'preferredLanguage',
];
const FILTER = '(|(objectClass=inetOrgPerson)(objectClass=account))';
/** The people whose uid starts with a, m or s: the two-key comparison at 100%. */
const SOME = '(&(|(objectClass=inetOrgPerson)(objectClass=account))(|(uid=a*)(uid=m*)(uid=s*)))';

let ldap: SlapdServer;
let sim: OktaSimulator;
const env = scenarioDir('sample');
const KEY1 = env.file('one.key', 'b3f1c0de5a9e4c7d8e6f0a1b2c3d4e5f\n');
const KEY2 = env.file('two.key', '0a9b8c7d6e5f40312f1e0d9c8b7a6958\n');

function directoryConfig(name: string, filter = FILTER): string {
  return env.file(
    `${name}.yaml`,
    [
      ldapSourceYaml({
        url: ldap.url,
        bindDn: ldap.serviceDn,
        password: ldap.servicePassword,
        baseDns: [PEOPLE_OU, SERVICE_OU],
        filter,
        attributes: ATTRIBUTES,
        extra: '    disabledFilter: "(shadowExpire=1)"',
      }),
      `groups:\n  baseDns: [${JSON.stringify(GROUPS_OU)}]\n  name: "{cn}"`,
      oktaYaml({ url: sim.url, token: sim.token }),
      TRANSFORMS,
      `state:\n  path: ${join(env.dir, `${name}.db`)}`,
    ].join('\n'),
  );
}

/** The configuration a rehearsal uses: the same, reading the sample. */
function sampleConfig(name: string, file: string, m: SampleManifest, source?: { url: string; bindDn: string; password: string }, okta = sim): string {
  const sourceYaml = source
    ? ldapSourceYaml({ ...source, baseDns: m.baseDns.users, filter: FILTER, attributes: ATTRIBUTES, extra: '    disabledFilter: "(shadowExpire=1)"' })
    : [
        'source:',
        '  type: ldif',
        `  path: ${file}`,
        '  users:',
        `    baseDns: ${JSON.stringify(m.baseDns.users)}`,
        `    filter: ${JSON.stringify(FILTER)}`,
        `    attributes: ${JSON.stringify(ATTRIBUTES)}`,
        '    disabledFilter: "(shadowExpire=1)"',
      ].join('\n');
  return env.file(
    `${name}.yaml`,
    [
      sourceYaml,
      `groups:\n  baseDns: ${JSON.stringify(m.baseDns.groups)}\n  name: "{cn}"`,
      oktaYaml({ url: okta.url, token: okta.token }),
      TRANSFORMS,
      `state:\n  path: ${join(env.dir, `${name}.db`)}`,
    ].join('\n'),
  );
}

async function sample(config: string, key: string, out: string, percent = 25): Promise<SampleSummary> {
  const r = await cli('sample', '-c', config, '--percent', String(percent), '--key-file', key, '--out', out, '--json');
  if (r.code !== 0) throw new Error(`sample exited ${r.code}:\n${r.err}\n${r.out}`);
  return JSON.parse(r.out) as SampleSummary;
}

async function preflight(config: string, ...extra: string[]): Promise<PreflightReport & { forecast?: SampleForecast }> {
  const r = await cli('preflight', '-c', config, '--json', '--examples', '0', ...extra);
  if (r.code !== 0 && r.code !== 6) throw new Error(`preflight exited ${r.code}:\n${r.err}`);
  return JSON.parse(r.out) as PreflightReport & { forecast?: SampleForecast };
}

let config: string;
let file1: string;
let summary: SampleSummary;
let entries: LdapEntry[];
let whole: PreflightReport;
let part: PreflightReport | undefined;
/** `preflight` of the sample file (once). */
const samplePreflight = async () => (part ??= await preflight(sampleConfig('rehearsal-ldif', file1, summary.manifest)));

beforeAll(async () => {
  ldap = await startSlapd({ seed: dir.entries });
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  config = directoryConfig('directory');
  file1 = join(env.dir, 'sample-1.ldif');
  summary = await sample(config, KEY1, file1);
  entries = parseLdif(readFileSync(file1, 'utf8'));
  whole = await preflight(config);
});
afterAll(async () => {
  await sim?.close();
  await ldap?.stop();
  env.cleanup();
  cleanupEnv();
});

const share = (r: PreflightReport, type: string) => (r.problems.find((p) => p.type === type)?.records ?? 0) / r.records.read;

test('the problem proportions preflight reports on the 25% sample are within ±3 points of the directory’s; every problem type is in the sample', async () => {
  const part = await samplePreflight();
  expect(whole.records.read).toBe(USERS + 5); // the people, 4 service accounts, the harness's service account
  expect(part.records.read).toBe(summary.manifest.users.sample);
  expect(part.records.read / whole.records.read).toBeCloseTo(0.25, 1);
  const types = whole.problems.map((p) => p.type);
  // the directory is as messy as promised
  expect(types).toEqual(
    expect.arrayContaining([
      'phone.invalid',
      'phone.normalized',
      'email.invalid',
      'email.normalized',
      'validate.required',
      'validate.unique',
      'username.conflict',
      'skipped',
    ]),
  );
  const compared: string[] = [];
  for (const t of types) {
    expect(part.problems.find((p) => p.type === t)?.records ?? 0).toBeGreaterThan(0);
    if (share(whole, t) < 0.01) continue;
    compared.push(t);
    expect({ type: t, off: Math.abs(share(part, t) - share(whole, t)) <= 0.03 }).toEqual({ type: t, off: true });
  }
  expect(compared.length).toBeGreaterThanOrEqual(6);
  // the sample has no problem type the directory does not
  expect(part.problems.map((p) => p.type).filter((t) => !types.includes(t))).toEqual([]);
});

/**
 * What a sample holds, decoded: every DN and value (base64 decoded), the record comments (stratum
 * and anchor), and the values of the manifest (its base DNs and suffix; not its own key names).
 */
function decoded(text: string): string {
  const lines = text.split('\n').filter((l) => l.startsWith('# sample-record: '));
  const manifest = /^# sample: (.*)$/m.exec(text);
  if (manifest) {
    const m = JSON.parse(manifest[1]) as SampleManifest;
    lines.push(m.suffix ?? '', ...m.baseDns.users, ...m.baseDns.groups);
  }
  for (const e of parseLdif(text)) {
    lines.push(e.dn);
    for (const [k, v] of Object.entries(e.attributes)) for (const x of v as (string | Buffer)[]) lines.push(`${k}: ${x.toString()}`);
  }
  return lines.join('\n');
}

/** The words the configuration itself names (kept in pseudonyms, so that its rules fire alike): not the directory's data. */
const literals = configLiterals([TRANSFORMS]);
const onlyConfigWords = (v: string) => (v.normalize('NFD').match(/[\p{L}\p{M}]+|\p{Nd}+/gu) ?? []).every((r) => literals.has(foldRun(r)));

/** Whether `value` occurs in `text` as a whole (not inside a longer run of letters or digits). */
function occurs(text: string, value: string): boolean {
  const word = /[\p{L}\p{M}\p{N}]/u;
  for (let i = text.indexOf(value); i >= 0; i = text.indexOf(value, i + 1)) {
    const before = i > 0 ? text[i - 1] : '';
    const after = text[i + value.length] ?? '';
    if (!(before && word.test(before)) && !(after && word.test(after))) return true;
  }
  return false;
}

test('no original name, e-mail, phone, employee number or DN component appears in the sample', () => {
  const text = decoded(readFileSync(file1, 'utf8'));
  const originals = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v !== 'string') return;
    for (const x of [v, v.trim()]) if ([...x.trim()].length >= 3 && !onlyConfigWords(x)) originals.add(x);
  };
  for (const e of dir.users) {
    for (const name of ['cn', 'givenName', 'sn', 'displayName', 'uid', 'mail', 'telephoneNumber', 'mobile', 'employeeNumber']) {
      const v = e.attributes[name];
      for (const x of Array.isArray(v) ? v : [v]) add(x);
    }
  }
  for (const e of [...dir.entries, { dn: PEOPLE_OU }, { dn: GROUPS_OU }, { dn: SERVICE_OU }])
    for (const rdn of parseDn(e.dn) ?? []) for (const ava of rdn) add(ava.value);
  expect(originals.size).toBeGreaterThan(USERS * 3);
  // A run of digits alone (an employee number such as 10315) is looked for where it could have been
  // copied to, the employee numbers: anywhere else it can be drawn by chance (seen: the pseudonymous
  // phone +91 19145 10315, whose groups are random digits).
  const employeeNumbers = text
    .split('\n')
    .filter((l) => /^employeenumber: /i.test(l))
    .join('\n');
  const found = [...originals].filter((v) => occurs(/^\p{Nd}+$/u.test(v) ? employeeNumbers : text, v));
  expect(found).toEqual([]);
  // and it is not for lack of content: the sample has names, mails and phones of every shape
  expect(text).toMatch(/\p{Script=Cyrillic}/u);
  expect(text).toMatch(/\p{Script=Han}/u);
  expect(text).toMatch(/@\S+\.invalid/);
});

test('the same key gives the same bytes; another key gives no pseudonym in common', async () => {
  const again = join(env.dir, 'sample-1-again.ldif');
  await sample(config, KEY1, again);
  expect(readFileSync(again).equals(readFileSync(file1))).toBe(true);

  // at 100% both samples hold every user in directory order: entry i of one is entry i of the other
  const some = directoryConfig('some', SOME);
  const all1 = join(env.dir, 'all-1.ldif');
  const all2 = join(env.dir, 'all-2.ldif');
  await sample(some, KEY1, all1, 100);
  const s2 = await sample(some, KEY2, all2, 100);
  const [a, b] = [all1, all2].map((f) => parseLdif(readFileSync(f, 'utf8')).filter((e) => e.attributes.uid));
  expect(a.length).toBe(s2.manifest.users.directory);
  expect(a.length).toBeGreaterThan(USERS / 8);
  expect(b.length).toBe(a.length);
  const replaced = /[\p{L}\p{N}]{3}/u; // values with something to replace (not "+", "-", "0")
  let compared = 0;
  const common: string[] = [];
  a.forEach((e, i) => {
    for (const name of ['cn', 'givenname', 'sn', 'uid', 'mail', 'telephonenumber', 'mobile', 'employeenumber', 'entryuuid']) {
      const x = e.attributes[name]?.toString();
      const y = b[i].attributes[name]?.toString();
      if (x === undefined || !replaced.test(x) || onlyConfigWords(x)) continue;
      compared++;
      if (x === y) common.push(`${name}: ${x}`);
    }
    if (e.dn === b[i].dn) common.push(e.dn);
  });
  expect(compared).toBeGreaterThan(a.length * 5);
  expect(common).toEqual([]);
});

test('every manager and member reference resolves inside the sample; no binary value, password or unread attribute', () => {
  const dns = new Set(entries.map((e) => normalizeDn(e.dn)));
  let managers = 0;
  let members = 0;
  for (const e of entries) {
    for (const m of (e.attributes.manager ?? []) as string[]) {
      managers++;
      expect(dns.has(normalizeDn(m))).toBe(true);
    }
    for (const m of (e.attributes.member ?? []) as string[]) {
      members++;
      expect(dns.has(normalizeDn(m))).toBe(true);
    }
  }
  expect(managers).toBeGreaterThan(summary.manifest.users.sample * 0.8);
  expect(members).toBeGreaterThan(summary.manifest.users.sample);
  // nested groups stay nested: okta-sync-nested still contains okta-sync-users (both are in the sample)
  const groups = entries.filter((e) => (e.attributes.objectclass as string[] | undefined)?.includes('groupOfNames'));
  expect(groups.some((g) => (g.attributes.member as string[]).some((m) => groups.some((h) => normalizeDn(h.dn) === normalizeDn(m))))).toBe(true);
  const names = new Set(entries.filter((e) => e.attributes.uid).flatMap((e) => Object.keys(e.attributes)));
  for (const never of ['jpegphoto', 'userpassword', 'l', 'employeetype', 'preferredlanguage']) expect(names.has(never)).toBe(false);
  expect(summary.write.droppedAttributes).toEqual(expect.arrayContaining(['l', 'employeetype', 'preferredlanguage']));
  expect(names.has('title')).toBe(true);
  expect(readFileSync(file1, 'utf8')).not.toMatch(/JFIF/);
  expect(summary.write.binaryAttributes).toEqual(['jpegphoto']);
  expect(summary.write.references.dropped).toBe(0);
  expect(summary.write.references.standIn).toBeGreaterThan(0);
});

test('the sample loads into an empty slapd with ldapadd, syncs into the simulator, and forecasts the directory', async () => {
  const m = summary.manifest;
  expect(m.suffix).not.toBeNull();
  const target = await startSlapd({ baseDn: m.suffix!, skeleton: false });
  const okta = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  try {
    execFileSync('ldapadd', ['-x', '-e', 'relax', '-H', target.url, '-D', target.bindDn, '-w', target.bindPassword, '-f', file1], { stdio: 'pipe' });
    const loaded = await target.search(m.suffix!, { filter: '(uid=*)', attributes: ['entryUUID'] });
    expect(loaded.length).toBe(m.users.sample);
    // the anchors are the sample's (relax): a rehearsal from the directory and from the file are the same users
    const anchors = new Set([...readFileSync(file1, 'utf8').matchAll(/^# sample-record: \d+ (\S+)$/gm)].map((x) => x[1]));
    expect(new Set(loaded.map((e) => String(e.entryUUID)))).toEqual(anchors);

    const cfg = sampleConfig('rehearsal-ldap', file1, m, { url: target.url, bindDn: target.bindDn, password: target.bindPassword }, okta);
    const expectedFromFile = await samplePreflight();
    // plan over the sample in the directory (matched by anchor): the whole migration's actions and requests
    const planned = await cli('plan', '-c', cfg, '--json', '--scale-from-sample', file1);
    expect(planned.code).toBe(0);
    const wholePlan = (JSON.parse(planned.out) as { wholeDirectory: SampleForecast }).wholeDirectory;
    expect(wholePlan.unmatched).toBe(0);
    const planned1 = (k: string) => wholePlan.rows.find((r) => r.key === k)!;
    expect(planned1('create').sample).toBe(expectedFromFile.records.create);
    expect(Math.abs(planned1('create').forecast - whole.records.create)).toBeLessThanOrEqual(whole.records.create * 0.03);
    expect(planned1('groupCreates').forecast).toBe(m.groups.sample);
    // the groups are created first and every user joins its groups with its create: no membership write is forecast
    expect(wholePlan.requests.buckets.map((b) => b.bucket)).toEqual(expect.arrayContaining(['users', 'groups']));
    expect(wholePlan.requests.rows.filter((r) => r.kind === 'group writes' && r.bucket === 'other')).toEqual([]);

    const run = await sync(cfg);
    expect(run.code).toBe(6); // some records are quarantined, as in the directory
    expect(run.report.counts.created).toBe(expectedFromFile.records.create);
    expect(okta.store.userCount).toBe(expectedFromFile.records.create);
    expect(run.report.groups).toMatchObject({ failed: 0 });
    expect(run.report.groups!.created).toBe(m.groups.sample);

    // the forecast from the sample is the directory's, within a few percent
    const f = (await preflight(sampleConfig('rehearsal-forecast', file1, m), '--scale-from-sample')).forecast!;
    expect(f.unmatched).toBe(0);
    const row = (k: string) => f.rows.find((r) => r.key === k)!.forecast;
    expect(row('users')).toBe(whole.records.read);
    for (const fate of ['create', 'quarantine', 'skip'] as const) {
      expect(Math.abs(row(fate) - whole.records[fate])).toBeLessThanOrEqual(Math.max(3, whole.records[fate] * 0.03));
    }
    expect(f.requests.buckets.find((b) => b.bucket === 'users')!.requests).toBe(row('create'));
    expect(f.requests.seconds).toBeGreaterThan(0);
  } finally {
    await okta.close();
    await target.stop();
  }
});

test('usage errors: a missing or short key file, a percentage out of range, a suffix that is not a DN, a forecast without a sample file', async () => {
  const out = join(env.dir, 'never.ldif');
  expect((await cli('sample', '-c', config, '--percent', '25', '--key-file', join(env.dir, 'nope.key'), '--out', out)).code).toBe(2);
  expect((await cli('sample', '-c', config, '--percent', '0', '--key-file', KEY1, '--out', out)).code).toBe(2);
  expect((await cli('sample', '-c', config, '--percent', '25', '--key-file', KEY1, '--out', out, '--suffix', 'not a dn')).code).toBe(2);
  writeFileSync(join(env.dir, 'short.key'), 'too short');
  expect((await cli('sample', '-c', config, '--percent', '25', '--key-file', join(env.dir, 'short.key'), '--out', out)).code).toBe(2);
  const r = await cli('preflight', '-c', config, '--scale-from-sample');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/--scale-from-sample needs the sample file/);
});
