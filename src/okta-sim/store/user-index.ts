/**
 * In-memory user table with the indexes the API needs, sized for 100k+ users:
 * - by id (Map),
 * - by normalised login (case- and diacritic-insensitive; DEPROVISIONED users keep their login),
 * - by normalised login short name (for `GET /users/{shortname}` when unambiguous),
 * - ids in ascending order for cursor pagination,
 * - the search-visibility history when an index lag is configured.
 * It enforces nothing but login uniqueness; the rules live in `users.ts`.
 */
import { loginShortName, normalizeLogin } from '../normalize';
import type { Clock, UserRecord } from '../types';
import { SearchVisibility } from './search-visibility';
import { SortedIds } from './sorted-ids';

export class UserIndex {
  private readonly byId = new Map<string, UserRecord>();
  private readonly byLogin = new Map<string, string>();
  private readonly byShortName = new Map<string, Set<string>>();
  readonly visibility: SearchVisibility<UserRecord>;
  readonly order: SortedIds;

  constructor(clock: Clock, searchLagMs: number) {
    this.visibility = new SearchVisibility<UserRecord>(clock, searchLagMs);
    this.order = new SortedIds((id) => this.byId.has(id) || this.visibility.pending(id));
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): UserRecord | undefined {
    return this.byId.get(id);
  }

  /** The id holding `login` (normalised), if any. */
  idForLogin(login: string): string | undefined {
    return this.byLogin.get(normalizeLogin(login));
  }

  /** Resolve an id, a login, or an unambiguous login short name. */
  resolve(key: string): UserRecord | undefined {
    const direct = this.byId.get(key);
    if (direct) return direct;
    const norm = normalizeLogin(key);
    const byLogin = this.byLogin.get(norm);
    if (byLogin) return this.byId.get(byLogin);
    const short = this.byShortName.get(norm);
    if (short && short.size === 1) return this.byId.get(short.values().next().value as string);
    return undefined;
  }

  insert(user: UserRecord): void {
    this.byId.set(user.id, user);
    this.indexLogin(user);
    this.order.add(user.id);
    this.visibility.changed(user.id, undefined, user);
  }

  replace(next: UserRecord): void {
    const prev = this.byId.get(next.id);
    if (!prev) throw new Error(`no user ${next.id}`);
    if (prev.profile.login !== next.profile.login) {
      this.unindexLogin(prev);
      this.indexLogin(next);
    }
    this.byId.set(next.id, next);
    this.visibility.changed(next.id, prev, next);
  }

  remove(id: string): UserRecord | undefined {
    const prev = this.byId.get(id);
    if (!prev) return undefined;
    this.unindexLogin(prev);
    this.byId.delete(id);
    this.visibility.changed(id, prev, undefined);
    this.order.noteRemoved();
    return prev;
  }

  values(): IterableIterator<UserRecord> {
    return this.byId.values();
  }

  clear(): void {
    this.byId.clear();
    this.byLogin.clear();
    this.byShortName.clear();
    this.order.clear();
    this.visibility.clear();
  }

  private indexLogin(user: UserRecord): void {
    const login = String(user.profile.login);
    this.byLogin.set(normalizeLogin(login), user.id);
    const short = normalizeLogin(loginShortName(login));
    let set = this.byShortName.get(short);
    if (!set) this.byShortName.set(short, (set = new Set()));
    set.add(user.id);
  }

  private unindexLogin(user: UserRecord): void {
    const login = String(user.profile.login);
    const norm = normalizeLogin(login);
    if (this.byLogin.get(norm) === user.id) this.byLogin.delete(norm);
    const short = normalizeLogin(loginShortName(login));
    const set = this.byShortName.get(short);
    if (set) {
      set.delete(user.id);
      if (set.size === 0) this.byShortName.delete(short);
    }
  }
}
