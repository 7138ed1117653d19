/**
 * A set of ids kept in ascending string order, for cursor pagination (`after=<id>` = "ids greater
 * than this one"). Generated ids are increasing, so inserts are appends; ids seeded out of order are
 * spliced in. Removal is lazy: callers decide liveness through `isLive`, and dead ids are compacted
 * away once they outnumber the live ones, so a page costs O(log n + scanned), never O(n²) overall.
 */
export class SortedIds {
  private ids: string[] = [];
  private dead = 0;

  constructor(private readonly isLive: (id: string) => boolean) {}

  /** Insert (no-op when present). */
  add(id: string): void {
    const ids = this.ids;
    if (ids.length === 0 || ids[ids.length - 1] < id) {
      ids.push(id);
      return;
    }
    const i = this.lowerBound(id);
    if (ids[i] === id) return;
    ids.splice(i, 0, id);
  }

  /** Note that an id stopped being live; it is dropped at the next compaction. */
  noteRemoved(): void {
    this.dead++;
    if (this.dead > 64 && this.dead * 2 > this.ids.length) this.compact();
  }

  compact(): void {
    this.ids = this.ids.filter(this.isLive);
    this.dead = 0;
  }

  clear(): void {
    this.ids = [];
    this.dead = 0;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Ids strictly greater than `after` (all ids when undefined), in order. */
  *from(after?: string): IterableIterator<string> {
    const ids = this.ids;
    let i = after === undefined ? 0 : this.upperBound(after);
    for (; i < ids.length; i++) {
      const id = ids[i];
      if (this.isLive(id)) yield id;
    }
  }

  private lowerBound(id: string): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private upperBound(id: string): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid] <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
