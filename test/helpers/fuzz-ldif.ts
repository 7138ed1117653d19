/**
 * Malformed LDIF entries for the bad-input fuzz test, from the project's seeded RNG: each entry is
 * a good inetOrgPerson with one or two mutations that each make it bad on their own (bytes that are
 * not UTF-8, control characters, oversized values, broken lines, missing DN or anchor, change
 * records…). For each entry the test knows where its quarantine row must be: under its DN, or
 * under `(entry at line N)` when the mutation took the DN away.
 */
import type { Rng } from '../../src/util/rng';

export interface FuzzEntry {
  /** The quarantine row's DN: the entry's own, or `(entry at line N)`. */
  key: string;
  mutations: string[];
  /** What the row's reason matches (any of the mutations' patterns). */
  reasons: RegExp[];
}

interface Draft {
  lines: Buffer[];
  dn: string;
  dnLost: boolean;
}

const TEXT_ATTRS = ['sn', 'cn', 'givenName', 'title', 'uid'];
/** Mapped to profile attributes by the fuzz configuration (lastName, displayName, firstName, title). */
const MAPPED_ATTRS = ['sn', 'cn', 'givenName', 'title'];
const NOT_UTF8 = [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf0, 0x28, 0x8c, 0xbc], [0xe9], [0x80]];
const CONTROLS = [0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, 0x85, 0x9f];
const BIDI = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];
const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const line = (s: string | Buffer) => (Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));
const b64 = (b: Buffer) => b.toString('base64');
const isDn = (l: Buffer) => /^dn::? /i.test(l.toString('latin1'));
/** Where to insert a line `k` lines after the DN line (or at `k` when the DN line is gone). */
const afterDn = (d: Draft, k: number) => Math.min(d.lines.findIndex(isDn) + 1 + k, d.lines.length);
const setAttr = (d: Draft, name: string, value: Buffer) => {
  d.lines = d.lines.filter((l) => !l.toString('latin1').toLowerCase().startsWith(`${name.toLowerCase()}:`));
  d.lines.splice(afterDn(d, 1), 0, value);
};
const withText = (rng: Rng, inner: string) => `Some${'x'.repeat(int(rng, 0, 5))}${inner}Text`;

type Mutation = { name: string; reason: RegExp; apply: (d: Draft, rng: Rng) => void };

