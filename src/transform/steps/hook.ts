/**
 * `hook`: the escape hatch. A JS module (path relative to the config file's directory) exports
 * `(record, helpers) => record | { quarantine: reason } | { skip: reason }`, sync or async. It runs
 * in a worker thread (see hook/host.ts) with a per-record time limit; a hook that throws, times
 * out, loops forever or returns a malformed profile quarantines that record only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HookHost } from '../hook/host';
import type { HookConfig } from '../schema';
import { newProfile, type Profile } from '../../okta/profile';
import { TransformRunError } from '../errors';
import { finding, quarantine, type CompiledStep, type Path, type RunState, type StepCompiler } from './common';

export function compileHook(c: StepCompiler, p: Path, name: string, spec: HookConfig): CompiledStep {
  const file = path.resolve(c.baseDir, spec.module);
  if (!fs.existsSync(file)) c.error([...p, 'module'], `hook module '${spec.module}' not found (looked at ${file})`);
  c.profileAttrs = null; // a hook may set any attribute
  c.usesAsync = true;
  const host = new HookHost(file, spec.export, spec.timeoutMs, spec.memoryMb);
  let started = false;
  c.resources.push({
    async begin() {
      await host.start();
      started = true;
    },
    async close() {
      started = false;
      await host.close();
    },
  });

  async function exec(st: RunState): Promise<void> {
    if (!started) throw new TransformRunError(`hook step '${name}': beginRun() was not called`);
    const r = st.record;
    const reply = await host.call({ anchor: r.anchor, dn: r.dn, disabled: r.disabled, attributes: r.attributes, profile: st.profile });
    if (reply.kind === 'timeout') {
      const msg = `hook did not finish within ${spec.timeoutMs} ms`;
      finding(st, 'hook.timeout', name, null, undefined, undefined, msg);
      quarantine(st, name, msg);
      return;
    }
    if (reply.kind === 'error') {
      const msg = `hook failed: ${reply.message}`;
      finding(st, 'hook.error', name, null, undefined, undefined, msg);
      quarantine(st, name, msg);
      return;
    }
    const v = reply.value as Record<string, unknown> | null;
    if (v && typeof v === 'object' && typeof v.quarantine === 'string') {
      finding(st, 'hook.quarantine', name, null, undefined, undefined, v.quarantine);
      quarantine(st, name, v.quarantine);
      return;
    }
    if (v && typeof v === 'object' && typeof v.skip === 'string') {
      st.stop = { kind: 'skip', step: name, reason: v.skip };
      return;
    }
    const problem = checkProfile(v);
    if (typeof problem === 'string') {
      const msg = `hook returned an invalid record: ${problem}`;
      finding(st, 'hook.error', name, null, undefined, undefined, msg);
      quarantine(st, name, msg);
      return;
    }
    st.profile = problem;
  }

  return { name, kind: 'hook', exec };
}

/** The returned record's profile, or what is wrong with it. */
function checkProfile(v: Record<string, unknown> | null): Profile | string {
  if (!v || typeof v !== 'object') return `expected the record (an object), got ${v === null ? 'null' : typeof v}`;
  const prof = v.profile as Record<string, unknown> | undefined;
  if (!prof || typeof prof !== 'object' || Array.isArray(prof)) return 'it has no profile object';
  const out: Profile = newProfile();
  for (const [k, x] of Object.entries(prof)) {
    if (x === undefined) continue;
    if (x === null || typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x))) {
      out[k] = x;
    } else if (Array.isArray(x) && x.every((e) => typeof e === 'string')) {
      out[k] = x;
    } else {
      return `profile.${k} is not a string, number, boolean, list of strings or null`;
    }
  }
  return out;
}
