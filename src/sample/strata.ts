/**
 * Strata: what a record is, as far as a migration cares — what a first import would do with it
 * (its preflight fate), every problem type preflight finds in it, and the traits that make a
 * record hard for a transform (disabled, LDAP-special characters in its RDN, names in a script
 * other than ASCII Latin). A record's *signature* is the sorted list of its dimensions; records
 * with one signature form a stratum. Pure functions.
 *
 * Allocation is proportional (systematic rounding in signature order from a keyed start), so every
 * dimension keeps its share of the users up to rounding; strata too small for a seat are covered
 * afterwards, a dimension at a time (state/sample-spool.ts `cover`). For a forecast each sampled
 * stratum gets the weight directory ÷ sample; a stratum with no sampled user is weighted with
 * the sampled stratum whose signature is closest (most dimensions in common, a dimension counting
 * for more the rarer it is in the directory).
 */
import type { SourceRecord } from '../directory/types';
import { parseDn } from '../directory/dn';
import type { Assessment } from '../inspect/preflight';
import { scriptOf } from './letters';

/** Name attributes whose script makes a trait. */
const NAME_ATTRIBUTES = ['cn', 'givenname', 'sn', 'displayname', 'name', 'middlename', 'initials'];
const DN_SPECIAL = /[,+"\\<>;=#]|^ | $/;

/** The script class of a text: undefined for ASCII, `latin` for accented or other non-ASCII Latin, else the script's name (lower case). */
export function scriptClass(text: string): string | undefined {
  let latin = false;
  for (const ch of text.normalize('NFD')) {
    if (ch.charCodeAt(0) < 0x80) continue;
    if (/\p{M}/u.test(ch)) {
      latin = true;
      continue;
    }
    if (!/\p{L}/u.test(ch)) continue;
    const s = scriptOf(ch);
    if (s && s !== 'Latin') return s.toLowerCase();
    latin = true;
  }
  return latin ? 'latin' : undefined;
}

/** A record's dimensions: `fate:…`, every problem type, and `trait:…`. Sorted, no repeats. */
export function dimensionsOf(record: SourceRecord | null, a: Assessment): string[] {
  const dims = new Set<string>([`fate:${a.fate}`, ...a.problems.map((p) => p.type)]);
  if (record) {
    if (record.disabled) dims.add('trait:disabled');
    const leaf = parseDn(record.dn)?.[0];
    if (leaf?.some((ava) => DN_SPECIAL.test(ava.value))) dims.add('trait:dn-special');
    let script: string | undefined;
    for (const name of NAME_ATTRIBUTES) {
      for (const v of record.attributes[name] ?? []) {
        if (Buffer.isBuffer(v)) continue;
        const c = scriptClass(v);
        if (c && (script === undefined || script === 'latin')) script = c;
      }
    }
    if (script) dims.add(`trait:script-${script}`);
  }
  return [...dims].sort();
}

export const signatureOf = (dims: readonly string[]): string => dims.join(' ');
export const dimsOf = (signature: string): string[] => (signature ? signature.split(' ') : []);

/** Merge signatures (a cluster of records sampled together). */
export const mergeSignatures = (signatures: readonly string[]): string => signatureOf([...new Set(signatures.flatMap(dimsOf))].sort());

/**
 * Seats per stratum: `fraction` of its units, the fractions of a seat rounded systematically —
 * the strata in signature order (strata sharing dimensions side by side), their remainders laid
 * end to end from a keyed start (`start`, in [0, 1)), a seat wherever the running sum crosses a
 * whole number. A stratum gets the floor or the ceiling of its quota, the ceiling with a
 * probability equal to its remainder (small strata are not left out more often than large ones,
 * as largest-remainder rounding would do), neighbouring strata share the seats evenly (so does
 * each dimension), and the total is the fraction of all units.
 */
export function allocate(strata: readonly { signature: string; units: number }[], fraction: number, start: number): Map<string, number> {
  const seats = new Map<string, number>();
  const rest: { signature: string; remainder: number }[] = [];
  for (const s of strata) {
    const quota = s.units * fraction;
    const base = Math.min(s.units, Math.floor(quota + 1e-9));
    seats.set(s.signature, base);
    if (base < s.units) rest.push({ signature: s.signature, remainder: quota - base });
  }
  rest.sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
  let sum = start;
  for (const r of rest) {
    const before = Math.floor(sum + 1e-9);
    sum += r.remainder;
    if (Math.floor(sum + 1e-9) > before) seats.set(r.signature, seats.get(r.signature)! + 1);
  }
  return seats;
}

export interface WeightedStratum {
  /** 1, 2, …: how sample entries name their stratum. */
  id: number;
  signature: string;
  /** Users of the directory this stratum stands for (its own, and those of the unsampled strata merged into it). */
  directory: number;
  sample: number;
  /** directory ÷ sample: how many users of the directory one sampled user stands for. */
  weight: number;
  /** Signatures of unsampled strata weighted with this one. */
  merged: string[];
}

/** Weighting classes for a forecast (see the file comment). */
export function weightStrata(
  directory: readonly { signature: string; records: number }[],
  sampled: readonly { signature: string; records: number }[],
): WeightedStratum[] {
  const inSample = new Map(sampled.filter((s) => s.records > 0).map((s) => [s.signature, s.records]));
  const out: WeightedStratum[] = [];
  const bySig = new Map<string, WeightedStratum>();
  for (const d of directory) {
    const n = inSample.get(d.signature);
    if (!n) continue;
    const w: WeightedStratum = { id: out.length + 1, signature: d.signature, directory: d.records, sample: n, weight: 0, merged: [] };
    out.push(w);
    bySig.set(d.signature, w);
  }
  // a dimension counts for more the rarer it is: an unsampled stratum goes where its rare problems are
  const users = new Map<string, number>();
  for (const d of directory) for (const dim of dimsOf(d.signature)) users.set(dim, (users.get(dim) ?? 0) + d.records);
  const weight = (dim: string) => 1 / (users.get(dim) ?? 1);
  for (const d of directory) {
    if (bySig.has(d.signature) || !out.length) continue;
    const dims = new Set(dimsOf(d.signature));
    let best = out[0];
    let bestScore = -1;
    for (const w of out) {
      const other = dimsOf(w.signature);
      let common = 0;
      let union = 0;
      for (const x of new Set([...dims, ...other])) {
        union += weight(x);
        if (dims.has(x) && other.includes(x)) common += weight(x);
      }
      const score = common / union;
      if (score > bestScore || (score === bestScore && w.directory > best.directory)) {
        best = w;
        bestScore = score;
      }
    }
    best.directory += d.records;
    best.merged.push(d.signature);
  }
  for (const w of out) w.weight = w.directory / w.sample;
  return out;
}
