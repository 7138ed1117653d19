import { evalT, issuesOf } from './helpers';
import { FUNCTIONS } from '../../../src/transform/expr/functions';

const guidBytes = Buffer.from('1234567890abcdef1122334455667788'.match(/../g)!.map((h) => parseInt(h, 16)));

describe('template semantics', () => {
  test('single placeholder yields the raw value; text makes a string', () => {
    expect(evalT('{proxyAddresses[]}', { proxyAddresses: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(evalT('{$disabled}', {}, { disabled: true })).toBe(true);
    expect(evalT('{count(memberOf[])}', { memberOf: ['x', 'y', 'z'] })).toBe(3);
    expect(evalT('id-{count(memberOf[])}', { memberOf: ['x'] })).toBe('id-1');
  });
  test('a missing placeholder makes the whole template null, never "undefined"', () => {
    expect(evalT('{givenName}.{sn}@corp.example', { givenName: 'John' })).toBeNull();
    expect(evalT('{givenName}.{sn | default("x")}@corp.example', { givenName: 'John' })).toBe('John.x@corp.example');
    expect(evalT('{nothing}')).toBeNull();
  });
  test('first value of a multi-valued attribute; index; case-insensitive names', () => {
    expect(evalT('{MAIL}', { mail: ['a@x.io', 'b@x.io'] })).toBe('a@x.io');
    expect(evalT('{mail[1]}', { mail: ['a@x.io', 'b@x.io'] })).toBe('b@x.io');
    expect(evalT('{mail[5]}', { mail: ['a@x.io'] })).toBeNull();
  });
  test('Buffers render as base64; braces escape', () => {
    expect(evalT('{jpegPhoto}', { jpegPhoto: Buffer.from([1, 2, 3]) })).toEqual(Buffer.from([1, 2, 3]));
    expect(evalT('x{jpegPhoto}', { jpegPhoto: Buffer.from([1, 2, 3]) })).toBe('xAQID');
    expect(evalT('{{literal}} {a}', { a: '1' })).toBe('{literal} 1');
  });
  test('specials', () => {
    expect(evalT('{$anchor}|{$dn}|{$now}', {}, { anchor: 'g-1', dn: 'CN=A' })).toBe('g-1|CN=A|2025-01-15T10:00:00.000Z');
  });
  test('a multi-valued placeholder inside text is a compile error', () => {
    expect(issuesOf('x {proxyAddresses[]}')[0].message).toContain('multi-valued');
    expect(issuesOf("x {split(a, ',')}")[0].message).toContain('use join');
    expect(issuesOf("x {proxyAddresses[] | join(';')}")).toEqual([]);
  });
});

describe('operators', () => {
  const c = (expr: string, attrs: Record<string, string | string[]> = {}) => evalT(`{${expr}}`, attrs);
  test('equality, list semantics, numbers, booleans, null', () => {
    expect(c("a == 'x'", { a: 'x' })).toBe(true);
    expect(c("a == 'X'", { a: 'x' })).toBe(false);
    expect(c("a[] == 'y'", { a: ['x', 'y'] })).toBe(true);
    expect(c('n == 10', { n: '10.0' })).toBe(true);
    expect(c('b == true', { b: 'TRUE' })).toBe(true);
    expect(c('missing == null')).toBe(true);
    expect(c("missing != 'x'")).toBe(true);
  });
  test('ordering is numeric for numbers, text otherwise, false with null', () => {
    expect(c('n > 9', { n: '10' })).toBe(true);
    expect(c("s < 'b'", { s: 'a' })).toBe(true);
    expect(c('missing < 5')).toBe(false);
    expect(c('n >= 10 and n <= 10', { n: '10' })).toBe(true);
  });
  test('regex match, in, not, and/or short-circuit, ternary', () => {
    expect(c('a =~ /^svc[-_]/i', { a: 'SVC_backup' })).toBe(true);
    expect(c("a !~ '^svc'", { a: 'john' })).toBe(true);
    expect(c("'user' in objectClass[]", { objectClass: ['top', 'person', 'user'] })).toBe(true);
    expect(c("a in ['x', 'y']", { a: 'z' })).toBe(false);
    expect(c('not a', {})).toBe(true);
    expect(c("a or 'fallback'", {})).toBe(true);
    expect(c("a ? 'yes' : 'no'", { a: 'FALSE' })).toBe('yes');
  });
  test('a computed pattern is rejected at compile time', () => {
    expect(issuesOf('{a =~ b}')[0].message).toContain('must be a literal');
  });
});

describe('functions', () => {
  const f = (expr: string, attrs: Record<string, string | Buffer | (string | Buffer)[]> = {}) => evalT(`{${expr}}`, attrs);
  test.each([
    ["'ÉCOLE' | lower", 'école'],
    ["'straße' | upper", 'STRASSE'],
    ["'  a b  ' | trim", 'a b'],
    ["'  a \u00a0  b\t c ' | collapse", 'a b c'],
    ["'e\u0301' | nfc", '\u00e9'],
    ["'Zoë Łukasz Øster Straße Ærø' | ascii-fold", 'Zoe Lukasz Oster Strasse AEro'],
    ["'O’Brien–Smith' | asciiFold", "O'Brien-Smith"],
    ["'Дмитрий Щукин' | transliterate", 'Dmitriy Shchukin'],
    ["'Νίκος Παπαδόπουλος' | transliterate", 'Nikos Papadopoulos'],
    ["'Ёлкина Юлия' | transliterate", 'Elkina Yuliya'],
    ['"o\'BRIEN-smith jean" | titlecase', "O'Brien-Smith Jean"],
    ["'a.b.c' | replace('\\\\.', '-')", 'a-b-c'],
    ["'John  Smith' | replace(/\\s+/, ' ')", 'John Smith'],
    ["'ABC' | replace('b', 'x', 'i')", 'AxC'],
    ["'john smith' | replace(/(\\w+) (\\w+)/, '$2, $1')", 'smith, john'],
    ["'Emmanuel' | substring(0, 1)", 'E'],
    ["'Emmanuel' | substring(-3)", 'uel'],
    ["'𝒜lice' | substring(0, 1)", '𝒜'],
    ["'a, b,,c' | split(/,\\s*/) | join('|')", 'a|b|c'],
    ["'x;y' | split(';') | first", 'x'],
    ["'x;y' | split(';') | last", 'y'],
    ["'𝒜lice' | len", 5],
    ["concat('a', missing, 'b')", 'ab'],
    ['concat(missing)', null],
    ["coalesce(missing, '', 'third')", 'third'],
    ["missing | default('dflt')", 'dflt'],
    ["missing | default('')", ''],
    ["if(missing, 'y', 'n')", 'n'],
    ["if('x', 'y')", 'y'],
    ['exists(missing)', false],
    ["'hello' | contains('ell')", true],
    ["'hello' | startsWith('he')", true],
    ["'hello' | endswith('lo')", true],
    ["'j.doe@corp.example' | before('@')", 'j.doe'],
    ["'j.doe@corp.example' | after('@')", 'corp.example'],
    ["'nodomain' | after('@')", null],
    ["'20240305123456.0Z' | generalizedTime", '2024-03-05T12:34:56.000Z'],
    ["'20240305123456-0500' | generalizedTime", '2024-03-05T17:34:56.000Z'],
    ["'20240230120000Z' | generalizedTime", null],
    ["'133541568000000000' | filetime", '2024-03-06T00:00:00.000Z'],
    ["'9223372036854775807' | filetime", null],
    ["'0' | fileTime", null],
    ["'2024-03-05' | date", '2024-03-05T00:00:00.000Z'],
    ["'133541568000000000' | date", '2024-03-06T00:00:00.000Z'],
    ["'20240305123456Z' | dateOnly", '2024-03-05'],
    ["'CN=Smith\\\\, John,OU=Sales,OU=EU,DC=corp' | rdn", 'Smith, John'],
    ["'CN=Smith\\\\, John,OU=Sales,OU=EU,DC=corp' | dnValues('ou') | join('/')", 'Sales/EU'],
    ["'CN=Smith\\\\, John,OU=Sales,DC=corp' | parentDn", 'OU=Sales,DC=corp'],
    ["'CN=Ren\\\\C3\\\\A9e' | rdn", 'Renée'],
    ["'ab' | hex", '6162'],
    ["'ab' | base64", 'YWI='],
    ["'{B2E3C7A4-1111-2222-3333-444455556666}' | guid", 'b2e3c7a4-1111-2222-3333-444455556666'],
    ["'TRUE' | bool", true],
    ["'off' | bool", false],
    ["'maybe' | bool", null],
    ["' 42 ' | number", 42],
    ["'x' | number", null],
    ['12 | string', '12'],
    ["'(415) 555-2671' | phone('US')", '+14155552671'],
    ["'030 901820' | phone('DE')", '+4930901820'],
    ["'123' | phone('US')", null],
    ['count(missing)', 0],
  ])('%s → %p', (expr, expected) => {
    expect(f(expr)).toEqual(expected);
  });

  test('binary: guid, sid, hex, base64 of Buffers', () => {
    expect(f('objectGUID | guid', { objectGUID: guidBytes })).toBe('78563412-ab90-efcd-1122-334455667788');
    const sid = Buffer.from([1, 2, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xe8, 0x03, 0, 0]);
    expect(f('objectSid | sid', { objectSid: sid })).toBe('S-1-5-21-1000');
    expect(f('objectSid | hex', { objectSid: Buffer.from([0xde, 0xad]) })).toBe('dead');
    expect(f('objectSid | base64', { objectSid: Buffer.from([1, 2, 3]) })).toBe('AQID');
  });

  test('string functions map over lists; null flows through', () => {
    expect(f('proxyAddresses[] | lower', { proxyAddresses: ['SMTP:A@X.IO', 'smtp:b@x.io'] })).toEqual(['smtp:a@x.io', 'smtp:b@x.io']);
    expect(f('missing | lower | trim | replace(/a/, "b")')).toBeNull();
  });

  test('phone with a region taken from an attribute', () => {
    expect(f('telephoneNumber | phone(c)', { telephoneNumber: '01 42 68 53 00', c: 'FR' })).toBe('+33142685300');
  });

  test('function names ignore case, - and _', () => {
    expect(f("'É' | ASCII_FOLD")).toBe('E');
    expect(FUNCTIONS.size).toBeGreaterThanOrEqual(40);
  });

  test.each([
    ['{x | lowr}', "unknown function 'lowr' (did you mean 'lower'?)"],
    ['{x | substring}', 'substring() takes 2 to 3 arguments but got 1'],
    ['{x | replace(y, "z")}', 'the pattern must be a literal'],
    ['{x | replace("(", "z")}', 'invalid regular expression /(/'],
    ['{x | replace(/a/g, "z", "y")}', 'unsupported regular-expression flags'],
    ['{x | split(y)}', 'the separator must be a non-empty quoted string'],
    ['{x | phone("XX")}', "unknown region 'XX'"],
    ['{concat()}', 'concat() takes at least 1 argument'],
  ])('compile error %s', (tpl, msg) => {
    expect(
      issuesOf(tpl)
        .map((i) => i.message)
        .join('\n'),
    ).toContain(msg);
  });

  test('constant sub-expressions are folded at compile time', () => {
    expect(evalT("{'A' | lower}{x}", { x: '1' })).toBe('a1');
  });
});
