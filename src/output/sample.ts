/** The `sample` command's summary for people (text) and programs (JSON). */
import { PROBLEM_LABELS, type ProblemType } from '../inspect/preflight/model';
import type { SampleSummary } from '../sample';
import { table } from './table';

const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)}%` : '–');

/** A stratum dimension for people. */
export function dimensionLabel(dim: string): string {
  if (dim.startsWith('fate:')) return `a first import would: ${dim.slice(5)}`;
  if (dim === 'trait:disabled') return 'disabled in the directory';
  if (dim === 'trait:dn-special') return 'LDAP-special characters in the RDN';
  if (dim === 'trait:script-latin') return 'names with accents or other non-ASCII Latin letters';
  if (dim.startsWith('trait:script-')) return `names in ${dim.slice(13)} script`;
  return PROBLEM_LABELS[dim as ProblemType] ?? dim;
}

export function formatSampleSummary(s: SampleSummary, file: string, limit = 25): string {
  const m = s.manifest;
  const out: string[] = [];
  out.push(
    `Sample written to ${file}: ${m.users.sample} of ${m.users.directory} users (${pct(m.users.sample, m.users.directory)}; asked ${m.percent}%), ` +
      `${m.groups.sample} of ${m.groups.directory} groups (those with a sampled member), ${s.write.containers} containers.`,
    `Pseudonyms keyed by ${m.keyId}; suffix ${m.suffix ?? '(none: users and groups share no root)'}.` +
      (s.users.rejected ? ` ${s.users.rejected} entries the reader rejected are not in the sample.` : ''),
    '',
    'A rehearsal reads it with this source (the rest of the configuration unchanged):',
    '  source:',
    '    type: ldif',
    `    path: ${file}`,
    ...(m.baseDns.users.length ? ['    users:', '      baseDns:', ...m.baseDns.users.map((d) => `        - ${JSON.stringify(d)}`)] : []),
    ...(m.baseDns.groups.length ? ['  groups:', '    baseDns:', ...m.baseDns.groups.map((d) => `      - ${JSON.stringify(d)}`)] : []),
    '',
  );
  out.push(
    table(
      s.dimensions.map((d) => [dimensionLabel(d.dim), d.dim, d.records, pct(d.records, m.users.directory), d.sampled, pct(d.sampled, m.users.sample)]),
      ['users who', 'dimension', 'directory', '%', 'sample', '%'],
    ),
  );
  if (s.covered.length) out.push(`Added so that the sample has them too (rarer than one seat): ${s.covered.join(', ')}.`);
  const strata = [...s.strata].sort((a, b) => b.directory - a.directory || a.id - b.id);
  out.push(
    '',
    `Strata: ${s.strata.length} sampled${s.unsampledStrata ? `, ${s.unsampledStrata} too small for a seat (weighted with the closest sampled stratum)` : ''}` +
      `${strata.length > limit ? `; the ${limit} largest shown (--json for all)` : ''}:`,
    table(
      strata.slice(0, limit).map((w) => [w.id, w.signature || '(no problem)', w.directory, w.sample, w.weight.toFixed(2)]),
      ['stratum', 'dimensions', 'directory', 'sample', 'weight'],
    ),
  );
  const r = s.write.references;
  out.push(
    '',
    `References: ${r.kept} to sampled users, ${r.standIn} to a sampled stand-in (the user was not sampled), ${r.dropped} dropped (no such user); ` +
      `members: ${s.write.members.kept} kept, ${s.write.members.dropped} dropped (not in the sample).`,
  );
  if (s.users.clustered) out.push(`${s.users.clustered} users of the directory are tied to others by a duplicated value: sampled together or not at all.`);
  if (s.write.droppedAttributes.length) out.push(`Not written (the configuration does not read them): ${s.write.droppedAttributes.join(', ')}.`);
  if (s.write.binaryAttributes.length) out.push(`Binary values never written: ${s.write.binaryAttributes.join(', ')}.`);
  const p = s.pseudonyms;
  if (p.sharedRuns || p.phoneClassLost) {
    out.push(`Pseudonyms: ${p.sharedRuns} runs share a pseudonym (alphabet too small), ${p.phoneClassLost} phones lost their validity class.`);
  }
  return out.join('\n');
}

export function sampleSummaryJson(s: SampleSummary, file: string): string {
  return JSON.stringify({ file, ...s }, null, 2);
}
