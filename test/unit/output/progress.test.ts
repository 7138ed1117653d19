/**
 * The progress line: what it says in each phase (rate, ETA capped by the governor's pace), that it
 * is drawn only when enabled (a terminal, not --json), and that log lines go above it.
 */
import { PassThrough } from 'node:stream';
import { progressLine, startProgress } from '../../../src/output/progress';

/** A stream that says it is a terminal, collecting what is written. */
function tty() {
  const stream = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; rows: number };
  stream.isTTY = true;
  stream.columns = 160;
  stream.rows = 40;
  let out = '';
  stream.on('data', (d) => (out += d));
  return { stream, out: () => out };
}

const visible = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

test('progressLine: read and planned counts; writes of all with the rate, the Okta pace and the time left', () => {
  expect(progressLine({ phase: 'plan', entriesRead: 12345, planned: 12000 }, 1500, undefined, '')).toBe('reading  12,345 entries · 12,000 planned · 1,500/s');
  const bar = '[==  ]';
  // 1000 left at 4/s measured, the governor allows 5/s: 1000/4 s
  expect(progressLine({ phase: 'apply', applied: 4000, total: 5000 }, 4, 5, bar)).toBe(
    'applying [==  ] 4,000/5,000 writes · 4.0/s (Okta pace 5.0/s) · ETA 4 min 10 s',
  );
  // measured faster than the governor allows (a burst): the ETA follows the governor's pace
  expect(progressLine({ phase: 'apply', applied: 0, total: 600 }, 50, 5, bar)).toMatch(/ETA 2 min$/);
  // nothing measured yet: the governor's pace alone; nothing known at all: no ETA
  expect(progressLine({ phase: 'apply', applied: 0, total: 300 }, undefined, 5, bar)).toMatch(/—\/s \(Okta pace 5\.0\/s\) · ETA 1 min$/);
  expect(progressLine({ phase: 'apply', applied: 0, total: 300 }, undefined, undefined, bar)).toMatch(/ETA —$/);
});

test('on a terminal: the line is drawn and updated, log lines go above it, stop clears it', async () => {
  const t = tty();
  let clock = 0;
  const p = startProgress({ stream: t.stream, enabled: true, pace: () => 5, now: () => clock });
  p.update({ phase: 'plan', entriesRead: 10, planned: 10 });
  clock = 1000;
  p.update({ phase: 'plan', entriesRead: 510, planned: 500 });
  await new Promise((r) => setTimeout(r, 250));
  p.logStream.write('info  full run: no watermark yet\n');
  clock = 2000;
  p.update({ phase: 'apply', applied: 0, total: 20 });
  clock = 3000;
  p.update({ phase: 'apply', applied: 4, total: 20 });
  await new Promise((r) => setTimeout(r, 250));
  p.stop();
  const text = visible(t.out());
  expect(text).toContain('reading  510 entries · 500 planned · 490/s');
  expect(text).toContain('info  full run: no watermark yet');
  expect(text).toMatch(/applying \[=+ +\] 4\/20 writes · 4\.0\/s \(Okta pace 5\.0\/s\) · ETA 4 s/);
  p.update({ phase: 'apply', applied: 5, total: 20 }); // after stop: nothing
  const after = t.out().length;
  await new Promise((r) => setTimeout(r, 250));
  expect(t.out().length).toBe(after);
});

test('off (not a terminal, or --json): nothing is drawn and log lines pass straight through', async () => {
  const t = tty();
  const p = startProgress({ stream: t.stream, enabled: false });
  p.update({ phase: 'apply', applied: 1, total: 2 });
  p.logStream.write('a log line\n');
  await new Promise((r) => setTimeout(r, 250));
  p.stop();
  expect(t.out()).toBe('a log line\n');
});
