import type { SourceRecord } from '../../../src/directory/types';
import { compileTemplate } from '../../../src/transform/expr/template';
import type { ExprIssue } from '../../../src/transform/expr/compile';
import type { Value } from '../../../src/transform/expr/values';
import { compilePipeline, type CompileError, type Pipeline, type TransformContext } from '../../../src/transform';

export const NOW = new Date('2025-01-15T10:00:00.000Z');

export function rec(attributes: Record<string, string | Buffer | (string | Buffer)[]>, extra: Partial<SourceRecord> = {}): SourceRecord {
  const attrs: SourceRecord['attributes'] = {};
  for (const [k, v] of Object.entries(attributes)) attrs[k.toLowerCase()] = Array.isArray(v) ? v : [v];
  return { anchor: 'anchor-1', dn: 'CN=Test User,OU=Staff,DC=corp,DC=example', disabled: false, attributes: attrs, ...extra };
}

/** Evaluate a template against a record (for function tests). Throws on compile issues. */
export function evalT(tpl: string, attributes: Record<string, string | Buffer | (string | Buffer)[]> = {}, extra: Partial<SourceRecord> = {}): Value {
  const issues: ExprIssue[] = [];
  const t = compileTemplate(tpl, { known: null, refs: new Set(), profileAttrs: null, rowColumns: null }, issues);
  if (issues.length) throw new Error(issues.map((i) => `${i.message} @${i.pos}`).join('; '));
  const r = rec(attributes, extra);
  return t.ev({ record: r, attrs: r.attributes, profile: {}, row: null, nowIso: NOW.toISOString() });
}

/** Compile issues of one template. */
export function issuesOf(tpl: string, known: string[] | null = null): ExprIssue[] {
  const issues: ExprIssue[] = [];
  compileTemplate(tpl, { known: known ? new Set(known.map((k) => k.toLowerCase())) : null, refs: new Set(), profileAttrs: null, rowColumns: null }, issues);
  return issues;
}

export function compileOk(steps: unknown, opts: { knownAttributes?: string[]; baseDir?: string } = {}): Pipeline {
  const r = compilePipeline(steps, { baseDir: opts.baseDir ?? __dirname, knownAttributes: opts.knownAttributes });
  if (!r.ok) throw new Error('unexpected compile errors: ' + JSON.stringify(r.errors, null, 1));
  return r.pipeline;
}

export function compileErrors(steps: unknown, opts: { knownAttributes?: string[]; baseDir?: string } = {}): CompileError[] {
  const r = compilePipeline(steps, { baseDir: opts.baseDir ?? __dirname, knownAttributes: opts.knownAttributes });
  if (r.ok) throw new Error('expected compile errors');
  return r.errors;
}

export function ctx(extra: Partial<TransformContext> = {}): TransformContext {
  return { now: NOW, ...extra };
}
