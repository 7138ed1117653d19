/**
 * Phone numbers to E.164 with libphonenumber-js ("max" metadata: full validation per number range).
 * The only importer of libphonenumber-js.
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

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

/** Parse `raw` (any national or international format) with `region` as the default country. */
export function toE164(raw: string, region: string | undefined): PhoneResult {
  const text = raw.trim();
  if (text === '') return { e164: null, reason: 'empty' };
  const cc = region ? (region.toUpperCase() as CountryCode) : undefined;
  const p = parsePhoneNumberFromString(text, cc && isSupportedCountry(cc) ? cc : undefined);
  if (!p) return { e164: null, reason: region ? 'not a phone number' : 'not a phone number (no default region for a national number)' };
  if (!p.isValid()) return { e164: null, reason: `not a valid number for ${p.country ?? '+' + p.countryCallingCode}` };
  return p.ext ? { e164: p.number, ext: p.ext } : { e164: p.number };
}

/** True when `s` is shaped like E.164 and libphonenumber-js considers it valid. */
export function isValidE164(s: string): boolean {
  if (!E164_SHAPE.test(s)) return false;
  const p = parsePhoneNumberFromString(s);
  return !!p && p.isValid() && p.number === s;
}
