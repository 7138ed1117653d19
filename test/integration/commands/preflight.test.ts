/**
 * `preflight` against a real slapd loaded with the harness's messy people (a third of the phones
 * badly formatted, missing and malformed e-mails, repeated employee numbers and e-mails, people
 * without sn, service accounts) and the Okta simulator through the SDK: the counts per problem type
 * match what the data builder says it generated, examples carry before/after, the CSV holds every
 * problem row (quoted, formula-safe), Okta receives only GETs, and the state is left as it was.
 *
 * Expected counts are computed from the built entries with the config's rules (which attributes are
 * required, which must be unique, the username candidates); the builder's quirks say which people
 * must show up under which problem. Phone validity is not a quirk (a "bad" phone such as
 * "415/555/1234" is a fine US number once normalised; a good French national number is not a US
 * one): the expected phone counts use the agent's `toE164` on each stored value.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { normalizeLogin } from '../../../src/okta/profile';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import type { PreflightReport, ProblemSummary } from '../../../src/inspect/preflight';
import { toE164 } from '../../../src/transform/text/phone';
import { buildOpenLdapDirectory, startSlapd, type SlapdServer } from '../../harness';
import type { Person } from '../../harness/builders/people';
import type { LdapEntry } from '../../harness/ldif';
import { cleanupEnv, cli, FAST_LIMITS, ldapSourceYaml, oktaYaml, scenarioDir, sync } from '../../helpers/agent';

const dir = buildOpenLdapDirectory({ users: 200, seed: 42, groups: false });
const PEOPLE_OU = `ou=people,${dir.baseDn}`;
const SERVICE_OU = `ou=service-accounts,${dir.baseDn}`;
const ATTRIBUTES = ['uid', 'givenName', 'sn', 'mail', 'telephoneNumber', 'mobile', 'employeeNumber'];
/** inetOrgPerson people, and the Unix-only (no sn) people and service accounts that are `account`s. */
const FILTER = '(|(objectClass=inetOrgPerson)(objectClass=account))';

