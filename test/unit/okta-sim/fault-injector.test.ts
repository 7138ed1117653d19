/** FaultInjector rule matching, counting and determinism. */
import { endpointMatcher, FaultInjector } from '../../../src/okta-sim/faults/injector';

test('endpoint patterns: exact, method wildcard, path glob, bare path, RegExp, none', () => {
  expect(endpointMatcher('POST /api/v1/users')('POST /api/v1/users')).toBe(true);
  expect(endpointMatcher('POST /api/v1/users')('GET /api/v1/users')).toBe(false);
  expect(endpointMatcher('POST /api/v1/users')('POST /api/v1/users/{id}')).toBe(false);
  expect(endpointMatcher('* /api/v1/users/{id}')('DELETE /api/v1/users/{id}')).toBe(true);
  expect(endpointMatcher('post /api/v1/users/*')('POST /api/v1/users/{id}/lifecycle/suspend')).toBe(true);
  expect(endpointMatcher('/api/v1/groups')('PUT /api/v1/groups')).toBe(true);
  expect(endpointMatcher(/lifecycle\/(suspend|unsuspend)$/)('POST /api/v1/users/{id}/lifecycle/unsuspend')).toBe(true);
  expect(endpointMatcher(undefined)('GET /x')).toBe(true);
});

test('latency rules add up; the first terminal rule wins; times counts firings', () => {
  const f = new FaultInjector(1);
  f.latency(10);
  f.latency(5, 'GET /a');
  const first = f.next(1, 'GET /a', { type: 'error500' });
  f.next(5, 'GET /a', { type: 'html502' });
  expect(f.plan('GET /a')).toMatchObject({ latencyMs: 15, terminal: { type: 'error500' } });
  expect(f.plan('GET /a')).toMatchObject({ latencyMs: 15, terminal: { type: 'html502' } });
  expect(f.plan('GET /b')).toMatchObject({ latencyMs: 10 });
  expect(f.plan('GET /b').terminal).toBeUndefined();
  expect([first.fired, first.remaining]).toEqual([1, 0]);
  first.remove();
  f.clear();
  expect(f.size).toBe(0);
});

test('after: the first matching requests go through, then the rule fires', () => {
  const f = new FaultInjector(1);
  const second = f.add({ endpoint: 'GET /a', after: 1, times: 1, action: { type: 'error500' } });
  expect(f.plan('GET /b').terminal).toBeUndefined();
  expect(f.plan('GET /a').terminal).toBeUndefined();
  expect(f.plan('GET /a').terminal).toEqual({ type: 'error500' });
  expect(f.plan('GET /a').terminal).toBeUndefined();
  expect([second.fired, second.remaining]).toEqual([1, 0]);
  expect(() => f.add({ after: -1, action: { type: 'drop' } })).toThrow();
});

test('a rule that did not fire is not counted; rates are reproducible per seed', () => {
  const rolls = (seed: number) => {
    const f = new FaultInjector(seed);
    f.add({ rate: 0.5, action: { type: 'drop' } });
    return Array.from({ length: 32 }, () => (f.plan('GET /x').terminal ? 1 : 0));
  };
  expect(rolls(9)).toEqual(rolls(9));
  expect(rolls(9)).not.toEqual(rolls(10));
  const f = new FaultInjector(1);
  f.add({ rate: 0, action: { type: 'error500' } });
  expect(f.plan('GET /x').fired).toEqual([]);
  expect(() => f.add({ rate: 2, action: { type: 'error500' } })).toThrow();
});
