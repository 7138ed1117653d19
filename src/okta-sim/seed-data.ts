/**
 * Optional seed for a simulated org (JSON file for `okta-sim --seed`, or an object in tests):
 *
 * ```json
 * { "schema": { "custom": { "costCenterCode": { "type": "string", "maxLength": 8 },
 *                            "region": { "type": "string", "enum": ["EU", "US"] } } },
 *   "groups": [ { "name": "Engineering", "description": "…", "type": "OKTA_GROUP",
 *                 "members": ["ada@example.com"] } ],
 *   "users":  [ { "status": "ACTIVE", "profile": { "login": "ada@example.com", "email": "…",
 *                 "firstName": "Ada", "lastName": "Lovelace" }, "groups": ["Engineering"] } ] }
 * ```
 * The user schema's custom attributes come first (users are validated against nothing when
 * seeded, but the org's later creates and updates are), then groups, then users, then memberships (`members` of a group and `groups` of a
 * user; both accept ids, and logins / group names respectively). Errors name the offending entry.
 */
import { readFileSync } from 'node:fs';
import type { SeedGroupInput } from './store/groups';
import type { SeedUserInput } from './store/users';
import type { SimStore } from './store-access';
import type { CustomAttributeInput } from './store/user-schema';

export interface SeedData {
  /** Custom attributes of the org's user schema, by name. */
  schema?: { custom?: Record<string, CustomAttributeInput> };
  groups?: (SeedGroupInput & { members?: string[] })[];
  users?: (SeedUserInput & { groups?: string[] })[];
}

export function loadSeedFile(path: string): SeedData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read okta-sim seed file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`okta-sim seed file ${path}: expected an object with "users" and/or "groups"`);
  }
  const data = parsed as SeedData;
  for (const key of ['users', 'groups'] as const) {
    if (data[key] !== undefined && !Array.isArray(data[key])) throw new Error(`okta-sim seed file ${path}: "${key}" must be an array`);
  }
  return data;
}

export function applySeed(store: SimStore, data: SeedData): { users: number; groups: number } {
  for (const [name, def] of Object.entries(data.schema?.custom ?? {})) {
    try {
      store.schema.addCustom(name, def);
    } catch (e) {
      throw new Error(`seed: schema.custom.${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const groupIdByName = new Map<string, string>();
  const resolveGroup = (ref: string): string => {
    const id = groupIdByName.get(ref) ?? (store.group(ref) ? ref : undefined);
    if (!id) throw new Error(`seed: unknown group ${ref}`);
    return id;
  };
  (data.groups ?? []).forEach((g, i) => {
    try {
      const { members: _m, ...input } = g;
      const created = store.seedGroup(input);
      groupIdByName.set(g.name, created.id);
    } catch (e) {
      throw new Error(`seed: groups[${i}]: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  (data.users ?? []).forEach((u, i) => {
    try {
      const { groups, ...input } = u;
      const created = store.seedUser(input);
      for (const g of groups ?? []) store.addMember(resolveGroup(g), created.id);
    } catch (e) {
      throw new Error(`seed: users[${i}]: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  (data.groups ?? []).forEach((g) => {
    for (const m of g.members ?? []) store.addMember(resolveGroup(g.name), m);
  });
  return { users: data.users?.length ?? 0, groups: data.groups?.length ?? 0 };
}
