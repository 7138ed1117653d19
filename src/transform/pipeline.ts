/**
 * compilePipeline: validate the `transforms:` steps against the schema, compile every template,
 * condition and pattern once, and return a {@link Pipeline} — or every error at once, each with
 * its path relative to the steps list.
 *
 * The runner is a loop over compiled steps; a step returns a promise only when it really waits
 * (username, hook, validate.unique), so a pipeline of synchronous steps never allocates a promise
 * per step.
 */
import type { SourceRecord } from '../directory/types';
import { parseSteps, STEP_KINDS, type TransformStep } from './schema';
import { StepCompiler, type CompiledStep, type Path, type RunState } from './steps/common';
import { compileMap, compileSet } from './steps/map';
import { compileSkip, compileWhen } from './steps/flow';
import { compileNormalize } from './steps/normalize';
import { compileLookup } from './steps/lookup';
import { compileUsername } from './steps/username';
import { compileValidate } from './steps/validate';
import { compileHook } from './steps/hook';
import { oktaCharactersStep } from './steps/okta-characters';
import type {
  CompileError,
  CompileOptions,
  CompileResult,
  Pipeline,
  ProfileWrite,
  RunOptions,
  StepKind,
  TransformContext,
  TransformOutcome,
  Trace,
  TraceStep,
} from './types';

import { attributeOf, newProfile, profileValuesEqual, type Profile } from '../okta/profile';
import { TransformRunError } from './errors';
export { TransformRunError };

/** Thrown by {@link compilePipelineOrThrow}. */
export class PipelineCompileError extends Error {
  constructor(readonly errors: CompileError[]) {
    super(`invalid transforms:\n${errors.map((e) => `  ${e.path.join('.')}: ${e.message}`).join('\n')}`);
    this.name = 'PipelineCompileError';
  }
}

export function compilePipeline(steps: unknown, options: CompileOptions): CompileResult {
  const parsed = parseSteps(steps);
  if (!parsed.ok) return { ok: false, errors: parsed.issues };
  const known = options.knownAttributes ? new Set(options.knownAttributes.map((a) => a.toLowerCase())) : null;
  const c = new StepCompiler(known, options.baseDir);

  const compileSteps = (list: readonly TransformStep[], path: Path, parent: string): CompiledStep[] => {
    const out: CompiledStep[] = [];
    list.forEach((step, i) => {
      const kind = STEP_KINDS.find((k) => step[k] !== undefined)!;
      const own = `${kind}#${i}`;
      const name = step.name ?? (parent ? `${parent}/${own}` : own);
      const p: Path = [...path, i, kind];
      if (step.name !== undefined) {
        const dup = c.names.get(step.name);
        if (dup) c.error([...path, i, 'name'], `step name '${step.name}' is already used at ${dup.join('.')}`);
        else c.names.set(step.name, [...path, i]);
      }
      out.push(compileStep(kind, step, p, name));
    });
    return out;
  };

  const compileStep = (kind: StepKind, step: TransformStep, p: Path, name: string): CompiledStep => {
    switch (kind) {
      case 'map':
        return compileMap(c, p, name, step.map!);
      case 'set':
        return compileSet(c, p, name, step.set!);
      case 'skip':
        return compileSkip(c, p, name, step.skip!);
      case 'when':
        return compileWhen(c, p, name, step.when!, compileSteps, runSteps);
      case 'normalize':
        return compileNormalize(c, p, name, step.normalize!);
      case 'lookup':
        return compileLookup(c, p, name, step.lookup!);
      case 'username':
        return compileUsername(c, p, name, step.username!);
      case 'validate':
        return compileValidate(c, p, name, step.validate!);
      case 'hook':
        return compileHook(c, p, name, step.hook!);
    }
  };

  // whatever the steps say, characters Okta would refuse are quarantined (after every configured step)
  const top = [...compileSteps(parsed.steps, [], ''), oktaCharactersStep()];
  if (c.errors.length) return { ok: false, errors: c.errors };
  return { ok: true, pipeline: new CompiledPipeline(top, [...c.refs].sort(), c.writes, c.profileAttrs === null, c.usesAsync, c.resources) };
}

export function compilePipelineOrThrow(steps: unknown, options: CompileOptions): Pipeline {
  const r = compilePipeline(steps, options);
  if (!r.ok) throw new PipelineCompileError(r.errors);
  return r.pipeline;
}

class CompiledPipeline implements Pipeline {
  private nowMs = NaN;
  private nowIso = '';

