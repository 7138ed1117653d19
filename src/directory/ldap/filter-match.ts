/**
 * LDAP filters (RFC 4515) parsed with ldapts and evaluated in memory against normalised attributes:
 * used to apply the configured user filter to entries read from an LDIF file, and to validate
 * filter syntax when the configuration loads. Values compare case-insensitively (caseIgnoreMatch,
 * what directories use for names, mail and most user attributes); multi-valued attributes match
 * when any value does.
 */
import { FilterParser, type Filter } from 'ldapts';
import type { Attributes } from '../types';

export type EntryPredicate = (attributes: Attributes) => boolean;

/** Parse a filter, or return the parser's complaint. */
export function checkFilterSyntax(filter: string): string | undefined {
  try {
    FilterParser.parseString(filter.trim().startsWith('(') ? filter.trim() : `(${filter.trim()})`);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export function compileFilter(filter: string): EntryPredicate {
  const f = filter.trim();
  return build(FilterParser.parseString(f.startsWith('(') ? f : `(${f})`));
}

type AnyFilter = Filter & {
  filters?: Filter[];
  filter?: Filter;
  attribute?: string;
  value?: string | Buffer;
  initial?: string;
  any?: string[];
  final?: string;
};

const text = (v: string | Buffer) => (Buffer.isBuffer(v) ? v.toString('latin1') : v).toLowerCase();

function build(filter: Filter): EntryPredicate {
  const f = filter as AnyFilter;
  const name = f.constructor.name;
  const attr = (f.attribute ?? '').toLowerCase();
  const values = (a: Attributes) => a[attr] ?? [];
  switch (name) {
    case 'AndFilter': {
      const parts = (f.filters ?? []).map(build);
      return (a) => parts.every((p) => p(a));
    }
    case 'OrFilter': {
      const parts = (f.filters ?? []).map(build);
      return (a) => parts.some((p) => p(a));
    }
    case 'NotFilter': {
      const inner = build(f.filter!);
      return (a) => !inner(a);
    }
    case 'PresenceFilter':
      return attr === 'objectclass' ? () => true : (a) => values(a).length > 0;
    case 'EqualityFilter':
    case 'ApproximateFilter': {
      const want = text(f.value ?? '');
      return (a) => values(a).some((v) => text(v) === want);
    }
    case 'GreaterThanEqualsFilter': {
      const want = text(f.value ?? '');
      return (a) => values(a).some((v) => compare(text(v), want) >= 0);
    }
    case 'LessThanEqualsFilter': {
      const want = text(f.value ?? '');
      return (a) => values(a).some((v) => compare(text(v), want) <= 0);
    }
    case 'SubstringFilter': {
      const esc = (s: string) => s.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const re = new RegExp(`^${esc(f.initial ?? '')}.*${(f.any ?? []).map((x) => `${esc(x)}.*`).join('')}${esc(f.final ?? '')}$`, 's');
      return (a) => values(a).some((v) => re.test(text(v)));
    }
    default:
      throw new Error(`filter type ${name} is not supported for LDIF sources`);
  }
}

/** Numbers compare numerically (uidNumber>=1000), everything else as strings (generalized time sorts as text). */
function compare(a: string, b: string): number {
  if (/^-?\d+$/.test(a) && /^-?\d+$/.test(b)) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The attribute names a filter tests (so a reader can fetch them). */
export function filterAttributes(filter: string): string[] {
  const f = filter.trim();
  const out = new Set<string>();
  const walk = (node: Filter) => {
    const n = node as AnyFilter;
    if (n.attribute) out.add(n.attribute);
    for (const c of n.filters ?? []) walk(c);
    if (n.filter) walk(n.filter);
  };
  walk(FilterParser.parseString(f.startsWith('(') ? f : `(${f})`));
  return [...out];
}
