/**
 * DN benchmark: `normalizeDn` (run for every entry, member value and base DN the agent compares)
 * against the former normalisation — lower case and one regex for the spaces around separators —
 * as the baseline, measured side by side in the same run and printed as a ratio (the machines are
 * shared and noisy, so only ratios compare across runs). Two sets of 20,000 DNs: plain ones (the
 * fast path) and ones with escapes (`\,`, `\3D`, `\C3\A9`: the full RFC 4514 parser).
 * Expected: plain about 1–1.2× the baseline (≈1.5 µs a DN), escaped about 3× (≈3–5 µs a DN).
 * Usage: `npm run bench dn`
 */
import { normalizeDn } from '../src/directory/dn';
import { ratio, type Figures } from './results';

const DNS = 20_000;
const ROUNDS = 5;

/** The former normalisation: the yardstick, not a second implementation of DN rules. */
const former = (dn: string): string =>
  dn
    .trim()
    .toLowerCase()
    .replace(/\s*([,=+])\s*/g, '$1');

/** Nanoseconds a DN for one pass over `dns`; the summed length keeps the work from being optimised away. */
function pass(f: (dn: string) => string, dns: readonly string[]): number {
  let len = 0;
  const t0 = process.hrtime.bigint();
  for (const dn of dns) len += f(dn).length;
  const ns = Number(process.hrtime.bigint() - t0);
  if (len === 0) throw new Error('no output');
  return ns / dns.length;
}

/** Best of ROUNDS for each side, the two sides alternating so machine noise falls on both. */
function compare(dns: readonly string[]): { dn: number; base: number } {
  pass(former, dns);
  pass(normalizeDn, dns);
  let dn = Infinity;
  let base = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    base = Math.min(base, pass(former, dns));
    dn = Math.min(dn, pass(normalizeDn, dns));
  }
  return { dn, base };
}

export function benchDn(): Figures {
  const plain = Array.from({ length: DNS }, (_, i) => `CN=User Number ${i},OU=People,OU=Branch ${i % 50},DC=corp,DC=example,DC=com`);
  const escaped = plain.map((dn, i) => dn.replace('User', `Smith\\, J${i % 3 ? '\\3D' : '\\C3\\A9'}`));
  // sanity: both sides agree where the former one was right (plain DNs)
  for (const dn of plain.slice(0, 100)) if (normalizeDn(dn) !== former(dn)) throw new Error(`normalizeDn and the baseline disagree on ${dn}`);
  const us = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;
  console.log(`\n== dn: normalizeDn vs. the former lower-case + regex normalisation, ${DNS.toLocaleString('en-US')} DNs, best of ${ROUNDS}`);
  const figures: Figures = {};
  for (const [label, key, dns] of [
    ['plain DNs (fast path)', 'plain', plain],
    ['escaped DNs (full parser)', 'escaped', escaped],
  ] as const) {
    const { dn, base } = compare(dns);
    console.log(`  ${label.padEnd(28)} ${us(dn).padStart(10)} a DN   baseline ${us(base).padStart(10)} a DN   ratio ${(dn / base).toFixed(2)}`);
    figures[`${key}Dn`] = { value: ratio(dn / 1000), unit: 'µs a DN' };
    figures[`${key}ToBaseline`] = { value: ratio(dn / base), unit: '× baseline' };
  }
  return figures;
}
