/**
 * A fast path for {@link toE164}: libphonenumber-js's own parsing and validation, for the inputs
 * directories hold most (digits with spaces, dashes, dots, slashes and parentheses, an optional
 * leading '+'), with its regular expressions compiled once instead of on every call.
 *
 * Why: libphonenumber-js builds a `new RegExp` from its metadata for every pattern it tests, parses
 * through several option-copying wrappers and throws (and catches) an Error for every input that is
 * not a number. That costs 5–25 µs a number (profile: a third of it in `matchesEntirely`); this
 * path costs about 1 µs and gives the same answer.
 *
 * What "the same" rests on: this file follows libphonenumber-js 1.13's `parse()` step for step
 * (named after its helpers: extractCountryCallingCode, stripIddPrefix,
 * extractCountryCallingCodeFromInternationalNumberWithoutPlusSign, extractNationalNumber,
 * getCountryByCallingCode, getNumberType, checkNumberLength, isValid) and reads the same "max"
 * metadata through the library's own `Metadata` class. Text without any digit is no number (as
 * for the library). Anything outside the simple shape (see SHAPE) — other scripts' digits, no-break
 * spaces, tel: URIs and ';' parameters, a '+' elsewhere than first, two digits, non-geographic
 * calling codes (+800 …) — returns `undefined`, and the caller asks the library.
 * `test/unit/transform/phone-fast.test.ts` compares both on every country's numbers and tens of
 * thousands of variants (prefixes, typos, other regions, extensions, leading text), so an upgrade
 * of the library that changes its parsing shows up there.
 */
import { Metadata, type MetadataJson } from 'libphonenumber-js/core';

export type FastPhone =
  | { kind: 'valid'; e164: string; ext?: string }
  /** parsed but not a valid number; `label` is the country (or "+<calling code>") for messages */
  | { kind: 'invalid'; label: string }
  /** libphonenumber-js finds no phone number in the text */
  | { kind: 'none' };

/** The parts of libphonenumber-js's Metadata class used here (its typings only declare the constructor). */
interface LibType {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface LibPlan {
  callingCode(): string;
  IDDPrefix(): string | undefined;
  nationalNumberPattern(): string;
  possibleLengths(): number[] | undefined;
  nationalPrefixForParsing(): string | undefined;
  nationalPrefixTransformRule(): string | undefined;
  leadingDigits(): string | undefined;
  hasTypes(): boolean;
  type(t: string): LibType | undefined;
}
interface LibMetadata {
  selectNumberingPlan(countryOrCallingCode: string): void;
  numberingPlan?: LibPlan;
  hasCountry(country: string): boolean;
  hasCallingCode(callingCode: string): boolean;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
}

// The object libphonenumber-js/max itself uses. Required rather than imported: an import would make
// TypeScript type the 150 KB JSON literally on every type-check.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const metadataJson = require('libphonenumber-js/max/metadata') as MetadataJson;
const metadata = new Metadata(metadataJson) as unknown as LibMetadata;

/** libphonenumber-js's order in getNumberType: fixed line first, then these. */
const TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];

/** One country's numbering plan with its patterns compiled (as libphonenumber-js would compile them on every use). */
interface Plan {
  country: string;
  callingCode: string;
  /** stripIddPrefix: `new RegExp(IDDPrefix)`, must match at 0 */
  idd: RegExp;
  /** matchesEntirely(…, nationalNumberPattern) */
  nationalNumber: RegExp;
  possibleLengths: number[] | undefined;
  /** extractNationalNumberFromPossiblyIncompleteNumber: `^(?:nationalPrefixForParsing)` */
  prefix: RegExp | null;
  transformRule: string | undefined;
  /** getCountryByNationalNumber: `nationalNumber.search(leadingDigits) === 0` */
  leadingDigits: RegExp | null;
  /** getNumberType's types that have a pattern, in its order; null when the plan has no types */
  types: { re: RegExp; lengths: number[] | undefined }[] | null;
}

const entirely = (pattern: string | undefined) => new RegExp('^(?:' + pattern + ')$');
const plans = new Map<string, Plan>();

