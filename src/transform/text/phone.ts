/**
 * Phone numbers to E.164 with libphonenumber-js ("max" metadata: full validation per number range).
 * The simple shapes most directory values have go through {@link fastE164} (the library's own
 * parsing with its patterns compiled once, same answers); everything else through the library.
 * This file and phone-fast.ts are the stage's only importers of libphonenumber-js (the hook
 * worker's `toE164` helper is this file's function).
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { fastE164 } from './phone-fast';

export interface PhoneResult {
  /** E.164 (`+14155552671`), or null when the number is not valid. */
  e164: string | null;
  /** An extension that E.164 cannot carry (dropped). */
  ext?: string;
  reason?: string;
}

export function isRegion(code: string): boolean {
  return isSupportedCountry(code.toUpperCase());
}

const E164_SHAPE = /^\+[1-9]\d{6,14}$/;
const EMPTY: PhoneResult = Object.freeze({ e164: null, reason: 'empty' });

/** Parse `raw` (any national or international format) with `region` as the default country. */
export function toE164(raw: string, region: string | undefined): PhoneResult {
  const text = raw.trim();
  if (text === '') return EMPTY;
  const cc = region ? region.toUpperCase() : undefined;
  const country = cc && isSupportedCountry(cc) ? cc : undefined;
  const f = fastE164(text, country);
  if (f === undefined) return viaLibrary(text, region, country);
  if (f.kind === 'valid') return f.ext === undefined ? { e164: f.e164 } : { e164: f.e164, ext: f.ext };
  if (f.kind === 'invalid') return { e164: null, reason: `not a valid number for ${f.label}` };
  return { e164: null, reason: notANumber(region) };
}

/** {@link toE164} through libphonenumber-js only (the reference the fast path is tested against). */
export function toE164Library(raw: string, region: string | undefined): PhoneResult {
  const text = raw.trim();
  if (text === '') return EMPTY;
  const cc = region ? region.toUpperCase() : undefined;
  return viaLibrary(text, region, cc && isSupportedCountry(cc) ? cc : undefined);
}

function viaLibrary(text: string, region: string | undefined, country: string | undefined): PhoneResult {
  const p = parsePhoneNumberFromString(text, country as CountryCode | undefined);
  if (!p) return { e164: null, reason: notANumber(region) };
  if (!p.isValid()) return { e164: null, reason: `not a valid number for ${p.country ?? '+' + p.countryCallingCode}` };
  return p.ext ? { e164: p.number, ext: p.ext } : { e164: p.number };
}

const notANumber = (region: string | undefined) => (region ? 'not a phone number' : 'not a phone number (no default region for a national number)');

/** True when `s` is shaped like E.164 and libphonenumber-js considers it valid. */
export function isValidE164(s: string): boolean {
  if (!E164_SHAPE.test(s)) return false;
  const f = fastE164(s, undefined);
  if (f !== undefined) return f.kind === 'valid' && f.e164 === s;
  const p = parsePhoneNumberFromString(s);
  return !!p && p.isValid() && p.number === s;
}
