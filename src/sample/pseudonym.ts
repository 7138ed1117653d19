/**
 * Keyed pseudonyms that keep the shape of a value — what the transforms look at — and nothing of
 * its content.
 *
 * Text (names, DN values, free text, user ids): every run of letters or of digits (but the words
 * the transforms themselves name, from-config.ts) is replaced by a
 * run of the same length, script, case and marks (letters.ts); spaces, punctuation and symbols
 * stay where they are (`O'Brien, Seán (IT)` → `X'Qzmkt, Ruéb (QX)`); the NFC/NFD form is kept. A run
 * gets one pseudonym wherever it appears, chosen from its folded form, so `John` in a givenName,
 * `JOHN` in a cn and `john` in a mail's local part stay the same person, and two values that Okta
 * or a transform would fold together stay duplicates. The mapping is one-to-one (a run table: two
 * different runs never share a pseudonym, so no new duplicates appear), and a pseudonym run of
 * three or more characters is never one of the directory's original runs (the Bloom filter).
 *
 * E-mail: the local part as text; each domain maps to one pseudonym domain (labels as text, the
 * top-level label replaced by `invalid`, RFC 2606, in the original's case), so that no sample
 * address can ever reach a real mailbox, the domains' frequencies stay, malformed addresses stay
 * malformed the same way. Domains given with `--keep-domain` stay as they are.
 *
 * Phone: letters as text except the words that mean something to a phone parser (`ext`, `x`,
 * `tel`…); digits replaced, keeping the country code after `+`/`00` (or the first digit), until
 * the value has the same validity class as the original under the configured regions (valid /
 * invalid / already E.164, extension), so a third of bad phones stay a third.
 *
 * Anchors: UUIDs and hex stay hex of the same layout, binary anchors random bytes of the same
 * length, other anchors as identifiers.
 */
import { formatDn, parseDn, type Ava } from '../directory/dn';
import { Bloom, SampleKey } from './keyed';
import { bytesFor, drawFolded, foldRun, nthFolded, replaceable, restoreShape, spaceOf } from './letters';

/** The run table (state/sample-spool): folded run → its pseudonym, one-to-one. */
export interface RunRegistry {
  runPseudonym(orig: string): string | undefined;
  reserveRun(orig: string, pseudo: string): boolean;
}

export interface PseudonymizerOptions {
  key: SampleKey;
  /** The directory's original folded runs (`r:` + run, three or more characters) and phone values (`p:` + value). */
  originals: Bloom;
  runs: RunRegistry;
  /** Lower-case domains kept as they are. */
  keepDomains: ReadonlySet<string>;
  /** A phone value's validity class under the configured regions. */
  phoneClass: (raw: string) => string;
  /** Folded runs the transforms name (from-config.ts): kept as they are. */
  literals: ReadonlySet<string>;
}

export interface PseudonymStats {
  /** Runs that had to share a pseudonym (an alphabet too small for all the runs of a length). */
  sharedRuns: number;
  /** Phone values whose validity class no draw could keep. */
  phoneClassLost: number;
}

const RUNS = /[\p{L}\p{M}]+|\p{Nd}+/gu;
const DIGIT = /\p{Nd}/u;
/** Words a phone parser reads (extensions, prefixes): kept in phone values. */
const PHONE_WORDS = new Set([
  'ext',
  'extn',
  'extension',
  'x',
  'tel',
  'phone',
  'mobile',
  'cell',
  'fax',
  'desk',
  'or',
  'and',
  'direct',
  'office',
  'home',
  'work',
]);
const CACHE_SIZE = 50_000;
const BLOOM_ATTEMPTS = 64;
const ATTEMPTS = 256;
const PHONE_ATTEMPTS = 120;
/** Runs whose whole space is this small are searched through when random draws find no free pseudonym. */
const SCAN_LIMIT = 1_000_000;

/** What goes into the originals' Bloom filter for a value's runs. */
export function originalRuns(value: string): string[] {
  return (value.normalize('NFD').match(RUNS) ?? []).map(foldRun).filter((r) => [...r].length >= 3);
}

