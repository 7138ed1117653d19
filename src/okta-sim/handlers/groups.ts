/**
 * Group endpoints: list (search / filter / q, cursor pagination), create (OKTA_GROUP), get,
 * replace, delete.
 *
 * - listGroups `limit`: default and maximum 10000 (spec maximum; Okta recommends ≤ 200); `q` is a
 *   case-insensitive name prefix, not pageable, default limit 300 (documented).
 * - `expand=stats` adds `_embedded.stats.usersCount`.
 * - `search` and `filter` see the (optionally lagging) search index; `q` current state.
 */
import type { Handler } from '../http/types';
import { compileQuery } from '../query/compile';
import { groupFilterDialect, groupSearchDialect } from '../query/dialects';
import { paginate, type Page } from '../store/paginate';
import { groupJson } from '../serialize/group';
import type { GroupRecord } from '../types';
import { exclusiveQuery, limitParam, linkHeaders } from './params';

const MAX_LIMIT = 10000;

export const listGroups: Handler = (ctx, sim) => {
  const { search, filter, q } = exclusiveQuery(ctx.query);
  const groups = sim.store.groups;
  const after = ctx.query.get('after') ?? undefined;
  let page: Page<GroupRecord>;
  if (q !== undefined) {
    const prefix = q.toLowerCase();
    page = paginate(groups.order.from(), limitParam(ctx.query, 300, MAX_LIMIT), (id) => {
      const g = groups.get(id);
      return g && String(g.profile.name).toLowerCase().startsWith(prefix) ? g : undefined;
    });
    page = { items: page.items };
  } else {
    const limit = limitParam(ctx.query, MAX_LIMIT, MAX_LIMIT);
    if (search !== undefined) {
      const pred = compileQuery(search, groupSearchDialect);
      page = paginate(groups.order.from(after), limit, (id) => {
        const g = groups.visibility.view(id, groups.get(id));
        return g && pred(g) ? g : undefined;
      });
    } else if (filter !== undefined) {
      const pred = compileQuery(filter, groupFilterDialect);
      page = paginate(groups.order.from(after), limit, (id) => {
        const g = groups.visibility.view(id, groups.get(id));
        return g && pred(g) ? g : undefined;
      });
    } else {
      page = paginate(groups.order.from(after), limit, (id) => groups.get(id));
    }
  }
  const stats = (ctx.query.get('expand') ?? '').split(',').includes('stats');
  return {
    status: 200,
    body: page.items.map((g) => groupJson(g, ctx.baseUrl, stats ? { usersCount: sim.store.memberships.count(g.id) } : {})),
    headers: linkHeaders(ctx.requestUrl, page.next),
  };
};

/** POST /api/v1/groups → 200 Group (always OKTA_GROUP). */
export const createGroup: Handler = (ctx, sim) => {
  const g = sim.store.groups.create(ctx.body);
  return { status: 200, body: groupJson(g, ctx.baseUrl) };
};

export const getGroup: Handler = (ctx, sim) => {
  const g = sim.store.groups.require(ctx.params[0]);
  const stats = (ctx.query.get('expand') ?? '').split(',').includes('stats');
  return { status: 200, body: groupJson(g, ctx.baseUrl, stats ? { usersCount: sim.store.memberships.count(g.id) } : {}) };
};

export const replaceGroup: Handler = (ctx, sim) => {
  const g = sim.store.groups.replace(ctx.params[0], ctx.body);
  return { status: 200, body: groupJson(g, ctx.baseUrl) };
};

export const deleteGroup: Handler = (ctx, sim) => {
  sim.store.deleteGroup(ctx.params[0]);
  return { status: 204 };
};
