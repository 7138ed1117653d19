/** SearchVisibility: eventual consistency of the search index. */
import { SearchVisibility } from '../../../src/okta-sim/store/search-visibility';

test('creates, updates and deletes become visible after the lag; lag 0 is pass-through', () => {
  let now = 0;
  const v = new SearchVisibility<string>(() => now, 100);
  v.changed('a', undefined, 'a1');
  expect(v.view('a', 'a1')).toBeUndefined();
  now = 50;
  v.changed('a', 'a1', 'a2');
  now = 100;
  expect(v.view('a', 'a2')).toBe('a1');
  now = 150;
  expect(v.view('a', 'a2')).toBe('a2');
  expect(v.pending('a')).toBe(false);
  v.changed('a', 'a2', undefined);
  expect(v.pending('a')).toBe(true);
  expect(v.view('a', undefined)).toBe('a2');
  now = 250;
  expect(v.view('a', undefined)).toBeUndefined();
  const off = new SearchVisibility<string>(() => now, 0);
  off.changed('b', undefined, 'b1');
  expect(off.view('b', 'b1')).toBe('b1');
  expect(off.pending('b')).toBe(false);
});
