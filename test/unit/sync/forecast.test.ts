/**
 * The plan's forecast (src/sync/plan/forecast.ts): plan counts → Okta requests per kind and bucket
 * → time under a share of the limits (seen ones first, Okta's documented defaults otherwise).
 */
import { forecast, planForecast, planRequests, type ForecastCounts } from '../../../src/sync/plan/forecast';
import { forecastText, formatDuration } from '../../../src/output/forecast';

const NONE: ForecastCounts = { creates: 0, updates: 0, statusChanges: 0, groupCreates: 0, groupRenames: 0, memberAdds: 0, memberRemoves: 0 };
const SEEN = '2026-07-01T10:00:00.000Z';

describe('planRequests', () => {
  test('one request per write, no read: every decision about Okta is taken from the mirror the plan refreshed', () => {
    const rows = planRequests({ creates: 10, updates: 7, statusChanges: 3, groupCreates: 2, groupRenames: 1, memberAdds: 5, memberRemoves: 4 });
    expect(rows).toEqual([
      { kind: 'creates', bucket: 'users', phase: 'users', requests: 10 },
      { kind: 'updates', bucket: 'user-write', phase: 'users', requests: 7 },
      { kind: 'lifecycle', bucket: 'other', phase: 'users', requests: 3 },
      { kind: 'group writes', bucket: 'groups', phase: 'groups', requests: 2 },
      { kind: 'group writes', bucket: 'group', phase: 'groups', requests: 1 },
      { kind: 'group writes', bucket: 'other', phase: 'groups', requests: 9 },
    ]);
  });
});

describe('forecast', () => {
  test("time = requests ÷ (limit × share) per bucket; buckets of a phase side by side, users' phase then groups'", () => {
    // creates: 600 at 300/min = 2 min; updates: 300 at 300/min = 1 min (in parallel: 2 min); members: 1200 at 600/min = 2 min
    const f = planForecast({ ...NONE, creates: 600, updates: 300, memberAdds: 1200 }, { limits: {}, share: 0.5 });
    expect(f.buckets.map((b) => [b.bucket, b.requests, b.limit, b.perMinute, b.seconds])).toEqual([
      ['users', 600, 600, 300, 120],
      ['user-write', 300, 600, 300, 60],
      ['other', 1200, 1200, 600, 120],
    ]);
    expect([f.requests, f.seconds]).toEqual([2100, 240]);
  });

  test("limits seen in responses replace Okta's documented defaults, which are named when used", () => {
    const rows = planRequests({ ...NONE, creates: 100, updates: 100 });
    const seen = forecast(rows, { users: { limit: 100, seenAt: SEEN } }, 1);
    expect(seen.buckets.map((b) => [b.bucket, b.limit, b.limitSeenAt, b.seconds])).toEqual([
      ['users', 100, SEEN, 60],
      ['user-write', 600, null, 10],
    ]);
    expect(seen.defaultLimits).toEqual(['user-write']);
    expect(seen.seconds).toBe(60);
    expect(forecast(rows, { users: { limit: 100, seenAt: SEEN }, 'user-write': { limit: 50, seenAt: SEEN } }, 1)).toMatchObject({
      seconds: 120,
      defaultLimits: [],
    });
  });

  test('a smaller share takes proportionally longer; counts scaled scale the forecast', () => {
    const counts = { ...NONE, creates: 300 };
    const at = (share: number) => planForecast(counts, { limits: {}, share }).seconds;
    expect([at(1), at(0.5), at(0.25)]).toEqual([30, 60, 120]);
    expect(planForecast({ ...counts, creates: 3000 }, { limits: {}, share: 0.5 }).seconds).toBe(600);
  });

  test('nothing to do: no request, no time', () => {
    expect(planForecast(NONE, { limits: {}, share: 0.5 })).toMatchObject({ requests: 0, seconds: 0, buckets: [], defaultLimits: [] });
  });
});

describe('forecast text', () => {
  test('requests by kind and bucket, limits marked when defaults, the total time at the share', () => {
    const f = planForecast({ ...NONE, creates: 216, statusChanges: 2 }, { limits: { users: { limit: 6000, seenAt: SEEN } }, share: 0.5 });
    const text = [...forecastText(f)].join('\n');
    expect(text).toContain("Forecast: 218 Okta write(s), about 5 s at 50% of each bucket's rate limit (okta.rateLimitShare):");
    expect(text).toMatch(/creates\s+GET\/POST \/api\/v1\/users\s+216/);
    expect(text).toMatch(/GET\/POST \/api\/v1\/users\s+216\s+6000\s+3000\s+5 s/);
    expect(text).toMatch(/other \/api\/v1 \(lifecycle, memberships\)\s+2\s+1200\*\s+600\s+1 s/);
    expect(text).toContain("* no response of this bucket seen yet: Okta's documented Workforce limit");
    expect([...forecastText(planForecast(NONE, { limits: {}, share: 0.5 }))]).toEqual(['\nForecast: no Okta request to make.']);
  });

  test('durations', () => {
    expect([0.2, 42, 60, 200, 3600, 7500].map(formatDuration)).toEqual(['1 s', '42 s', '1 min', '3 min 20 s', '1 h', '2 h 5 min']);
  });
});