export class Pseudonymizer {
  readonly stats: PseudonymStats = { sharedRuns: 0, phoneClassLost: 0 };
  private readonly cache = new Map<string, string>();
  private readonly shared = new Map<string, string>();

  constructor(private readonly o: PseudonymizerOptions) {}

  /** Names, free text, DN values, user ids. */
  text(value: string): string {
    return this.runs(value, () => false);
  }

  /** Identifiers (employee numbers): as text, but in a value with digits, letter runs of one or two letters (`E`, `C-`) stay: they are a format, not a person. */
  identifier(value: string): string {
    if (!DIGIT.test(value)) return this.text(value);
    return this.runs(value, (run) => !DIGIT.test(run) && [...foldRun(run)].length <= 2);
  }

  email(value: string): string {
    const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(value)!;
    const [, lead, core, trail] = m;
    const prefixed = /^([A-Za-z0-9]+):(.*@.*)$/s.exec(core);
    if (prefixed) return `${lead}${prefixed[1]}:${this.email(prefixed[2])}${trail}`;
    const at = core.indexOf('@');
    if (at < 0) return lead + this.text(core) + trail;
    return `${lead}${this.text(core.slice(0, at))}@${this.domain(core.slice(at + 1))}${trail}`;
  }

  phone(value: string): string {
    const cls = this.o.phoneClass(value);
    const chars = [...value];
    const digitAt = chars.flatMap((c, i) => (c >= '0' && c <= '9' ? [i] : []));
    const digits = digitAt.map((i) => chars[i]).join('');
    const withWords = this.runs(value, (run) => DIGIT.test(run) || PHONE_WORDS.has(foldRun(run)));
    const letters = [...withWords];
    if (digits.length === 0) return withWords;
    if (letters.length !== chars.length) return this.text(value);
    const international = /^\s*(?:[A-Za-z]+:)?\s*(\+|00)/.exec(value);
    const firstRun = international ? (/\d+/.exec(value.slice(international[0].length))?.[0].length ?? 0) + (international[1] === '00' ? 2 : 0) : 1;
    const base = Math.min(firstRun, 4, Math.max(0, digits.length - 1));
    let fallback: string | undefined;
    let last = value;
    for (let attempt = 0; attempt < PHONE_ATTEMPTS; attempt++) {
      const keep = Math.min(base + Math.floor(attempt / 30), Math.max(0, digits.length - 1));
      const bytes = this.o.key.bytes(digits.length, 'phone', digits, String(attempt));
      const out = [...letters];
      digitAt.forEach((pos, i) => {
        if (i >= keep) out[pos] = String(bytes[i] % 10);
      });
      const cand = out.join('');
      last = cand;
      if (cand === value || this.o.phoneClass(cand) !== cls) continue;
      if (!this.o.originals.has(`p:${cand.trim()}`)) return cand;
      fallback ??= cand;
    }
    if (fallback) return fallback;
    this.stats.phoneClassLost++;
    return last;
  }

  /** A user's or group's anchor. */
  anchor(value: string | Buffer): string | Buffer {
    if (Buffer.isBuffer(value)) return this.o.key.bytes(value.length, 'anchor-bytes', value.toString('hex'));
    const hex = value.replace(/[^0-9a-fA-F]/g, '');
    if (hex.length >= 8 && /^[{]?[0-9a-fA-F-]+[}]?$/.test(value)) {
      const bytes = this.o.key.bytes(hex.length, 'anchor', value.toLowerCase());
      let i = 0;
      return value.replace(/[0-9a-fA-F]/g, (c) => {
        const h = '0123456789abcdef'[bytes[i++] % 16];
        return c >= 'A' && c <= 'F' ? h.toUpperCase() : h;
      });
    }
    return this.identifier(value);
  }

