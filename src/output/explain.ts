/** `explain` for people: source values, each step, the final profile and its diff, the state, the last run. */
import type { Candidate, Explanation } from '../inspect/explain/explain';
import { profileValuesEqual, type Profile } from '../okta/profile';
import { table } from './table';
import { showValue } from './value';

const indent = (text: string, n: number) =>
  text
    .split('\n')
    .map((l) => (l ? ' '.repeat(n) + l : l))
    .join('\n');

export function formatExplanation(x: Explanation): string {
  const out: string[] = [];
  out.push(`User ${x.dn}`);
  out.push(
    indent(
      table([
        ['anchor', x.anchor],
        ['found in', `${x.foundIn.join(' and ')} (key ${JSON.stringify(x.key)})`],
        ['directory', x.inDirectory ? (x.disabled ? 'present, disabled' : 'present, enabled') : 'not in the directory (any more)'],
      ]),
      2,
    ),
  );

  if (x.inDirectory) {
    out.push('', 'Source values (the attributes the transforms read):');
    const src = Object.entries(x.source);
    out.push(src.length ? indent(table(src.map(([a, vs]) => [a, vs.map((v) => JSON.stringify(v)).join(', ')])), 2) : '  (none of them is set)');

    out.push('', 'Steps:');
    x.steps.forEach((s, i) => {
      const changed = Object.entries(s.changed);
      const what =
        s.outcome === 'skip'
          ? 'skipped the record here'
          : s.outcome === 'quarantine'
            ? 'quarantined the record here'
            : s.kind === 'skip'
              ? 'not taken'
              : changed.length
                ? ''
                : 'no change';
      out.push(`  ${i + 1}. ${s.step} (${s.kind})${s.note ? `: ${s.note}` : ''}${what ? `: ${what}` : ''}`);
      if (changed.length) out.push(indent(table(changed.map(([a, c]) => [a, `${showValue(c.before)} → ${showValue(c.after)}`])), 7));
      for (const f of s.findings) {
        const values =
          f.before !== undefined || f.after !== undefined ? ` ${showValue(f.before)}${f.after !== undefined ? ` → ${showValue(f.after)}` : ''}` : '';
        out.push(`       ! ${f.type}${f.attribute ? ` ${f.attribute}` : ''}:${values}${f.message ? ` (${f.message})` : ''}`);
      }
    });
    if (!x.steps.length) out.push('  (no steps)');

    const o = x.outcome!;
    out.push('', o.kind === 'ok' ? `Outcome: ok, login ${o.login}` : `Outcome: ${o.kind} at step ${o.step}: ${o.reason}`);
  }

  if (x.profile || x.applied) {
    out.push('', x.profile ? 'Final Okta profile (and what Okta has from the agent):' : 'Profile last applied in Okta:');
    out.push(indent(profileTable(x.profile, x.applied), 2));
  }

  if (x.next) {
    out.push('', `Next sync: ${x.next.summary}`);
    if (x.next.action === 'update' && x.next.changes.length) {
      out.push(indent(table(x.next.changes.map((c) => [c.attribute, `${showValue(c.before)} → ${showValue(c.after)}`])), 2));
    }
  } else if (!x.inDirectory && x.state?.oktaId) {
    out.push('', 'Next sync: counts it missing from the directory (lifecycle.missing decides when it is deprovisioned).');
  }

  out.push('', 'State:');
  if (!x.state) {
    out.push('  not known to the agent (never linked to Okta or quarantined)');
  } else {
    const s = x.state;
    const okta = s.oktaId
      ? `${s.oktaId}${s.oktaStatus ? ` (${s.oktaStatus})` : ''}, ${s.link === 'linked' ? 'an existing Okta user the agent linked' : 'created by the agent'}`
      : 'not in Okta';
    const rows: string[][] = [
      ['Okta user', okta],
      ['login', s.login ?? '∅'],
      ['last seen', s.lastSeenRun === null ? 'never' : `run ${s.lastSeenRun}`],
      ['quarantine', s.quarantine ? `at step ${s.quarantine.step} (run ${s.quarantine.run}): ${s.quarantine.reason}` : 'no'],
      [
        'status set by the agent',
        s.lifecycleReason ? `because ${s.lifecycleReason === 'disabled' ? 'it is disabled in the directory' : 'it is missing from the directory'}` : 'no',
      ],
      ['missing runs', s.missingRuns ? `${s.missingRuns} (since ${s.missingSince})` : '0'],
      ['known since', s.createdAt],
      ['last changed', s.updatedAt],
    ];
    out.push(indent(table(rows), 2));
  }
  for (const j of x.pendingWrites) out.push(`  unfinished ${j.op} from run ${j.runId} (${j.startedAt}): resolved at the next start`);

  out.push(
    '',
    x.lastRun
      ? `Last run: run ${x.lastRun.id} (${x.lastRun.mode}, ${x.lastRun.outcome}, started ${x.lastRun.startedAt}): ${x.lastRun.did}.`
      : 'Last run: none yet.',
  );
  return out.join('\n');
}

function profileTable(profile: Profile | null, applied: Profile | null): string {
  const names = [...new Set([...Object.keys(profile ?? {}), ...Object.keys(applied ?? {})])].sort();
  if (!profile)
    return table(
      names.map((n) => [n, showValue(applied![n])]),
      ['attribute', 'last applied'],
    );
  if (!applied)
    return table(
      names.map((n) => [n, showValue(profile[n])]),
      ['attribute', 'value'],
    );
  return table(
    names.map((n) => {
      const same = profileValuesEqual(profile[n] ?? null, applied[n] ?? null);
      return [n, showValue(profile[n]), showValue(applied[n]), same ? '' : profile[n] === undefined ? 'cleared' : 'changed'];
    }),
    ['attribute', 'value', 'last applied in Okta', ''],
  );
}

export function formatCandidates(key: string, candidates: readonly Candidate[]): string {
  return [
    `ldap-okta-sync: ${JSON.stringify(key)} matches ${candidates.length} users; name one by its anchor or DN:`,
    table(
      candidates.map((c) => [c.anchor, c.dn, c.foundIn.join(' and ')]),
      ['anchor', 'dn', 'found in'],
    ),
  ].join('\n');
}
