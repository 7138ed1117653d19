/**
 * The operator's documents name what the program has: every metric family the agent exports is in
 * README.md's metrics list (and nothing there that the agent does not export), and every exit code
 * a command can return has its row in docs/troubleshooting.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes';
import { AgentMetrics } from '../../../src/daemon/metrics';
import { emptyReport } from '../../../src/sync/report';
import { parsePrometheus } from '../../helpers/prometheus';

const ROOT = join(__dirname, '..', '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

test('README.md lists exactly the metric families the agent exports', async () => {
  const m = new AgentMetrics({ rateLimits: () => [{ bucket: 'users', limit: 600, remaining: 599 }] });
  m.observeRun({ ...emptyReport(1, 'full', new Date()), outcome: 'ok' }, true, 0);
  const exported = [...parsePrometheus(await m.render()).keys()].filter((n) => n.startsWith('ldap_okta_sync_')).sort();
  const documented = [...new Set(read('README.md').match(/\bldap_okta_sync_[a-z0-9_]+[a-z0-9]/g) ?? [])].sort();
  expect(documented).toEqual(exported);
});

test('docs/troubleshooting.md has a row for every exit code', () => {
  const rows = new Set([...read('docs/troubleshooting.md').matchAll(/^\| (\d+) \|/gm)].map((r) => Number(r[1])));
  const codes = Object.values(EXIT).sort((a, b) => a - b);
  expect(codes.filter((c) => !rows.has(c))).toEqual([]);
  expect([...rows].filter((c) => !codes.includes(c as never))).toEqual([]);
});
