import { createHash } from 'node:crypto';
import corpus from './corpus.json';
import { createRng, fillDigits, type Rng } from './random';

/**
 * A directory-neutral, deterministic population of people with realistic, messy data. The server-specific
 * builders (openldap.ts, ad.ts) turn it into entries. Messiness is assigned by index, so its proportions
 * do not depend on the seed: about a third of phone numbers are badly formatted, some people lack mail or
 * sn, some mails have stray spaces or capitals or are malformed or shared, some names are duplicated,
 * some CNs hold LDAP-special characters, some employee numbers repeat, some people are disabled.
 * Each person's `quirks` lists what is odd about it, so tests can pick their cases.
 */
export type Quirk =
  | 'bad-phone'
  | 'no-phone'
  | 'no-mail'
  | 'mail-spaces'
  | 'mail-case'
  | 'mail-personal'
  | 'mail-malformed'
  | 'mail-duplicate'
  | 'no-sn'
  | 'duplicate-name'
  | 'duplicate-employee-number'
  | 'no-employee-number'
  | 'special-dn'
  | 'last-first-cn'
  | 'non-latin'
  | 'diacritics'
  | 'apostrophe'
  | 'hyphen'
  | 'no-manager'
  | 'self-manager'
  | 'disabled'
  | 'contractor'
  | 'service-account'
  | 'title-spaces';

export interface Person {
  index: number;
  kind: 'employee' | 'contractor' | 'service';
  locale: string;
  /** ISO 3166 alpha-2 */
  country: string;
  countryName: string;
  givenName?: string;
  /** Missing for the 'no-sn' quirk and for service accounts. */
  sn?: string;
  /** The common name as stored (may hold , + " \ < > ; = # * ( ) and leading/trailing spaces). */
  cn: string;
  displayName: string;
  /** ASCII login name, unique, at most 20 characters (also the AD sAMAccountName). */
  uid: string;
  /** The mail value as stored (messy) — undefined when missing. */
  mail?: string;
  telephoneNumber?: string;
  mobile?: string;
  title?: string;
  department?: string;
  company: string;
  employeeNumber?: string;
  employeeType: string;
  city?: string;
  preferredLanguage?: string;
  /** Index of the manager in the people array. */
  managerIndex?: number;
  disabled: boolean;
  /** Meets AD complexity rules; used for enabled accounts. */
  password: string;
  description?: string;
  quirks: Quirk[];
}

export interface PeopleOptions {
  /** Number of people (service accounts come on top). */
  count: number;
  seed?: number;
  /** Service accounts appended after the people (default 4, at most 6). */
  serviceAccounts?: number;
  /** Mail domain (default example.com). */
  mailDomain?: string;
}

interface Locale {
  id: string;
  country: string;
  countryName: string;
  weight: number;
  familyFirst: boolean;
  cities: string[];
  given: string[];
  family: string[];
  phones: string[];
}

const LOCALES = corpus.locales as Locale[];
const SPECIAL_ASCII: Record<string, string> = {
  ß: 'ss',
  ø: 'o',
  Ø: 'O',
  ł: 'l',
  Ł: 'L',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  đ: 'd',
  Đ: 'D',
  ı: 'i',
  þ: 'th',
  Þ: 'Th',
  ð: 'd',
};

/** "native|ascii" → [native, ascii]; otherwise the ASCII form is the name without diacritics. */
export function splitName(entry: string): [string, string] {
  const [native, ascii] = entry.split('|') as [string, string | undefined];
  return [native, ascii ?? toAscii(native)];
}

