/**
 * Group membership endpoints: list members (cursor-paginated by user id, `limit` default 1000 as
 * documented, max 10000), assign and unassign (204; 404 E0000007 when the group or user is missing;
 * 403 E0000006 on APP_GROUP / BUILT_IN groups).
 */
import type { Handler } from '../http/types';
import { paginate } from '../store/paginate';
import { userJson } from '../serialize/user';
import { limitParam, linkHeaders } from './params';

export const listGroupUsers: Handler = (ctx, sim) => {
  const group = sim.store.groups.require(ctx.params[0]);
  const limit = limitParam(ctx.query, 1000, 10000);
  const after = ctx.query.get('after') ?? undefined;
  const users = sim.store.users.index;
  const page = paginate(sim.store.memberships.membersFrom(group.id, after), limit, (id) => users.get(id));
  return {
    status: 200,
    body: page.items.map((u) => userJson(u, ctx.baseUrl, ctx.now, 'self')),
    headers: linkHeaders(ctx.requestUrl, page.next),
  };
};

export const assignUserToGroup: Handler = (ctx, sim) => {
  sim.store.assign(ctx.params[0], ctx.params[1]);
  return { status: 204 };
};

export const unassignUserFromGroup: Handler = (ctx, sim) => {
  sim.store.unassign(ctx.params[0], ctx.params[1]);
  return { status: 204 };
};
