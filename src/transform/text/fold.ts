/**
 * Text folding: diacritics stripping (ascii-fold), transliteration of Cyrillic and Greek to Latin,
 * and name title-casing. Pure functions, fast path for ASCII input (no allocation).
 */

const NON_ASCII = /[^\x00-\x7f]/;
const MARKS = /\p{M}+/gu;

/** Letters and punctuation that Unicode decomposition does not reduce to ASCII. */
const FOLD_MAP: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'AE',
  ø: 'o',
  Ø: 'O',
  œ: 'oe',
  Œ: 'OE',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'Th',
  ı: 'i',
  ħ: 'h',
  Ħ: 'H',
  ŧ: 't',
  Ŧ: 'T',
  ŋ: 'n',
  Ŋ: 'N',
  ĸ: 'k',
  ſ: 's',
  ƒ: 'f',
  ƀ: 'b',
  ɨ: 'i',
  ʉ: 'u',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u02bc': "'",
  '\u00b4': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u00ab': '"',
  '\u00bb': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u00a0': ' ',
  '\u2007': ' ',
  '\u202f': ' ',
};
const FOLD_RE = new RegExp(`[${Object.keys(FOLD_MAP).join('')}]`, 'g');
const foldChar = (c: string) => FOLD_MAP[c];

/**
 * Strip diacritics (compatibility decomposition, then combining marks removed) and map the Latin
 * letters that do not decompose (ß → ss, ø → o, ł → l, æ → ae …) and typographic quotes/dashes.
 * Characters of other scripts are left unchanged (see {@link transliterate}).
 */
export function asciiFold(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  return s.normalize('NFKD').replace(MARKS, '').replace(FOLD_RE, foldChar);
}

/** Cyrillic (Russian, Ukrainian, Belarusian, Bulgarian, Serbian, Macedonian) → Latin, close to BGN/PCGN. */
const CYRILLIC_MAP: Readonly<Record<string, string>> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
  ў: 'u',
  ђ: 'dj',
  ј: 'j',
  љ: 'lj',
  њ: 'nj',
  ћ: 'c',
  џ: 'dz',
  ѓ: 'gj',
  ќ: 'kj',
  ѕ: 'dz',
};
/** Greek → Latin (ELOT 743 simplified); accents are stripped before mapping. */
const GREEK_MAP: Readonly<Record<string, string>> = {
  α: 'a',
  β: 'v',
  γ: 'g',
  δ: 'd',
  ε: 'e',
  ζ: 'z',
  η: 'i',
  θ: 'th',
  ι: 'i',
  κ: 'k',
  λ: 'l',
  μ: 'm',
  ν: 'n',
  ξ: 'x',
  ο: 'o',
  π: 'p',
  ρ: 'r',
  σ: 's',
  ς: 's',
  τ: 't',
  υ: 'y',
  φ: 'f',
  χ: 'ch',
  ψ: 'ps',
  ω: 'o',
};
const CYR_RE = /[\u0400-\u04ff]/g;
/** The Greek digraph ου is "ou" (not "oy"). */
const GREEK_OU = /([οΟ])([υΥ])/g;
const greekOu = (_m: string, o: string, u: string) => (o === 'Ο' ? 'O' : 'o') + (u === 'Υ' ? 'U' : 'u');
const GREEK_RE = /[\u0370-\u03ff]/g;

function mapCased(table: Readonly<Record<string, string>>) {
  return (c: string): string => {
    const lower = c.toLowerCase();
    const t = table[lower];
    if (t === undefined) return c;
    if (lower === c || t === '') return t;
    return t.charAt(0).toUpperCase() + t.slice(1); // Ж → Zh
  };
}
const mapCyr = mapCased(CYRILLIC_MAP);
const mapGreek = mapCased(GREEK_MAP);

/** Transliterate Cyrillic and Greek letters to Latin, then {@link asciiFold} the rest. */
export function transliterate(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  let t = s.normalize('NFC').replace(CYR_RE, mapCyr);
  t = t.normalize('NFKD').replace(MARKS, '').replace(GREEK_OU, greekOu).replace(GREEK_RE, mapGreek);
  return t.replace(FOLD_RE, foldChar);
}

const WORD_START = /(^|[\s\-'’.(/])(\p{L})/gu;
/** Title-case a name: every word lower-cased, its first letter upper-cased; words start after space, hyphen, apostrophe, period, slash or '('. */
export function titleCase(s: string): string {
  return s.toLowerCase().replace(WORD_START, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

const WS_RUN = /[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+/g;
const WS_TEST = /^\s|\s$|[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]{2}|[\t\n\r\v\f\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]/;
/** Trim and collapse every run of white space (incl. no-break and zero-width spaces) to one ASCII space. */
export function collapseWhitespace(s: string): string {
  if (!WS_TEST.test(s)) return s;
  return s.replace(WS_RUN, ' ').trim();
}
