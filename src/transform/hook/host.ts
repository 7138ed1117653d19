/**
 * Runs a hook module in a worker thread, one record at a time, with a per-record time limit.
 *
 * Why worker_threads and not `vm` timeouts: a vm timeout only interrupts synchronous code in the
 * main thread (which it blocks meanwhile, starving the daemon's watchdog), cannot stop an async
 * hook whose promise never settles, and shares the main heap. A worker is preempted for real by
 * `terminate()` — a `while (true) {}` included —, has its own heap limit, and a crash takes only
 * the worker down. The cost is a structured clone per record (tens of microseconds).
 * After a timeout or crash the worker is replaced before the next record.
 *
 * The worker's code is worker.ts, a module like any other (type-checked, linted, importing the
 * stage's helpers). Compiled, it is worker.js next to this file. When this file runs as TypeScript
 * (under jest), the worker starts through ts-source.js, which transpiles worker.ts and what it
 * imports on the fly (see there why).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { HookRecord, HookWorkerData, RecordMessage, WorkerMessage } from './protocol';

const FROM_SOURCE = path.extname(__filename) === '.ts';
const WORKER_FILE = path.join(__dirname, FROM_SOURCE ? 'ts-source.js' : 'worker.js');

export type HookReply = { kind: 'result'; value: unknown } | { kind: 'error'; message: string } | { kind: 'timeout' };

interface Pending {
  id: number;
  record: HookRecord;
  resolve: (r: HookReply) => void;
}

export class HookHost {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private queue: Pending[] = [];
  private current: (Pending & { timer: NodeJS.Timeout }) | null = null;
  private nextId = 1;
  private closed = false;
  /** The worker has loaded the module and can take a record. */
  private live = false;

  constructor(
    readonly modulePath: string,
    readonly exportName: string,
    readonly timeoutMs: number,
    readonly memoryMb: number,
  ) {}

  /** Start the worker and load the module; rejects when the module cannot be loaded. */
  start(): Promise<void> {
    this.closed = false;
    if (!this.ready) this.ready = this.spawn();
    return this.ready;
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const workerData: HookWorkerData = { module: this.modulePath, exportName: this.exportName };
      if (FROM_SOURCE) workerData.source = path.join(__dirname, 'worker.ts');
      const w = new Worker(WORKER_FILE, {
        workerData,
        resourceLimits: { maxOldGenerationSizeMb: this.memoryMb },
        stdout: false,
        stderr: false,
      });
      w.unref();
      let started = false;
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') {
          started = true;
          this.live = true;
          resolve();
          this.pump();
          return;
        }
        if (m.type === 'load-error') {
          reject(new Error(`hook ${this.modulePath}: ${m.message}`));
          void w.terminate();
          return;
        }
        const cur = this.current;
        if (!cur || cur.id !== m.id) return; // a late answer to a record that already timed out
        this.finish(m.type === 'result' ? { kind: 'result', value: m.value } : { kind: 'error', message: m.message });
      });
      const onDeath = (why: string) => {
        if (this.worker !== w) return;
        this.worker = null;
        this.live = false;
        this.ready = null;
        if (!started) {
          reject(new Error(`hook ${this.modulePath}: worker stopped while loading (${why})`));
          return;
        }
        if (this.current) this.finish({ kind: 'error', message: `hook worker stopped: ${why}` });
        else this.pump();
      };
      w.on('error', (e) => onDeath(e.message));
      w.on('exit', (code) => onDeath(`exit code ${code}`));
      this.worker = w;
    });
  }

  /** Run the hook on one record. Never rejects: errors and timeouts are replies. */
  call(record: HookRecord): Promise<HookReply> {
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, record, resolve });
      this.pump();
    });
  }

  private pump(): void {
    if (this.current || this.queue.length === 0 || this.closed) return;
    if (!this.worker) {
      // replace a dead worker, then continue
      this.ready = this.spawn();
      this.ready.catch((e: Error) => {
        for (const p of this.queue.splice(0)) p.resolve({ kind: 'error', message: e.message });
      });
      return;
    }
    if (!this.live) return; // still loading: 'ready' pumps again
    const next = this.queue.shift()!;
    const timer = setTimeout(() => {
      const w = this.worker;
      this.worker = null;
      this.live = false;
      this.ready = null;
      this.finish({ kind: 'timeout' });
      if (w) void w.terminate();
    }, this.timeoutMs);
    this.current = { ...next, timer };
    try {
      this.worker.postMessage({ id: next.id, record: next.record } satisfies RecordMessage);
    } catch (e) {
      this.finish({ kind: 'error', message: `cannot send the record to the hook: ${(e as Error).message}` });
    }
  }

  private finish(r: HookReply): void {
    const cur = this.current;
    if (!cur) return;
    clearTimeout(cur.timer);
    this.current = null;
    cur.resolve(r);
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    this.live = false;
    this.ready = null;
    for (const p of this.queue.splice(0)) p.resolve({ kind: 'error', message: 'pipeline closed' });
    if (this.current) this.finish({ kind: 'error', message: 'pipeline closed' });
    if (w) await w.terminate();
  }
}
