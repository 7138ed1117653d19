/**
 * The semantic check of the `transforms:` section (its schema: schema.ts): the steps compile, so
 * a bad expression, an unknown function or an attribute the source does not read fails
 * `config validate`, not the 3 a.m. run.
 */
import type { CheckIssue } from '../util/config-check';
import { compilePipeline } from './pipeline';
import type { CompileOptions } from './types';

/**
 * Compile the steps and report every compile error on its key path from the config root. Without
 * `knownAttributes` (the source section is invalid) attribute names are not checked.
 */
export function checkTransforms(steps: unknown, opts: CompileOptions): CheckIssue[] {
  const compiled = compilePipeline(steps, opts);
  if (compiled.ok) {
    void compiled.pipeline.close();
    return [];
  }
  return compiled.errors.map((e) => ({ path: ['transforms', ...e.path], message: e.message }));
}
