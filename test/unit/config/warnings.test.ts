/**
 * Configuration warnings: what the stages' checks find suspicious but not wrong — a DN list that
 * YAML flow style split at its commas. The configuration loads (exit 0 for `config validate`),
 * the warning names file, line, column and key, and every command that loads the config reports
 * it: `config validate`, `status` and `quarantine` on stderr, the others through their logger.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent } from '../../../src/cli/agent';
import { loadConfig, parseConfigText } from '../../../src/config/load';
import type { Logger } from '../../../src/util/log';
import { cli } from '../../helpers/agent';

const dir = mkdtempSync(join(tmpdir(), 'config-warnings-'));
writeFileSync(join(dir, 'export.ldif'), 'version: 1\n');
process.env.LOS_WARNINGS_TOKEN = 'token';

function yaml(groupsBaseDns: string): string {
  return [
    'source:',
    '  type: ldif',
    '  path: export.ldif',
    'okta:',
    '  orgUrl: https://corp.okta.com',
    '  token: ${env:LOS_WARNINGS_TOKEN}',
    'groups:',
    `  baseDns: ${groupsBaseDns}`,
    'state:',
    '  path: state.db',
  ].join('\n');
}

const SPLIT = '[ou=groups, dc=corp, dc=example]';

test('a DN list split by YAML flow style loads, with a warning on the first piece: line, column, key', () => {
  const file = join(dir, 'split.yaml');
  const { config, warnings } = parseConfigText(yaml(SPLIT), file);
  expect(config.groups?.baseDns).toEqual(['ou=groups', 'dc=corp', 'dc=example']);
  expect(warnings).toEqual([
    {
      file,
      line: 8,
      column: 13,
      path: 'groups.baseDns[0]',
      severity: 'warning',
      message: expect.stringContaining('looks like one DN split into 3 entries'),
    },
  ]);
});

test('no warning for a list of full DNs, nor for a lone one-RDN base DN', () => {
  for (const list of ['["ou=groups,dc=corp,dc=example", "ou=teams,dc=corp,dc=example"]', '[dc=example]', '["ou=groups,dc=corp,dc=example"]']) {
    expect({ list, warnings: parseConfigText(yaml(list), join(dir, 'ok.yaml')).warnings }).toEqual({ list, warnings: [] });
  }
});

test('config validate prints the warning with file:line:col and key on stderr, and exits 0', async () => {
  const file = join(dir, 'validate.yaml');
  writeFileSync(file, yaml(SPLIT));
  const r = await cli('config', 'validate', '-c', file);
  expect(r.code).toBe(0);
  expect(r.out).toContain(': OK');
  expect(r.err).toContain(`warning: ${file}:8:13: groups.baseDns[0]: looks like one DN split into 3 entries`);

  writeFileSync(file, yaml('["ou=groups,dc=corp,dc=example"]'));
  expect((await cli('config', 'validate', '-c', file)).err).toBe('');
});

test('status and quarantine print it too', async () => {
  const file = join(dir, 'status.yaml');
  writeFileSync(file, yaml(SPLIT));
  const agent = createAgent(loadConfig(file), { readonly: false, log: silent() }); // creates the state file
  await agent.close();
  for (const command of ['status', 'quarantine']) {
    const r = await cli(command, '-c', file);
    expect({ command, code: r.code, warned: r.err.includes(`warning: ${file}:8:13: groups.baseDns[0]`) }).toEqual({ command, code: 0, warned: true });
  }
});

test('the commands that build an agent (sync, plan, preflight, explain, run, demo) log it', async () => {
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, yaml(SPLIT));
  const warned: string[] = [];
  const agent = createAgent(loadConfig(file), { readonly: false, log: { ...silent(), warn: (m) => void warned.push(m) } });
  await agent.close();
  expect(warned).toEqual([expect.stringMatching(new RegExp(`^${file.replace(/[.]/g, '\\.')}:8:13: groups\\.baseDns\\[0\\]: looks like one DN split`))]);
});

function silent(): Logger {
  const nothing = () => undefined;
  return { error: nothing, warn: nothing, info: nothing, debug: nothing };
}
