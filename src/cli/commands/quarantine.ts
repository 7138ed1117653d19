/**
 * `quarantine`: the records a run kept out of Okta (or, when already linked, left untouched) with
 * the step and the reason, as a table, JSON or spreadsheet-safe CSV. Read-only. Quarantined records
 * are retried every run and leave quarantine by themselves once their source is fixed.
 *
 * "Since": for a record that never reached Okta, its state row was created by its first quarantine,
 * so that time is exact. For a linked record the state only keeps the last run that quarantined it,
 * so the quarantine began at that run or earlier.
 */
import { loadConfig } from '../../config/load';
import { StateStore, type UserRow } from '../../state/store';
import { csvDocument } from '../../output/csv';
import { table } from '../../output/table';
import { printConfigWarnings } from '../agent';
import { EXIT, type ExitCode } from '../exit-codes';
import type { Io } from '../io';
import { QUARANTINE_SORTS, type QuarantineSort } from '../help';

export interface QuarantineOpts {
  config: string;
  json?: boolean;
  csv?: boolean;
  step?: string[];
  sort?: string;
}

export interface QuarantineEntry {
  dn: string;
  anchor: string;
  /** The login the agent last applied in Okta, when known. */
  login: string | null;
  step: string;
  reason: string;
  /** The last run that quarantined it (every run retries it). */
  run: number;
  runStartedAt: string | null;
  /** When it entered quarantine: exact for records never in Okta, otherwise the last run's start ("or earlier"). */
  since: string | null;
  /** Already in Okta (linked): the Okta user stays as it is while the record is quarantined. */
  linked: boolean;
  oktaId: string | null;
  oktaStatus: string | null;
  link: 'created' | 'linked' | null;
}

export async function cmdQuarantine(opts: QuarantineOpts, io: Io): Promise<ExitCode> {
  const sort = (opts.sort ?? 'run') as QuarantineSort;
  if (!QUARANTINE_SORTS.includes(sort)) {
    io.err(`ldap-okta-sync: --sort must be one of ${QUARANTINE_SORTS.join(', ')}`);
    return EXIT.USAGE;
  }
  if (opts.json && opts.csv) {
    io.err('ldap-okta-sync: choose one of --json and --csv');
    return EXIT.USAGE;
  }
  // reads the state file only: the secrets (directory, Okta) are checked, not needed
  const loaded = loadConfig(opts.config, { secrets: false });
  const { config } = loaded;
  printConfigWarnings(loaded, io);
  const state = StateStore.open(config.state.path, { readonly: true, notice: (m) => io.err(`warning: ${m}`) });
  let entries: QuarantineEntry[];
  try {
    entries = quarantineEntries(state, opts.step);
  } finally {
    state.close();
  }
  sortEntries(entries, sort);

  if (opts.json) {
    io.out(JSON.stringify({ statePath: config.state.path, total: entries.length, steps: stepCounts(entries), records: entries }, null, 2));
    return EXIT.OK;
  }
  if (opts.csv) {
    io.stdout.write(
      csvDocument(
        ['dn', 'anchor', 'login', 'step', 'reason', 'last run', 'last run started', 'since', 'in Okta', 'Okta id', 'Okta status'],
        entries.map((e) => [e.dn, e.anchor, e.login, e.step, e.reason, e.run, e.runStartedAt, e.since, e.linked ? 'yes' : 'no', e.oktaId, e.oktaStatus]),
      ),
    );
    return EXIT.OK;
  }
  io.out(formatQuarantine(entries, config.state.path, opts.step));
  return EXIT.OK;
}

/** Quarantined users of the state with the start time of the run that last quarantined each. */
export function quarantineEntries(state: StateStore, steps?: readonly string[]): QuarantineEntry[] {
  let rows: UserRow[] = state.users.quarantined();
  if (steps?.length) rows = rows.filter((r) => steps.includes(r.quarantine!.step));
  const runStart = new Map<number, string>();
  if (rows.length) {
    const latest = state.runs.latest(1)[0];
    const oldest = rows.reduce((m, r) => Math.min(m, r.quarantine!.run), Infinity);
    if (latest) for (const run of state.runs.latest(Math.max(1, latest.id - oldest + 1))) runStart.set(run.id, run.startedAt);
  }
  return rows.map((r) => {
    const q = r.quarantine!;
    const linked = r.oktaId !== null;
    const runStartedAt = runStart.get(q.run) ?? null;
    return {
      dn: r.dn,
      anchor: r.anchor,
      login: r.login,
      step: q.step,
      reason: q.reason,
      run: q.run,
      runStartedAt,
      since: q.since,
      linked,
      oktaId: r.oktaId,
      oktaStatus: r.oktaStatus,
      link: r.link,
    };
  });
}

function sortEntries(entries: QuarantineEntry[], sort: QuarantineSort): void {
  const byDn = (a: QuarantineEntry, b: QuarantineEntry) => a.dn.localeCompare(b.dn);
  const cmp: Record<QuarantineSort, (a: QuarantineEntry, b: QuarantineEntry) => number> = {
    run: (a, b) => b.run - a.run || byDn(a, b),
    dn: byDn,
    step: (a, b) => a.step.localeCompare(b.step) || byDn(a, b),
    since: (a, b) => (a.since ?? '').localeCompare(b.since ?? '') || byDn(a, b),
  };
  entries.sort(cmp[sort]);
}

function stepCounts(entries: readonly QuarantineEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) out[e.step] = (out[e.step] ?? 0) + 1;
  return out;
}

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max - 1) + '…' : s);
const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '');

export function formatQuarantine(entries: readonly QuarantineEntry[], statePath: string, steps?: readonly string[]): string {
  const filter = steps?.length ? ` at step ${steps.join(' or ')}` : '';
  if (!entries.length) return `No records in quarantine${filter} (state ${statePath}).`;
  let clipped = false;
  const c = (s: string, max: number) => {
    if (s.length > max) clipped = true;
    return clip(s, max);
  };
  const rows = entries.map((e) => [
    c(e.dn, 60),
    c(e.anchor, 38),
    e.login ?? '',
    e.step,
    c(e.reason, 100),
    e.run,
    when(e.since),
    e.linked ? `yes (${e.oktaId}${e.oktaStatus ? `, ${e.oktaStatus}` : ''})` : 'no',
  ]);
  const linked = entries.filter((e) => e.linked).length;
  const counts = Object.entries(stepCounts(entries))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  return [
    `${entries.length} record${entries.length === 1 ? '' : 's'} in quarantine${filter} (by step: ${counts}); ${linked} already in Okta (left as they are until fixed).`,
    '',
    table(rows, ['dn', 'anchor', 'login', 'step', 'reason', 'last run', 'since (UTC)', 'in Okta']),
    '',
    'Quarantined records are retried every run and leave quarantine by themselves once the source is fixed.' +
      (clipped ? ' Long values are cut here: --json or --csv for all of them.' : ''),
  ].join('\n');
}
