/**
 * The phone fast path (text/phone-fast.ts) re-implements libphonenumber-js's parsing for simple
 * inputs; here it is compared with the library itself (toE164Library) on every country's example
 * numbers and on tens of thousands of variants: national/international/IDD/no-plus forms, typos,
 * other default regions, punctuation, extensions, leading text and random digit strings.
 */
import { getCountries, getCountryCallingCode, getExampleNumber, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { fastE164 } from '../../../src/transform/text/phone-fast';
import { isValidE164, toE164, toE164Library } from '../../../src/transform/text/phone';
import { createRng } from '../../../src/util/rng';

const countries = getCountries();
const r = createRng(7);
const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
const digit = () => String(Math.floor(r() * 10));
const SEPARATORS = [' ', ' ', '-', '.', '/', ''];

/** Insert random separators (and sometimes parentheses around the first group). */
function punctuate(d: string): string {
  let out = '';
  for (let i = 0; i < d.length; i++) {
    out += d[i];
    if (i < d.length - 1 && r() < 0.25) out += pick(SEPARATORS);
  }
  if (r() < 0.15 && d.length > 4) {
    const k = 2 + Math.floor(r() * 2);
    out = `(${out.slice(0, k)}) ${out.slice(k)}`;
  }
  return out;
}

function mutate(d: string): string {
  const i = Math.floor(r() * d.length);
  switch (Math.floor(r() * 5)) {
    case 0:
      return d.slice(0, i) + d.slice(i + 1); // dropped
    case 1:
      return d.slice(0, i) + d[i] + d.slice(i); // doubled
    case 2:
      return d.slice(0, i) + digit() + d.slice(i + 1); // changed
    case 3:
      return d.slice(0, -3) + digit() + digit() + digit(); // other subscriber
    default:
      return d + digit(); // one too many
  }
}

/** [text, region] pairs. */
function corpus(): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const c of countries) {
    const ex = getExampleNumber(c, examples);
    if (!ex) continue;
    const cc = getCountryCallingCode(c);
    const nsns = [ex.nationalNumber];
    for (let k = 0; k < 6; k++) nsns.push(mutate(pick(nsns)));
    for (const nsn of nsns) {
      const forms = [
        `+${cc}${nsn}`,
        `+${cc} ${punctuate(nsn)}`,
        `+${cc} (0)${punctuate(nsn)}`,
        `0${punctuate(nsn)}`,
        `8${nsn}`,
        `1${nsn}`,
        punctuate(nsn),
        `00${cc}${nsn}`,
        `011 ${cc} ${punctuate(nsn)}`,
        `${cc}${nsn}`,
        `${cc} ${punctuate(nsn)}`,
        `0${cc}${nsn}`,
      ];
      for (const f of forms) {
        const regions: (string | undefined)[] = [c, pick(countries), undefined];
        for (const region of regions) out.push([f, region]);
      }
      out.push([`+${cc} ${punctuate(nsn)} ext. ${digit()}${digit()}${digit()}`, c]);
      out.push([`0${punctuate(nsn)} x${digit()}${digit()}`, c]);
      out.push([`Tel: +${cc} ${punctuate(nsn)}`, pick(countries)]);
    }
  }
  // random digit strings, with and without '+', any region
  for (let k = 0; k < 12000; k++) {
    const n = 1 + Math.floor(r() * 18);
    let d = '';
    for (let i = 0; i < n; i++) d += digit();
    const text = (r() < 0.4 ? '+' : '') + (r() < 0.5 ? punctuate(d) : d);
    out.push([text, r() < 0.15 ? undefined : pick(countries)]);
  }
  return out;
}

