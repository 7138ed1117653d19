/**
 * The hook worker thread (started by host.ts, which says why a worker). It loads the hook module
 * the config names — `require`d, or `import`ed when it is an ES module — and runs it on one record
 * at a time. Nothing from the YAML is evaluated: the config only names the module.
 *
 * The helpers handed to the hook are the stage's own functions (the same code the main thread
 * runs, so a hook and a template give the same answers).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { normalizeLogin } from '../../okta/profile';
import { asciiFold, transliterate } from '../text/fold';
import { toE164 } from '../text/phone';
import type { HookRecord, HookWorkerData, RecordMessage, WorkerMessage } from './protocol';

/** The second argument of a hook (documented in src/transform/README.md). */
const helpers = Object.freeze({
  asciiFold,
  transliterate,
  oktaLoginKey: normalizeLogin,
  /** E.164, or null when the value is not a valid number (`region`: the default country). */
  toE164: (raw: unknown, region?: unknown): string | null => toE164(String(raw), region ? String(region) : undefined).e164,
});

type Hook = (record: HookRecord, h: typeof helpers) => unknown;

const isHook = (f: unknown): f is Hook => typeof f === 'function';

/** The function the config names: a named export, or for 'default' the module itself or its default export (also as transpiled CommonJS). */
function pick(mod: unknown, name: string): Hook | null {
  const m = mod as Record<string, unknown> | null | undefined;
  if (name !== 'default') return isHook(m?.[name]) ? m[name] : null;
  if (isHook(mod)) return mod;
  const d = m?.default as Record<string, unknown> | null | undefined;
  if (isHook(d)) return d;
  return isHook(d?.default) ? d.default : null;
}

async function load(data: HookWorkerData): Promise<Hook> {
  let mod: unknown;
  try {
    // the module is named at run time; CommonJS hooks load with require, as they always have
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(data.module);
  } catch (e) {
    if ((e as { code?: string } | null)?.code !== 'ERR_REQUIRE_ESM') throw e;
    mod = await import(pathToFileURL(data.module).href);
  }
  const fn = pick(mod, data.exportName);
  if (!fn) throw new Error(`the module does not export a function named ${JSON.stringify(data.exportName)}`);
  return fn;
}

/** Structured clone turns Buffers into Uint8Arrays: make them Buffers again. */
function revive(record: HookRecord): HookRecord {
  const attrs = record.attributes;
  for (const k of Object.keys(attrs)) {
    attrs[k] = attrs[k].map((v: string | Uint8Array) =>
      v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v,
    );
  }
  return record;
}

/** A thrown value's message (or stack), else the value as text. */
function describe(e: unknown, key: 'message' | 'stack'): string {
  const text = (e as Record<string, unknown> | null | undefined)?.[key];
  return text ? String(text) : String(e);
}

function serve(port: MessagePort, hook: Hook): void {
  const send = (m: WorkerMessage) => port.postMessage(m);
  port.on('message', (msg: RecordMessage) => {
    void (async () => {
      let value: unknown;
      try {
        value = await hook(revive(msg.record), helpers);
      } catch (e) {
        send({ type: 'error', id: msg.id, message: describe(e, 'message') });
        return;
      }
      try {
        send({ type: 'result', id: msg.id, value });
      } catch (e) {
        send({ type: 'error', id: msg.id, message: `the hook returned a value that cannot be copied: ${describe(e, 'message')}` });
      }
    })();
  });
}

function main(port: MessagePort | null): void {
  if (!port) throw new Error('hook/worker runs as a worker thread (started by hook/host.ts)');
  load(workerData as HookWorkerData).then(
    (hook) => {
      serve(port, hook);
      port.postMessage({ type: 'ready' } satisfies WorkerMessage);
    },
    (e: unknown) => port.postMessage({ type: 'load-error', message: describe(e, 'stack') } satisfies WorkerMessage),
  );
}

main(parentPort);
