/** API-shaped snapshots without `_links`, for test access to the store. */
import type { GroupRecord, UserRecord } from '../types';
import { groupJson } from './group';
import { userJson } from './user';

export const serializeSnapshot = {
  user(u: UserRecord, now: number): Record<string, unknown> {
    return structuredClone(userJson(u, '', now, 'none'));
  },
  group(g: GroupRecord): Record<string, unknown> {
    const { _links: _ignored, ...rest } = groupJson(g, '');
    return structuredClone(rest);
  },
};
