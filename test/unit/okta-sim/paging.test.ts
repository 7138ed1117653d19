/** SortedIds (ordered ids with lazy removal) and paginate (never an empty page with a next cursor). */
import { paginate } from '../../../src/okta-sim/store/paginate';
import { SortedIds } from '../../../src/okta-sim/store/sorted-ids';
import { createIdGenerator } from '../../../src/okta-sim/ids';

test('ids keep ascending order; out-of-order inserts are placed; from(after) is exclusive and accepts unknown cursors', () => {
  const live = new Set<string>();
  const s = new SortedIds((id) => live.has(id));
  for (const id of ['b', 'd', 'a', 'c', 'd']) {
    live.add(id);
    s.add(id);
  }
  expect([...s.from()]).toEqual(['a', 'b', 'c', 'd']);
  expect([...s.from('b')]).toEqual(['c', 'd']);
  expect([...s.from('bb')]).toEqual(['c', 'd']);
  expect([...s.from('z')]).toEqual([]);
  live.delete('c');
  s.noteRemoved();
  expect([...s.from('b')]).toEqual(['d']);
});

test('compaction drops dead ids once they outnumber live ones', () => {
  const live = new Set<string>();
  const s = new SortedIds((id) => live.has(id));
  for (let i = 0; i < 300; i++) {
    const id = `id${String(i).padStart(4, '0')}`;
    live.add(id);
    s.add(id);
  }
  for (let i = 0; i < 200; i++) {
    live.delete(`id${String(i).padStart(4, '0')}`);
    s.noteRemoved();
  }
  expect(s.size).toBeLessThan(300);
  expect([...s.from()]).toHaveLength(100);
});

test('generated ids are Okta-shaped and strictly increasing', () => {
  const gen = createIdGenerator(42);
  let prev = '';
  for (let i = 0; i < 1000; i++) {
    const id = gen.userId();
    expect(id).toMatch(/^00u[0-9A-Za-z]{17}$/);
    expect(id > prev).toBe(true);
    prev = id;
  }
  expect(gen.groupId()).toMatch(/^00g[0-9A-Za-z]{17}$/);
  expect(gen.errorId()).toMatch(/^oae[\w-]{22}$/);
  expect(createIdGenerator(42).userId()).toBe(createIdGenerator(42).userId());
});

describe('paginate', () => {
  const ids = Array.from({ length: 10 }, (_, i) => String(i));

  test('full pages with a next cursor; the last page has none', () => {
    expect(paginate(ids, 4, (id) => id)).toEqual({ items: ['0', '1', '2', '3'], next: '3' });
    expect(paginate(ids.slice(8), 4, (id) => id)).toEqual({ items: ['8', '9'] });
  });

  test('matches ending exactly at a page boundary: no next cursor (no empty trailing page)', () => {
    expect(paginate(ids, 5, (id) => (Number(id) < 5 ? id : undefined))).toEqual({ items: ['0', '1', '2', '3', '4'] });
  });

  test('sparse matches: scans ahead to decide whether a next page exists', () => {
    const accept = (id: string) => (id === '1' || id === '9' ? id : undefined);
    expect(paginate(ids, 1, accept)).toEqual({ items: ['1'], next: '1' });
    expect(paginate(ids.slice(2), 1, accept)).toEqual({ items: ['9'] });
  });
});
