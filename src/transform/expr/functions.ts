/**
 * The function library of the expression language. Every function is pure and total: bad input
 * yields null, never an exception. Names are matched ignoring case, '-' and '_' (so `ascii-fold`,
 * `asciiFold` and `ascii_fold` are the same function). Arguments that must be known at compile
 * time (regular expressions, flags) are checked by `build`, which runs once at start-up.
 */
import { generalizedTimeToIso, fileTimeToIso, anyTimeToIso } from '../text/dates';
import { asciiFold, collapseWhitespace, titleCase, transliterate } from '../text/fold';
import { parentDn, parseDn } from '../../directory/dn';
import { guidToString, sidToString } from '../text/binary';
import { isRegion, toE164 } from '../text/phone';
import type { EvalScope } from './scope';
import {
  ArgError,
  GUID_TEXT,
  NON_ASCII,
  anyStr,
  cpLength,
  cpSlice,
  lazyCoalesce,
  literalRegex,
  mapAny,
  mapBin,
  pure,
  strMap,
  toBool,
  type FnDef,
} from './fn-builders';
import { asList, firstOf, isMissing, joinList, mapStr, toNum, toStr, truthy, type Value } from './values';

// ---- the table --------------------------------------------------------------------------------

const defs: FnDef[] = [
  { name: 'lower', min: 1, max: 1, kind: 'arg0', doc: 'lower(s) — lower-case', build: strMap((s) => s.toLowerCase()) },
  { name: 'upper', min: 1, max: 1, kind: 'arg0', doc: 'upper(s) — upper-case', build: strMap((s) => s.toUpperCase()) },
  { name: 'trim', min: 1, max: 1, kind: 'arg0', doc: 'trim(s) — strip leading/trailing white space', build: strMap((s) => s.trim()) },
  {
    name: 'collapse',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: 'collapse(s) — trim and turn every run of white space (also no-break/zero-width) into one space',
    build: strMap(collapseWhitespace),
  },
  {
    name: 'nfc',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: 'nfc(s) — Unicode normalization form C',
    build: strMap((s) => (NON_ASCII.test(s) ? s.normalize('NFC') : s)),
  },
  {
    name: 'asciiFold',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: "ascii-fold(s) — strip diacritics (é→e, ß→ss, ø→o, ł→l, æ→ae, ’→'); other scripts unchanged",
    build: strMap(asciiFold),
  },
  {
    name: 'transliterate',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: 'transliterate(s) — Cyrillic and Greek to Latin (Дмитрий→Dmitriy, Νίκος→Nikos), then ascii-fold',
    build: strMap(transliterate),
  },
  {
    name: 'titleCase',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: "titlecase(s) — name case: o'BRIEN-smith → O'Brien-Smith",
    build: strMap(titleCase),
  },
  {
    name: 'replace',
    min: 3,
    max: 4,
    kind: 'arg0',
    doc: "replace(s, /regex/flags | 'regex', replacement, flags?) — replace every match; $1… refer to groups",
    build(args) {
      const re = literalRegex(args, 1, 3, true);
      const rep = args[2];
      if (rep.constant) {
        const r = toStr(rep.value ?? null) ?? '';
        const a = args[0].ev;
        return (s) => mapStr(a(s), (x) => x.replace(re, r));
      }
      const a = args[0].ev,
        b = rep.ev;
      return (s) => {
        const r = toStr(b(s)) ?? '';
        return mapStr(a(s), (x) => x.replace(re, r));
      };
    },
  },
  {
    name: 'substring',
    min: 2,
    max: 3,
    kind: 'arg0',
    doc: 'substring(s, start, end?) — characters [start, end) by code point; negative counts from the end',
    build: pure((v, a, b) => {
      const start = toNum(a);
      if (start === null) return null;
      const end = b === undefined || b === null ? undefined : (toNum(b) ?? undefined);
      return mapStr(v, (s) => cpSlice(s, Math.trunc(start), end === undefined ? undefined : Math.trunc(end)));
    }),
  },
  {
    name: 'split',
    min: 2,
    max: 2,
    kind: 'list',
    doc: "split(s, ',' | /regex/) — list of the non-empty parts",
    build(args) {
      const sep = args[1];
      let splitter: string | RegExp;
      if (sep.regex) splitter = literalRegex(args, 1, null, false);
      else if (sep.constant && typeof sep.value === 'string' && sep.value !== '') splitter = sep.value;
      else throw new ArgError('the separator must be a non-empty quoted string or a /regex/ literal', 1);
      const a = args[0].ev;
      return (s) => {
        const v = a(s);
        if (v === null) return null;
        const out: string[] = [];
        for (const item of asList(v)) {
          const str = toStr(item);
          if (str === null) continue;
          for (const part of str.split(splitter)) if (part !== '') out.push(part);
        }
        return out;
      };
    },
  },
  {
    name: 'join',
    min: 1,
    max: 2,
    kind: 'scalar',
    doc: "join(list, sep = ',') — join the values of a list",
    build: pure((v, sep) => (v === null ? null : joinList(asList(v), sep === undefined ? ',' : (toStr(sep) ?? '')))),
  },
  { name: 'first', min: 1, max: 1, kind: 'scalar', doc: 'first(list) — first value', build: pure((v) => firstOf(v) ?? null) },
  {
    name: 'last',
    min: 1,
    max: 1,
    kind: 'scalar',
    doc: 'last(list) — last value',
    build: pure((v) => (Array.isArray(v) ? ((v[v.length - 1] as Value) ?? null) : v)),
  },
  { name: 'count', min: 1, max: 1, kind: 'scalar', doc: 'count(v) — number of values (0 when missing)', build: pure((v) => asList(v).length) },
  {
    name: 'len',
    min: 1,
    max: 1,
    kind: 'scalar',
    doc: 'len(s) — length in characters (code points)',
    build: pure((v) => {
      const s = toStr(firstOf(v));
      return s === null ? null : cpLength(s);
    }),
  },
  {
    name: 'default',
    min: 2,
    max: Infinity,
    kind: 'union',
    doc: "default(v, fallback, …) — the first argument that is not missing (null, '' or empty list); same as coalesce",
    build: lazyCoalesce,
  },
  { name: 'coalesce', min: 2, max: Infinity, kind: 'union', doc: 'coalesce(a, b, …) — the first argument that is not missing', build: lazyCoalesce },
  {
    name: 'concat',
    min: 1,
    max: Infinity,
    kind: 'scalar',
    doc: 'concat(a, b, …) — the present arguments joined (missing ones are skipped; all missing → null)',
    build(args) {
      const evs = args.map((a) => a.ev);
      return (s) => {
        let out: string | null = null;
        for (let i = 0; i < evs.length; i++) {
          const v = toStr(evs[i](s));
          if (v !== null) out = out === null ? v : out + v;
        }
        return out;
      };
    },
  },
  {
    name: 'if',
    min: 2,
    max: 3,
    kind: 'union',
    doc: 'if(condition, then, else = null) — conditional (also `condition ? then : else`)',
    build(args) {
      const c = args[0].ev,
        a = args[1].ev,
        b = args[2]?.ev;
      return b ? (s) => (truthy(c(s)) ? a(s) : b(s)) : (s) => (truthy(c(s)) ? a(s) : null);
    },
  },
  { name: 'exists', min: 1, max: 1, kind: 'scalar', doc: "exists(v) — true unless v is missing (null, '' or empty list)", build: pure((v) => !isMissing(v)) },
  {
    name: 'contains',
    min: 2,
    max: 2,
    kind: 'scalar',
    doc: 'contains(s, part) — case-sensitive; for a list, any value',
    build: pure((v, p) => {
      const ps = toStr(p);
      return ps !== null && anyStr(v, (s) => s.includes(ps));
    }),
  },
  {
    name: 'startsWith',
    min: 2,
    max: 2,
    kind: 'scalar',
    doc: 'startswith(s, prefix) — case-sensitive; for a list, any value',
    build: pure((v, p) => {
      const ps = toStr(p);
      return ps !== null && anyStr(v, (s) => s.startsWith(ps));
    }),
  },
  {
    name: 'endsWith',
    min: 2,
    max: 2,
    kind: 'scalar',
    doc: 'endswith(s, suffix) — case-sensitive; for a list, any value',
    build: pure((v, p) => {
      const ps = toStr(p);
      return ps !== null && anyStr(v, (s) => s.endsWith(ps));
    }),
  },
  {
    name: 'before',
    min: 2,
    max: 2,
    kind: 'arg0',
    doc: "before(s, sep) — text before the first sep (whole s when sep is absent): before(mail, '@')",
    build: pure((v, sep) => {
      const p = toStr(sep);
      if (p === null || p === '') return null;
      return mapStr(v, (s) => {
        const i = s.indexOf(p);
        return i < 0 ? s : s.slice(0, i);
      });
    }),
  },
  {
    name: 'after',
    min: 2,
    max: 2,
    kind: 'arg0',
    doc: 'after(s, sep) — text after the first sep (null when sep is absent)',
    build: pure((v, sep) => {
      const p = toStr(sep);
      if (p === null || p === '') return null;
      return mapStr(v, (s) => {
        const i = s.indexOf(p);
        return i < 0 ? null : s.slice(i + p.length);
      });
    }),
  },
  {
    name: 'generalizedTime',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: 'generalizedtime(v) — LDAP/AD GeneralizedTime (20240305123456.0Z) → ISO 8601 UTC',
    build: strMap(generalizedTimeToIso),
  },
  {
    name: 'fileTime',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: 'filetime(v) — Windows FILETIME (accountExpires, pwdLastSet) → ISO 8601 UTC; 0 and 2^63-1 ("never") → null',
    build: strMap(fileTimeToIso),
  },
  { name: 'date', min: 1, max: 1, kind: 'arg0', doc: 'date(v) — ISO 8601, GeneralizedTime or FILETIME (detected) → ISO 8601 UTC', build: strMap(anyTimeToIso) },
  {
    name: 'dateOnly',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: 'dateonly(v) — like date(v), then only YYYY-MM-DD',
    build: strMap((s) => anyTimeToIso(s)?.slice(0, 10) ?? null),
  },
  {
    name: 'rdn',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: 'rdn(dn) — value of the first RDN, unescaped: rdn("CN=Smith\\, John,OU=X") → "Smith, John"',
    build: strMap((s) => parseDn(s)?.[0]?.[0]?.value ?? null),
  },
  {
    name: 'dnValues',
    min: 2,
    max: 2,
    kind: 'list',
    doc: "dnvalues(dn, 'OU') — values of every RDN of that type, unescaped, leaf first",
    build: pure((v, t) => {
      const type = toStr(t)?.toLowerCase();
      const dn = toStr(firstOf(v));
      if (!type || dn === null) return null;
      const rdns = parseDn(dn);
      if (!rdns) return null;
      const out: string[] = [];
      for (const r of rdns) for (const a of r) if (a.type.toLowerCase() === type) out.push(a.value);
      return out.length ? out : null;
    }),
  },
  { name: 'parentDn', min: 1, max: 1, kind: 'arg0', doc: 'parentdn(dn) — the DN without its first RDN', build: strMap(parentDn) },
  {
    name: 'hex',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: 'hex(v) — binary value (or text as UTF-8) as lower-case hex',
    build: pure((v) => mapBin(v, (b) => b.toString('hex'))),
  },
  {
    name: 'base64',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: 'base64(v) — binary value (or text as UTF-8) as base64',
    build: pure((v) => mapBin(v, (b) => b.toString('base64'))),
  },
  {
    name: 'guid',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: 'guid(objectGUID) — AD binary GUID → canonical lower-case text; GUID text is normalised',
    build: pure((v) =>
      mapAny(v, (x) => {
        if (Buffer.isBuffer(x)) return guidToString(x);
        const s = toStr(x);
        const m = s === null ? null : GUID_TEXT.exec(s.trim());
        return m ? m.slice(1).join('-').toLowerCase() : null;
      }),
    ),
  },
  {
    name: 'sid',
    min: 1,
    max: 1,
    kind: 'arg0',
    doc: 'sid(objectSid) — binary SID → S-1-5-21-…',
    build: pure((v) => mapAny(v, (x) => (Buffer.isBuffer(x) ? sidToString(x) : typeof x === 'string' && /^S-\d+(-\d+)+$/.test(x) ? x : null))),
  },
  { name: 'bool', min: 1, max: 1, kind: 'scalar', doc: 'bool(v) — TRUE/true/1/yes/on → true, FALSE/0/no/off → false, else null', build: pure(toBool) },
  { name: 'number', min: 1, max: 1, kind: 'scalar', doc: 'number(v) — numeric text → number, else null', build: pure(toNum) },
  { name: 'string', min: 1, max: 1, kind: 'scalar', doc: "string(v) — text rendering (lists joined with ', ', binary as base64)", build: pure(toStr) },
  {
    name: 'phone',
    min: 1,
    max: 2,
    kind: 'arg0',
    doc: "phone(v, region?) — E.164 (+14155552671) or null when invalid; region is a default ISO country code ('US') for national numbers",
    build(args) {
      const r = args[1];
      if (r?.constant) {
        const region = toStr(r.value ?? null);
        if (region === null || !isRegion(region)) throw new ArgError(`unknown region '${region}' (an ISO 3166 country code such as 'US' or 'DE')`, 1);
      }
      const a = args[0].ev,
        b = r?.ev;
      return (s) => {
        const region = b ? (toStr(b(s)) ?? undefined) : undefined;
        return mapStr(a(s), (x) => toE164(x, region).e164);
      };
    },
  },
];

export const fnKey = (name: string) => name.toLowerCase().replace(/[-_]/g, '');

export const FUNCTIONS: ReadonlyMap<string, FnDef> = new Map(defs.map((d) => [fnKey(d.name), d]));
/** Spellings shown in "did you mean" hints. */
export const FUNCTION_NAMES: readonly string[] = [...defs.map((d) => d.name.toLowerCase()), 'ascii-fold'];

export type { EvalScope };
