/** RateLimiter windows and ConcurrencyGate. */
import { ConcurrencyGate } from '../../../src/okta-sim/rate-limit/concurrency';
import { RateLimiter } from '../../../src/okta-sim/rate-limit/limiter';
import { WORKFORCE_LIMITS } from '../../../src/okta-sim/rate-limit/buckets';

test('a window opens at the first request, counts down, resets after windowMs; Reset = ceil(window end / 1000)', () => {
  let now = 10_300;
  const rl = new RateLimiter({ ...WORKFORCE_LIMITS, users: 2 }, 1000, () => now);
  expect(rl.peek('users')).toEqual({ limit: 2, remaining: 2, reset: 12 });
  expect(rl.consume('users')).toEqual({ allowed: true, windowStart: 10_300, limit: 2, remaining: 1, reset: 12 });
  now = 10_800;
  expect(rl.consume('users')).toMatchObject({ allowed: true, remaining: 0, reset: 12 });
  expect(rl.consume('users')).toMatchObject({ allowed: false, remaining: 0 });
  expect(rl.peek('groups')).toMatchObject({ limit: 500, remaining: 500 });
  now = 11_300;
  expect(rl.consume('users')).toEqual({ allowed: true, windowStart: 11_300, limit: 2, remaining: 1, reset: 13 });
});

test('with a phase, windows follow each other back to back whether requests come or not', () => {
  let now = 10_300;
  const rl = new RateLimiter({ ...WORKFORCE_LIMITS, users: 2 }, 1000, () => now, 250);
  expect(rl.peek('users')).toEqual({ limit: 2, remaining: 2, reset: 12 });
  expect(rl.consume('users')).toMatchObject({ allowed: true, windowStart: 10_250, remaining: 1, reset: 12 });
  now = 11_249;
  expect(rl.consume('users')).toMatchObject({ allowed: true, windowStart: 10_250, remaining: 0 });
  now = 11_250;
  expect(rl.consume('users')).toMatchObject({ allowed: true, windowStart: 11_250, remaining: 1, reset: 13 });
  now = 15_900; // windows passed without requests: the phase holds
  expect(rl.consume('users')).toMatchObject({ windowStart: 15_250, reset: 17 });
});

test('buckets are independent; limits and window length can change', () => {
  const now = 0;
  const rl = new RateLimiter({ ...WORKFORCE_LIMITS }, 60_000, () => now);
  rl.consume('users');
  expect(rl.peek('users').remaining).toBe(599);
  expect(rl.peek('userWrite').remaining).toBe(600);
  rl.setLimit('users', 1);
  expect(rl.consume('users').allowed).toBe(false);
  rl.setWindowMs(10);
  expect(rl.consume('users').allowed).toBe(true);
  rl.reset();
  expect(rl.peek('users').remaining).toBe(1);
});

test('concurrency gate', () => {
  const g = new ConcurrencyGate(2);
  expect([g.tryEnter(), g.tryEnter(), g.tryEnter()]).toEqual([true, true, false]);
  g.leave();
  expect(g.tryEnter()).toBe(true);
  expect(new ConcurrencyGate(undefined).tryEnter()).toBe(true);
});
