/** RequestRecorder: the log limit bounds the log, never the counts. */
import { RequestRecorder } from '../../../src/okta-sim/recorder';

const request = (i: number, method = 'POST') => ({
  at: i,
  method,
  path: '/api/v1/users',
  endpoint: `${method} /api/v1/users`,
  query: {},
  body: { profile: { login: `u${i}@example.com` } },
  requestId: `r${i}`,
});

test('with a log limit, the latest requests stay in the log and the counts cover all of them', () => {
  const r = new RequestRecorder(10);
  for (let i = 0; i < 1000; i++) r.begin(request(i, i % 4 ? 'POST' : 'GET'));
  const log = r.log();
  expect(log.length).toBeGreaterThanOrEqual(10);
  expect(log.length).toBeLessThan(20);
  expect(log[log.length - 1].seq).toBe(1000);
  expect(log.map((e) => e.seq)).toEqual(Array.from({ length: log.length }, (_, i) => 1000 - log.length + 1 + i));
  expect(r.count()).toBe(1000);
  expect(r.counts()).toEqual({ 'POST /api/v1/users': 750, 'GET /api/v1/users': 250 });
});

test('without a limit every request stays in the log', () => {
  const r = new RequestRecorder();
  for (let i = 0; i < 1000; i++) r.begin(request(i));
  expect(r.log()).toHaveLength(1000);
  expect(r.writes()[0].seq).toBe(1);
});
