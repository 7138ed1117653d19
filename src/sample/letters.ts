/**
 * The shape of a run of letters or digits, and drawing another run of that shape from keyed bytes.
 *
 * A run is taken apart into positions (a base character and the combining marks after it). A
 * letter is replaced by a letter of the same script, the same Unicode block and the same kind
 * (lower-case with a one-character upper case, or a letter without case such as CJK, Hangul,
 * Arabic); its case is put back from the original and its marks are kept (so `José` keeps an
 * accent on its last letter and `Дмитрий` stays Cyrillic). A digit is replaced by a digit of the
 * same script; leading zeros stay zeros (`0010005` keeps its padding). Everything else is not
 * part of a run and is not touched here.
 *
 * The alphabet a position draws from is chosen from the *folded* character (lower case, no
 * marks), so `JOSÉ`, `José` and `jose` draw the same letters and differ only in case and marks:
 * duplicates that Okta or a transform would fold together stay duplicates.
 */

const SCRIPTS = [
  'Latin',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Syriac',
  'Thaana',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Thai',
  'Lao',
  'Tibetan',
  'Myanmar',
  'Georgian',
  'Hangul',
  'Ethiopic',
  'Cherokee',
  'Khmer',
  'Mongolian',
  'Hiragana',
  'Katakana',
  'Bopomofo',
  'Han',
  'Yi',
].map((name) => ({ name, re: new RegExp(`^\\p{Script=${name}}$`, 'u') }));

const LOWER = /^\p{Ll}$/u;
const OTHER_LETTER = /^\p{Lo}$/u;
const UPPER = /^\p{Lu}$/u;
const MARK = /^\p{M}$/u;
const DIGIT = /^\p{Nd}$/u;
const ASCII_LOWER = 'abcdefghijklmnopqrstuvwxyz'.split('');

/** The script of a character (one of a list of common scripts), or undefined. */
export function scriptOf(ch: string): string | undefined {
  return SCRIPTS.find((s) => s.re.test(ch))?.name;
}

const alphabets = new Map<string, string[] | null>();

/**
 * The letters a folded (lower-case, unmarked) character may be replaced with: same script, block
 * and kind; null when it has no usable alphabet (it is then kept as it is).
 */
export function alphabetOf(folded: string): string[] | null {
  if (folded.length === 1 && folded >= 'a' && folded <= 'z') return ASCII_LOWER;
  const cp = folded.codePointAt(0)!;
  const kind = LOWER.test(folded) ? 'll' : OTHER_LETTER.test(folded) ? 'lo' : UPPER.test(folded) ? 'lu' : null;
  if (!kind) return null;
  const script = scriptOf(folded);
  for (const size of [0x80, 0x400]) {
    const start = cp - (cp % size);
    const key = `${start}:${size}:${kind}:${script ?? ''}`;
    let list = alphabets.get(key);
    if (list === undefined) {
      list = [];
      for (let c = start; c < start + size; c++) {
        const s = String.fromCodePoint(c);
        if (!fits(s, kind, script)) continue;
        list.push(s);
      }
      if (list.length < 4) list = null;
      alphabets.set(key, list);
    }
    if (list) return list;
  }
  return null;
}

function fits(s: string, kind: 'll' | 'lo' | 'lu', script: string | undefined): boolean {
  if (s.normalize('NFD') !== s) return false;
  if (script && !SCRIPTS.find((x) => x.name === script)!.re.test(s)) return false;
  if (kind === 'lo') return OTHER_LETTER.test(s);
  if (kind === 'lu') return UPPER.test(s);
  if (!LOWER.test(s)) return false;
  const up = s.toUpperCase();
  return [...up].length === 1 && up.toLowerCase() === s;
}

/** One position of a run: its base character and the marks after it. */
interface Position {
  base: string;
  folded: string;
  upper: boolean;
  marks: string;
}

function positions(run: string): Position[] {
  const out: Position[] = [];
  for (const ch of run) {
    if (MARK.test(ch) && out.length) {
      out[out.length - 1].marks += ch;
      continue;
    }
    const lower = ch.toLowerCase();
    const folded = [...lower].length === 1 ? lower : ch;
    out.push({ base: ch, folded, upper: folded !== ch, marks: '' });
  }
  return out;
}

/** Whether a run (NFD) is made of digits. */
export const isDigitRun = (run: string): boolean => DIGIT.test([...run][0] ?? '');

