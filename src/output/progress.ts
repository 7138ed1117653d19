/**
 * A progress line for a person running `sync`, `plan` or `preflight` in a terminal (cli-progress;
 * this module is its only importer): entries read and records planned while the directory is
 * read, then writes applied of all with the rate and the time left, the rate capped by the pace the
 * rate-limit governor allows. Off (nothing at all is written) unless the command's output is a
 * terminal and not `--json`. While the line is shown, log lines go above it (`logStream`).
 *
 * Why cli-progress: CommonJS (the agent is), no native code, writes to the stream it is given,
 * renders a custom line through a format function, and keeps log output above the bar.
 */
import { Writable } from 'node:stream';
import { MultiBar, type SingleBar } from 'cli-progress';
import { formatDuration } from './forecast';

export type ProgressEvent =
  /** Reading and planning: directory entries returned, records planned. */
  | { phase: 'plan'; entriesRead: number; planned: number }
  /** Applying: Okta writes done, of all planned. */
  | { phase: 'apply'; applied: number; total: number };

export interface ProgressOptions {
  /** Where the line is drawn (stderr, so stdout stays the command's output). */
  stream: NodeJS.WritableStream;
  /** Only when the output is a terminal and not --json. */
  enabled: boolean;
  /** Writes per second the governor lets through, when known. */
  pace?: () => number | undefined;
  now?: () => number;
}

export interface ProgressView {
  /** Where log lines go: above the progress line while it is shown, else straight to the stream. */
  readonly logStream: NodeJS.WritableStream;
  update(e: ProgressEvent): void;
  /** Remove the line (before the command prints its result). */
  stop(): void;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

/** A rate over the last `windowMs`: (value, time) samples, oldest dropped. */
class Rate {
  private samples: [number, number][] = [];
  constructor(private readonly windowMs = 10_000) {}
  add(value: number, at: number): void {
    this.samples.push([at, value]);
    while (this.samples.length > 2 && at - this.samples[0][0] > this.windowMs) this.samples.shift();
  }
  /** Per second; undefined until two samples a moment apart. */
  get perSecond(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const [t0, v0] = this.samples[0];
    const [t1, v1] = this.samples[this.samples.length - 1];
    return t1 - t0 < 200 ? undefined : ((v1 - v0) * 1000) / (t1 - t0);
  }
  reset(): void {
    this.samples = [];
  }
}

/** The text of the line for an event (pure; the bar characters come from cli-progress). */
export function progressLine(e: ProgressEvent, rate: number | undefined, pace: number | undefined, bar: string): string {
  if (e.phase === 'plan') {
    return `reading  ${int(e.entriesRead)} entries · ${int(e.planned)} planned${rate !== undefined ? ` · ${int(rate)}/s` : ''}`;
  }
  const left = e.total - e.applied;
  // the time left at the rate seen, never faster than the governor lets writes through
  const speed = rate !== undefined && pace !== undefined ? Math.min(rate, pace) : (rate ?? pace);
  const eta = left <= 0 ? '0 s' : speed ? formatDuration(left / speed) : '—';
  const rateText = rate !== undefined ? `${rate.toFixed(1)}/s` : '—/s';
  return `applying ${bar} ${int(e.applied)}/${int(e.total)} writes · ${rateText}${pace !== undefined ? ` (Okta pace ${pace.toFixed(1)}/s)` : ''} · ETA ${eta}`;
}

const OFF: ProgressView = { logStream: new Writable({ write: (_c, _e, cb) => cb() }), update() {}, stop() {} };

export function startProgress(opts: ProgressOptions): ProgressView {
  if (!opts.enabled) return { ...OFF, logStream: opts.stream };
  const now = opts.now ?? Date.now;
  const rate = new Rate();
  let last: ProgressEvent | undefined;
  let phase: ProgressEvent['phase'] | undefined;
  const multi = new MultiBar({
    stream: opts.stream,
    clearOnComplete: true,
    hideCursor: true,
    linewrap: false,
    barsize: 24,
    fps: 5,
    format: (options, params) => {
      const filled = Math.round(params.progress * (options.barsize ?? 24));
      const bar = `[${'='.repeat(filled)}${' '.repeat((options.barsize ?? 24) - filled)}]`;
      return last ? progressLine(last, rate.perSecond, last.phase === 'apply' ? opts.pace?.() : undefined, bar) : '';
    },
  });
  let bar: SingleBar | undefined;
  let stopped = false;
  const logStream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      const text = String(chunk);
      if (bar && !stopped) multi.log(text.endsWith('\n') ? text : `${text}\n`);
      else opts.stream.write(text);
      cb();
    },
  });
  return {
    logStream,
    update(e) {
      if (stopped) return;
      const newPhase = e.phase !== phase;
      if (newPhase) {
        rate.reset();
        phase = e.phase;
      }
      last = e;
      const value = e.phase === 'plan' ? e.planned : e.applied;
      const total = e.phase === 'apply' ? Math.max(1, e.total) : Math.max(1, value);
      rate.add(value, now());
      if (!bar) bar = multi.create(total, value);
      else {
        bar.setTotal(total);
        bar.update(value);
      }
      // a new phase is drawn at once (a short one may be over before the next frame)
      if (newPhase) multi.update();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      multi.stop();
    },
  };
}
