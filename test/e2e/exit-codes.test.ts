/**
 * The exit codes a script relies on are written in three places: the code (src/cli/exit-codes.ts),
 * `ldap-okta-sync --help` and README.md. They say the same, code by code, or this test fails.
 * Also: every command that reads a configuration takes `-c FILE`, as the README says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, EXIT_MEANINGS } from '../../src/cli/exit-codes';
import { runAgent } from '../helpers/process';

const ROOT = join(__dirname, '..', '..');

/** `code → meaning` from lines such as `  3  configuration error …` or `| 3 | configuration error … |`. */
function table(lines: string[], re: RegExp): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of lines) {
    const m = re.exec(l);
    if (m) out.set(Number(m[1]), m[2].replace(/`/g, '').trim());
  }
  return out;
}

const run = (...args: string[]) => runAgent(args);

/** `code → meaning` as the code says it (read in each test, so that each test fails on its own). */
const fromCode = () => new Map(Object.entries(EXIT_MEANINGS).map(([k, v]) => [Number(k), v.replace(/`/g, '')]));

test('the code names every exit code once, 0 to the highest, each with a meaning', () => {
  const codes = Object.values(EXIT).sort((a, b) => a - b);
  expect(codes).toEqual(codes.map((_, i) => i));
  expect([...fromCode().keys()].sort((a, b) => a - b)).toEqual(codes);
  for (const meaning of fromCode().values()) expect(meaning.length).toBeGreaterThan(1);
});

test('README.md lists the same exit codes with the same meanings as the code', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('### Exit codes')[1].split('\n## ')[0];
  expect(table(section.split('\n'), /^\|\s*(\d+)\s*\|\s*(.+?)\s*\|$/)).toEqual(fromCode());
});

test('`--help` lists the same exit codes with the same meanings as the code', async () => {
  const r = await run('--help');
  expect(r.code).toBe(0);
  const block = r.stdout.split('Exit codes:\n')[1].split('\n\n')[0];
  const help = table(block.split('\n'), /^\s+(\d+)\s{2,}(.+)$/);
  // explain's 9 (no such user) and 10 (several match), which --help once left out
  expect([...help.keys()]).toEqual(expect.arrayContaining([9, 10]));
  expect(help).toEqual(fromCode());
});

test('`config schema -c FILE` is accepted like every command that reads a configuration', async () => {
  const r = await run('config', 'schema', '-c', join(ROOT, 'config', 'example.yaml'));
  expect(r.all).not.toMatch(/unknown option/);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ type: 'object' });
});
