/** The CSV writer: RFC 4180 quoting, CRLF, a BOM for spreadsheets, formula injection neutralised, 0600 files. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { CsvFileWriter, csvCell, csvDocument, csvRow } from '../../../src/output/csv';

describe('csvCell', () => {
  test.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['cn=Smith\\, John,ou=people', '"cn=Smith\\, John,ou=people"'],
    ['', ''],
  ])('%j → %j', (value, cell) => expect(csvCell(value)).toBe(cell));

  test.each([
    ['=1+1', "'=1+1"],
    ['+14155550100', "'+14155550100"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=cmd', "'\t=cmd"],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
    ['a=b', 'a=b'],
    [' =not at the start', ' =not at the start'],
  ])('a cell a spreadsheet would run as a formula is neutralised: %j → %j', (value, cell) => expect(csvCell(value)).toBe(cell));

  test('null and undefined are empty; numbers and booleans as text; lists joined', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-1)).toBe("'-1");
    expect(csvCell(false)).toBe('false');
    expect(csvCell(['a', 'b,c'])).toBe('"a; b,c"');
  });

  test('rows end with CRLF; a document starts with a BOM and parses back to the values (neutralised cells keep their text)', () => {
    expect(csvRow(['a', 'b c', 'd,e'])).toBe('a,b c,"d,e"\r\n');
    const values = [['x', 'comma, inside', 'quote " inside', 'line\nbreak', '=SUM(1)', 'ünïcødé ✓', '']];
    const doc = csvDocument(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'h7'], values);
    expect(doc.startsWith('\uFEFFh1,h2')).toBe(true);
    const back = parse<Record<string, string>>(doc, { bom: true, columns: true });
    expect(back).toEqual([{ h1: 'x', h2: 'comma, inside', h3: 'quote " inside', h4: 'line\nbreak', h5: "'=SUM(1)", h6: 'ünïcødé ✓', h7: '' }]);
  });
});

describe('CsvFileWriter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'los-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('streams rows through a bounded buffer into a 0600 file; the result parses back row for row', () => {
    const path = join(dir, 'out.csv');
    const w = new CsvFileWriter(path, ['n', 'text'], 256);
    for (let i = 0; i < 1000; i++) w.write([i, i % 7 === 0 ? `+${i}, "quoted"` : `row ${i} ✓`]);
    // flushed while writing: the file already holds most of it before close
    expect(statSync(path).size).toBeGreaterThan(10_000);
    w.close();
    w.close(); // idempotent
    expect(w.rows).toBe(1000);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const rows = parse<{ n: string; text: string }>(readFileSync(path, 'utf8'), { bom: true, columns: true });
    expect(rows).toHaveLength(1000);
    expect(rows[7]).toEqual({ n: '7', text: `'+7, "quoted"` });
    expect(rows[999]).toEqual({ n: '999', text: 'row 999 ✓' });
    expect(() => w.write(['late'])).toThrow(/closed/);
  });

  test('a path that cannot be written fails at once', () => {
    expect(() => new CsvFileWriter(join(dir, 'no', 'such', 'dir.csv'), ['a'])).toThrow(/ENOENT/);
  });
});
