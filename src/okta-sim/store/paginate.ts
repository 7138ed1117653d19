/**
 * One page of a cursor-paginated listing. Scans ids in order, keeps those `accept` maps to a value,
 * and reports a `next` cursor (the last returned id) only when at least one more accepted item
 * exists, so a page is never empty while a next link is offered.
 */
export interface Page<T> {
  items: T[];
  /** Cursor for the following page; undefined on the last page. */
  next?: string;
}

export function paginate<T>(ids: Iterable<string>, limit: number, accept: (id: string) => T | undefined): Page<T> {
  const items: T[] = [];
  let lastId: string | undefined;
  for (const id of ids) {
    const v = accept(id);
    if (v === undefined) continue;
    if (items.length === limit) return { items, next: lastId };
    items.push(v);
    lastId = id;
  }
  return { items };
}
