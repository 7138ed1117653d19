/**
 * User endpoints: create, get by id/login, partial update, replace, delete, and the user's groups.
 * Lists are in `user-list.ts`, lifecycle operations in `user-lifecycle.ts`.
 */
import { groupJson } from '../serialize/group';
import { userEtag, userJson } from '../serialize/user';
import type { Handler } from '../http/types';
import { boolParam } from './params';

/** POST /api/v1/users?activate&provider&nextLogin → 200 User. */
export const createUser: Handler = (ctx, sim) => {
  const activate = boolParam(ctx.query, 'activate', true);
  const provider = boolParam(ctx.query, 'provider', false);
  const nextLogin = ctx.query.get('nextLogin') ?? undefined;
  const user = sim.store.createUser(ctx.body, { activate, provider, nextLogin });
  return { status: 200, body: userJson(user, ctx.baseUrl, ctx.now, 'full') };
};

/** GET /api/v1/users/{idOrLogin} → 200 User with ETag. */
export const getUser: Handler = (ctx, sim) => {
  const user = sim.store.users.require(ctx.params[0]);
  return { status: 200, body: userJson(user, ctx.baseUrl, ctx.now, 'full'), headers: { ETag: userEtag(user) } };
};

/** POST /api/v1/users/{id}: partial update. */
export const updateUser: Handler = (ctx, sim) => {
  const user = sim.store.users.update(ctx.params[0], ctx.body, 'partial');
  return { status: 200, body: userJson(user, ctx.baseUrl, ctx.now, 'full'), headers: { ETag: userEtag(user) } };
};

/** PUT /api/v1/users/{id}: full replace. */
export const replaceUser: Handler = (ctx, sim) => {
  const user = sim.store.users.update(ctx.params[0], ctx.body, 'replace');
  return { status: 200, body: userJson(user, ctx.baseUrl, ctx.now, 'full'), headers: { ETag: userEtag(user) } };
};

/** DELETE /api/v1/users/{id}: deactivates, or deletes a DEPROVISIONED user → 204. */
export const deleteUser: Handler = (ctx, sim) => {
  sim.store.deleteUser(ctx.params[0]);
  return { status: 204 };
};

/** GET /api/v1/users/{id}/groups → 200 Group[] (not paginated). */
export const listUserGroups: Handler = (ctx, sim) => {
  const user = sim.store.users.require(ctx.params[0]);
  const groups = sim.store.memberships
    .groupIdsOf(user.id)
    .map((id) => sim.store.groups.get(id))
    .filter((g) => g !== undefined)
    .map((g) => groupJson(g, ctx.baseUrl));
  return { status: 200, body: groups };
};
