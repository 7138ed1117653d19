/**
 * Eventual consistency of Okta's search index, simulated: with a lag L > 0, a change made at time t
 * becomes visible to `search` queries only at t + L; until then search sees the previous version
 * (or nothing, for a record created less than L ago; or the deleted record, for one deleted less
 * than L ago). With L = 0 (the default) search sees the current state and this costs nothing.
 */
import type { Clock } from '../types';

interface Version<T> {
  visibleFrom: number;
  record: T | undefined;
}

export class SearchVisibility<T> {
  private readonly history = new Map<string, Version<T>[]>();

  constructor(
    private readonly clock: Clock,
    private lagMs: number,
  ) {}

  get lag(): number {
    return this.lagMs;
  }

  setLag(ms: number): void {
    this.lagMs = ms;
    if (ms === 0) this.history.clear();
  }

  /** Record a change of `id` from `before` to `after` (undefined = absent). */
  changed(id: string, before: T | undefined, after: T | undefined): void {
    if (this.lagMs <= 0) return;
    const now = this.clock();
    let versions = this.history.get(id);
    if (!versions) {
      versions = [{ visibleFrom: -Infinity, record: before }];
      this.history.set(id, versions);
    }
    versions.push({ visibleFrom: now + this.lagMs, record: after });
  }

  /** Whether search may still see a record that is no longer current (keep its id listed). */
  pending(id: string): boolean {
    return this.history.has(id);
  }

  /** The version search sees now; `current` is the live record. */
  view(id: string, current: T | undefined): T | undefined {
    const versions = this.history.get(id);
    if (!versions) return current;
    const now = this.clock();
    let i = versions.length - 1;
    while (i > 0 && versions[i].visibleFrom > now) i--;
    if (i === versions.length - 1) {
      this.history.delete(id);
      return current;
    }
    if (i > 0) versions.splice(0, i);
    return versions[0].record;
  }

  clear(): void {
    this.history.clear();
  }
}