export function toAscii(s: string): string {
  return s
    .replace(/[ßøØłŁæÆœŒđĐıþÞð]/g, (c) => SPECIAL_ASCII[c] ?? c)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

const nonLatin = (s: string): boolean => /[^\u0000-\u024f\u1e00-\u1eff]/.test(s);
const hasDiacritics = (s: string): boolean => /[^\u0000-\u007f]/.test(s) && !nonLatin(s);

/** The {SSHA} userPassword value of a password (deterministic salt). */
export function sshaHash(password: string, salt: Buffer): string {
  const digest = createHash('sha1').update(password).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}

function loginFor(given: string, family: string, taken: Set<string>): string {
  const clean = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const base = `${clean(given).slice(0, 1)}${clean(family)}`.slice(0, 16) || 'user';
  let uid = base;
  for (let n = 2; taken.has(uid); n++) uid = `${base}${n}`;
  taken.add(uid);
  return uid;
}

function mailLocal(given: string, family: string): string {
  return `${given}.${family}`
    .toLowerCase()
    .replace(/[\s']+/g, '')
    .replace(/[^a-z0-9.-]/g, '');
}

const SPECIAL_CNS: { quirk: string; cn: (p: { given: string; family: string; uid: string; mail: string }, rng: Rng) => string }[] = [
  { quirk: 'comma', cn: (p) => `${p.family}, ${p.given}` },
  { quirk: 'plus', cn: (p) => `${p.given} ${p.family}+Admin` },
  { quirk: 'quote', cn: (p) => `${p.given} "${p.given.slice(0, 3)}" ${p.family}` },
  { quirk: 'backslash', cn: (p) => `EXAMPLE\\${p.uid}` },
  { quirk: 'angle', cn: (p) => `${p.given} ${p.family} <${p.mail}>` },
  { quirk: 'semicolon', cn: (p) => `${p.family}; ${p.given}` },
  { quirk: 'equals', cn: (p, rng) => `${p.given} ${p.family} (ext=${rng.digits(4)})` },
  { quirk: 'hash', cn: (p) => `#${p.given} ${p.family}` },
  { quirk: 'leading-space', cn: (p) => ` ${p.given} ${p.family}` },
  { quirk: 'trailing-space', cn: (p) => `${p.given} ${p.family} ` },
  { quirk: 'asterisk', cn: (p) => `${p.given}* ${p.family}` },
  { quirk: 'parens', cn: (p) => `${p.given} ${p.family} (Contractor)` },
  { quirk: 'mixed', cn: (p) => `${p.family}, ${p.given} (IT) + "ops"` },
];

/** The special-CN variant (index into SPECIAL_CNS) a person gets, if any: spread out, all present once count >= 14. */
function specialSlot(i: number, count: number): number | undefined {
  const n = SPECIAL_CNS.length;
  if (count >= 14 + 7 * n) {
    const k = i - 14;
    return k >= 0 && k % 7 === 0 && k / 7 < n ? k / 7 : undefined;
  }
  // small populations: people 1..n (person 0 is the CEO)
  return i >= 1 && i <= n ? i - 1 : undefined;
}

function departmentCode(department: string): string {
  let h = 0;
  for (const c of department.toLowerCase().trim()) h = (h * 31 + c.charCodeAt(0)) % 9000;
  return String(1000 + h);
}

export function generatePeople(opts: PeopleOptions): Person[] {
  const count = opts.count;
  const rng = createRng(opts.seed ?? 42);
  const domain = opts.mailDomain ?? 'example.com';
  const taken = new Set<string>();
  const people: Person[] = [];
  const nameParts: [string, string, string, string][] = [];
  const exec = Math.min(9, count);
  const managersEnd = Math.min(count, Math.max(exec, Math.ceil(count / 12)));

  for (let i = 0; i < count; i++) {
    const quirks: Quirk[] = [];
    const locale = rng.weighted(LOCALES, (l) => l.weight);
    let [given, givenAscii] = splitName(rng.pick(locale.given));
    let [family, familyAscii] = splitName(rng.pick(locale.family));
    let loc = locale;
    // duplicate names: copy someone earlier
    if (i >= 31 && i % 31 === 15) {
      const other = people[i - 15];
      [given, givenAscii, family, familyAscii] = nameParts[i - 15];
      loc = LOCALES.find((l) => l.id === other.locale) ?? locale;
      quirks.push('duplicate-name');
    }
    const cjk = /^(zh|ko)/.test(loc.id);
    const displayName = loc.familyFirst ? (cjk ? `${family}${given}` : `${family} ${given}`) : `${given} ${family}`;
    const uid = loginFor(givenAscii, familyAscii, taken);
    const cleanMail = `${mailLocal(givenAscii, familyAscii)}${taken.has(`mail:${mailLocal(givenAscii, familyAscii)}`) ? rng.digits(2) : ''}@${domain}`;
    taken.add(`mail:${mailLocal(givenAscii, familyAscii)}`);
    if (nonLatin(given + family)) quirks.push('non-latin');
    else if (hasDiacritics(given + family)) quirks.push('diacritics');
    if ((given + family).includes("'")) quirks.push('apostrophe');
    if (/\S-\S/.test(given + ' ' + family)) quirks.push('hyphen');

    // kind and status
    const contractor = i >= exec && i % 9 === 8;
    if (contractor) quirks.push('contractor');
    const disabled = i >= exec && i % 12 === 6;
    if (disabled) quirks.push('disabled');

    // cn
    let cn = displayName;
    const slot = specialSlot(i, count);
    if (slot !== undefined) {
      const special = SPECIAL_CNS[slot];
      cn = special.cn({ given, family, uid, mail: cleanMail }, rng);
      quirks.push('special-dn');
    } else if (i >= exec && i % 25 === 12 && !loc.familyFirst) {
      cn = `${family}, ${given}`;
      quirks.push('last-first-cn');
    }

    // mail
    let mail: string | undefined = cleanMail;
    if (i % 17 === 5) {
      mail = undefined;
      quirks.push('no-mail');
    } else if (i % 13 === 3) {
      mail = rng.pick([` ${cleanMail}`, `${cleanMail} `, `  ${cleanMail}  `]);
      quirks.push('mail-spaces');
    } else if (i % 11 === 7) {
      mail = rng.pick([
        cleanMail.toUpperCase(),
        cleanMail.replace(/(^|\.)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase()).replace(`@${domain}`, '@Example.COM'),
      ]);
      quirks.push('mail-case');
    } else if (i % 19 === 9) {
      mail = `${givenAscii.toLowerCase().replace(/[^a-z]/g, '')}${rng.digits(4)}@${rng.pick(corpus.personalMailDomains)}`;
      quirks.push('mail-personal');
    } else if (i % 23 === 11) {
      const local = cleanMail.split('@')[0];
      mail = rng.pick([
        `${local}@examplecom`,
        `${local}(at)${domain}`,
        `${local}@@${domain}`,
        `${local.replace('.', ' ')}@${domain}`,
        `${local}@${domain}.`,
        `${local}`,
      ]);
      quirks.push('mail-malformed');
    } else if (i >= 29 && i % 29 === 13) {
      const other = people
        .slice(0, i)
        .reverse()
        .find((p) => p.mail && !p.quirks.some((q) => q.startsWith('mail-')));
      if (other?.mail) {
        mail = other.mail;
        quirks.push('mail-duplicate');
      }
    }

    // phones: exactly every third person has a badly formatted one
    let telephoneNumber: string | undefined;
    let mobile: string | undefined;
    if (i % 3 === 2) {
      telephoneNumber = fillDigits(rng, rng.pick(corpus.badPhones));
      quirks.push('bad-phone');
    } else if (i % 10 === 4) {
      quirks.push('no-phone');
    } else {
      telephoneNumber = fillDigits(rng, rng.pick(loc.phones));
      if (i % 4 === 1) mobile = fillDigits(rng, rng.pick(loc.phones));
    }

    // job
    const department = i === 0 ? 'Executive' : rng.pick(corpus.departments);
    const title = i === 0 ? 'CEO' : contractor ? rng.pick(['Contractor', 'QA Engineer (Contract)', 'Consultant']) : rng.pick(corpus.titles);
    if (title !== title.trim()) quirks.push('title-spaces');
    let employeeNumber: string | undefined = i % 7 === 0 ? String(10000 + i) : i % 5 === 0 ? `E-${String(10000 + i).padStart(6, '0')}` : `E${10000 + i}`;
    if (contractor) {
      employeeNumber = i % 2 ? undefined : `C-${rng.digits(4)}`;
      if (!employeeNumber) quirks.push('no-employee-number');
    } else if (i >= 37 && i % 37 === 18) {
      employeeNumber = people[i - 18].employeeNumber;
      quirks.push('duplicate-employee-number');
    }

    // manager hierarchy: 0 = CEO; 1..8 report to 0; managers report to executives; everyone else to a manager
    let managerIndex: number | undefined;
    if (i === 0) managerIndex = undefined;
    else if (i < exec) managerIndex = 0;
    else if (i < managersEnd) managerIndex = 1 + rng.int(exec - 1);
    else managerIndex = exec + rng.int(Math.max(1, managersEnd - exec));
    if (managerIndex !== undefined && managerIndex >= i) managerIndex = 0;
    if (i >= exec && i % 43 === 21) {
      managerIndex = undefined;
      quirks.push('no-manager');
    } else if (i === 33 && count > 33) {
      managerIndex = i;
      quirks.push('self-manager');
    }

    let sn: string | undefined = family;
    if (i >= exec && i % 41 === 20) {
      sn = undefined;
      quirks.push('no-sn');
    }

    const person: Person = {
      index: i,
      kind: contractor ? 'contractor' : 'employee',
      locale: loc.id,
      country: loc.country,
      countryName: loc.countryName,
      givenName: given,
      sn,
      cn,
      displayName: i % 47 === 30 ? `${displayName}  ` : displayName,
      uid,
      mail,
      telephoneNumber,
      mobile,
      title,
      department,
      company: contractor ? 'Acme Contracting Ltd' : rng.pick(corpus.companies.slice(0, 4)),
      employeeNumber,
      employeeType: disabled
        ? rng.pick(['Inactive', 'inactive', 'Terminated'])
        : contractor
          ? 'Contractor'
          : rng.pick(['Employee', 'Employee', 'employee', 'Full-Time']),
      city: rng.pick(loc.cities),
      preferredLanguage: i % 6 === 0 ? undefined : rng.pick([loc.id, loc.id.split('-')[0], loc.id.replace('-', '_')]),
      managerIndex,
      disabled,
      password: `Tq7!${rng.hex(8)}-Zx`,
      quirks,
    };
    nameParts.push([given, givenAscii, family, familyAscii]);
    people.push(person);
  }

  const services = corpus.serviceAccounts.slice(0, Math.min(6, opts.serviceAccounts ?? 4));
  services.forEach((s, k) => {
    const i = count + k;
    taken.add(s.uid);
    people.push({
      index: i,
      kind: 'service',
      locale: 'en-US',
      country: 'US',
      countryName: 'United States',
      cn: s.cn,
      displayName: s.cn,
      uid: s.uid,
      mail: k % 2 === 0 ? `${s.uid}@${domain}` : undefined,
      company: 'Example Corp',
      employeeType: 'Service',
      disabled: k === 3,
      password: `Svc!${rng.hex(10)}-Q9`,
      description: s.description,
      department: 'IT',
      quirks: ['service-account', ...(s.cn.startsWith('#') ? (['special-dn'] as Quirk[]) : []), ...(k === 3 ? (['disabled'] as Quirk[]) : [])],
    });
  });
  return people;
}

/** Canonical department (for grouping): trimmed, case-folded. */
export function departmentKey(department: string | undefined): string {
  return (department ?? 'none').trim().toLowerCase();
}

export { departmentCode };
