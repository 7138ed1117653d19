/**
 * GET /api/v1/users — plain list, `search`, `filter` or `q` (mutually exclusive, else 400 E0000033).
 *
 * - Plain list and `q` omit DEPROVISIONED users; `search` and `filter` include them (documented).
 * - `search` and `filter` see the search index (lagging when `searchIndexLagMs` > 0: both are
 *   eventually consistent, facts §1.3); `q` and the plain list see current state.
 * - Order: ascending id (= creation order for generated ids); cursor `after` = last id of the previous
 *   page. With `sortBy` (search only) the order is by that attribute then id, and the cursor is opaque.
 * - `limit`: default 200, maximum 200 (clamped); with `q` default 10 and no pagination.
 * - `Link` headers: `self` and, when more results exist, `next` (absolute, keeping search/filter).
 * The expression is compiled once per request; a page scans from the cursor, so listing everything
 * costs O(n) overall.
 */
import { errors } from '../errors';
import type { Handler, RequestContext, SimCore } from '../http/types';
import { compileQuery, type Predicate } from '../query/compile';
import { userFilterDialect, userSearchDialect } from '../query/dialects';
import { paginate, type Page } from '../store/paginate';
import { userJson } from '../serialize/user';
import type { UserRecord } from '../types';
import { exclusiveQuery, limitParam, linkHeaders } from './params';

const MAX_LIMIT = 200;

export const listUsers: Handler = (ctx, sim) => {
  const { search, filter, q } = exclusiveQuery(ctx.query);
  const index = sim.store.users.index;
  const after = ctx.query.get('after') ?? undefined;
  let page: Page<UserRecord>;

  if (q !== undefined) {
    const limit = limitParam(ctx.query, 10, MAX_LIMIT);
    const prefix = q.toLowerCase();
    const starts = (v: unknown) => typeof v === 'string' && v.toLowerCase().startsWith(prefix);
    page = paginate(index.order.from(), limit, (id) => {
      const u = index.get(id);
      return u && u.status !== 'DEPROVISIONED' && (starts(u.profile.firstName) || starts(u.profile.lastName) || starts(u.profile.email)) ? u : undefined;
    });
    page = { items: page.items };
  } else {
    const limit = limitParam(ctx.query, MAX_LIMIT, MAX_LIMIT);
    if (search !== undefined) {
      const pred = compileQuery(search, userSearchDialect);
      const sortBy = ctx.query.get('sortBy');
      if (sortBy) return sortedSearch(ctx, sim, pred, sortBy, limit);
      page = paginate(index.order.from(after), limit, (id) => {
        const u = index.visibility.view(id, index.get(id));
        return u && pred(u) ? u : undefined;
      });
    } else if (filter !== undefined) {
      const pred = compileQuery(filter, userFilterDialect);
      page = paginate(index.order.from(after), limit, (id) => {
        const u = index.visibility.view(id, index.get(id));
        return u && pred(u) ? u : undefined;
      });
    } else {
      page = paginate(index.order.from(after), limit, (id) => {
        const u = index.get(id);
        return u && u.status !== 'DEPROVISIONED' ? u : undefined;
      });
    }
  }
  return {
    status: 200,
    body: page.items.map((u) => userJson(u, ctx.baseUrl, ctx.now, 'self')),
    headers: linkHeaders(ctx.requestUrl, page.next),
  };
};

type SortKey = string | number | null;

function sortKeyOf(v: unknown): SortKey {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'boolean') return String(v);
  return null;
}

/** Missing values last; numbers before strings; ties broken by id. */
function compareKeys(a: [SortKey, string], b: [SortKey, string]): number {
  const [ka, ia] = a;
  const [kb, ib] = b;
  if (ka !== kb) {
    if (ka === null) return 1;
    if (kb === null) return -1;
    if (typeof ka !== typeof kb) return typeof ka === 'number' ? -1 : 1;
    return ka < kb ? -1 : 1;
  }
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

function sortedSearch(ctx: RequestContext, sim: SimCore, pred: Predicate<UserRecord>, sortBy: string, limit: number) {
  const attr = userSearchDialect.resolve(sortBy);
  if (!attr) throw errors.invalidFilter(`Unsupported sortBy attribute: ${sortBy}`);
  const order = (ctx.query.get('sortOrder') ?? 'asc').toLowerCase();
  if (order !== 'asc' && order !== 'desc') throw errors.validation([{ field: 'sortOrder', message: 'Valid values are asc, desc' }]);
  const dir = order === 'asc' ? 1 : -1;
  const cmp = (a: [SortKey, string], b: [SortKey, string]) => dir * compareKeys(a, b);

  let cursor: [SortKey, string] | undefined;
  const after = ctx.query.get('after');
  if (after) {
    try {
      const decoded: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
      if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[1] !== 'string') throw new Error('bad cursor');
      cursor = decoded as [SortKey, string];
    } catch {
      throw errors.invalidCursor();
    }
  }
  const index = sim.store.users.index;
  const rows: { key: [SortKey, string]; user: UserRecord }[] = [];
  for (const id of index.order.from()) {
    const u = index.visibility.view(id, index.get(id));
    if (!u || !pred(u)) continue;
    const key: [SortKey, string] = [sortKeyOf(attr.get(u)), u.id];
    if (cursor && cmp(key, cursor) <= 0) continue;
    rows.push({ key, user: u });
  }
  rows.sort((a, b) => cmp(a.key, b.key));
  const items = rows.slice(0, limit);
  const next = rows.length > limit ? Buffer.from(JSON.stringify(items[items.length - 1].key), 'utf8').toString('base64url') : undefined;
  return {
    status: 200,
    body: items.map((r) => userJson(r.user, ctx.baseUrl, ctx.now, 'self')),
    headers: linkHeaders(ctx.requestUrl, next),
  };
}