const MESSY_TRANSFORMS = `
transforms:
  - name: service-accounts
    skip:
      if: "uid =~ /^(svc|sa)[-_]/"
      reason: "service account {uid}"
  - name: attributes
    map:
      firstName: "{givenName}"
      lastName: "{sn}"
      email: "{mail}"
      primaryPhone: "{telephoneNumber}"
      mobilePhone: "{mobile}"
      employeeNumber: "{employeeNumber}"
  - name: clean
    normalize:
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

let ldap: SlapdServer;
/** uid → DN as the server returns it (escaping forms differ from the builder's). */
const serverDn = new Map<string, string>();
const sims: OktaSimulator[] = [];
const env = scenarioDir('preflight');

beforeAll(async () => {
  ldap = await startSlapd({ seed: dir.users });
  for (const e of await ldap.search(dir.baseDn, { filter: '(uid=*)', attributes: ['uid'] })) serverDn.set(String(e.uid), e.dn);
  for (const x of expected) x.dn = serverDn.get(x.uid)!;
});
afterAll(async () => {
  for (const s of sims) await s.close();
  await ldap?.stop();
  env.cleanup();
  cleanupEnv();
});

async function simulator(): Promise<OktaSimulator> {
  const s = await startOktaSimulator({ rateLimits: FAST_LIMITS });
  sims.push(s);
  return s;
}

function config(name: string, o: { sim: OktaSimulator; transforms: string; match?: 'none' | 'login'; filter?: string; state: string }): string {
  return env.file(
    `${name}.yaml`,
    [
      ldapSourceYaml({
        url: ldap.url,
        bindDn: ldap.serviceDn,
        password: ldap.servicePassword,
        baseDns: [PEOPLE_OU, SERVICE_OU],
        filter: o.filter ?? FILTER,
        attributes: ATTRIBUTES,
      }),
      oktaYaml({ url: o.sim.url, token: o.sim.token, match: o.match }),
      o.transforms,
      `state:\n  path: ${o.state}`,
    ].join('\n'),
  );
}

// ---- what the built data says -------------------------------------------------------------

const one = (e: LdapEntry, name: string): string | undefined => {
  const v = e.attributes[name];
  return Array.isArray(v) ? v[0] : (v as string | undefined);
};

interface Expected {
  person: Person;
  dn: string;
  uid: string;
  skipped: boolean;
  /** The e-mail after normalisation; null when missing or dropped as invalid. */
  email: string | null;
  emailNormalized: boolean;
  emailInvalid: boolean;
  missing: string[];
  phones: { attribute: string; raw: string; e164: string | null }[];
  employeeNumber?: string;
}

const expected: Expected[] = dir.people.map((person, i) => {
  const e = dir.users[i];
  const uid = one(e, 'uid')!;
  const mail = one(e, 'mail');
  const norm = mail?.trim().toLowerCase();
  const emailInvalid = mail !== undefined && person.quirks.includes('mail-malformed');
  const phones = (
    [
      ['primaryPhone', one(e, 'telephoneNumber')],
      ['mobilePhone', one(e, 'mobile')],
    ] as const
  ).flatMap(([attribute, raw]) => (raw === undefined ? [] : [{ attribute, raw, e164: toE164(raw, 'US').e164 }]));
  const x: Expected = {
    person,
    dn: '', // as the server returns it (beforeAll)
    uid,
    skipped: /^(svc|sa)[-_]/.test(uid),
    email: norm !== undefined && !emailInvalid ? norm : null,
    emailNormalized: mail !== undefined && norm !== mail,
    emailInvalid,
    missing: [],
    phones,
    employeeNumber: one(e, 'employeeNumber'),
  };
  if (!one(e, 'givenName')) x.missing.push('firstName');
  if (!one(e, 'sn')) x.missing.push('lastName');
  if (!x.email) x.missing.push('email');
  return x;
});
const inScope = expected.filter((x) => !x.skipped);

/** validate.unique: the first holder (directory order) of an employee number keeps it. */
const holders = new Map<string, Expected>();
const uniqueFailed = new Set<Expected>();
for (const x of inScope) {
  if (x.missing.length || x.employeeNumber === undefined) continue;
  if (holders.has(x.employeeNumber)) uniqueFailed.add(x);
  else holders.set(x.employeeNumber, x);
}
const passing = inScope.filter((x) => !x.missing.length && !uniqueFailed.has(x));

/** Logins a first import would give: the e-mail, else uid@example.com, else a suffix on the e-mail. */
function usernames(takenInOkta: readonly string[]) {
  const taken = new Set(takenInOkta.map(normalizeLogin));
  const conflicts = new Map<Expected, string>();
  for (const x of passing) {
    const first = x.email!;
    let login = first;
    if (taken.has(normalizeLogin(first))) {
      login = `${x.uid.toLowerCase()}@example.com`;
      for (let n = 2; taken.has(normalizeLogin(login)); n++) login = first.replace('@', `${n}@`);
      conflicts.set(x, login);
    }
    taken.add(normalizeLogin(login));
  }
  return conflicts;
}

const byType = (r: PreflightReport, type: string): ProblemSummary | undefined => r.problems.find((p) => p.type === type);
const neutralised = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
type CsvRecord = Record<string, string>;

// ---------------------------------------------------------------------------------------------

test('messy directory: counts per problem type match the data, examples have before/after, the CSV has every problem row, Okta only GETs, no state', async () => {
  const sim = await simulator();
  // Okta already holds some logins: P1's e-mail (ACTIVE); P2's e-mail (STAGED) and uid@ login (DEPROVISIONED)
  const unique = passing.filter((x) => passing.filter((y) => y.email === x.email).length === 1 && x.person.index > 20);
  const [p1, p2] = unique;
  const oktaHeld = [p1.email!, p2.email!, `${p2.uid}@example.com`];
  sim.store.seedUser({ status: 'ACTIVE', profile: { login: oktaHeld[0], email: oktaHeld[0], firstName: 'Okta', lastName: 'One' } });
  sim.store.seedUser({ status: 'STAGED', profile: { login: oktaHeld[1], email: oktaHeld[1], firstName: 'Okta', lastName: 'Two' } });
  sim.store.seedUser({ status: 'DEPROVISIONED', profile: { login: oktaHeld[2], email: oktaHeld[2], firstName: 'Okta', lastName: 'Three' } });
  const usersBefore = sim.store.userCount;

  const state = join(env.dir, 'messy-state.db');
  const file = config('messy', { sim, transforms: MESSY_TRANSFORMS, state });
  const csvFile = join(env.dir, 'problems.csv');
  sim.requests.reset();
  const t0 = Date.now();
  const run = await cli('preflight', '-c', file, '--json', '--csv', csvFile, '--examples', '3');
  const tookMs = Date.now() - t0;
  expect(run.err).not.toMatch(/error/i);
  const r = JSON.parse(run.out) as PreflightReport;

  // --- nothing written: Okta got only the reads of a first mirror (its org, every user: one page) and one read of the user schema, the state file was not created
  const requests = sim.requests.log();
  expect(sim.requests.writes()).toEqual([]);
  expect(sim.counts()).toEqual({ 'GET /.well-known/okta-organization': 1, 'GET /api/v1/users': 1, 'GET /api/v1/meta/schemas/user/{id}': 1 });
  expect(r.okta).toMatchObject({ requests: requests.length, writes: 0, mirror: { users: usersBefore, full: true } });
  expect(sim.store.userCount).toBe(usersBefore);
  expect(existsSync(state)).toBe(false);
  expect(readdirSync(env.dir).filter((f) => f.startsWith('messy-state'))).toEqual([]); // no -wal, no -shm either
  expect(r.state).toMatchObject({ exists: false, users: 0 });

  // --- records and fates
  const services = dir.people.filter((p) => p.quirks.includes('service-account'));
  const conflicts = usernames(oktaHeld);
  const quarantined = inScope.length - passing.length;
  expect(r.records.read).toBe(dir.people.length + 1); // + the skeleton's service account
  expect(r.records.skip).toBe(services.length + 1);
  expect(r.records.quarantine).toBe(quarantined);
  expect(r.records.create).toBe(passing.length);
  expect(r.quarantinedByStep).toEqual([{ step: 'checks', records: quarantined }]);
  expect(r.skippedByStep).toEqual([{ step: 'service-accounts', records: services.length + 1 }]);
  expect(run.code).toBe(6); // some records would be quarantined

  // --- counts per problem type
  const sum = (xs: Expected[], f: (x: Expected) => number) => xs.reduce((n, x) => n + f(x), 0);
  const withMissing = inScope.filter((x) => x.missing.length);
  const badPhones = inScope.filter((x) => x.phones.some((p) => p.e164 === null));
  const rewrittenPhones = inScope.filter((x) => x.phones.some((p) => p.e164 !== null && p.e164 !== p.raw));
  const counts = Object.fromEntries(r.problems.map((p) => [p.type, [p.records, p.occurrences]]));
  expect(counts).toEqual({
    skipped: [services.length + 1, services.length + 1],
    'validate.required': [withMissing.length, sum(withMissing, (x) => x.missing.length)],
    'validate.unique': [uniqueFailed.size, uniqueFailed.size],
    'email.invalid': [inScope.filter((x) => x.emailInvalid).length, inScope.filter((x) => x.emailInvalid).length],
    'email.normalized': [inScope.filter((x) => x.emailNormalized).length, inScope.filter((x) => x.emailNormalized).length],
    'phone.invalid': [badPhones.length, sum(inScope, (x) => x.phones.filter((p) => p.e164 === null).length)],
    'phone.normalized': [rewrittenPhones.length, sum(inScope, (x) => x.phones.filter((p) => p.e164 !== null && p.e164 !== p.raw).length)],
    'username.conflict': [conflicts.size, conflicts.size],
  });
  expect(byType(r, 'email.invalid')!.bySeverity).toEqual({ dropped: inScope.filter((x) => x.emailInvalid).length });
  expect(byType(r, 'validate.required')!.bySeverity).toEqual({ quarantine: sum(withMissing, (x) => x.missing.length) });
  expect(byType(r, 'username.conflict')!.bySeverity).toEqual({ resolved: conflicts.size });
  // the data really is messy: every kind of problem is there more than once
  for (const t of ['validate.required', 'validate.unique', 'email.invalid', 'phone.invalid', 'username.conflict'])
    expect(byType(r, t)!.records).toBeGreaterThan(1);

  // --- examples: bounded, with before/after
  for (const p of r.problems) expect(p.examples).toHaveLength(Math.min(3, p.occurrences));
  for (const ex of byType(r, 'phone.invalid')!.examples) {
    const x = expected.find((y) => y.dn === ex.dn)!;
    expect(x.phones).toContainEqual({ attribute: ex.attribute, raw: ex.before, e164: null });
    expect(ex).toMatchObject({ after: null, severity: 'dropped', step: 'clean' });
  }
  for (const ex of byType(r, 'email.normalized')!.examples) {
    expect(typeof ex.before).toBe('string');
    expect(ex.after).toBe((ex.before as string).trim().toLowerCase());
  }

  // --- the CSV: every problem row (fixes apart), quoted, formula-safe
  const raw = readFileSync(csvFile, 'utf8');
  expect(raw.startsWith('\uFEFF')).toBe(true);
  expect(
    raw
      .replace(/"[^"]*"/g, '')
      .split('\n')
      .slice(0, -1)
      .every((l) => l.endsWith('\r')),
  ).toBe(true);
  const rows = parse<CsvRecord>(raw, { bom: true, columns: true, relax_quotes: false });
  expect(Object.keys(rows[0])).toEqual(['dn', 'anchor', 'login', 'outcome', 'problem', 'severity', 'step', 'attribute', 'before', 'after', 'message']);
  const problemRows = r.problems.filter((p) => p.type !== 'phone.normalized' && p.type !== 'email.normalized');
  expect(rows).toHaveLength(problemRows.reduce((n, p) => n + p.occurrences, 0));
  expect(r.csv).toEqual({ path: csvFile, rows: rows.length, includesFixes: false });
  for (const p of problemRows) expect(rows.filter((x) => x.problem === p.type)).toHaveLength(p.occurrences);
  // no cell a spreadsheet would run as a formula; neutralised cells keep their text after a quote
  for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  const plusPhone = rows.find((x) => x.problem === 'phone.invalid' && x.before.startsWith("'+"));
  expect(plusPhone).toBeDefined();
  // the first rows of each type are the examples, cell for cell (commas, quotes, escaped DNs survive the round trip)
  for (const p of problemRows) {
    const first = rows.filter((x) => x.problem === p.type).slice(0, p.examples.length);
    expect(first.map((x) => [x.dn, x.anchor, x.severity, x.step, x.attribute, x.before, x.after, x.message])).toEqual(
      p.examples.map((e) => [
        e.dn,
        e.anchor,
        e.severity,
        e.step,
        e.attribute ?? '',
        neutralised(e.before === undefined || e.before === null ? '' : String(e.before)),
        neutralised(e.after === undefined || e.after === null ? '' : String(e.after)),
        neutralised(e.message),
      ]),
    );
  }
  const csvDns = new Set(rows.map((x) => x.dn));
  expect([...csvDns].some((d) => d.includes('\\,') || d.includes('\\2C'))).toBe(true); // a CN with a comma, quoted in the CSV

  // --- the quirks land where they should
  const rowsOf = (type: string) => rows.filter((x) => x.problem === type);
  const dnsOf = (type: string) => new Set(rowsOf(type).map((x) => x.dn.toLowerCase()));
  const lower = (x: Expected) => x.dn.toLowerCase();
  expect(inScope.every((x) => x.dn)).toBe(true);
  const quirky = (q: Person['quirks'][number]) => inScope.filter((x) => x.person.quirks.includes(q));
  expect(new Set(rowsOf('skipped').map((x) => x.dn))).toEqual(new Set([...services.map((p) => serverDn.get(p.uid)!), ldap.serviceDn]));
  expect(dnsOf('email.invalid')).toEqual(new Set(quirky('mail-malformed').map(lower)));
  for (const x of [...quirky('no-mail'), ...quirky('mail-malformed')])
    expect(rowsOf('validate.required').some((row) => row.dn.toLowerCase() === lower(x) && row.attribute === 'email')).toBe(true);
  for (const x of quirky('no-sn'))
    expect(rowsOf('validate.required').some((row) => row.dn.toLowerCase() === lower(x) && row.attribute === 'lastName')).toBe(true);
  // (the Unix-only 'no-sn' entries carry no phone)
  const badPhone = quirky('bad-phone').filter((x) => !x.person.quirks.includes('no-sn'));
  expect(badPhone.length).toBeGreaterThan(inScope.length / 4);
  const phoneRowDns = new Set([...dnsOf('phone.invalid')]);
  for (const x of badPhone) {
    const p = x.phones.find((ph) => ph.attribute === 'primaryPhone')!;
    // every badly formatted phone was either dropped (CSV row) or rewritten into E.164 (a fix)
    expect(p.e164 === null ? phoneRowDns.has(lower(x)) : p.e164 !== p.raw).toBe(true);
  }
  const dupNumbers = quirky('duplicate-employee-number').filter((x) => x.employeeNumber !== undefined && !x.missing.length);
  expect(dupNumbers.length).toBeGreaterThan(0);
  for (const x of dupNumbers) {
    const original = expected[x.person.index - 18];
    if (original.missing.length) continue;
    expect(dnsOf('validate.unique').has(lower(x)) || dnsOf('validate.unique').has(lower(original))).toBe(true);
  }
  // people sharing an e-mail: all but one (whichever claimed it first) get uid@example.com
  const sameMail = new Map<string, Expected[]>();
  for (const x of passing) sameMail.set(x.email!, [...(sameMail.get(x.email!) ?? []), x]);
  const shared = [...sameMail.entries()].filter(([, xs]) => xs.length > 1);
  expect(shared.length).toBeGreaterThan(0);
  for (const [mail, xs] of shared) {
    const resolved = rowsOf('username.conflict').filter((c) => c.before === mail);
    expect(resolved).toHaveLength(xs.length - 1);
    for (const row of resolved) {
      const x = xs.find((y) => lower(y) === row.dn.toLowerCase())!;
      expect(row).toMatchObject({
        after: `${x.uid.toLowerCase()}@example.com`,
        login: `${x.uid.toLowerCase()}@example.com`,
        severity: 'resolved',
        outcome: 'create',
      });
      expect(row.message).toMatch(/claimed in this run by /);
    }
  }
  // the builder's mail-duplicate people are among them
  for (const x of quirky('mail-duplicate').filter((y) => passing.includes(y))) expect(shared.some(([mail]) => mail === x.email)).toBe(true);
  expect(rowsOf('username.conflict').find((c) => c.before === p1.email)!.message).toMatch(/held by Okta user \S+ \(ACTIVE\)/);
  expect(rowsOf('username.conflict').find((c) => c.before === p2.email)).toMatchObject({ after: p2.email!.replace('@', '2@') });

  // --- the readable report
  const text = await cli('preflight', '-c', file);
  expect(text.code).toBe(6);
  expect(text.out).toContain('Nothing was written to Okta or to the state.');
  expect(text.out).toMatch(new RegExp(`would be created\\s+${passing.length}\\n`));
  expect(text.out).toMatch(
    new RegExp(`missing required attribute\\s+validate\\.required\\s+${withMissing.length}\\s+${sum(withMissing, (x) => x.missing.length)}\\s+quarantine`),
  );
  expect(text.out).toMatch(/invalid phone number\s+phone\.invalid\s+\d+\s+\d+\s+dropped \d+/);
  expect(text.out).toMatch(/username conflict \(username\.conflict\)/);
  expect(text.out).toMatch(/"[^"]+" → ∅ \(dropped\)/);
  expect(existsSync(state)).toBe(false);
  expect(sim.requests.writes()).toEqual([]);
  console.log(`preflight of ${r.records.read} records: ${tookMs} ms, ${requests.length} Okta GETs`);
});

test('logins mapped directly: conflicts with Okta users (status, link or quarantine per okta.match), duplicates within the directory; an existing state is left byte for byte', async () => {
  const sim = await simulator();
  const transforms = `
