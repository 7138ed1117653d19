/**
 * The run report: what a run read, planned and did, how many Okta requests it made, and the
 * records that need a person's attention. Printed as text after `sync`, logged as one summary line,
 * and stored (counts) in the runs table.
 */
import type { RunOutcome } from '../state/store';
import type { GroupApplyCounts, GroupPlanSummary } from './groups';

export interface RunReport {
  runId: number;
  mode: 'full' | 'incremental';
  /** Why the run is full or incremental. */
  modeReason?: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  outcome: RunOutcome;
  error?: string;
  /** What the plan said: read, rejected, create, update, unchanged, quarantine, skip. */
  plan: Record<string, number>;
  /** What apply did: created, linked, updated, renamed, quarantined, failed, notStarted, recovered. */
  counts: Record<string, number>;
  /** Groups: what the plan said and what apply did (absent when groups are not configured). */
  groupsPlan?: GroupPlanSummary;
  groups?: GroupApplyCounts;
  /** Why a safeguard stopped the run. */
  safeguard?: string[];
  directory: { entriesRead: number };
  /** Peak resident memory of the agent process so far (MB). */
  peakRssMb?: number;
  okta: { requests: number; writes: number; retries: number; rateLimited: number; rateLimitWaitMs: number };
  oktaQuarantines: { anchor: string; dn: string; reason: string }[];
  failures: { anchor: string; dn: string; error: string }[];
}

export function emptyReport(runId: number, mode: 'full' | 'incremental', started: Date): RunReport {
  return {
    runId,
    mode,
    startedAt: started.toISOString(),
    endedAt: started.toISOString(),
    durationMs: 0,
    outcome: 'running',
    plan: {},
    counts: {},
    directory: { entriesRead: 0 },
    okta: { requests: 0, writes: 0, retries: 0, rateLimited: 0, rateLimitWaitMs: 0 },
    oktaQuarantines: [],
    failures: [],
  };
}

const n = (r: Record<string, number>, k: string) => r[k] ?? 0;

/** The one summary line a run logs. */
export function summaryLine(r: RunReport): string {
  const secs = r.durationMs / 1000;
  const written = n(r.counts, 'created') + n(r.counts, 'linked') + n(r.counts, 'updated');
  return (
    `run ${r.runId} ${r.mode} ${r.outcome}: read ${n(r.plan, 'read')} (${r.directory.entriesRead} directory entries), created ${n(r.counts, 'created')}, linked ${n(r.counts, 'linked')}, ` +
    `updated ${n(r.counts, 'updated')}, unchanged ${n(r.plan, 'unchanged')}, renamed ${n(r.counts, 'renamed')}, ` +
    `suspended ${n(r.counts, 'suspended')}, deactivated ${n(r.counts, 'deactivated')}, reactivated ${n(r.counts, 'unsuspended') + n(r.counts, 'activated')}, ` +
    `missing ${n(r.counts, 'missing')}, quarantined ${n(r.counts, 'quarantined')}, skipped ${n(r.plan, 'skip')}, failed ${n(r.counts, 'failed')}` +
    (r.groups ? `; groups created ${r.groups.created}, members +${r.groups.membersAdded} -${r.groups.membersRemoved}` : '') +
    `; ${r.okta.requests} Okta requests (${r.okta.writes} writes, ` +
    `${r.okta.rateLimited} rate-limited) in ${secs.toFixed(1)} s${written && secs > 0 ? ` (${Math.round(written / secs)} writes/s)` : ''}` +
    (r.error ? `; error: ${r.error}` : '')
  );
}

/** The report as a person reads it after `sync`. */
export function formatReport(r: RunReport): string {
  const rows: (string | number)[][] = [
    ['users read from the directory', n(r.plan, 'read')],
    ['directory entries returned', r.directory.entriesRead],
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
    '',
    table(rows),
  ];
  if (r.safeguard) {
    lines.push('', 'Stopped by a safeguard before any write:', ...r.safeguard.map((x) => `  - ${x}`));
    lines.push('Check the plan (ldap-okta-sync plan); if it is what you want, run once with --allow-mass-change.');
  }
  if (r.oktaQuarantines.length) {
    lines.push('', 'Quarantined by Okta:');
    for (const q of r.oktaQuarantines.slice(0, 20)) lines.push(`  ${q.dn}: ${q.reason}`);
    if (r.oktaQuarantines.length > 20) lines.push(`  … and ${r.oktaQuarantines.length - 20} more (ldap-okta-sync quarantine)`);
  }
  if (r.failures.length) {
    lines.push('', 'Failed writes (will be retried):');
    for (const f of r.failures.slice(0, 20)) lines.push(`  ${f.dn}: ${f.error}`);
  }
  if (r.error) lines.push('', `Error: ${r.error}`);
  return lines.join('\n');
}

/** Terminal columns a string takes: East Asian wide characters take two, combining marks none. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (/\p{M}/u.test(ch)) continue;
    w +=
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1faff) ||
      (c >= 0x20000 && c <= 0x3fffd)
        ? 2
        : 1;
  }
  return w;
}

const pad = (s: string, width: number, left: boolean) => {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return left ? fill + s : s + fill;
};

export function table(rows: (string | number)[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(String(c)))));
  const fmt = (row: (string | number)[]) =>
    row
      .map((c, i) => pad(String(c), widths[i], typeof c === 'number'))
      .join('  ')
      .trimEnd();
  const out = all.map(fmt);
  if (header) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return out.join('\n');
}