  /** A DN with every value replaced (`valueOf` picks the function per attribute type); null when `dn` is not a DN. */
  dn(dn: string, valueOf: (type: string, value: string) => string = (_t, v) => this.text(v)): string | null {
    const rdns = parseDn(dn);
    return rdns && this.rdns(rdns, valueOf);
  }

  /** Parsed RDNs (leaf first) with every value replaced, as a DN. */
  rdns(rdns: readonly (readonly Ava[])[], valueOf: (type: string, value: string) => string): string {
    return formatDn(
      rdns.map((avas) => avas.map((a): Ava => (a.ber ? { ...a, value: this.berValue(a.value) } : { type: a.type, value: valueOf(a.type, a.value) }))),
    );
  }

  private berValue(hexText: string): string {
    const bytes = this.o.key.bytes(hexText.length, 'ber', hexText.toLowerCase());
    let i = 0;
    return '#' + hexText.slice(1).replace(/./g, () => '0123456789abcdef'[bytes[i++] % 16]);
  }

  private domain(domain: string): string {
    if (this.o.keepDomains.has(domain.toLowerCase())) return domain;
    const labels = domain.split('.');
    let top = labels.length - 1;
    while (top > 0 && labels[top] === '') top--;
    return labels.map((l, i) => (i === top && top > 0 && /^\p{L}+$/u.test(l) ? caseLike('invalid', l) : this.text(l))).join('.');
  }

  private runs(value: string, keep: (run: string) => boolean): string {
    const nfc = value === value.normalize('NFC');
    const out = value.normalize('NFD').replace(RUNS, (run) => {
      if (keep(run)) return run;
      const folded = foldRun(run);
      return this.o.literals.has(folded) ? run : restoreShape(run, this.pseudoRun(folded));
    });
    return nfc ? out.normalize('NFC') : out;
  }

  /** The pseudonym of a folded run: the one it was given before, or a new one. */
  private pseudoRun(folded: string): string {
    const hit = this.cache.get(folded) ?? this.shared.get(folded) ?? this.o.runs.runPseudonym(folded);
    if (hit !== undefined) return this.remember(folded, hit);
    return this.remember(folded, this.assign(folded));
  }

  private remember(folded: string, pseudo: string): string {
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(folded, pseudo);
    return pseudo;
  }

  /**
   * Draw until a pseudonym is free: first one that is not an original run either, then (the
   * originals fill the space of short runs in a large directory) one that is only free, then (a
   * short run whose space is nearly taken) the first free one from a keyed place. Only a run
   * whose every pseudonym is taken shares one (counted).
   */
  private assign(folded: string): string {
    const n = [...folded].length;
    if (!replaceable(folded)) return folded;
    let last = folded;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const cand = drawFolded(folded, this.o.key.bytes(bytesFor(n), 'run', folded, String(attempt)));
      if (cand === folded || this.o.literals.has(cand)) continue;
      last = cand;
      if (n >= 3 && attempt < BLOOM_ATTEMPTS && this.o.originals.has(`r:${cand}`)) continue;
      if (this.o.runs.reserveRun(folded, cand)) return cand;
    }
    // a small space nearly full (short runs): go through all of it from a keyed place
    const space = spaceOf(folded, SCAN_LIMIT);
    if (space <= SCAN_LIMIT) {
      const from = this.o.key.digest('scan', folded).readUInt32BE(0) % space;
      for (let k = 0; k < space; k++) {
        const cand = nthFolded(folded, (from + k) % space);
        if (cand !== folded && !this.o.literals.has(cand) && this.o.runs.reserveRun(folded, cand)) return cand;
      }
    }
    if (last !== folded) this.stats.sharedRuns++;
    this.shared.set(folded, last);
    return last;
  }
}

/** `word` in the case of `like`: all upper, capitalised, or lower. */
function caseLike(word: string, like: string): string {
  if (like === like.toUpperCase() && like !== like.toLowerCase()) return word.toUpperCase();
  if (like[0] && like[0] !== like[0].toLowerCase()) return word[0].toUpperCase() + word.slice(1);
  return word;
}