/** The folded form of a run (NFD input): lower case, marks dropped. What duplicates are compared on. */
export function foldRun(run: string): string {
  return positions(run)
    .map((p) => p.folded)
    .join('');
}

/** Whether {@link drawFolded} can change anything in a folded run (a letter with an alphabet, a digit after the leading zeros). */
export function replaceable(folded: string): boolean {
  let leading = true;
  for (const ch of folded) {
    if (DIGIT.test(ch)) {
      if (!leading || ch.codePointAt(0)! !== zeroOf(ch)) return true;
      continue;
    }
    leading = false;
    if (alphabetOf(ch)) return true;
  }
  return false;
}

/** Bytes a run of `n` positions needs from {@link drawFolded}. */
export const bytesFor = (n: number): number => 2 * n;

/**
 * A folded run drawn from `bytes` with the shape of `folded` (same alphabet per position; digits:
 * leading zeros kept, the first other digit never 0).
 */
export function drawFolded(folded: string, bytes: Buffer): string {
  let out = '';
  let i = 0;
  let leading = true;
  for (const ch of folded) {
    const r = (bytes[i % bytes.length] << 8) | bytes[(i + 1) % bytes.length];
    i += 2;
    if (DIGIT.test(ch)) {
      const zero = zeroOf(ch);
      const value = ch.codePointAt(0)! - zero;
      if (leading && value === 0) {
        out += ch;
        continue;
      }
      out += String.fromCodePoint(zero + (leading ? 1 + (r % 9) : r % 10));
      leading = false;
      continue;
    }
    const alphabet = alphabetOf(ch);
    out += alphabet ? alphabet[r % alphabet.length] : ch;
  }
  return out;
}

/** The code point of the digit zero of a digit's script (digits 0–9 are consecutive). */
function zeroOf(digit: string): number {
  const cp = digit.codePointAt(0)!;
  let zero = cp;
  while (cp - zero < 9 && DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
  return zero;
}

/** The alphabet of each position of a folded run (digits: after the leading zeros, the first never 0); null for a kept position. */
function alphabetsOf(folded: string): (string[] | null)[] {
  let leading = true;
  return [...folded].map((ch) => {
    if (!DIGIT.test(ch)) {
      leading = false;
      return alphabetOf(ch);
    }
    const zero = zeroOf(ch);
    if (leading && ch.codePointAt(0) === zero) return null;
    const digits = Array.from({ length: 10 }, (_, d) => String.fromCodePoint(zero + d));
    const first = leading;
    leading = false;
    return first ? digits.slice(1) : digits;
  });
}

/** How many runs {@link nthFolded} can give for a folded run (capped at `cap`). */
export function spaceOf(folded: string, cap: number): number {
  let n = 1;
  for (const a of alphabetsOf(folded)) if (a && (n *= a.length) > cap) return cap + 1;
  return n;
}

/** The `index`-th run of the shape of `folded` (0 ≤ index < {@link spaceOf}): every run of that shape, one by one. */
export function nthFolded(folded: string, index: number): string {
  const chars = [...folded];
  const alphabets = alphabetsOf(folded);
  let rest = index;
  for (let i = chars.length - 1; i >= 0; i--) {
    const a = alphabets[i];
    if (!a) continue;
    chars[i] = a[rest % a.length];
    rest = Math.floor(rest / a.length);
  }
  return chars.join('');
}

/** Combining marks tried, in this order, when a pseudonym's letter does not compose with the original's mark. */
const MARKS = ['\u0301', '\u0300', '\u0302', '\u0308', '\u0303', '\u030c', '\u0306', '\u0327', '\u0304', '\u0307', '\u030a', '\u0328'];

const composes = (text: string) => text.normalize('NFC').length < text.length;

/**
 * Puts the case and marks of `original` (NFD) back onto a folded pseudonym of it. A mark that
 * composed with the original letter (é) is kept composable: when it does not compose with the new
 * letter, the first common mark that does is used instead (t́ → ť), so an accented name keeps its
 * length and its NFC form either way.
 */
export function restoreShape(original: string, folded: string): string {
  const pos = positions(original);
  const letters = [...folded];
  let out = '';
  pos.forEach((p, i) => {
    let c = letters[i] ?? p.base;
    if (p.upper) c = c.toUpperCase();
    let marks = p.marks;
    if (marks.length === 1 && !composes(c + marks) && composes(p.base + marks)) marks = MARKS.find((m) => composes(c + m)) ?? marks;
    out += c + marks;
  });
  return out;
}