function planOf(country: string): Plan {
  let p = plans.get(country);
  if (p) return p;
  metadata.selectNumberingPlan(country);
  const np = metadata.numberingPlan!;
  const prefix = np.nationalPrefixForParsing();
  const lead = np.leadingDigits();
  let types: Plan['types'] = null;
  if (np.hasTypes()) {
    types = [];
    for (const t of TYPES) {
      const def = np.type(t);
      if (!def || !def.pattern()) continue;
      types.push({ re: entirely(def.pattern()), lengths: def.possibleLengths() });
    }
  }
  p = {
    country,
    callingCode: np.callingCode(),
    idd: new RegExp(np.IDDPrefix() as string),
    nationalNumber: entirely(np.nationalNumberPattern()),
    possibleLengths: np.possibleLengths(),
    prefix: prefix ? new RegExp('^(?:' + prefix + ')') : null,
    transformRule: np.nationalPrefixTransformRule(),
    leadingDigits: lead ? new RegExp(lead) : null,
    types,
  };
  plans.set(country, p);
  return p;
}

/** Countries sharing a calling code (the first is the "main" one), or undefined for non-geographic codes. */
const countriesByCode = new Map<string, readonly string[] | undefined>();
function countriesOf(callingCode: string): readonly string[] | undefined {
  if (countriesByCode.has(callingCode)) return countriesByCode.get(callingCode);
  const c = metadata.getCountryCodesForCallingCode(callingCode);
  countriesByCode.set(callingCode, c);
  return c;
}
const hasCallingCode = new Map<string, boolean>();
function isCallingCode(code: string): boolean {
  let h = hasCallingCode.get(code);
  if (h === undefined) hasCallingCode.set(code, (h = !!metadata.hasCallingCode(code)));
  return h;
}

/** getNumberType(…) !== undefined */
function hasType(nn: string, plan: Plan): boolean {
  if (!plan.nationalNumber.test(nn) || plan.types === null) return false;
  for (const t of plan.types) {
    if (t.lengths && t.lengths.indexOf(nn.length) < 0) continue;
    if (t.re.test(nn)) return true;
  }
  return false;
}

/** getCountryByCallingCode */
function countryByCallingCode(callingCode: string, nn: string): string | undefined {
  const countries = countriesOf(callingCode);
  if (!countries) return undefined;
  if (countries.length === 1) return countries[0];
  for (const c of countries) {
    const p = planOf(c);
    if (p.leadingDigits) {
      if (nn && nn.search(p.leadingDigits) === 0) return c;
    } else if (hasType(nn, p)) return c;
  }
  return undefined;
}

/** checkNumberLength without a type */
function lengthCheck(nn: string, plan: Plan): 'IS_POSSIBLE' | 'TOO_SHORT' | 'TOO_LONG' | 'INVALID_LENGTH' {
  const lengths = plan.possibleLengths;
  if (!lengths) return 'IS_POSSIBLE';
  const n = nn.length;
  if (lengths[0] === n) return 'IS_POSSIBLE';
  if (lengths[0] > n) return 'TOO_SHORT';
  if (lengths[lengths.length - 1] < n) return 'TOO_LONG';
  return lengths.indexOf(n, 1) >= 0 ? 'IS_POSSIBLE' : 'INVALID_LENGTH';
}

/** extractNationalNumber (national prefix and carrier code stripped when that leaves a possible number) */
function nationalNumberOf(number: string, plan: Plan): string {
  let nn = number;
  if (number && plan.prefix) {
    const m = plan.prefix.exec(number);
    if (m) {
      const groups = m.length - 1;
      const hasGroups = groups > 0 && !!m[groups];
      nn = plan.transformRule && hasGroups ? number.replace(plan.prefix, plan.transformRule) : number.slice(m[0].length);
    }
  }
  if (nn !== number) {
    if (plan.nationalNumber.test(number) && !plan.nationalNumber.test(nn)) return number;
    if (plan.possibleLengths) {
      const country = countryByCallingCode(plan.callingCode, nn);
      const check = lengthCheck(nn, country ? planOf(country) : plan);
      if (check === 'TOO_SHORT' || check === 'INVALID_LENGTH') return number;
    }
  }
  return nn;
}

/** extractCountryCallingCodeFromInternationalNumberWithoutPlusSign: "4989…" typed for "+49 89 …" */
function callingCodeWithoutPlus(digits: string, plan: Plan): string | undefined {
  const code = plan.callingCode;
  if (digits.indexOf(code) !== 0) return undefined;
  const shorter = digits.slice(code.length);
  const nnShorter = nationalNumberOf(shorter, plan);
  const nn = nationalNumberOf(digits, plan);
  if ((!plan.nationalNumber.test(nn) && plan.nationalNumber.test(nnShorter)) || lengthCheck(nn, plan) === 'TOO_LONG') return shorter;
  return undefined;
}

