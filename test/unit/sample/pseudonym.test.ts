/**
 * Keyed pseudonyms keep what the transforms look at (script, case, marks, length, white space and
 * punctuation, e-mail shape and domain class, phone validity class, identifier prefixes, anchor
 * layout), keep duplicates duplicates (also across case and accents) and make none, never equal
 * an original run, keep the words the configuration names, and change with the key.
 */
import { SampleKey, Bloom } from '../../../src/sample/keyed';
import { Pseudonymizer, originalRuns } from '../../../src/sample/pseudonym';
import { phoneClassifier } from '../../../src/sample/from-config';
import { isEmail } from '../../../src/transform/text/email';
import { toE164 } from '../../../src/transform/text/phone';
import { StateStore } from '../../../src/state/store';

const stores: StateStore[] = [];
afterAll(() => stores.forEach((s) => s.close()));

function pseudonymizer(opts: { key?: string; originals?: string[]; literals?: string[]; keepDomains?: string[] } = {}): Pseudonymizer {
  const store = StateStore.open(':memory:', { readonly: true });
  stores.push(store);
  const bloom = new Bloom(16);
  for (const v of opts.originals ?? []) for (const r of originalRuns(v)) bloom.add(`r:${r}`);
  return new Pseudonymizer({
    key: new SampleKey(Buffer.from(opts.key ?? 'a test key of 32 characters long')),
    originals: bloom,
    runs: store.sampleSpool(),
    keepDomains: new Set(opts.keepDomains ?? []),
    phoneClass: phoneClassifier(['US']),
    literals: new Set(opts.literals ?? []),
  });
}

/** The shape of a text: each letter's script and case, digits, everything else as it is. */
function shape(s: string): string {
  return [...s.normalize('NFD')]
    .map((c) => {
      if (/\p{M}/u.test(c)) return 'M';
      if (/\p{Nd}/u.test(c)) return '9';
      if (/\p{Lu}/u.test(c)) return `U${/\p{Script=Latin}/u.test(c) ? (c < '\x80' ? 'a' : 'x') : 'o'}`;
      if (/\p{Ll}/u.test(c)) return `L${/\p{Script=Latin}/u.test(c) ? (c < '\x80' ? 'a' : 'x') : 'o'}`;
      if (/\p{L}/u.test(c)) return (['Han', 'Hangul', 'Arabic', 'Hiragana'].find((s) => new RegExp(`\\p{Script=${s}}`, 'u').test(c)) ?? 'L').slice(0, 2);
      return c;
    })
    .join('|');
}

test('text keeps script, case, marks, length and punctuation, and changes every letter run', () => {
  const p = pseudonymizer();
  for (const v of [
    'John Smith',
    "O'Brien, Seán (IT)",
    ' Leading and trailing ',
    'Дмитрий Иванов',
    'Γιώργος Παπαδόπουλος',
    '王伟',
    '김민준',
    'محمد العلي',
    'Łukasz Wróblewski',
    'Smith+Admin "ops" #1 <x>',
    'Jürgen  Müller', // two spaces (whitespace.normalized stays a finding)
  ]) {
    const out = p.text(v);
    expect(shape(out)).toBe(shape(v));
    expect([...out.normalize('NFD')].length).toBe([...v.normalize('NFD')].length);
    expect(out === out.normalize('NFC')).toBe(v === v.normalize('NFC'));
    for (const run of v.match(/\p{L}{3,}/gu) ?? []) expect(out).not.toContain(run);
  }
  // NFD input stays NFD (unicode.normalized stays a finding)
  const nfd = 'Jose\u0301';
  expect(p.text(nfd)).not.toBe(p.text(nfd).normalize('NFC'));
});

test('duplicates stay duplicates across case and accents; different runs never share a pseudonym', () => {
  const p = pseudonymizer();
  const [a, b, c] = [p.text('José'), p.text('JOSE'), p.text('jose')];
  expect(b).toBe(a.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase());
  expect(c).toBe(b.toLowerCase());
  expect(p.text('john.smith')).toBe(`${p.text('john')}.${p.text('smith')}`);
  // one-to-one: 2-letter runs (676 of them) all different
  const seen = new Map<string, string>();
  for (let i = 0; i < 26; i++) {
    for (let j = 0; j < 26; j++) {
      const run = String.fromCharCode(97 + i, 97 + j);
      const out = p.text(run);
      expect(seen.get(out)).toBeUndefined();
      seen.set(out, run);
    }
  }
  expect(p.stats.sharedRuns).toBe(0);
});

test('a pseudonym run is never an original run; the words the configuration names stay', () => {
  const originals = ['Anna', 'Bert', 'Carl', 'Dora', 'Emil'];
  const p = pseudonymizer({ originals, literals: ['svc', 'service'] });
  for (const v of ['Zack', 'Yves', 'Xena', 'Walt', 'Vera', ...originals]) expect(originals).not.toContain(p.text(v));
  expect(p.text('svc-backup')).toMatch(/^svc-[a-z]{6}$/);
  expect(p.text('Service Account')).toMatch(/^Service [A-Z][a-z]{6}$/);
});

