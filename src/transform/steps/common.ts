/**
 * What every step shares: the per-record run state, the compiled-step shape, and the compile-time
 * context (error collection with YAML paths, expression environments, run resources).
 */
import type { SourceRecord } from '../../directory/types';
import type { ExprIssue, CompileEnv } from '../expr/compile';
import { compileCondition, compileTemplate, type CompiledTemplate } from '../expr/template';
import type { EvalScope, Ev } from '../expr/scope';
import type { Value } from '../expr/values';
import type { ProfileValue } from '../../okta/profile';
import type { CompileError, Finding, FindingType, MaybePromise, ProfileWrite, StepKind, TraceStep, TransformContext } from '../types';

export interface RunState extends EvalScope {
  record: SourceRecord;
  ctx: TransformContext;
  findings: Finding[];
  /** Set by a step that ends the record. */
  stop: { kind: 'skip' | 'quarantine'; step: string; reason: string } | null;
  loginSource: string | null;
  /** Undo actions for in-run claims, run when the record does not end ok. */
  releases: (() => MaybePromise<void>)[] | null;
  trace: TraceStep[] | null;
}

export interface CompiledStep {
  name: string;
  kind: StepKind;
  /** Returns a promise only when the step really waits (registries, hooks). */
  exec(st: RunState): void | Promise<void>;
  /** `when` records its own trace entries (branch, then nested steps). */
  tracesItself?: boolean;
}

/** Something a step needs per run: lookup indexes, hook workers. */
export interface RunResource {
  begin(): Promise<void>;
  close(): Promise<void>;
}

export type Path = (string | number)[];

export class StepCompiler {
  readonly errors: CompileError[] = [];
  readonly refs = new Set<string>();
  readonly resources: RunResource[] = [];
  /** Profile attributes assigned so far (static); null once a hook ran (it may set anything). */
  profileAttrs: Set<string> | null = new Set();
  /** Every attribute a step sets, with the step and the key path (a hook's are not known). */
  readonly writes: ProfileWrite[] = [];
  usesAsync = false;
  readonly names = new Map<string, Path>();

  constructor(
    readonly known: ReadonlySet<string> | null,
    readonly baseDir: string,
  ) {}

  error(path: Path, message: string): void {
    this.errors.push({ path, message });
  }

  env(rowColumns: Set<string> | null = null): CompileEnv {
    return { known: this.known, refs: this.refs, profileAttrs: this.profileAttrs, rowColumns };
  }

  private report(path: Path, src: string, issues: ExprIssue[]): void {
    for (const i of issues) this.error(path, `${i.message} (at column ${i.pos + 1} of "${src}")`);
  }

  template(path: Path, src: string, rowColumns: Set<string> | null = null): CompiledTemplate {
    const issues: ExprIssue[] = [];
    const t = compileTemplate(src, this.env(rowColumns), issues);
    this.report(path, src, issues);
    return t;
  }

  condition(path: Path, src: string): Ev {
    const issues: ExprIssue[] = [];
    const ev = compileCondition(src, this.env(), issues);
    this.report(path, src, issues);
    return ev;
  }

  /** Check that profile attributes a step reads were set by an earlier step. */
  checkProfileAttrs(path: Path, names: readonly string[]): void {
    if (!this.profileAttrs) return;
    names.forEach((n, i) => {
      if (!this.profileAttrs!.has(n)) {
        const hint = closestAttr(n, this.profileAttrs!);
        this.error([...path, i], `profile attribute '${n}' is not set by an earlier step${hint}`);
      }
    });
  }

  /** Step `step` sets these attributes, each at its key path. */
  assigned(step: string, writes: Iterable<[attribute: string, path: Path]>): void {
    for (const [attribute, path] of writes) {
      this.writes.push({ attribute, step, path });
      if (this.profileAttrs) this.profileAttrs.add(attribute);
    }
  }
}

import { didYouMean } from '../suggest';
function closestAttr(n: string, set: Set<string>): string {
  return didYouMean(n, set);
}

/** An expression value as an Okta profile value: '' and [] become null, Buffers base64, lists of text. */
export function toProfileValue(v: Value): ProfileValue {
  if (typeof v === 'string') return v === '' ? null : v;
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  if (Buffer.isBuffer(v)) return v.toString('base64');
  const out: string[] = [];
  for (const x of v) {
    const p = toProfileValue(x);
    if (p === null) continue;
    if (Array.isArray(p)) for (const e of p) out.push(String(e));
    else out.push(String(p));
  }
  return out.length ? out : null;
}

export function finding(
  st: RunState,
  type: FindingType,
  step: string,
  attribute: string | null,
  before?: ProfileValue,
  after?: ProfileValue,
  message?: string,
): Finding {
  const f: Finding = { type, step, attribute };
  if (before !== undefined) f.before = before;
  if (after !== undefined) f.after = after;
  if (message !== undefined) f.message = message;
  st.findings.push(f);
  return f;
}

export function quarantine(st: RunState, step: string, reason: string): void {
  st.stop = { kind: 'quarantine', step, reason };
}

/** Present = not null/undefined/''/[]. */
export function present(v: ProfileValue | undefined): boolean {
  return v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
}
