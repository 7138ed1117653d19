/**
 * Groups: `POST /groups` creates an OKTA_GROUP; tests may seed APP_GROUPs (imported, e.g. from AD)
 * and BUILT_IN groups.
 *
 * Contract / assumptions (the spec is silent on these; see the simulator notes):
 * - Name uniqueness: creating or renaming an OKTA_GROUP to a name already used by any group
 *   (compared case-insensitively) → 400 E0000001 `Api validation failed: name`, cause
 *   `name: An object with this field already exists in the current organization`. Seeded
 *   APP_GROUPs may share names (imports don't enforce uniqueness).
 * - `profile.name` is required (1–255 characters), `description` at most 1024 (absent when not set:
 *   the spec types it as a non-nullable string).
 * - Only OKTA_GROUP profiles can be replaced (documented); APP_GROUP/BUILT_IN → 403 E0000006.
 * - BUILT_IN groups cannot be deleted → 403 E0000006; OKTA_GROUP and APP_GROUP can (documented).
 */
import { errors, type FieldProblem } from '../errors';
import type { IdGenerator } from '../ids';
import type { Clock, GroupRecord, GroupType, Profile } from '../types';
import { toMs } from '../time';
import { isProfileObject } from './profile-rules';
import { SearchVisibility } from './search-visibility';
import { SortedIds } from './sorted-ids';

export interface SeedGroupInput {
  id?: string;
  type?: GroupType;
  name: string;
  description?: string;
  /** Extra profile attributes (e.g. AD's samAccountName, dn, windowsDomainQualifiedName). */
  profile?: Profile;
  /** APP_GROUP source app instance id (`source.id` in search, `_links.source`). */
  sourceId?: string;
  created?: Date | string | number;
}

const OBJECT_CLASS: Record<GroupType, string[]> = {
  OKTA_GROUP: ['okta:user_group'],
  APP_GROUP: ['okta:windows_security_principal'],
  BUILT_IN: ['okta:user_group'],
};

const nameKey = (name: string) => name.toLowerCase();

export class GroupStore {
  private readonly byId = new Map<string, GroupRecord>();
  private readonly byName = new Map<string, Set<string>>();
  readonly visibility: SearchVisibility<GroupRecord>;
  readonly order: SortedIds;

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    searchLagMs: number,
  ) {
    this.visibility = new SearchVisibility<GroupRecord>(clock, searchLagMs);
    this.order = new SortedIds((id) => this.byId.has(id) || this.visibility.pending(id));
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): GroupRecord | undefined {
    return this.byId.get(id);
  }

  require(id: string): GroupRecord {
    const g = this.byId.get(id);
    if (!g) throw errors.notFound(id, 'UserGroup');
    return g;
  }

  values(): IterableIterator<GroupRecord> {
    return this.byId.values();
  }

  create(rawBody: unknown): GroupRecord {
    const profile = this.parseProfile(rawBody);
    this.assertNameFree(String(profile.name));
    const now = this.clock();
    const group: GroupRecord = {
      id: this.ids.groupId(),
      type: 'OKTA_GROUP',
      created: now,
      lastUpdated: now,
      lastMembershipUpdated: now,
      objectClass: OBJECT_CLASS.OKTA_GROUP,
      profile,
    };
    this.insert(group);
    return group;
  }

  replace(id: string, rawBody: unknown): GroupRecord {
    const group = this.require(id);
    if (group.type !== 'OKTA_GROUP') throw errors.accessDenied();
    const profile = this.parseProfile(rawBody);
    if (nameKey(String(profile.name)) !== nameKey(String(group.profile.name))) this.assertNameFree(String(profile.name));
    const next: GroupRecord = { ...group, profile, lastUpdated: this.clock() };
    this.put(group, next);
    return next;
  }

  /** Throws 403 for BUILT_IN groups; the caller removes memberships. */
  delete(id: string): GroupRecord {
    const group = this.require(id);
    if (group.type === 'BUILT_IN') throw errors.accessDenied();
    this.byId.delete(id);
    this.unindexName(group);
    this.visibility.changed(id, group, undefined);
    this.order.noteRemoved();
    return group;
  }

  touchMembership(id: string): void {
    const group = this.byId.get(id);
    if (group) this.put(group, { ...group, lastMembershipUpdated: this.clock() });
  }

  seed(input: SeedGroupInput): GroupRecord {
    const type = input.type ?? 'OKTA_GROUP';
    if (!input.name) throw new Error('seeded group needs a name');
    if (type === 'OKTA_GROUP' && this.byName.has(nameKey(input.name))) throw new Error(`group name already exists: ${input.name}`);
    const id = input.id ?? this.ids.groupId();
    if (this.byId.has(id)) throw new Error(`group id already exists: ${id}`);
    const created = input.created !== undefined ? toMs(input.created) : this.clock();
    const group: GroupRecord = {
      id,
      type,
      created,
      lastUpdated: created,
      lastMembershipUpdated: created,
      objectClass: OBJECT_CLASS[type],
      profile: { name: input.name, ...(input.description ? { description: input.description } : {}), ...(input.profile ?? {}) },
      ...(input.sourceId ? { sourceId: input.sourceId } : {}),
    };
    this.insert(group);
    return group;
  }

  clear(): void {
    this.byId.clear();
    this.byName.clear();
    this.order.clear();
    this.visibility.clear();
  }

  private insert(group: GroupRecord): void {
    this.byId.set(group.id, group);
    this.indexName(group);
    this.order.add(group.id);
    this.visibility.changed(group.id, undefined, group);
  }

  private put(prev: GroupRecord, next: GroupRecord): void {
    this.unindexName(prev);
    this.byId.set(next.id, next);
    this.indexName(next);
    this.visibility.changed(next.id, prev, next);
  }

  private assertNameFree(name: string): void {
    if (this.byName.has(nameKey(name))) throw errors.alreadyExists('name');
  }

  private parseProfile(rawBody: unknown): Profile {
    if (typeof rawBody !== 'object' || rawBody === null || Array.isArray(rawBody)) throw errors.malformedBody();
    const raw = (rawBody as { profile?: unknown }).profile;
    const profile: Profile = isProfileObject(raw) ? { ...raw } : {};
    const problems: FieldProblem[] = [];
    const name = profile.name;
    if (name === undefined || name === null || name === '') problems.push({ field: 'name', message: 'The field cannot be left blank' });
    else if (typeof name !== 'string') problems.push({ field: 'name', message: 'The field must be a string' });
    else if (name.length > 255) problems.push({ field: 'name', message: 'The field cannot be longer than 255 characters' });
    const description = profile.description;
    if (description !== undefined && description !== null) {
      if (typeof description !== 'string') problems.push({ field: 'description', message: 'The field must be a string' });
      else if (description.length > 1024) {
        problems.push({ field: 'description', message: 'The field cannot be longer than 1024 characters' });
      }
    }
    if (problems.length) throw errors.validation(problems);
    if (profile.description === null) delete profile.description;
    return profile;
  }

  private indexName(g: GroupRecord): void {
    const k = nameKey(String(g.profile.name));
    let s = this.byName.get(k);
    if (!s) this.byName.set(k, (s = new Set()));
    s.add(g.id);
  }

  private unindexName(g: GroupRecord): void {
    const k = nameKey(String(g.profile.name));
    const s = this.byName.get(k);
    if (s) {
      s.delete(g.id);
      if (s.size === 0) this.byName.delete(k);
    }
  }
}
