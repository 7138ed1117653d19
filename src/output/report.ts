/** The run report for people: the text printed after `sync`, and the one summary line a run logs. */
import type { RunReport } from '../sync/report';
import { table } from './table';

const n = (r: Record<string, number>, k: string) => r[k] ?? 0;

/** The one summary line a run logs. */
export function summaryLine(r: RunReport): string {
  const secs = r.durationMs / 1000;
  // the rate of the writes the line reports: every Okta write (users, lifecycle, groups)
  const written = r.okta.writes;
  return (
    `run ${r.runId} ${r.mode} ${r.outcome}: read ${n(r.plan, 'read')} (${r.directory.entriesRead} directory entries, ${r.directory.queries} directory requests), created ${n(r.counts, 'created')}, linked ${n(r.counts, 'linked')}, ` +
    `updated ${n(r.counts, 'updated')}, unchanged ${n(r.plan, 'unchanged')}, renamed ${n(r.counts, 'renamed')}, ` +
    `suspended ${n(r.counts, 'suspended')}, deactivated ${n(r.counts, 'deactivated')}, reactivated ${n(r.counts, 'unsuspended') + n(r.counts, 'activated')}, ` +
    `missing ${n(r.counts, 'missing')}, quarantined ${n(r.counts, 'quarantined')}, skipped ${n(r.plan, 'skip')}, failed ${n(r.counts, 'failed')}` +
    (r.groups ? `; groups created ${r.groups.created}, members +${r.groups.membersAdded} -${r.groups.membersRemoved}` : '') +
    `; ${r.okta.requests} Okta requests (${r.okta.writes} writes, ` +
    `${r.okta.rateLimited} rate-limited) in ${secs.toFixed(1)} s${written && secs > 0 ? ` (${Math.round(written / secs)} writes/s)` : ''}` +
    (r.error ? `; error: ${r.error}` : '')
  );
}

/** The report as a person reads it after `sync` and with `report`: at most `limit` rows per list. */
export function formatReport(r: RunReport, opts: { limit?: number } = {}): string {
  const limit = opts.limit ?? 20;
  const rows: (string | number)[][] = [
    ['users read from the directory', n(r.plan, 'read')],
    ['directory entries returned', r.directory.entriesRead],
    ['directory requests', r.directory.queries],
    ['rejected by the reader', n(r.plan, 'rejected')],
    ['created in Okta', n(r.counts, 'created')],
    ['linked to existing Okta users', n(r.counts, 'linked')],
    ['updated (partial)', n(r.counts, 'updated')],
    ['renamed or moved (DN only)', n(r.counts, 'renamed')],
    ['suspended / deactivated', `${n(r.counts, 'suspended')} / ${n(r.counts, 'deactivated')}`],
    ['unsuspended / activated again', `${n(r.counts, 'unsuspended')} / ${n(r.counts, 'activated')}`],
    ['missing from the directory', n(r.counts, 'missing')],
    ['unchanged', n(r.plan, 'unchanged')],
    ['skipped by rules', n(r.plan, 'skip')],
    ['quarantined', n(r.counts, 'quarantined')],
    ['failed (retried next run)', n(r.counts, 'failed')],
  ];
  if (r.groups) {
    rows.push(
      ['groups created / taken over / renamed', `${r.groups.created} / ${r.groups.matched} / ${r.groups.updated}`],
      ['group members added / removed', `${r.groups.membersAdded} / ${r.groups.membersRemoved}`],
    );
  }
  rows.push(
    ['Okta requests (writes)', `${r.okta.requests} (${r.okta.writes})`],
    ['rate-limited responses / wait', `${r.okta.rateLimited} / ${(r.okta.rateLimitWaitMs / 1000).toFixed(1)} s`],
  );
  const lines = [
    `Run ${r.runId} (${r.mode}${r.modeReason ? `: ${r.modeReason}` : ''}) ${r.outcome.toUpperCase()} in ${(r.durationMs / 1000).toFixed(1)} s`,
    `started ${r.startedAt.replace('T', ' ').slice(0, 19)} UTC, ended ${r.endedAt.replace('T', ' ').slice(0, 19)} UTC`,
    '',
    table(rows),
  ];
  const errors = Object.entries(r.okta.errors ?? {}).sort((a, b) => b[1] - a[1]);
  if (errors.length) lines.push('', "Okta's refusals by errorCode:", table(errors, ['errorCode', 'responses']));
  if (r.safeguard) {
    lines.push('', 'Stopped by a safeguard before any write:', ...r.safeguard.map((x) => `  - ${x}`));
    lines.push('Check the plan (ldap-okta-sync plan); if it is what you want, run once with --allow-mass-change.');
  }
  if (r.oktaQuarantines.length) {
    lines.push('', 'Quarantined by Okta:');
    for (const q of r.oktaQuarantines.slice(0, limit)) lines.push(`  ${q.dn}: ${q.reason}`);
    if (r.oktaQuarantines.length > limit) lines.push(`  … and ${r.oktaQuarantines.length - limit} more (ldap-okta-sync quarantine)`);
  }
  if (r.failures.length) {
    lines.push('', 'Failed writes (will be retried):');
    for (const f of r.failures.slice(0, limit)) lines.push(`  ${f.dn}: ${f.error}`);
    if (r.failures.length > limit) lines.push(`  … and ${r.failures.length - limit} more (ldap-okta-sync report ${r.runId} --json)`);
  }
  if (r.error) lines.push('', `Error: ${r.error}`);
  return lines.join('\n');
}
