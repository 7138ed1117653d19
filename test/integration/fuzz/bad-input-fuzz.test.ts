/**
 * Issue 9's fuzz test, reproducible (the project's seeded RNG): 10,000 generated malformed LDIF
 * entries through a whole sync (in-process, against the simulator) and 1,000 malformed
 * configuration files through the loader, a handful of them through the CLI as a process. Never
 * exit 1, never a stack trace; every bad record quarantined with a reason, every bad configuration
 * answered with file:line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes';
import { ConfigError, formatIssue, parseConfigText } from '../../../src/config/load';
import { startOktaSimulator, type OktaSimulator } from '../../../src/okta-sim/simulator';
import { StateStore } from '../../../src/state/store';
import { createRng } from '../../../src/util/rng';
import { cleanupEnv, cli, FAST_LIMITS, scenarioDir } from '../../helpers/agent';
import { malformedLdif } from '../../helpers/fuzz-ldif';
import { goodConfig, malformedConfigs } from '../../helpers/fuzz-yaml';
import { ldifAgentConfig, peopleLdif } from '../../helpers/ldif-scenario';
import { STACK_FRAME, start } from '../../helpers/process';

const SEED = 20_260_109;
let sim: OktaSimulator;
const env = scenarioDir('fuzz');

beforeAll(async () => {
  sim = await startOktaSimulator({ rateLimits: FAST_LIMITS });
});
afterAll(async () => {
  await sim?.close();
  env.cleanup();
  cleanupEnv();
});

const TRANSFORMS = `
transforms:
  - map:
      login: "{mail}"
      email: "{mail}"
      firstName: "{givenName}"
      lastName: "{sn}"
      displayName: "{cn}"
      title: "{title}"
`;

test('10,000 malformed LDIF entries: one sync, no exit 1, no stack, every entry quarantined with a reason', async () => {
  const { ldif, entries } = malformedLdif(createRng(SEED), 10_000);
  const { file, dir, statePath } = ldifAgentConfig(env, 'ldif', {
    okta: sim,
    transforms: TRANSFORMS,
    attributes: ['uid', 'cn', 'sn', 'givenName', 'title', 'mail'],
  });
  writeFileSync(join(dir, 'directory.ldif'), ldif);
  const r = await cli('sync', '-c', file, '--json');
  expect(r.err).not.toMatch(STACK_FRAME);
  expect(r.code).toBe(EXIT.QUARANTINED);
  expect(sim.store.userCount).toBe(0);

  const s = StateStore.open(statePath, { readonly: true });
  const rows = new Map(s.users.quarantined().map((u) => [u.dn, u.quarantine!]));
  s.close();
  const missing: string[] = [];
  const unexplained: string[] = [];
  for (const e of entries) {
    const q = rows.get(e.key);
    if (!q?.reason) missing.push(`${e.key} (${e.mutations.join(' + ')})`);
    else if (!e.reasons.some((re) => re.test(q.reason))) unexplained.push(`${e.key} (${e.mutations.join(' + ')}): ${q.step}: ${q.reason.slice(0, 200)}`);
  }
  expect(missing.slice(0, 10)).toEqual([]);
  expect(unexplained.slice(0, 10)).toEqual([]);
  // every generated entry has its own row (the merged ones share one)
  expect(rows.size).toBe(new Set(entries.map((e) => e.key)).size);
}, 300_000);

describe('1,000 malformed configuration files', () => {
  const tokenVar = 'LOS_FUZZ_TOKEN';
  process.env[tokenVar] = 'fuzz-token';
  const ldifPath = join(env.dir, 'people.ldif');
  writeFileSync(ldifPath, peopleLdif(2));
  const configs = malformedConfigs(createRng(SEED + 1), 1_000, ldifPath, tokenVar);

  test('the configuration they were made from is valid', () => {
    expect(parseConfigText(goodConfig(ldifPath, tokenVar), join(env.dir, 'good.yaml')).config.okta.orgUrl).toBe('https://corp.okta.com');
  });

  test('the loader answers every one with a configuration error, each problem with file:line', () => {
    const wrong: string[] = [];
    configs.forEach(({ text, mutations }, i) => {
      const file = join(env.dir, `fuzz-${i}.yaml`);
      try {
        parseConfigText(text, file);
        wrong.push(`#${i} (${mutations.join(' + ')}): loaded without an error`);
      } catch (e) {
        if (!(e instanceof ConfigError)) {
          wrong.push(`#${i} (${mutations.join(' + ')}): ${(e as Error).stack}`);
          return;
        }
        if (e.issues.length === 0) wrong.push(`#${i} (${mutations.join(' + ')}): a configuration error naming no problem`);
        for (const issue of e.issues) {
          if (!issue.line || !formatIssue(issue).startsWith(`${file}:${issue.line}:`))
            wrong.push(`#${i} (${mutations.join(' + ')}): no line: ${formatIssue(issue)}`);
        }
      }
    });
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  test('a handful through the CLI as a process: exit 3, file:line on stderr, no stack', async () => {
    const picks = [0, 1, 2, 3, 4, 5].map((k) => configs[Math.floor((k * configs.length) / 6)]);
    for (const [k, { text, mutations }] of picks.entries()) {
      const file = env.file(`cli-${k}.yaml`, text);
      const p = start(['config', 'validate', '-c', file], { [tokenVar]: 'fuzz-token' });
      const code = await p.exited;
      expect({ mutations, code }).toEqual({ mutations, code: EXIT.CONFIG });
      expect(p.output()).toContain(`${file}:`);
      expect(p.output()).toMatch(new RegExp(`${file.replace(/[.]/g, '\\.')}:\\d+:\\d+: `));
      expect(p.output()).not.toMatch(STACK_FRAME);
    }
  }, 120_000);
});