  constructor(
    private readonly steps: CompiledStep[],
    readonly referencedAttributes: readonly string[],
    readonly profileWrites: readonly ProfileWrite[],
    readonly setsUnlistedAttributes: boolean,
    readonly hasAsyncSteps: boolean,
    private readonly resources: CompiledPipelineResources,
  ) {}

  async beginRun(): Promise<void> {
    await Promise.all(this.resources.map((r) => r.begin()));
  }

  async close(): Promise<void> {
    await Promise.all(this.resources.map((r) => r.close()));
  }

  run(record: SourceRecord, ctx: TransformContext, options?: RunOptions): Promise<TransformOutcome> {
    const t = ctx.now.getTime();
    if (t !== this.nowMs) {
      this.nowMs = t;
      this.nowIso = ctx.now.toISOString();
    }
    const st: RunState = {
      record,
      attrs: record.attributes,
      profile: newProfile(),
      row: null,
      nowIso: this.nowIso,
      ctx,
      findings: [],
      stop: null,
      loginSource: null,
      releases: null,
      trace: options?.trace ? [] : null,
    };
    let r: void | Promise<void>;
    try {
      r = runSteps(this.steps, st);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    if (r === undefined && (st.releases === null || st.stop === null)) return Promise.resolve(this.outcome(st));
    return (async () => {
      await r;
      if (st.stop && st.releases) for (const rel of st.releases) await rel();
      return this.outcome(st);
    })();
  }

  private outcome(st: RunState): TransformOutcome {
    const anchor = st.record.anchor;
    const trace = st.trace ? this.traceOf(st) : undefined;
    // a plain function, not a closure: outcome() runs for every record
    const withTrace = trace === undefined ? noTrace : <T extends object>(o: T): T => Object.assign(o, { trace });
    if (st.stop) {
      const { kind, step, reason } = st.stop;
      return withTrace({ kind, anchor, step, reason, findings: st.findings });
    }
    const login = st.profile.login;
    if (typeof login !== 'string' || login === '') {
      return withTrace({
        kind: 'quarantine' as const,
        anchor,
        step: 'pipeline',
        reason: 'no login: the pipeline did not set profile.login',
        findings: st.findings,
      });
    }
    return withTrace({ kind: 'ok' as const, anchor, profile: st.profile, login, loginSource: st.loginSource, findings: st.findings });
  }

  private traceOf(st: RunState): Trace {
    const source: Record<string, string[]> = {};
    for (const a of this.referencedAttributes) {
      const v = st.attrs[a];
      if (v) source[a] = v.map((x) => (typeof x === 'string' ? x : x.toString('base64')));
    }
    return { source, steps: st.trace! };
  }
}

type CompiledPipelineResources = StepCompiler['resources'];

const noTrace = <T extends object>(o: T): T => o;

/** Run `steps` in order until one stops the record. */
function runSteps(steps: readonly CompiledStep[], st: RunState, from = 0): void | Promise<void> {
  for (let i = from; i < steps.length; i++) {
    const step = steps[i];
    let r: void | Promise<void>;
    try {
      r = st.trace && !step.tracesItself ? traced(step, st) : step.exec(st);
    } catch (e) {
      failed(step, st, e);
      return;
    }
    if (r !== undefined) {
      return r.then(
        () => (st.stop ? undefined : runSteps(steps, st, i + 1)),
        (e) => failed(step, st, e),
      );
    }
    if (st.stop) return;
  }
}

/** A step threw: misuse and registry failures propagate; anything else quarantines the record only. */
function failed(step: CompiledStep, st: RunState, e: unknown): void {
  if (e instanceof TransformRunError) throw e;
  const err = e as Error;
  st.stop = { kind: 'quarantine', step: step.name, reason: `internal error in step '${step.name}': ${err?.message ?? String(e)}` };
}

function traced(step: CompiledStep, st: RunState): void | Promise<void> {
  const before: Profile = newProfile(st.profile);
  const done = () => {
    const after = st.profile;
    const changed: TraceStep['changed'] = {};
    for (const k in after) {
      // an attribute the step added counts as changed, even when it added null
      if (!(k in before) || !profileValuesEqual(before[k], after[k])) changed[k] = { before: attributeOf(before, k), after: after[k] };
    }
    for (const k in before) if (!(k in after)) changed[k] = { before: before[k], after: null };
    const entry: TraceStep = { step: step.name, kind: step.kind, changed, profile: newProfile(after) };
    if (st.stop) entry.outcome = st.stop.kind;
    st.trace!.push(entry);
  };
  const r = step.exec(st);
  if (r === undefined) {
    done();
    return;
  }
  return r.then(done);
}
