/**
 * The plan's forecast for people: the Okta requests the plan needs by kind and by rate-limit bucket,
 * the limits used (seen in responses, or Okta's documented defaults, said so) and how long the
 * requests take at the configured share. The JSON plan carries the Forecast value as it is.
 *
 * And the forecast from a sample (`preflight` / `plan --scale-from-sample`): the users per outcome
 * and per problem type in the sample and in the whole directory, then the requests of the whole
 * directory's migration as above. JSON: the SampleForecast value.
 */
import { PROBLEM_LABELS, type ProblemType, type RecordFate } from '../inspect/preflight/model';
import { BUCKET_ENDPOINTS } from '../okta/rate-limits';
import type { SampleForecast } from '../sample/forecast';
import type { Forecast } from '../sync/plan/forecast';
import { FATE_LABELS } from './preflight';
import { table } from './table';

/** 42 s, 3 min 20 s, 2 h 5 min. */
export function formatDuration(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;

export function* forecastText(f: Forecast): Generator<string> {
  if (f.requests === 0) {
    yield '\nForecast: no Okta request to make.';
    return;
  }
  yield `\nForecast: ${f.requests} Okta write(s), about ${formatDuration(f.seconds)} at ${pct(f.share)} of each bucket's rate limit (okta.rateLimitShare):`;
  yield table(
    f.rows.map((r) => [r.kind, BUCKET_ENDPOINTS[r.bucket], r.requests]),
    ['kind', 'bucket', 'requests'],
  );
  yield '';
  yield table(
    f.buckets.map((b) => [BUCKET_ENDPOINTS[b.bucket], b.requests, `${b.limit}${b.limitSeenAt ? '' : '*'}`, Math.floor(b.perMinute), formatDuration(b.seconds)]),
    ['bucket', 'requests', 'limit/min', 'used/min', 'time'],
  );
  if (f.defaultLimits.length) yield "* no response of this bucket seen yet: Okta's documented Workforce limit (the org's own may differ)";
  yield 'Groups are created or renamed first, then the users (a create carries its groups), then the other memberships; within each, the buckets are paced side by side.';
}

const SAMPLE_LABELS: Record<string, string> = {
  users: 'users read',
  update: 'would be updated',
  lifecycle: 'status change only',
  statusChanges: 'Okta status changes',
  missing: 'missing from the directory: deprovisioned',
  'missing-waiting': 'missing from the directory: waiting (grace)',
  unchanged: 'unchanged',
  groupCreates: 'groups to create or take over',
  groupRenames: 'groups to rename',
  memberAdds: 'group members to add',
  memberRemoves: 'group members to remove',
};

function sampleLabel(key: string): string {
  if (key.startsWith('problem:')) return PROBLEM_LABELS[key.slice(8) as ProblemType] ?? key.slice(8);
  return SAMPLE_LABELS[key] ?? FATE_LABELS[key as RecordFate] ?? key;
}

export function* sampleForecastText(f: SampleForecast): Generator<string> {
  const s = f.sample;
  const rows = [...f.rows].sort((a, b) => b.forecast - a.forecast || a.key.localeCompare(b.key));
  const counts = rows.filter((r) => !r.key.startsWith('problem:'));
  const problems = rows.filter((r) => r.key.startsWith('problem:'));
  yield `\nForecast for the whole directory, scaled from the ${s.percent}% sample ${s.file} (${s.users.sample} of ${s.users.directory} users, key ${s.keyId}):`;
  yield table(
    counts.map((r) => [sampleLabel(r.key), r.sample, r.forecast]),
    ['', 'this run', 'whole directory'],
  );
  if (problems.length) {
    yield '';
    yield table(
      problems.map((r) => [sampleLabel(r.key), r.key.slice(8), r.sample, r.forecast]),
      ['users with a problem', 'type', 'this run', 'whole directory'],
    );
  }
  if (f.unmatched) yield `${f.unmatched} records of this run are not in the sample; each counts for itself.`;
  for (const line of forecastText(f.requests)) yield line.replace(/^\nForecast: /, "\nThe whole directory's migration: ");
}