const NOT_UTF8_REASON = /: a value is not valid UTF-8 \(bytes [0-9a-f ]+/;

export const MUTATIONS: Mutation[] = [
  {
    name: 'base64 value not UTF-8',
    reason: NOT_UTF8_REASON,
    apply: (d, rng) => {
      const a = pick(rng, TEXT_ATTRS);
      setAttr(d, a, line(`${a}:: ${b64(Buffer.concat([Buffer.from('Ab'), Buffer.from(pick(rng, NOT_UTF8)), Buffer.from('c')]))}`));
    },
  },
  {
    name: 'raw value not UTF-8',
    reason: NOT_UTF8_REASON,
    apply: (d, rng) => {
      const a = pick(rng, TEXT_ATTRS);
      setAttr(d, a, Buffer.concat([Buffer.from(`${a}: Ren`), Buffer.from(pick(rng, NOT_UTF8)), Buffer.from(' X')]));
    },
  },
  {
    name: 'control character',
    reason: /contains U\+00[0-9A-F]{2} \(a control character\)/,
    apply: (d, rng) => {
      const a = pick(rng, MAPPED_ATTRS);
      setAttr(d, a, line(`${a}:: ${b64(Buffer.from(withText(rng, String.fromCharCode(pick(rng, CONTROLS))), 'utf8'))}`));
    },
  },
  {
    name: 'bidirectional override',
    reason: /contains U\+20[26][0-9A-F] \([A-Z -]+\)/,
    apply: (d, rng) => {
      const a = pick(rng, MAPPED_ATTRS);
      setAttr(d, a, line(`${a}:: ${b64(Buffer.from(withText(rng, String.fromCharCode(pick(rng, BIDI))), 'utf8'))}`));
    },
  },
  {
    name: 'oversized value',
    reason: /\d+ characters, more than the \d+ /,
    apply: (d, rng) => {
      if (rng() < 0.5) setAttr(d, 'title', line(`title: ${'t'.repeat(int(rng, 4097, 12000))}`));
      else setAttr(d, 'sn', line(`sn: ${'s'.repeat(int(rng, 51, 400))}`));
    },
  },
  { name: 'bad base64', reason: /malformed line/, apply: (d, rng) => setAttr(d, pick(rng, TEXT_ATTRS), line(`${pick(rng, TEXT_ATTRS)}:: **not base64**`)) },
  { name: 'line without a colon', reason: /malformed line/, apply: (d, rng) => d.lines.splice(afterDn(d, int(rng, 0, 6)), 0, line('this line has no colon')) },
  { name: 'attribute name not allowed', reason: /malformed line/, apply: (d) => d.lines.splice(afterDn(d, 1), 0, line('-sn: Dash')) },
  { name: 'change record', reason: /change records \(changetype:\)/, apply: (d) => d.lines.splice(afterDn(d, 0), 0, line('changetype: modify')) },
  { name: 'URL value', reason: /:< URL values are not supported/, apply: (d) => d.lines.splice(afterDn(d, 1), 0, line('jpegPhoto:< file:///etc/passwd')) },
  {
    name: 'no anchor',
    reason: /entry has no entryUUID/,
    apply: (d) => (d.lines = d.lines.filter((l) => !l.toString('latin1').startsWith('entryUUID:'))),
  },
  { name: 'empty anchor', reason: /entryUUID is empty/, apply: (d) => setAttr(d, 'entryUUID', line('entryUUID:   ')) },
  {
    name: 'no DN line',
    reason: /expected "dn:" to start an entry/,
    apply: (d) => {
      d.lines = d.lines.filter((l) => !isDn(l));
      d.dnLost = true;
    },
  },
  {
    name: 'DN not UTF-8',
    reason: /the DN is not valid UTF-8/,
    apply: (d, rng) => {
      const at = d.lines.findIndex(isDn);
      if (at >= 0) d.lines[at] = line(`dn:: ${b64(Buffer.concat([Buffer.from('uid='), Buffer.from(pick(rng, NOT_UTF8)), Buffer.from(',dc=example,dc=com')]))}`);
      d.dnLost = true;
    },
  },
  { name: 'continuation with nothing to continue', reason: /continuation line .* no line before it/, apply: (d) => d.lines.unshift(line(' continued')) },
  {
    name: 'second DN line',
    reason: /a second "dn:" line in one entry/,
    apply: (d) => d.lines.splice(afterDn(d, 2), 0, line('dn: uid=merged,ou=people,dc=example,dc=com')),
  },
  {
    name: 'no mail (no login)',
    reason: /no login/,
    apply: (d) => (d.lines = d.lines.filter((l) => !l.toString('latin1').startsWith('mail:'))),
  },
];

function good(i: number): Draft {
  const uid = `fz${i}`;
  const dn = `uid=${uid},ou=people,dc=example,dc=com`;
  const lines = [
    `dn: ${dn}`,
    'objectClass: inetOrgPerson',
    `uid: ${uid}`,
    `cn: Fuzz ${i}`,
    'sn: Tester',
    'givenName: Pat',
    'title: Engineer',
    `mail: ${uid}@example.com`,
    `entryUUID: 7c0f5e2a-0000-4000-8000-${String(i).padStart(12, '0')}`,
  ].map((l) => line(l));
  return { lines, dn, dnLost: false };
}

/** `count` malformed entries as one LDIF file (bytes), and where each one's quarantine row must be. */
export function malformedLdif(rng: Rng, count: number): { ldif: Buffer; entries: FuzzEntry[] } {
  const out: Buffer[] = [line('version: 1'), line('')];
  const entries: FuzzEntry[] = [];
  for (let i = 0; i < count; i++) {
    const d = good(i);
    const chosen = [pick(rng, MUTATIONS)];
    if (rng() < 0.3) chosen.push(pick(rng, MUTATIONS));
    for (const m of chosen) m.apply(d, rng);
    const start = out.length + 1; // 1-based line number of the entry's first line
    out.push(...d.lines, line(''));
    entries.push({ key: d.dnLost ? `(entry at line ${start})` : d.dn, mutations: chosen.map((m) => m.name), reasons: chosen.map((m) => m.reason) });
  }
  return { ldif: Buffer.concat(out.flatMap((l) => [l, Buffer.from('\n')])), entries };
}
