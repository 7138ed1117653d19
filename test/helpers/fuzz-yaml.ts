/**
 * Malformed configuration files for the bad-input fuzz test, from the project's seeded RNG: a good
 * configuration with one to three mutations that each make it invalid on their own (a wrong type,
 * an unknown key, a duplicate key, a tab, an unterminated quote, a control character, an alias bomb,
 * a broken transform, a secret written in the file, an http org URL, a key path that is a
 * JavaScript internal, a truncated file, a document that is no mapping…).
 */
import type { Rng } from '../../src/util/rng';

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];

/** A valid configuration (the LDIF file and the token variable must exist). */
export function goodConfig(ldifPath: string, tokenVar: string): string {
  return [
    '# a configuration the fuzz test breaks',
    'source:',
    '  type: ldif',
    `  path: ${ldifPath}`,
    '  users:',
    '    filter: (objectClass=inetOrgPerson)',
    '    attributes: [uid, cn, sn, givenName, mail]',
    'okta:',
    '  orgUrl: https://corp.okta.com',
    `  token: \${env:${tokenVar}}`,
    '  concurrency: 4',
    '  match: login',
    'transforms:',
    '  - name: profile',
    '    map:',
    '      login: "{mail | lower}"',
    '      email: "{mail}"',
    '      firstName: "{givenName}"',
    '      lastName: "{sn}"',
    '  - validate:',
    '      required: [login, email]',
    'lifecycle:',
    '  disabled: suspend',
    'schedule:',
    '  full: "0 3 * * *"',
    'state:',
    '  path: state.db',
    'log:',
    '  level: info',
  ].join('\n');
}

type Mutation = (text: string, rng: Rng) => string;

const lines = (t: string) => t.split('\n');
const keyLines = (t: string) =>
  lines(t)
    .map((l, i) => [l, i] as const)
    .filter(([l]) => /^\s*[A-Za-z_]+:/.test(l) && !/^\s*-/.test(l));
/** Replace the value of the first line with `key:` (indented as it is). */
const setValue = (t: string, key: string, value: string) => t.replace(new RegExp(`^(\\s*${key}:).*$`, 'm'), `$1 ${value}`);

export const YAML_MUTATIONS: Record<string, Mutation> = {
  'wrong type': (t, rng) =>
    pick(rng, [
      () => setValue(t, 'concurrency', 'many'),
      () => setValue(t, 'concurrency', '0'),
      () => setValue(t, 'level', 'loud'),
      () => setValue(t, 'disabled', '[suspend]'),
      () => setValue(t, 'match', '42'),
    ])(),
  // (these three change nothing in a text with no key lines left: an earlier mutation made it bad already)
  'unknown key': (t, rng) => {
    const ls = lines(t);
    if (!keyLines(t).length) return t;
    const [l, i] = pick(rng, keyLines(t));
    const indent = /^\s*/.exec(l)![0];
    ls.splice(i + 1, 0, `${indent}bogusKey${Math.floor(rng() * 100)}: 1`);
    // (after a key whose value is a block the new key would land inside it: at the key's own level it is still unknown)
    return ls.join('\n');
  },
  'duplicate key': (t, rng) => {
    const ls = lines(t);
    if (!keyLines(t).length) return t;
    const [l, i] = pick(rng, keyLines(t));
    ls.splice(i + 1, 0, l);
    return ls.join('\n');
  },
  'tab indentation': (t, rng) => {
    const ls = lines(t);
    const indented = keyLines(t).filter(([x]) => /^\s+/.test(x));
    if (!indented.length) return t;
    const [l, i] = pick(rng, indented);
    ls[i] = l.replace(/^\s+/, '\t');
    return ls.join('\n');
  },
  'unterminated quote': (t) => t.replace('"{mail}"', '"{mail}'),
  'control character': (t, rng) => {
    const at = Math.floor(rng() * t.length);
    return t.slice(0, at) + pick(rng, ['\u0000', '\u0001', '\u001b', '\u007f']) + t.slice(at);
  },
  'alias bomb': (t) =>
    [
      t,
      'x-bomb: &a0 ["x","x","x","x","x","x","x","x","x","x"]',
      ...Array.from({ length: 6 }, (_, i) => `x-b${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(',')}]`),
    ].join('\n'),
  'broken expression': (t, rng) => t.replace('"{mail | lower}"', pick(rng, ['"{mail | lowr}"', '"{mail"', '"{mial}"', '"{mail | substring(}"'])),
  'unknown step': (t) => t.replace('  - validate:', '  - frobnicate:'),
  'secret in the file': (t) => t.replace(/token: .*/, 'token: 00abcdefghijklmnopqrstuvwxyz0123456789'),
  'http org URL': (t, rng) =>
    t.replace('https://corp.okta.com', pick(rng, ['http://corp.okta.com', 'https://admin:pw@corp.okta.com', 'https://corp.okta.com/'])),
  'JavaScript internal as a key': (t, rng) => t.replace('      email: "{mail}"', `      ${pick(rng, ['__proto__', 'constructor', 'prototype'])}: "{mail}"`),
  'bad cron': (t) => setValue(t, 'full', '"61 25 * * *"'),
  'bad filter': (t) => setValue(t, 'filter', '(objectClass=inetOrgPerson'),
  'missing LDIF file': (t) => t.replace(/path: \/.*\.ldif/, 'path: /nonexistent/directory.ldif'),
  truncated: (t, rng) => t.slice(0, Math.floor(rng() * t.indexOf('  token:'))),
  'not a mapping': (_t, rng) => pick(rng, ['', '# only a comment', '- a\n- list', 'just a string', '42', 'null']),
};

/** `count` malformed configurations (text). */
export function malformedConfigs(rng: Rng, count: number, ldifPath: string, tokenVar: string): { text: string; mutations: string[] }[] {
  const names = Object.keys(YAML_MUTATIONS);
  const out: { text: string; mutations: string[] }[] = [];
  for (let i = 0; i < count; i++) {
    let text = goodConfig(ldifPath, tokenVar);
    const chosen = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pick(rng, names));
    for (const m of chosen) text = YAML_MUTATIONS[m](text, rng);
    out.push({ text, mutations: chosen });
  }
  return out;
}
