/** The preflight report for people (text tables) and for programs (JSON). */
import type { PreflightReport, ProblemSummary, RecordFate } from '../inspect/preflight/model';
import type { ProfileValue } from '../okta/profile';
import { table } from './table';
import { showValue } from './value';

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max - 1) + '…' : s);

function change(before: ProfileValue | undefined, after: ProfileValue | undefined, severity: string): string {
  if (before === undefined && after === undefined) return '';
  if (after === undefined) return showValue(before);
  if (after === null && severity === 'dropped') return `${showValue(before)} → ∅ (dropped)`;
  return `${showValue(before)} → ${showValue(after)}`;
}

const effect = (t: ProblemSummary) =>
  Object.entries(t.bySeverity)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');

export const FATE_LABELS: Record<RecordFate, string> = {
  create: 'would be created',
  link: 'would be linked to the Okta user its okta.match rules find',
  update: 'already linked: would be updated',
  unchanged: 'already linked: unchanged',
  lifecycle: 'already linked: status change only',
  quarantine: 'would be quarantined',
  skip: 'would be skipped',
  rejected: 'rejected by the directory reader',
};

const FATE_ORDER: RecordFate[] = ['create', 'link', 'update', 'unchanged', 'lifecycle', 'quarantine', 'skip', 'rejected'];

export function formatPreflight(r: PreflightReport): string {
  const out: string[] = [];
  const stateLine = r.state.exists ? `state ${r.state.path} (${r.state.users} users known, ${r.state.linked} linked)` : `no state yet (${r.state.path})`;
  out.push(
    `Preflight of ${r.source.id}: ${r.records.read} users read (${r.source.entriesRead} directory entries), ${stateLine}.`,
    `Okta ${r.okta.orgUrl} read, nothing written: ${r.okta.requests} requests (${r.okta.writes} writes) refreshed a copy of the agent's mirror of Okta (${r.okta.mirror.users} users read${r.okta.mirror.full ? ', every user' : ', the changes'}); okta.match: ${r.okta.match}.`,
    'Nothing was written to Okta or to the state.',
    '',
  );
  out.push(
    table(
      FATE_ORDER.filter((f) => r.records[f] > 0 || f === 'create' || f === 'quarantine').map((f) => [FATE_LABELS[f], r.records[f]]),
      ['a sync now', 'records'],
    ),
  );

  const problems = r.problems.filter((t) => t.bySeverity.fixed !== t.occurrences);
  const fixes = r.problems.filter((t) => t.bySeverity.fixed === t.occurrences);
  out.push('');
  if (problems.length) {
    out.push(
      table(
        problems.map((t) => [t.label, t.type, t.records, t.occurrences, effect(t)]),
        ['problem', 'type', 'records', 'values', 'effect'],
      ),
    );
  } else {
    out.push('No problems found.');
  }
  if (fixes.length) {
    out.push(
      '',
      table(
        fixes.map((t) => [t.label, t.type, t.records, t.occurrences]),
        ['fixed automatically (not problems)', 'type', 'records', 'values'],
      ),
    );
  }
  if (r.quarantinedByStep.length) out.push('', `Quarantined by step: ${r.quarantinedByStep.map((s) => `${s.step} ${s.records}`).join(', ')}`);
  if (r.skippedByStep.length) out.push(`Skipped by rule: ${r.skippedByStep.map((s) => `${s.step} ${s.records}`).join(', ')}`);
  if (r.oktaConflicts.total) {
    const c = r.oktaConflicts;
    out.push(
      `New records meeting an existing Okta user: ${c.total} (would be linked ${c.link}, quarantined ${c.quarantine}); ` +
        `Okta status: ${Object.entries(c.byStatus)
          .map(([s, n]) => `${s} ${n}`)
          .join(', ')}`,
    );
  }

  const withExamples = [...problems, ...fixes].filter((t) => t.examples.length);
  if (withExamples.length) {
    out.push('', `Examples (up to ${r.examplesPerType} per type${r.csv ? `; every problem is in ${r.csv.path}` : '; every problem: --csv FILE'}):`);
    for (const t of withExamples) {
      out.push('', `${t.label} (${t.type}): ${t.records} record${t.records === 1 ? '' : 's'}`);
      out.push(
        table(
          t.examples.map((e) => [clip(e.dn, 60), e.attribute ?? '', clip(change(e.before, e.after, e.severity), 60), clip(e.message, 90)]),
          ['dn', 'attribute', 'before → after', 'detail'],
        )
          .split('\n')
          .map((l) => `  ${l}`)
          .join('\n'),
      );
    }
  }
  if (r.csv) out.push('', `CSV: ${r.csv.rows} problem rows written to ${r.csv.path}${r.csv.includesFixes ? ' (fixes included)' : ''}.`);
  return out.join('\n');
}

/** The report as JSON; `extra` members (a forecast) are added at the top level. */
export function preflightJson(r: PreflightReport, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...r, ...extra }, null, 2);
}