transforms:
  - name: service-accounts
    skip:
      if: "uid =~ /^(svc|sa)[-_]/"
      reason: "service account {uid}"
  - name: attributes
    map:
      login: "{mail | trim | lower}"
      email: "{mail | trim | lower}"
      firstName: "{givenName}"
      lastName: "{sn}"
  - name: checks
    validate:
      required: [login, firstName, lastName]
      email: [login]
`;
  const state = join(env.dir, 'direct-state.db');
  // a first sync of the people whose uid starts with 'a' makes a state (and Okta users)
  const first = config('direct-first', { sim, transforms, state, filter: '(&(objectClass=inetOrgPerson)(uid=a*))' });
  const synced = await sync(first);
  expect(synced.report.counts.created).toBeGreaterThan(0);

  const valid = inScope.filter((x) => x.email && x.person.quirks.every((q) => q !== 'no-sn') && !x.uid.startsWith('a'));
  const uniqueMail = valid.filter((x) => valid.filter((y) => y.email === x.email).length === 1);
  const [active, gone] = uniqueMail;
  const activeUser = sim.store.seedUser({ status: 'ACTIVE', profile: { login: active.email!, email: active.email!, firstName: 'Was', lastName: 'Here' } });
  const goneUser = sim.store.seedUser({ status: 'DEPROVISIONED', profile: { login: gone.email!, email: gone.email!, firstName: 'Long', lastName: 'Gone' } });
  const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
  const before = hash(state);
  const files = readdirSync(env.dir)
    .filter((f) => f.startsWith('direct-state'))
    .sort();

  const check = async (match: 'login' | 'none') => {
    const file = config(`direct-${match}`, { sim, transforms, state, match });
    sim.requests.reset();
    const run = await cli('preflight', '-c', file, '--json', '--examples', '50');
    const r = JSON.parse(run.out) as PreflightReport;
    expect(sim.requests.writes()).toEqual([]);
    expect(hash(state)).toBe(before);
    // (a read-only SQLite connection to a WAL database leaves an empty -wal and a -shm index behind: no content)
    for (const f of readdirSync(env.dir).filter((f) => f.startsWith('direct-state') && !files.includes(f))) {
      expect(f).toMatch(/-(wal|shm)$/);
      if (f.endsWith('-wal')) expect(readFileSync(join(env.dir, f))).toHaveLength(0);
    }
    return r;
  };

  const linking = await check('login');
  expect(linking.state).toMatchObject({ exists: true, linked: synced.report.counts.created });
  expect(linking.records.unchanged).toBe(synced.report.counts.created);
  expect(linking.oktaConflicts).toEqual({ total: 2, link: 1, quarantine: 1, byStatus: { ACTIVE: 1, DEPROVISIONED: 1 } });
  expect(linking.records.link).toBe(1);
  const conflicts = byType(linking, 'okta.conflict')!.examples;
  expect(conflicts).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        dn: active.dn,
        login: active.email,
        severity: 'resolved',
        message: `Okta user ${activeUser.id} (ACTIVE) exists, matched by login: it is linked and what differs is updated`,
      }),
      expect.objectContaining({
        dn: gone.dn,
        login: gone.email,
        severity: 'quarantine',
        message: expect.stringContaining(`Okta user ${goneUser.id} (login "${gone.email}", matched by login) is deactivated`),
      }),
    ]),
  );
  // two directory records with the same e-mail: the second is quarantined by the plan
  const firstOf = new Map<string, Expected>();
  let duplicates = 0;
  for (const x of inScope) {
    if (!x.email || x.missing.includes('firstName') || x.missing.includes('lastName')) continue;
    if (firstOf.has(x.email)) duplicates++;
    else firstOf.set(x.email, x);
  }
  expect(duplicates).toBeGreaterThan(0);
  expect(byType(linking, 'login.duplicate')).toMatchObject({ records: duplicates, bySeverity: { quarantine: duplicates } });
  expect(byType(linking, 'login.duplicate')!.examples[0].message).toMatch(/^login ".+" is already used by .+ \(anchor .+\)$/);

  const strict = await check('none');
  expect(strict.oktaConflicts).toMatchObject({ total: 2, link: 0, quarantine: 2 });
  expect(byType(strict, 'okta.conflict')!.examples.find((e) => e.dn === active.dn)!.message).toBe(
    `login "${active.email}" already exists in Okta (Okta user ${activeUser.id} (ACTIVE)) and no okta.match rule links it to this record`,
  );
  expect(strict.records.quarantine).toBe(linking.records.quarantine + 1);
});

test("Okta refuses the token while the username step checks a login: exit 5 with Okta's error code, not an internal error", async () => {
  const sim = await simulator();
  const file = config('revoked', { sim, transforms: MESSY_TRANSFORMS, state: join(env.dir, 'revoked-state.db') });
  const revoked = env.file('revoked-token.yaml', readFileSync(file, 'utf8').replace(/token: \$\{env:[A-Z0-9_]+\}/, `token: \${env:LOS_PREFLIGHT_REVOKED}`));
  process.env.LOS_PREFLIGHT_REVOKED = 'revoked-token-123';
  const r = await cli('preflight', '-c', revoked);
  delete process.env.LOS_PREFLIGHT_REVOKED;
  expect(r.code).toBe(5);
  expect(r.err).toMatch(/Okta authentication error: .*E0000011/);
  expect(r.err).not.toContain('revoked-token-123');
  expect(r.err).not.toMatch(/TransformRunError|\n\s+at /);
  expect(sim.requests.writes()).toEqual([]);
});

test('a CSV path that cannot be written: exit 2 before anything is read', async () => {
  const sim = await simulator();
  const file = config('badcsv', { sim, transforms: MESSY_TRANSFORMS, state: join(env.dir, 'badcsv-state.db') });
  const r = await cli('preflight', '-c', file, '--csv', join(env.dir, 'no', 'such', 'dir', 'p.csv'));
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/cannot write .*p\.csv: ENOENT/);
  expect(sim.requests.log()).toEqual([]);
});
