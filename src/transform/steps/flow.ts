/** `skip` (drop a record by rule) and `when` (conditional block of nested steps). */
import { truthy } from '../expr/values';
import { newProfile } from '../../okta/profile';
import type { CompiledStep, Path, RunState, StepCompiler } from './common';
import type { TransformStep } from '../schema';

export function compileSkip(c: StepCompiler, path: Path, name: string, spec: { if: string; reason: string }): CompiledStep {
  const cond = c.condition([...path, 'if'], spec.if);
  const reason = c.template([...path, 'reason'], spec.reason).ev;
  return {
    name,
    kind: 'skip',
    exec(st) {
      if (truthy(cond(st))) {
        const r = reason(st);
        st.stop = { kind: 'skip', step: name, reason: typeof r === 'string' && r ? r : spec.reason };
      }
    },
  };
}

export type RunSteps = (steps: readonly CompiledStep[], st: RunState) => void | Promise<void>;
export type CompileSteps = (steps: readonly TransformStep[], path: Path, parentName: string) => CompiledStep[];

export function compileWhen(
  c: StepCompiler,
  path: Path,
  name: string,
  spec: { if: string; steps: TransformStep[]; else?: TransformStep[] },
  compileSteps: CompileSteps,
  runSteps: RunSteps,
): CompiledStep {
  const cond = c.condition([...path, 'if'], spec.if);
  // attributes assigned in either branch count as assigned afterwards (they may be null at run time)
  const before = c.profileAttrs ? new Set(c.profileAttrs) : null;
  const thenSteps = compileSteps(spec.steps, [...path, 'steps'], name);
  const afterThen = c.profileAttrs;
  c.profileAttrs = before ? new Set(before) : null;
  const elseSteps = spec.else ? compileSteps(spec.else, [...path, 'else'], name) : [];
  if (c.profileAttrs && afterThen) for (const a of afterThen) c.profileAttrs.add(a);
  else c.profileAttrs = null;
  return {
    name,
    kind: 'when',
    tracesItself: true,
    exec(st) {
      const yes = truthy(cond(st));
      const branch = yes ? thenSteps : elseSteps;
      if (st.trace) {
        st.trace.push({
          step: name,
          kind: 'when',
          changed: {},
          profile: newProfile(st.profile),
          note: yes ? 'condition true: steps' : spec.else ? 'condition false: else' : 'condition false: nothing to do',
        });
      }
      if (branch.length) return runSteps(branch, st);
    },
  };
}
