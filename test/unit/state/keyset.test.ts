import Database from 'better-sqlite3';
import { keysetPages, keysetRows } from '../../../src/state/keyset';

function table(keys: string[]) {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY)');
  for (const k of keys) db.prepare('INSERT INTO t (k) VALUES (?)').run(k);
  const stmt = db.prepare<[string, number], { k: string }>('SELECT k FROM t WHERE k > ? ORDER BY k LIMIT ?');
  const queries: string[] = [];
  const q = {
    page: (after: string, limit: number) => (queries.push(after), stmt.all(after, limit)),
    key: (r: { k: string }) => r.k,
    start: '',
  };
  return { db, q, queries };
}

test('pages of at most `batch` rows in key order, each fetched after the last key of the page before', () => {
  const { q, queries } = table(['e', 'a', 'c', 'b', 'd']);
  expect([...keysetPages(q, 2)].map((p) => p.map((r) => r.k))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  expect(queries).toEqual(['', 'b', 'd', 'e']);
});

test('no rows: no page', () => {
  expect([...keysetPages(table([]).q, 10)]).toEqual([]);
});

test('the caller may write to the same connection between pages (no statement stays open)', () => {
  const { db, q } = table(['a', 'b', 'c']);
  const seen: string[] = [];
  for (const r of keysetRows(q, 1)) {
    seen.push(r.k);
    db.prepare('DELETE FROM t WHERE k = ?').run(r.k);
    if (r.k === 'a') db.prepare("INSERT INTO t (k) VALUES ('bb')").run();
  }
  expect(seen).toEqual(['a', 'b', 'bb', 'c']);
});

test('any key type: sequence numbers, and composite keys', () => {
  const seqs = [1, 2, 3, 4, 5];
  expect([...keysetRows({ page: (after: number, limit) => seqs.filter((s) => s > after).slice(0, limit), key: (s) => s, start: 0 }, 2)]).toEqual(seqs);
  const pairs: [string, string][] = [
    ['a', '2'],
    ['a', '1'],
    ['b', '1'],
  ];
  const sorted = [...pairs].sort((x, y) => (x[0] + x[1] < y[0] + y[1] ? -1 : 1));
  const after = (p: [string, string], k: [string, string]) => p[0] > k[0] || (p[0] === k[0] && p[1] > k[1]);
  const page = (k: [string, string], limit: number) => sorted.filter((p) => after(p, k)).slice(0, limit);
  expect([...keysetRows({ page, key: (p) => p, start: ['', ''] as [string, string] }, 1)]).toEqual(sorted);
});
