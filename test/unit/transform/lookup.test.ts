import * as fs from 'node:fs';
import * as path from 'node:path';
import { TransformRunError } from '../../../src/transform';
import { compileOk, ctx, rec } from './helpers';

const fixtures = path.join(__dirname, '../../fixtures/transform');

const csvStep = (over: Record<string, unknown> = {}) => ({
  name: 'hr',
  lookup: {
    source: { type: 'csv', file: 'costcenters.csv' },
    key: '{employeeID}',
    column: 'emp_id',
    map: { department: '{row.dept_name}', costCenter: '{row.cost_center}', manager: '{row.manager_email}' },
    ...over,
  },
});
const base = { map: { login: '{uid}@x.io' } };

describe('lookup (CSV)', () => {
  test('match, trimmed keys, quoted fields, missing cell → null', async () => {
    const p = compileOk([base, csvStep()], { baseDir: fixtures });
    await p.beginRun();
    expect(await p.run(rec({ uid: 'a', employeeID: '1002' }), ctx())).toMatchObject({
      kind: 'ok',
      profile: { department: 'Research & Development, Berlin', costCenter: 'CC-200', manager: 'dirk.mueller@corp.example' },
      findings: [],
    });
    expect(await p.run(rec({ uid: 'a', employeeID: '1003' }), ctx())).toMatchObject({ profile: { department: 'Finance', manager: null } });
    expect(await p.run(rec({ uid: 'a', employeeID: ' 1005' }), ctx())).toMatchObject({ profile: { department: 'Support' } });
    await p.close();
  });

  test('zero matches: keep (finding), default, quarantine; missing key', async () => {
    const keep = compileOk([base, csvStep()], { baseDir: fixtures });
    await keep.beginRun();
    expect(await keep.run(rec({ uid: 'a', employeeID: '9999' }), ctx())).toMatchObject({
      kind: 'ok',
      profile: { login: 'a@x.io' },
      findings: [{ type: 'lookup.no-match', step: 'hr', message: "no row with emp_id = '9999': profile kept" }],
    });
    expect(await keep.run(rec({ uid: 'a' }), ctx())).toMatchObject({ findings: [{ type: 'lookup.no-match', message: expect.stringContaining('no key') }] });
    const dflt = compileOk([base, csvStep({ onMissing: 'default', default: { dept_name: 'Unassigned', cost_center: 'CC-000', manager_email: '' } })], {
      baseDir: fixtures,
    });
    await dflt.beginRun();
    expect(await dflt.run(rec({ uid: 'a', employeeID: '9999' }), ctx())).toMatchObject({
      profile: { department: 'Unassigned', costCenter: 'CC-000', manager: null },
      findings: [{ type: 'lookup.default' }],
    });
    const q = compileOk([base, csvStep({ onMissing: 'quarantine' })], { baseDir: fixtures });
    await q.beginRun();
    expect(await q.run(rec({ uid: 'a', employeeID: '9999' }), ctx())).toMatchObject({
      kind: 'quarantine',
      step: 'hr',
      reason: "lookup: no row with emp_id = '9999'",
    });
  });

  test('several matches: first (finding) or quarantine', async () => {
    const first = compileOk([base, csvStep()], { baseDir: fixtures });
    await first.beginRun();
    expect(await first.run(rec({ uid: 'a', employeeID: '1004' }), ctx())).toMatchObject({
      profile: { department: 'Legal', costCenter: 'CC-400' },
      findings: [{ type: 'lookup.multiple', message: "2 rows with emp_id = '1004': first used" }],
    });
    const q = compileOk([base, csvStep({ onMultiple: 'quarantine' })], { baseDir: fixtures });
    await q.beginRun();
    expect(await q.run(rec({ uid: 'a', employeeID: '1004' }), ctx())).toMatchObject({ kind: 'quarantine', reason: "lookup: 2 rows with emp_id = '1004'" });
  });

  test('ignoreCase keys; BOM and delimiter', async () => {
    const p = compileOk([base, csvStep({ ignoreCase: true })], { baseDir: fixtures });
    await p.beginRun();
    expect(await p.run(rec({ uid: 'a', employeeID: 'AB-77' }), ctx())).toMatchObject({ profile: { department: 'Contractors' } });
    const bom = compileOk(
      [
        base,
        { lookup: { source: { type: 'csv', file: 'bom-semicolon.csv', delimiter: ';' }, key: '{employeeID}', column: 'id', map: { nickName: '{row.name}' } } },
      ],
      { baseDir: fixtures },
    );
    await bom.beginRun();
    expect(await bom.run(rec({ uid: 'a', employeeID: '1' }), ctx())).toMatchObject({ profile: { nickName: 'Zoë' } });
  });

  test('beginRun fails for a missing file or a missing column (with did-you-mean); run before beginRun rejects', async () => {
    const missing = compileOk([base, csvStep({ source: { type: 'csv', file: 'nope.csv' } })], { baseDir: fixtures });
    await expect(missing.beginRun()).rejects.toThrow(/nope\.csv: no such file/);
    const badCol = compileOk([base, csvStep({ map: { department: '{row.dept}' } })], { baseDir: fixtures });
    await expect(badCol.beginRun()).rejects.toThrow("no column 'dept'");
    const notLoaded = compileOk([base, csvStep()], { baseDir: fixtures });
    await expect(notLoaded.run(rec({ uid: 'a' }), ctx())).rejects.toBeInstanceOf(TransformRunError);
  });

  test('the source is read once per beginRun, not per record', async () => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'lookup-'));
    fs.copyFileSync(path.join(fixtures, 'costcenters.csv'), path.join(dir, 'cc.csv'));
    const p = compileOk([base, csvStep({ source: { type: 'csv', file: 'cc.csv' } })], { baseDir: dir });
    await p.beginRun();
    fs.unlinkSync(path.join(dir, 'cc.csv')); // records keep working from the index
    for (let i = 0; i < 20; i++) expect(await p.run(rec({ uid: 'a', employeeID: '1001' }), ctx())).toMatchObject({ profile: { department: 'Sales' } });
    await expect(p.beginRun()).rejects.toThrow('no such file'); // the next run reloads
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('lookup (SQLite)', () => {
  const sqliteStep = (source: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
    lookup: {
      source: { type: 'sqlite', file: 'hr.sqlite', ...source },
      key: '{employeeID}',
      column: 'badge',
      map: { city: '{row.office}', floor: '{number(row.floor)}' },
      ...over,
    },
  });
  test('table, numbers as text, NULL as missing, ignoreCase', async () => {
    const p = compileOk([base, sqliteStep({ table: 'employees' }, { ignoreCase: true })], { baseDir: fixtures });
    await p.beginRun();
    expect(await p.run(rec({ uid: 'a', employeeID: 'E-2' }), ctx())).toMatchObject({ profile: { city: 'Zürich', floor: 12 } });
    expect(await p.run(rec({ uid: 'a', employeeID: 'e-3' }), ctx())).toMatchObject({
      profile: { city: 'Tokyo', floor: null },
      findings: [{ type: 'lookup.multiple' }],
    });
  });
  test('query', async () => {
    const p = compileOk([base, sqliteStep({ query: 'SELECT badge, office, floor FROM employees WHERE active = 1' })], { baseDir: fixtures });
    await p.beginRun();
    expect(await p.run(rec({ uid: 'a', employeeID: 'E-3' }), ctx())).toMatchObject({ profile: { city: 'Osaka', floor: 1 }, findings: [] });
  });
  test('a writing statement is refused; a missing file fails', async () => {
    const w = compileOk([base, sqliteStep({ query: "UPDATE employees SET office = 'x'" })], { baseDir: fixtures });
    await expect(w.beginRun()).rejects.toThrow(/read-only SELECT|readonly/);
    const m = compileOk([base, sqliteStep({ table: 'employees', file: 'missing.sqlite' })], { baseDir: fixtures });
    await expect(m.beginRun()).rejects.toThrow('missing.sqlite');
  });
});
