import { Daemon } from '../../../src/daemon/daemon';
import type { Logger } from '../../../src/util/log';

function recordingLog() {
  const lines: string[] = [];
  const log: Logger = { error: (m) => lines.push(`error ${m}`), warn: (m) => lines.push(`warn ${m}`), info: (m) => lines.push(`info ${m}`), debug: () => {} };
  return { log, lines };
}

test('never two runs at once: a tick during a run is skipped and logged', async () => {
  const { log, lines } = recordingLog();
  let running = 0;
  let maxRunning = 0;
  let release!: () => void;
  const daemon = new Daemon({
    fullCron: '0 3 * * *',
    runOnStart: false,
    log,
    run: async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((r) => (release = r));
      running--;
    },
  });
  const first = daemon.tick('schedule');
  expect(first).toBeInstanceOf(Promise);
  expect(daemon.tick('schedule')).toBeUndefined();
  expect(lines.some((l) => /^warn a scheduled full run was skipped/.test(l))).toBe(true);
  release();
  await first;
  const third = daemon.tick('schedule');
  expect(third).toBeInstanceOf(Promise);
  release();
  await third;
  expect(maxRunning).toBe(1);
});

test('scheduled full ticks run full, incremental ticks run incremental, the first run after start is incremental when it can be', async () => {
  const { log } = recordingLog();
  const kinds: string[] = [];
  const daemon = new Daemon({ fullCron: '0 3 * * *', incrementalCron: '*/15 * * * *', runOnStart: true, log, run: async (_t, kind) => void kinds.push(kind) });
  await daemon.start();
  await daemon.tick('schedule', 'full');
  await daemon.tick('schedule', 'incremental');
  await daemon.stop('test');
  expect(kinds).toEqual(['incremental', 'full', 'incremental']);
});

test('stop aborts the run in progress through its signal and waits for it', async () => {
  const { log } = recordingLog();
  let sawAbort = false;
  const daemon = new Daemon({
    fullCron: '0 3 * * *',
    runOnStart: false,
    log,
    run: (_t, _k, signal) =>
      new Promise<void>((resolve) =>
        signal.addEventListener('abort', () => {
          sawAbort = true;
          setTimeout(resolve, 20); // the writes in flight finish
        }),
      ),
  });
  void daemon.tick('start');
  await daemon.stop('SIGTERM');
  expect(sawAbort).toBe(true);
  expect(daemon.running).toBe(false);
  expect(daemon.tick('schedule')).toBeUndefined();
});

test('a reload requested during a run happens after it; a failed reload keeps the old configuration', async () => {
  const { log, lines } = recordingLog();
  let release!: () => void;
  const reloads: string[] = [];
  let fail = false;
  const daemon = new Daemon({
    fullCron: '0 3 * * *',
    runOnStart: false,
    log,
    run: () => new Promise<void>((r) => (release = r)),
    reload: async () => {
      reloads.push('reload');
      if (fail) throw new Error('bad config');
      return { fullCron: '0 4 * * *', incrementalCron: '*/5 * * * *' };
    },
  });
  const run = daemon.tick('schedule')!;
  daemon.requestReload();
  expect(reloads).toEqual([]);
  release();
  await run;
  expect(reloads).toEqual(['reload']);
  expect(lines.some((l) => l.includes('schedule'))).toBe(true);
  fail = true;
  daemon.requestReload();
  await new Promise((r) => setImmediate(r));
  expect(lines.some((l) => l.startsWith('error configuration reload failed'))).toBe(true);
  await daemon.stop('test'); // the reload scheduled cron jobs
});