/**
 * The shape handled here: anything without digits or '+' (and without ';', which could start an RFC
 * 3966 parameter) before the number, which the library cuts off; then the number — an optional '+'
 * and digits with spaces, dashes, dots, slashes and parentheses — then either trailing punctuation
 * (cut off too) or an extension "ext. 1234", "ext1234", "x1234" (1–9 digits).
 */
const SHAPE = /^[^;+\uFF0B\p{Nd}]*(\+?[0-9 ()./-]*?[0-9])(?:[ ()./-]*|( *(?:ext\.?|x) *)([0-9]{1,9}))$/iu;
const DIGIT_ANY_SCRIPT = /\p{Nd}/u;
const NON_DIGITS = /[^0-9]/g;

/**
 * E.164 of `text` (trimmed) with `defaultCountry` (a supported ISO code, upper case) for national
 * numbers, exactly as libphonenumber-js/max parsePhoneNumberFromString + isValid() would decide;
 * `undefined` when the text is not of the shape handled here.
 */
export function fastE164(text: string, defaultCountry: string | undefined): FastPhone | undefined {
  // no digit of any script: the library cannot find a number either (it needs at least two digits)
  if (!DIGIT_ANY_SCRIPT.test(text)) return NONE;
  if (text.length > 64) return undefined;
  const m = SHAPE.exec(text);
  if (m === null) return undefined;
  const number = m[1];
  const ext = m[3];
  const plus = number.charCodeAt(0) === 0x2b;
  const digits = number.replace(NON_DIGITS, '');
  if (digits.length < 3) {
    // one digit is never a viable number; two digits have viability rules of their own
    return digits.length === 1 && ext === undefined ? NONE : undefined;
  }
  const r = parse(plus, digits, defaultCountry);
  return r !== undefined && ext !== undefined && r.kind === 'valid' ? { kind: 'valid', e164: r.e164, ext } : r;
}

/** libphonenumber-js parse() + isValid() of a number reduced to its digits (and whether it began with '+'). */
function parse(plus: boolean, digits: string, defaultCountry: string | undefined): FastPhone | undefined {
  // extractCountryCallingCode
  let callingCode: string | undefined;
  let rest: string | undefined;
  let intl: string | undefined = plus ? digits : undefined;
  if (!plus && defaultCountry) {
    const dp = planOf(defaultCountry);
    // stripIddPrefix
    if (digits.search(dp.idd) === 0) {
      const after = digits.slice(digits.match(dp.idd)![0].length);
      if (after && after[0] !== '0' && after !== digits) intl = after;
    }
    if (intl === undefined) {
      const shorter = callingCodeWithoutPlus(digits, dp);
      if (shorter !== undefined) {
        callingCode = dp.callingCode;
        rest = shorter;
      }
    }
  }
  if (intl !== undefined) {
    if (intl[0] === '0') return NONE;
    for (let i = 1; i <= 3 && i <= intl.length; i++) {
      const code = intl.slice(0, i);
      if (isCallingCode(code)) {
        callingCode = code;
        rest = intl.slice(i);
        break;
      }
    }
    if (callingCode === undefined) return NONE;
  } else if (callingCode === undefined) {
    if (!defaultCountry) return NONE; // a national number without a default country
    rest = digits;
  }

  // parse(): the numbering plan and the national (significant) number
  let country: string | undefined;
  let plan: Plan;
  if (callingCode !== undefined) {
    const countries = countriesOf(callingCode);
    if (!countries) return undefined; // non-geographic calling code (+800, +882 …)
    plan = planOf(countries[0]);
  } else {
    country = defaultCountry!;
    plan = planOf(country);
    callingCode = plan.callingCode;
  }
  if (!rest) return NONE;
  const nn = nationalNumberOf(rest, plan);
  const exact = countryByCallingCode(callingCode, nn);
  if (exact) country = exact;
  if (nn.length < 2 || nn.length > 17) return NONE;

  // PhoneNumber.isValid()
  const vp = country ? planOf(country) : plan;
  const valid = vp.types !== null ? hasType(nn, vp) : vp.nationalNumber.test(nn);
  return valid ? { kind: 'valid', e164: '+' + callingCode + nn } : { kind: 'invalid', label: country ?? '+' + callingCode };
}

const NONE: FastPhone = Object.freeze({ kind: 'none' });
