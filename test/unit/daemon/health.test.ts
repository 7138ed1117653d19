import { evaluateHealth, staleAfterFromSchedule, type FinishedRun } from '../../../src/daemon/health';
import { watchdogInterval } from '../../../src/daemon/notify';
import { parseListen } from '../../../src/daemon/schema';
import { ServiceMonitor } from '../../../src/daemon/service';

const T0 = new Date('2026-03-01T12:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const run = (o: Partial<FinishedRun> = {}): FinishedRun => ({
  runId: 7,
  mode: 'incremental',
  outcome: 'ok',
  endedAt: T0,
  failed: 0,
  quarantined: 0,
  summary: 'read 1',
  ...o,
});
const base = { staleAfterMs: 40 * 60_000, stalledAfterMs: 30 * 60_000 };

describe('evaluateHealth', () => {
  test('200 while the last run succeeded recently; quarantined records alone do not make it unhealthy', () => {
    expect(evaluateHealth({ ...base, now: at(5), lastRun: run() })).toEqual({ ok: true, reason: 'ok: run 7 (incremental) succeeded 5 min ago' });
    expect(evaluateHealth({ ...base, now: at(5), lastRun: run({ outcome: 'quarantined', quarantined: 3 }) })).toEqual({
      ok: true,
      reason: 'ok: run 7 (incremental) succeeded 5 min ago, 3 records quarantined',
    });
  });

  test('503 with the reason after a failed, stopped or interrupted run, or one with failed writes', () => {
    const cases: [Partial<FinishedRun>, string][] = [
      [{ outcome: 'failed', error: 'directory error (bind): invalid credentials' }, 'run 7 (incremental) failed: directory error (bind): invalid credentials'],
      [{ outcome: 'stopped' }, 'run 7 (incremental) was stopped by a safeguard before any write'],
      [{ outcome: 'interrupted' }, 'run 7 (incremental) was interrupted'],
      [{ outcome: 'quarantined', failed: 2 }, 'run 7 (incremental) finished with 2 failed writes'],
    ];
    for (const [r, reason] of cases) expect(evaluateHealth({ ...base, now: at(1), lastRun: run(r) })).toEqual({ ok: false, reason });
  });

  test('503 before any run finished, and when the last success is older than the schedule allows', () => {
    expect(evaluateHealth({ ...base, now: T0 })).toEqual({ ok: false, reason: 'no run has finished yet' });
    expect(evaluateHealth({ ...base, now: T0, current: { mode: 'full', startedAt: T0, lastProgressAt: T0 } }).ok).toBe(false);
    expect(evaluateHealth({ ...base, now: at(41), lastRun: run() })).toEqual({
      ok: false,
      reason: 'the last successful run ended 41 min ago, more than 40 min: scheduled runs are not happening',
    });
  });

  test('a long run in progress after a success is healthy while it makes progress, unhealthy once stuck', () => {
    const current = { mode: 'full', startedAt: at(10), lastProgressAt: at(100) };
    expect(evaluateHealth({ ...base, now: at(120), lastRun: run(), current }).ok).toBe(true);
    expect(evaluateHealth({ ...base, now: at(130), lastRun: run(), current })).toEqual({
      ok: false,
      reason: 'the full run has read nothing and sent nothing to Okta for 30 min: stuck',
    });
  });
});

test('staleAfterFromSchedule: twice the longest gap between the merged schedules, plus 10 minutes', () => {
  const every15 = [0, 15, 30, 45].map(at);
  const nightly = [at(24 * 60)];
  expect(staleAfterFromSchedule([every15])).toBe((2 * 15 + 10) * 60_000);
  expect(staleAfterFromSchedule([nightly, every15])).toBe((2 * (24 * 60 - 45) + 10) * 60_000);
});

test('ServiceMonitor: progress keeps a run alive for the watchdog; the status line has the run, the last outcome and the next run', () => {
  let now = T0;
  let work = 0;
  const m = new ServiceMonitor({ now: () => now, staleAfterMs: () => 3_600_000, stalledAfterMs: () => 60_000, nextRun: () => at(15), progress: () => work });
  expect(m.statusText()).toBe('no run yet; next run 2026-03-01 12:15:00Z');
  m.runStarted('incremental');
  now = at(0.9);
  expect(m.alive()).toBe(true);
  work = 5;
  now = at(1.5);
  expect(m.alive()).toBe(true); // it did work since the last look
  now = at(2.6);
  expect(m.alive()).toBe(false); // nothing for more than a minute
  expect(m.statusText()).toBe('run in progress since 2026-03-01 12:00:00Z; next run 2026-03-01 12:15:00Z');
  m.runEnded(run({ runId: 8, endedAt: at(3), outcome: 'failed', error: 'directory error (unreachable): connect ECONNREFUSED' }));
  expect(m.alive()).toBe(true);
  expect(m.statusText()).toBe(
    'last run 8 (incremental) failed at 2026-03-01 12:03:00Z: directory error (unreachable): connect ECONNREFUSED; next run 2026-03-01 12:15:00Z',
  );
  expect(m.health().ok).toBe(false);
  m.runStarted('incremental');
  m.runEnded(run({ runId: 9, endedAt: at(4), summary: 'read 10, created 1' }));
  expect(m.statusText()).toBe('last run 9 (incremental) ok at 2026-03-01 12:04:00Z: read 10, created 1; next run 2026-03-01 12:15:00Z');
  expect(m.health().ok).toBe(true);
  expect(m.lastSuccess).toEqual(at(4));
});

test('parseListen: host:port, [IPv6]:port, or a port alone on loopback; nonsense refused', () => {
  expect(parseListen('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
  expect(parseListen('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
  expect(parseListen('9464')).toEqual({ host: '127.0.0.1', port: 9464 });
  expect(parseListen('metrics.internal:80')).toEqual({ host: 'metrics.internal', port: 80 });
  for (const bad of ['', '127.0.0.1', ':9464', '1.2.3.4:70000', 'http://127.0.0.1:9464', '::1:9464']) expect(parseListen(bad)).toBeUndefined();
});

test('watchdogInterval: half of WATCHDOG_USEC, only for the process WATCHDOG_PID names', () => {
  expect(watchdogInterval({ WATCHDOG_USEC: '120000000' }, 42)).toBe(60_000);
  expect(watchdogInterval({ WATCHDOG_USEC: '120000000', WATCHDOG_PID: '42' }, 42)).toBe(60_000);
  expect(watchdogInterval({ WATCHDOG_USEC: '120000000', WATCHDOG_PID: '41' }, 42)).toBeUndefined();
  expect(watchdogInterval({}, 42)).toBeUndefined();
  expect(watchdogInterval({ WATCHDOG_USEC: 'x' }, 42)).toBeUndefined();
});
