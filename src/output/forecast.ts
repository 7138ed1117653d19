/**
 * The plan's forecast for people: the Okta requests the plan needs by kind and by rate-limit bucket,
 * the limits used (seen in responses, or Okta's documented defaults, said so) and how long the
 * requests take at the configured share. The JSON plan carries the Forecast value as it is.
 */
import { BUCKET_ENDPOINTS } from '../okta/rate-limits';
import type { Forecast } from '../sync/plan/forecast';
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
  yield `\nForecast: ${f.requests} Okta request(s) (${f.writes} write(s), ${f.reads} read(s)), about ${formatDuration(f.seconds)} at ${pct(f.share)} of each bucket's rate limit (okta.rateLimitShare):`;
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
  yield 'Users are written first, then groups; within each, the buckets are paced side by side.';
}
