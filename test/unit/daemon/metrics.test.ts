import { AgentMetrics, USER_ACTIONS } from '../../../src/daemon/metrics';
import { emptyReport, type RunReport } from '../../../src/sync/report';
import { parsePrometheus, sample } from '../../helpers/prometheus';

function report(runId: number, counts: Record<string, number>, o: Partial<RunReport> = {}): RunReport {
  const r = emptyReport(runId, 'full', new Date('2026-01-01T00:00:00Z'));
  return {
    ...r,
    outcome: 'ok',
    endedAt: new Date(Date.parse('2026-01-01T00:00:00Z') + runId * 60_000).toISOString(),
    durationMs: 2500,
    plan: { read: 100, unchanged: counts.unchanged ?? 0, skip: counts.skip ?? 0 },
    counts,
    directory: { entriesRead: 100 + runId, queries: 2 },
    okta: { requests: 10, writes: 4, retries: 1, rateLimited: 1, rateLimitWaitMs: 1500, errors: { E0000001: runId } },
    ...o,
  };
}

test('per-run gauges describe the last run only; counters add each run once; Okta rate limits are read at scrape time', async () => {
  let remaining = 600;
  const m = new AgentMetrics({ version: '9.9.9', rateLimits: () => [{ bucket: 'users', limit: 1000, remaining }] });
  m.observeRun(report(1, { created: 10, quarantined: 2, unchanged: 5 }), true, 2);
  m.observeRun(report(2, { created: 3, updated: 1 }, { mode: 'incremental', outcome: 'failed' }), false, 1);
  remaining = 580;
  const f = parsePrometheus(await m.render());

  expect(sample(f, 'ldap_okta_sync_last_run_users', { action: 'created' })).toBe(3);
  expect(sample(f, 'ldap_okta_sync_last_run_users', { action: 'quarantined' })).toBe(0);
  expect(sample(f, 'ldap_okta_sync_last_run_users', { action: 'unchanged' })).toBe(0);
  expect(sample(f, 'ldap_okta_sync_user_actions_total', { action: 'created' })).toBe(13);
  expect(sample(f, 'ldap_okta_sync_user_actions_total', { action: 'unchanged' })).toBe(5);
  expect(sample(f, 'ldap_okta_sync_runs_total', { mode: 'full', outcome: 'ok' })).toBe(1);
  expect(sample(f, 'ldap_okta_sync_runs_total', { mode: 'incremental', outcome: 'failed' })).toBe(1);
  expect(f.get('ldap_okta_sync_run_duration_seconds')!.metrics[0]).toMatchObject({ count: '2', sum: '5', buckets: { '1': '0', '5': '2', '+Inf': '2' } });
  expect(sample(f, 'ldap_okta_sync_quarantined_records')).toBe(1);
  expect(sample(f, 'ldap_okta_sync_directory_entries_read_total')).toBe(203);
  expect(sample(f, 'ldap_okta_sync_last_run_directory_entries_read')).toBe(102);
  expect(sample(f, 'ldap_okta_sync_okta_requests_total', { kind: 'write' })).toBe(8);
  expect(sample(f, 'ldap_okta_sync_okta_requests_total', { kind: 'read' })).toBe(12);
  expect(sample(f, 'ldap_okta_sync_okta_throttled_seconds_total')).toBe(3);
  expect(sample(f, 'ldap_okta_sync_okta_errors_total', { error_code: 'E0000001' })).toBe(3); // 1 in run 1, 2 in run 2
  expect(sample(f, 'ldap_okta_sync_okta_errors_total', { error_code: 'E0000038' })).toBeUndefined();
  expect(sample(f, 'ldap_okta_sync_okta_rate_limit_remaining', { bucket: 'users' })).toBe(580);
  expect(sample(f, 'ldap_okta_sync_okta_rate_limit_limit', { bucket: 'users' })).toBe(1000);
  // the failed run 2 did not move the last success (run 1 ended at 00:01)
  expect(sample(f, 'ldap_okta_sync_last_success_timestamp_seconds')).toBe(Date.parse('2026-01-01T00:01:00Z') / 1000);
  expect(sample(f, 'ldap_okta_sync_last_run_timestamp_seconds')).toBe(Date.parse('2026-01-01T00:02:00Z') / 1000);
  expect(sample(f, 'ldap_okta_sync_last_run_success')).toBe(0);
  expect(sample(f, 'ldap_okta_sync_build_info', { version: '9.9.9' })).toBe(1);
  expect(
    f
      .get('ldap_okta_sync_last_run_users')!
      .metrics.map((s) => s.labels!.action)
      .sort(),
  ).toEqual([...USER_ACTIONS].sort());
});

test('names follow Prometheus conventions: the prefix, counters end in _total, units in the name, help on every family', async () => {
  const m = new AgentMetrics();
  m.observeRun(report(1, { created: 1 }), true, 0);
  const families = [...parsePrometheus(await m.render()).values()].filter((f) => f.name.startsWith('ldap_okta_sync_'));
  expect(families.length).toBeGreaterThanOrEqual(20);
  for (const f of families) {
    expect({ name: f.name, ok: /^ldap_okta_sync_[a-z0-9_]+$/.test(f.name), help: f.help.length > 10 }).toEqual({ name: f.name, ok: true, help: true });
    if (f.type === 'COUNTER') expect(f.name).toMatch(/_total$/);
    else expect(f.name).not.toMatch(/_total$/);
    if (/seconds|timestamp/.test(f.name)) expect(f.name).toMatch(/_seconds(_total)?$/);
  }
  // the process's own metrics come with them (prom-client's defaults)
  expect(parsePrometheus(await m.render()).has('process_cpu_seconds_total')).toBe(true);
});
