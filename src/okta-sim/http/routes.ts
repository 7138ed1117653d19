/**
 * The route table: every endpoint the simulator serves, its rate-limit bucket and handler.
 * Endpoint keys (`"METHOD template"`) are what request counts and fault rules use.
 */
import { assignUserToGroup, listGroupUsers, unassignUserFromGroup } from '../handlers/group-members';
import { createGroup, deleteGroup, getGroup, listGroups, replaceGroup } from '../handlers/groups';
import { wellKnownOrg } from '../handlers/org';
import { lifecycleHandler } from '../handlers/user-lifecycle';
import { listUsers } from '../handlers/user-list';
import { getUserSchema, updateUserSchema } from '../handlers/user-schema';
import { createUser, deleteUser, getUser, listUserGroups, replaceUser, updateUser } from '../handlers/users';
import { LIFECYCLE_OPS } from '../store/lifecycle';
import type { Route } from './types';

export const ROUTES: Route[] = [
  { method: 'GET', template: '/.well-known/okta-organization', bucket: 'other', handler: wellKnownOrg, public: true },
  { method: 'GET', template: '/api/v1/users', bucket: 'users', handler: listUsers },
  { method: 'POST', template: '/api/v1/users', bucket: 'users', handler: createUser },
  { method: 'GET', template: '/api/v1/users/{id}', bucket: 'userById', handler: getUser },
  { method: 'POST', template: '/api/v1/users/{id}', bucket: 'userWrite', handler: updateUser },
  { method: 'PUT', template: '/api/v1/users/{id}', bucket: 'userWrite', handler: replaceUser },
  { method: 'DELETE', template: '/api/v1/users/{id}', bucket: 'userWrite', handler: deleteUser },
  { method: 'GET', template: '/api/v1/users/{id}/groups', bucket: 'other', handler: listUserGroups },
  ...LIFECYCLE_OPS.map((op): Route => ({ method: 'POST', template: `/api/v1/users/{id}/lifecycle/${op}`, bucket: 'other', handler: lifecycleHandler(op) })),
  { method: 'GET', template: '/api/v1/groups', bucket: 'groups', handler: listGroups },
  { method: 'POST', template: '/api/v1/groups', bucket: 'groups', handler: createGroup },
  { method: 'GET', template: '/api/v1/groups/{id}', bucket: 'groupById', handler: getGroup },
  { method: 'PUT', template: '/api/v1/groups/{id}', bucket: 'groupById', handler: replaceGroup },
  { method: 'DELETE', template: '/api/v1/groups/{id}', bucket: 'groupById', handler: deleteGroup },
  { method: 'GET', template: '/api/v1/groups/{id}/users', bucket: 'other', handler: listGroupUsers },
  { method: 'PUT', template: '/api/v1/groups/{id}/users/{id}', bucket: 'other', handler: assignUserToGroup },
  { method: 'DELETE', template: '/api/v1/groups/{id}/users/{id}', bucket: 'other', handler: unassignUserFromGroup },
  { method: 'GET', template: '/api/v1/meta/schemas/user/{id}', bucket: 'other', handler: getUserSchema },
  { method: 'POST', template: '/api/v1/meta/schemas/user/{id}', bucket: 'other', handler: updateUserSchema },
];
