/** Query-parameter parsing shared by handlers, and the `Link` header builder. */
import { errors } from '../errors';

export function boolParam(query: URLSearchParams, name: string, dflt: boolean): boolean {
  const v = query.get(name);
  if (v === null || v === '') return dflt;
  const l = v.toLowerCase();
  if (l === 'true') return true;
  if (l === 'false') return false;
  throw errors.validation([{ field: name, message: `Invalid boolean value: ${v}` }]);
}

/**
 * `limit`: a positive integer; values above `max` are clamped to `max` (Okta's behaviour for
 * oversize limits is unconfirmed; clamping is the common reading of "maximum 200").
 */
export function limitParam(query: URLSearchParams, dflt: number, max: number): number {
  const v = query.get('limit');
  if (v === null || v === '') return dflt;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw errors.validation([{ field: 'limit', message: `Invalid limit: ${v}` }]);
  return Math.min(Number(v), max);
}

/** Rejects requests that combine `search`, `filter` and `q` (400 E0000033). */
export function exclusiveQuery(query: URLSearchParams): { search?: string; filter?: string; q?: string } {
  const pick = (n: string) => {
    const v = query.get(n);
    return v === null ? undefined : v;
  };
  const out = { search: pick('search'), filter: pick('filter'), q: pick('q') };
  const present = [out.search, out.filter, out.q].filter((x) => x !== undefined).length;
  if (present > 1) throw errors.searchAndFilter();
  return out;
}

/**
 * `Link` headers like Okta's: `self` = the request URL, `next` = the same URL with `after=<cursor>`
 * (first) and every other parameter kept (search, filter, limit, …). Node sends an array as
 * separate `Link` header lines.
 */
export function linkHeaders(requestUrl: string, next: string | undefined): { Link: string[] } {
  const links = [`<${requestUrl}>; rel="self"`];
  if (next !== undefined) {
    const url = new URL(requestUrl);
    const params = new URLSearchParams();
    params.set('after', next);
    for (const [k, v] of url.searchParams) if (k !== 'after') params.append(k, v);
    url.search = params.toString();
    links.push(`<${url.toString()}>; rel="next"`);
  }
  return { Link: links };
}