test('e-mail: local part as text, one pseudonym domain per domain ending in .invalid, malformed stays malformed, kept domains stay', () => {
  const p = pseudonymizer({ keepDomains: ['corp.example'] });
  const a = p.email('john.smith@example.com');
  const b = p.email('  John.Smith@Example.COM ');
  expect(isEmail(a)).toBe(true);
  expect(a).toMatch(/^[a-z]{4}\.[a-z]{5}@[a-z]{7}\.invalid$/);
  expect(b.trim().toLowerCase()).toBe(a); // email.normalized: the same address once trimmed and lower-cased
  expect(b).toMatch(/^ {2}\S+ $/);
  expect(b).toMatch(/\.INVALID $/);
  expect(p.email('mary.jones@example.com').split('@')[1]).toBe(a.split('@')[1]);
  expect(p.email('mary9321@gmail.com').split('@')[1]).not.toBe(a.split('@')[1]);
  for (const bad of [
    'john.smith@examplecom',
    'john.smith(at)example.com',
    'john.smith@@example.com',
    'john smith@example.com',
    'john.smith@example.com.',
    'john.smith',
  ]) {
    const out = p.email(bad);
    expect(isEmail(out)).toBe(false);
    expect(out.replace(/\p{L}+/gu, 'x')).toBe(bad.replace(/\p{L}+/gu, 'x'));
  }
  expect(p.email('SMTP:john.smith@example.com')).toBe(`SMTP:${a}`);
  expect(p.email('ann@corp.example')).toMatch(/^[a-z]{3}@corp\.example$/);
});

test('phones keep their format and validity class under the configured regions', () => {
  const p = pseudonymizer();
  const cls = phoneClassifier(['US']);
  for (const v of [
    '(415) 555-0132',
    '+1 415 555 0199',
    '+14155550123',
    '415/555/1234',
    '+44 20 7946 0321',
    '555-1234',
    'n/a',
    'ext. 4321',
    '+1 415 555 0100 ext 12',
    '12345678901234567890',
    '00 00 00 00 00',
  ]) {
    const out = p.phone(v);
    expect(out).not.toBe(v);
    expect(cls(out)).toBe(cls(v));
    expect(out.replace(/\d/g, '9').replace(/[a-z]/gi, 'a')).toBe(v.replace(/\d/g, '9').replace(/[a-z]/gi, 'a'));
  }
  expect(toE164(p.phone('(415) 555-0132'), 'US').e164).not.toBeNull();
  expect(p.phone('+1 415 555 0100 ext 12')).toMatch(/ ext /);
  expect(p.stats.phoneClassLost).toBe(0);
});

test('identifiers keep short letter prefixes and leading zeros; anchors keep their layout', () => {
  const p = pseudonymizer();
  expect(p.identifier('E-0010023')).toMatch(/^E-00[1-9]\d{4}$/);
  expect(p.identifier('C10023')).toMatch(/^C[1-9]\d{4}$/);
  expect(p.identifier('E-0010023')).not.toBe('E-0010023');
  const uuid = 'd70efdfa-85b4-1041-8308-a501c1ba58f2';
  expect(p.anchor(uuid)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(p.anchor(uuid)).not.toBe(uuid);
  expect(p.anchor(uuid)).toBe(p.anchor(uuid));
  const guid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const out = p.anchor(guid) as Buffer;
  expect(out.length).toBe(16);
  expect(out.equals(guid)).toBe(false);
});

test('DNs: every value replaced, escaping redone, the value function chosen by attribute type', () => {
  const p = pseudonymizer();
  const dn = p.dn('cn=Smith\\, John+uid=jsmith,ou=People,dc=example,dc=com')!;
  expect(dn).toMatch(/^cn=[A-Z][a-z]{4}\\, [A-Z][a-z]{3}\+uid=[a-z]{6},ou=[A-Z][a-z]{5},dc=[a-z]{7},dc=[a-z]{3}$/);
  expect(p.dn('cn= Leading')).toMatch(/^cn=[A-Z][a-z]{6}$/); // insignificant spaces are not part of the value
  expect(p.dn('cn=\\ Leading')).toMatch(/^cn=\\ [A-Z][a-z]{6}$/);
  expect(p.dn('not a dn')).toBeNull();
  expect(p.dn('mail=a.b@example.com', (type, v) => (type === 'mail' ? p.email(v) : p.text(v)))).toMatch(/\.invalid$/);
});

test('the same key gives the same pseudonyms; another key, other ones', () => {
  const values = ['John Smith', 'Дмитрий', 'E10023', '王伟'];
  const one = values.map((v) => pseudonymizer().text(v));
  expect(values.map((v) => pseudonymizer().text(v))).toEqual(one);
  const two = values.map((v) => pseudonymizer({ key: 'another key, 32 characters long.' }).text(v));
  two.forEach((v, i) => expect(v).not.toBe(one[i]));
  expect(() => new SampleKey(Buffer.from('short'))).toThrow(/at least 16 bytes/);
});
