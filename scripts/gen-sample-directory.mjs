#!/usr/bin/env node
/**
 * Generates config/demo/directory.ldif: the demo's sample directory, an OpenLDAP `dc=example,dc=com`
 * as `slapcat` would export it (operational attributes, memberOf, base64 for non-ASCII values, lines
 * folded at 78 columns), with about 250 people with realistic, messy data:
 *   - about a third of the phone numbers badly formatted ("n/a", "ext. 1234", "1-800-FLOWERS", …),
 *     the rest in many national and international formats
 *   - missing mail, mail with stray spaces or capitals, personal or malformed addresses, shared mailboxes
 *   - two people without sn (a Unix-only account+posixAccount entry, an account+extensibleObject import)
 *   - duplicate display names, duplicate employee numbers, someone who is their own manager
 *   - diacritics, apostrophes, hyphens, Cyrillic, Greek, CJK, Arabic
 *   - DNs with LDAP-special characters (, + " \ < > ; # leading/trailing space, = * ( ))
 *   - disabled people (employeeType Inactive/Terminated, shadowExpire), contractors, service accounts,
 *     nested groups, a group with a member that no longer exists
 * Deterministic: the same script always writes the same file. Name and phone pools come from
 * test/harness/builders/corpus.json (shared with the test data builders).
 *
 * Usage: node scripts/gen-sample-directory.mjs            (writes config/demo/directory.ldif)
 *        node scripts/gen-sample-directory.mjs --stdout
 *        node scripts/gen-sample-directory.mjs --check    (exit 1 if the committed file is out of date)
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'config', 'demo', 'directory.ldif');
const corpus = JSON.parse(readFileSync(path.join(ROOT, 'test', 'harness', 'builders', 'corpus.json'), 'utf8'));

const PEOPLE = 250;
const BASE = 'dc=example,dc=com';
const ADMIN = `cn=admin,${BASE}`;
const MAIL_DOMAIN = 'example.com';

// ---------------------------------------------------------------------------------------------------
// deterministic randomness

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = mulberry32(20240611);
const int = (n) => Math.floor(rnd() * n);
const pick = (list) => list[int(list.length)];
const digits = (n) => Array.from({ length: n }, () => String(int(10))).join('');
const fill = (pattern) => pattern.replace(/\{(\d+)\}/g, (_m, n) => digits(Number(n)));
const weighted = (list, w) => {
  let r = rnd() * list.reduce((s, x) => s + w(x), 0);
  for (const x of list) if ((r -= w(x)) < 0) return x;
  return list[list.length - 1];
};

// ---------------------------------------------------------------------------------------------------
// names

const SPECIAL_ASCII = { ß: 'ss', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', đ: 'd', Đ: 'D', ı: 'i', þ: 'th', Þ: 'Th', ð: 'd' };
const toAscii = (s) =>
  s
    .replace(/[ßøØłŁæÆœŒđĐıþÞð]/g, (c) => SPECIAL_ASCII[c])
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
const splitName = (entry) => {
  const [native, ascii] = entry.split('|');
  return [native, ascii ?? toAscii(native)];
};
const taken = new Set();
function login(given, family) {
  const clean = (s) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const base = `${clean(given).slice(0, 1)}${clean(family)}`.slice(0, 16) || 'user';
  let uid = base;
  for (let n = 2; taken.has(uid); n++) uid = `${base}${n}`;
  taken.add(uid);
  return uid;
}
const mailLocal = (given, family) =>
  `${given}.${family}`
    .toLowerCase()
    .replace(/[\s']+/g, '')
    .replace(/[^a-z0-9.-]/g, '');

// RFC 4514 escaping of a DN attribute value
function escapeDn(v) {
  let out = '';
  [...v].forEach((c, i, all) => {
    if (',+"\\<>;'.includes(c)) out += `\\${c}`;
    else if (i === 0 && (c === ' ' || c === '#')) out += `\\${c}`;
    else if (i === all.length - 1 && c === ' ') out += '\\ ';
    else out += c;
  });
  return out;
}

// people with a CN holding LDAP-special characters (legacy entries named by cn=)
const SPECIAL = new Map([
  [14, (p) => `${p.family}, ${p.given}`],
  [21, (p) => `${p.given} ${p.family}+Admin`],
  [28, (p) => `${p.given} "${p.given.slice(0, 3)}" ${p.family}`],
  [35, (p) => `EXAMPLE\\${p.uid}`],
  [42, (p) => `${p.given} ${p.family} <${p.cleanMail}>`],
  [49, (p) => `${p.family}; ${p.given}`],
  [56, (p) => `${p.given} ${p.family} (ext=${digits(4)})`],
  [63, (p) => `#${p.given} ${p.family}`],
  [70, (p) => ` ${p.given} ${p.family}`],
  [77, (p) => `${p.given} ${p.family} `],
  [84, (p) => `${p.given}* ${p.family}`],
  [91, (p) => `${p.given} ${p.family} (Contractor)`],
  [98, (p) => `${p.family}, ${p.given} (IT) + "ops"`],
]);
const NO_SN_UNIX = 57;
const NO_SN_IMPORT = 133;
const SELF_MANAGER = 33;

// ---------------------------------------------------------------------------------------------------
// people

const EXEC = 9;
const MANAGERS_END = Math.ceil(PEOPLE / 12);
const people = [];
const nameParts = [];
for (let i = 0; i < PEOPLE; i++) {
  let loc = weighted(corpus.locales, (l) => l.weight);
  let [given, givenAscii] = splitName(pick(loc.given));
  let [family, familyAscii] = splitName(pick(loc.family));
  if (i >= 31 && i % 31 === 15) {
    [given, givenAscii, family, familyAscii] = nameParts[i - 15];
    loc = corpus.locales.find((l) => l.id === people[i - 15].locale);
  }
  nameParts.push([given, givenAscii, family, familyAscii]);
  const cjk = /^(zh|ko)/.test(loc.id);
  const displayName = loc.familyFirst ? (cjk ? `${family}${given}` : `${family} ${given}`) : `${given} ${family}`;
  const uid = login(givenAscii, familyAscii);
  const localPart = mailLocal(givenAscii, familyAscii);
  const cleanMail = `${localPart}${taken.has(`mail:${localPart}`) ? digits(2) : ''}@${MAIL_DOMAIN}`;
  taken.add(`mail:${localPart}`);
  const contractor = i >= EXEC && i % 9 === 8;
  const disabled = i >= EXEC && i % 12 === 6;
  const p = { i, locale: loc.id, given, family, asciiName: `${givenAscii} ${familyAscii}`, uid, displayName, cleanMail, contractor, disabled };

  p.cn = SPECIAL.has(i) ? SPECIAL.get(i)(p) : i >= EXEC && i % 25 === 12 && !loc.familyFirst ? `${family}, ${given}` : displayName;
  p.byCn = p.cn !== displayName;

  if (i % 17 === 5) p.mail = undefined;
  else if (i % 13 === 3) p.mail = pick([` ${cleanMail}`, `${cleanMail} `, `  ${cleanMail}  `]);
  else if (i % 11 === 7)
    p.mail = pick([cleanMail.toUpperCase(), cleanMail.replace(/(^|\.)([a-z])/g, (_m, d, c) => d + c.toUpperCase()).replace(`@${MAIL_DOMAIN}`, '@Example.COM')]);
  else if (i % 19 === 9) p.mail = `${givenAscii.toLowerCase().replace(/[^a-z]/g, '')}${digits(4)}@${pick(corpus.personalMailDomains)}`;
  else if (i % 23 === 11)
    p.mail = pick([`${localPart}@examplecom`, `${localPart}(at)${MAIL_DOMAIN}`, `${localPart}@@${MAIL_DOMAIN}`, `${localPart}@${MAIL_DOMAIN}.`]);
  else if (i >= 29 && i % 29 === 13) p.mail = 'sales@example.com';
  else p.mail = cleanMail;

  if (i % 3 === 2) p.telephoneNumber = fill(pick(corpus.badPhones));
  else if (i % 10 !== 4) {
    p.telephoneNumber = fill(pick(loc.phones));
    if (i % 4 === 1) p.mobile = fill(pick(loc.phones));
  }

  p.department = i === 0 ? 'Executive' : pick(corpus.departments);
  p.title = i === 0 ? 'CEO' : contractor ? pick(['Contractor', 'QA Engineer (Contract)', 'Consultant']) : pick(corpus.titles);
  p.employeeNumber = contractor
    ? i % 2
      ? undefined
      : `C-${digits(4)}`
    : i % 7 === 0
      ? String(10000 + i)
      : i % 5 === 0
        ? `E-${String(10000 + i).padStart(6, '0')}`
        : `E${10000 + i}`;
  if (!contractor && i >= 37 && i % 37 === 18) p.employeeNumber = people[i - 18].employeeNumber;
  p.employeeType = disabled
    ? pick(['Inactive', 'inactive', 'Terminated'])
    : contractor
      ? 'Contractor'
      : pick(['Employee', 'Employee', 'employee', 'Full-Time']);
  p.o = contractor ? 'Acme Contracting Ltd' : pick(corpus.companies.slice(0, 4));
  p.l = pick(loc.cities);
  p.preferredLanguage = i % 6 === 0 ? undefined : pick([loc.id, loc.id.split('-')[0], loc.id.replace('-', '_')]);
  if (i === 0) p.managerIndex = undefined;
  else if (i < EXEC) p.managerIndex = 0;
  else if (i < MANAGERS_END) p.managerIndex = 1 + int(EXEC - 1);
  else p.managerIndex = EXEC + int(MANAGERS_END - EXEC);
  if (i >= EXEC && i % 43 === 21) p.managerIndex = undefined;
  if (i === SELF_MANAGER) p.managerIndex = i;
  p.posix = i % 4 === 0 || i === NO_SN_UNIX;
  p.password = `${pick(['Summer', 'Winter', 'Welcome', 'Example'])}${2019 + int(6)}!${digits(2)}`;
  if (i % 47 === 30) p.displayName = `${displayName}  `;
  people.push(p);
}
// DNs: legacy entries by cn=, the rest by uid=; a second person with the same cn gets a uid= DN
const usedDns = new Set();
for (const p of people) {
  let dn = p.byCn ? `cn=${escapeDn(p.cn)},ou=people,${BASE}` : `uid=${escapeDn(p.uid)},ou=people,${BASE}`;
  if (usedDns.has(dn.toLowerCase())) dn = `uid=${escapeDn(p.uid)},ou=people,${BASE}`;
  usedDns.add(dn.toLowerCase());
  p.dn = dn;
}
const dnOf = (p) => p.dn;

// ---------------------------------------------------------------------------------------------------
// entries (in creation order, as slapcat lists them)

const entries = [];
const add = (dn, attrs) => {
  const e = { dn, attrs, memberOf: [] };
  entries.push(e);
  return e;
};
add(BASE, [
  ['objectClass', 'top'],
  ['objectClass', 'dcObject'],
  ['objectClass', 'organization'],
  ['dc', 'example'],
  ['o', 'Example Corp'],
]);
for (const ou of ['people', 'groups', 'service-accounts'])
  add(`ou=${ou},${BASE}`, [
    ['objectClass', 'top'],
    ['objectClass', 'organizationalUnit'],
    ['ou', ou],
  ]);

const ssha = (password) => {
  const salt = Buffer.from(digits(8), 'utf8').subarray(0, 4);
  return `{SSHA}${Buffer.concat([createHash('sha1').update(password).update(salt).digest(), salt]).toString('base64')}`;
};
const deptCode = (d) => {
  let h = 0;
  for (const c of d.toLowerCase().trim()) h = (h * 31 + c.charCodeAt(0)) % 9000;
  return String(1000 + h);
};

const byDn = new Map();
for (const p of people) {
  const a = [];
  const put = (k, v) => v !== undefined && String(v).trim() !== '' && a.push([k, v]);
  if (p.i === NO_SN_UNIX) {
    for (const oc of ['top', 'account', 'posixAccount', 'shadowAccount']) a.push(['objectClass', oc]);
    put('uid', p.uid);
    put('cn', p.cn);
    put('description', `${p.displayName.trim()} (build farm login, created by hand)`);
    put('gecos', p.asciiName);
  } else if (p.i === NO_SN_IMPORT) {
    for (const oc of ['top', 'account', 'extensibleObject']) a.push(['objectClass', oc]);
    put('uid', p.uid);
    put('cn', p.cn);
    put('givenName', p.given);
    put('mail', p.mail ?? p.cleanMail);
    put('telephoneNumber', p.telephoneNumber);
    put('description', 'imported from the 2019 HR CSV; no surname in source');
  } else {
    for (const oc of ['top', 'person', 'organizationalPerson', 'inetOrgPerson']) a.push(['objectClass', oc]);
    if (p.posix) a.push(['objectClass', 'posixAccount']);
    if (p.posix && p.disabled) a.push(['objectClass', 'shadowAccount']);
    put('uid', p.uid);
    put('cn', p.cn);
    put('sn', p.family);
    put('givenName', p.given);
    put('displayName', p.displayName);
    put('mail', p.mail);
    put('telephoneNumber', p.telephoneNumber);
    put('mobile', p.mobile);
    put('title', p.title);
    put('ou', p.department);
    put('departmentNumber', deptCode(p.department));
    put('employeeNumber', p.employeeNumber);
    put('employeeType', p.employeeType);
    put('o', p.o);
    put('l', p.l);
    put('preferredLanguage', p.preferredLanguage);
    if (p.managerIndex !== undefined) put('manager', dnOf(people[p.managerIndex]));
    if (p.disabled) put('description', `Disabled ${2019 + (p.i % 5)}-0${1 + (p.i % 9)}-1${p.i % 10} per HR ticket ${digits(5)}`);
  }
  if (p.posix) {
    put('uidNumber', String(10000 + p.i));
    put('gidNumber', p.contractor ? '10001' : '10000');
    put('homeDirectory', `/home/${p.uid}`);
    put('loginShell', p.disabled ? '/usr/sbin/nologin' : p.i % 8 === 0 ? '/bin/zsh' : '/bin/bash');
    if (p.disabled) put('shadowExpire', '1');
  }
  if (!p.disabled) put('userPassword', ssha(p.password));
  byDn.set(dnOf(p), add(dnOf(p), a));
}

const services = corpus.serviceAccounts.map((s, k) => {
  const dn = `uid=${escapeDn(s.uid)},ou=service-accounts,${BASE}`;
  const a =
    k % 2
      ? [
          ['objectClass', 'top'],
          ['objectClass', 'account'],
          ['objectClass', 'simpleSecurityObject'],
          ['uid', s.uid],
          ['description', s.description],
          ['userPassword', ssha(`svc-${k}`)],
        ]
      : [
          ['objectClass', 'top'],
          ['objectClass', 'person'],
          ['objectClass', 'organizationalPerson'],
          ['objectClass', 'inetOrgPerson'],
          ['uid', s.uid],
          ['cn', s.cn],
          ['sn', 'Service'],
          ['description', s.description],
          ['employeeType', 'Service'],
          ...(k === 0 ? [['mail', `${s.uid}@${MAIL_DOMAIN}`]] : []),
          ['userPassword', ssha(`svc-${k}`)],
        ];
  byDn.set(dn, add(dn, a));
  return dn;
});
add(`uid=svc-okta-sync,ou=service-accounts,${BASE}`, [
  ['objectClass', 'top'],
  ['objectClass', 'account'],
  ['objectClass', 'simpleSecurityObject'],
  ['uid', 'svc-okta-sync'],
  ['description', 'Okta sync agent (read-only)'],
  ['userPassword', ssha('okta-sync')],
]);

const group = (cn, members, description) => {
  const dn = `cn=${escapeDn(cn)},ou=groups,${BASE}`;
  const e = add(dn, [
    ['objectClass', 'top'],
    ['objectClass', 'groupOfNames'],
    ['cn', cn],
    ...(description ? [['description', description]] : []),
    ...members.map((m) => ['member', m]),
  ]);
  byDn.set(dn, e);
  for (const m of members) byDn.get(m)?.memberOf.push(dn);
  return dn;
};
const humans = people.filter((p) => p.i !== NO_SN_UNIX && p.i !== NO_SN_IMPORT);
group('All Staff', humans.filter((p) => !p.disabled).map(dnOf), 'Every active employee and contractor');
group('Engineering', people.filter((p) => /engineer|r&d|recherche/i.test(p.department)).map(dnOf));
group('Sales', people.filter((p) => /sales|vertrieb/i.test(p.department)).map(dnOf));
const okta = group('okta-users', people.filter((p) => p.i % 2 === 0).map(dnOf), 'Users provisioned to Okta');
group('okta-admins', [dnOf(people[1]), dnOf(people[2]), services[0]], 'Okta administrators');
group('okta-all', [okta, dnOf(people[3])], 'okta-users plus exceptions (nested group)');
group('Admins, IT', people.filter((p) => p.i % 15 === 1).map(dnOf));
group('R&D Team (Ünïcödé ✓)', people.filter((p) => p.i % 10 === 3).map(dnOf));
group('former-employees', people.filter((p) => p.disabled).map(dnOf), 'Disabled accounts kept for audit');
group('stale-members', [`uid=departed.user,ou=people,${BASE}`, dnOf(people[5])], 'Has a member that no longer exists');

// ---------------------------------------------------------------------------------------------------
// operational attributes and LDIF output

const NODE = '5254001a2b3c';
let clock = Date.UTC(2019, 2, 4, 9, 12, 0);
const END = Date.UTC(2024, 10, 29, 17, 0, 0);
const stamp = (ms) => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
const csn = (ms, micros) => `${stamp(ms)}.${String(micros).padStart(6, '0')}Z#000000#000#000000`;
const uuid = (ms, seq) => {
  const ts = (BigInt(ms) + 12219292800000n) * 10000n + BigInt(seq % 10000);
  const hex = (v, n) => v.toString(16).padStart(n, '0');
  const timeLow = hex(ts & 0xffffffffn, 8);
  const timeMid = hex((ts >> 32n) & 0xffffn, 4);
  const timeHi = hex(((ts >> 48n) & 0x0fffn) | 0x1000n, 4);
  return `${timeLow}-${timeMid}-${timeHi}-${hex(0x8000 | (seq & 0x3fff), 4)}-${NODE}`;
};
const STRUCTURAL = ['inetOrgPerson', 'account', 'groupOfNames', 'organizationalUnit', 'organization'];
const structural = (classes) => STRUCTURAL.find((c) => classes.includes(c));
let maxCsn = '';
entries.forEach((e, n) => {
  clock += n < 5 ? 1000 : int(12 * 24 * 3600 * 1000);
  const created = Math.min(clock, END - 3600 * 1000);
  const modified = n > 4 && rnd() < 0.55 ? Math.min(END, created + int(700 * 24 * 3600 * 1000)) : created;
  const micros = int(1000000);
  e.op = [
    ['structuralObjectClass', structural(e.attrs.filter(([k]) => k === 'objectClass').map(([, v]) => v))],
    ['entryUUID', uuid(created, n * 7 + 1)],
    ['creatorsName', ADMIN],
    ['createTimestamp', `${stamp(created)}Z`],
    ['entryCSN', csn(modified, micros)],
    ['modifiersName', ADMIN],
    ['modifyTimestamp', `${stamp(modified)}Z`],
  ];
  const c = csn(modified, micros);
  if (c > maxCsn) maxCsn = c;
});
entries[0].op.push(['contextCSN', maxCsn]);

const SAFE = /^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/;
const line = (k, v) => {
  const binary = k === 'userPassword';
  const needs64 = binary || (v !== '' && (!SAFE.test(v) || v.endsWith(' ')));
  return needs64 ? `${k}:: ${Buffer.from(v, 'utf8').toString('base64')}` : `${k}: ${v}`;
};
// slapcat folds at 78 columns: the first line 78 characters, continuation lines a space plus 77
const fold = (l) => {
  if (l.length <= 78) return l;
  const out = [l.slice(0, 78)];
  for (let i = 78; i < l.length; i += 77) out.push(` ${l.slice(i, i + 77)}`);
  return out.join('\n');
};
const ldif = [
  '# Sample directory for the ldap-okta-sync demo: a slapcat export of dc=example,dc=com.',
  '# Generated by scripts/gen-sample-directory.mjs (deterministic); regenerate instead of editing.',
  '',
  ...entries.map(
    (e) => `${[line('dn', e.dn), ...[...e.attrs, ...e.op, ...e.memberOf.map((m) => ['memberOf', m])].map(([k, v]) => line(k, v))].map(fold).join('\n')}\n`,
  ),
].join('\n');

const args = process.argv.slice(2);
if (args.includes('--stdout')) process.stdout.write(ldif);
else if (args.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUT, 'utf8');
  } catch {
    // missing
  }
  if (current !== ldif) {
    console.error(`${path.relative(ROOT, OUT)} is out of date: run node scripts/gen-sample-directory.mjs`);
    process.exit(1);
  }
} else {
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(OUT, ldif);
  console.error(`wrote ${path.relative(ROOT, OUT)}: ${entries.length} entries (${PEOPLE} people, ${services.length + 1} service accounts)`);
}