const SPECIAL: [string, string | undefined][] = [
  ['', 'US'],
  ['  ', 'US'],
  ['n/a', 'US'],
  ['-', 'DE'],
  ['+', 'DE'],
  ['0', 'DE'],
  ['00', 'DE'],
  ['12', 'US'],
  ['1-2', 'US'],
  ['+1', 'US'],
  ['+12', undefined],
  ['(0)', 'GB'],
  ['++49 89 1234567', 'DE'],
  ['+49 (0) 89 1234567', 'DE'],
  ['+44 (0)20 7946 0958 ext. 1234', 'GB'],
  ['x1234', 'US'],
  ['ext. 4711', 'DE'],
  ['5 x12', 'US'],
  ['555-1234 x12', 'US'],
  ['(415) 555-2671)', 'US'],
  ['415 555 2671 -', 'US'],
  ['+800 1234 5678', undefined],
  ['+882 1234 5678', 'DE'],
  ['+0 123 456', 'US'],
  ['0049 0 89 1234567', 'DE'],
  ['011 44 20 7946 0958', 'US'],
  ['tel:+1-415-555-2671', 'US'],
  ['+1 415 555 2671;ext=12', 'US'],
  ['+1 415 555 2671 EXT 12', 'US'],
  ['+1 415 555 2671 x.12', 'US'],
  ['\uFF0B1 415 555 2671', 'US'],
  ['+1 ٤١٥ 555 2671', 'US'],
  ['+1\u00a0415\u00a0555\u00a02671', 'US'],
  ['+1\t415 555 2671', 'US'],
  ['call reception', 'US'],
  ['+49 89 1234567', 'XX'],
  ['089 1234567', 'de'],
  ['089 1234567', undefined],
  ['1'.repeat(70), 'US'],
  ['+1 415 555 2671 x1234567890', 'US'],
  ['+1 415 555 2671 ext 123456789012', 'US'],
];

describe('phone fast path = libphonenumber-js', () => {
  const cases = [...SPECIAL, ...corpus()];
  const library = cases.map(([text, region]) => toE164Library(text, region));

  test(`toE164 gives the library's result (${cases.length} inputs)`, () => {
    const diffs: string[] = [];
    let handled = 0;
    cases.forEach(([text, region], i) => {
      const mine = toE164(text, region);
      const lib = library[i];
      if (JSON.stringify(mine) !== JSON.stringify(lib))
        diffs.push(`${JSON.stringify(text)} ${region}: ${JSON.stringify(mine)} vs library ${JSON.stringify(lib)}`);
      const cc = region?.toUpperCase();
      if (fastE164(text.trim(), cc && countries.includes(cc as CountryCode) ? cc : undefined) !== undefined) handled++;
    });
    expect(diffs.slice(0, 20)).toEqual([]);
    // the fast path must actually be taken for the simple shapes (else this test compares the library with itself)
    expect(handled / cases.length).toBeGreaterThan(0.95);
  });

  test('isValidE164 gives the library result', () => {
    const lib = (s: string) => /^\+[1-9]\d{6,14}$/.test(s) && toE164Library(s, undefined).e164 === s;
    const diffs: string[] = [];
    cases.forEach(([text], i) => {
      for (const s of [library[i].e164, text, text.replace(/[^+\d]/g, '')]) {
        if (s && isValidE164(s) !== lib(s)) diffs.push(s);
      }
    });
    expect(diffs.slice(0, 20)).toEqual([]);
  });

  test('shapes outside the fast path are left to the library; text without digits is no number', () => {
    expect(fastE164('+1 415 555 2671;ext=12', 'US')).toBeUndefined();
    expect(fastE164('+1\u00a0415\u00a0555\u00a02671', 'US')).toBeUndefined();
    expect(fastE164('+800 1234 5678', undefined)).toBeUndefined();
    expect(fastE164('12', 'US')).toBeUndefined();
    expect(fastE164('n/a', 'US')).toEqual({ kind: 'none' });
    expect(fastE164('(415) 555-2671', 'US')).toEqual({ kind: 'valid', e164: '+14155552671' });
    expect(fastE164('+44 20 7946 0958 ext. 42', 'GB')).toEqual({ kind: 'valid', e164: '+442079460958', ext: '42' });
    expect(fastE164('+1 555 555 5555', 'US')).toEqual({ kind: 'invalid', label: '+1' });
    expect(fastE164('555-1234', 'US')).toEqual({ kind: 'invalid', label: 'US' });
  });
});
