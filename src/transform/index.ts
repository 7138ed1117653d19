/**
 * Transform stage: directory record → Okta profile, through the `transforms:` steps of the config.
 * See README.md in this folder for the expression language and every step.
 */
export { compilePipeline, compilePipelineOrThrow, PipelineCompileError } from './pipeline';
export { TransformRunError } from './errors';
export { transformsSchema, stepSchema, STEP_KINDS } from './schema';
export type { TransformStep, TransformsConfig } from './schema';
export { InMemoryLoginRegistry, InMemoryUniqueRegistry } from './registries';
export { asciiFold, transliterate } from './text/fold';
export type { HookRecord } from './hook/protocol';
export type * from './types';
